// send: single POST /v1/sms/send over 50 keep-alive connections for 10 s after a 2 s warm-up.
// Counts only 202s (any other status fails the run), checks the balance moved by that many credits
// (each 202 was committed), and reports accepted/s, p50/p99 latency and the gateway's CPU use.
// BENCH_NODES=N (run.mjs --nodes, PostgreSQL only) starts N gateways on one database and splits
// the connections across them; BENCH_PG_DATA (run.mjs's own cluster) adds the database's CPU use.
import autocannon from 'autocannon';
import { createBenchAccount, indianNumbers, message } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { allProcesses, cpuMeter, cpuSeconds, postgresCpu, postgresKind, postmasterPid } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, monotonicUs, percentile, round, runBench } from '../lib/report.mjs';

const connections = Number(process.env.BENCH_SEND_CONNECTIONS ?? 50);
const nodes = Number(process.env.BENCH_NODES ?? 1);
const warmupSeconds = Number(process.env.BENCH_SEND_WARMUP_S ?? 2);
const seconds = Number(process.env.BENCH_SEND_DURATION_S ?? 10);
const credits = 100_000_000;
// Diagnostic: schedule every message this far ahead, so nothing is dispatched during the run and
// only the accept path (HTTP -> validate -> commit) is measured.
const scheduleAheadS = Number(process.env.BENCH_SEND_SCHEDULE_AHEAD_S ?? 0);

/**
 * One autocannon run: every status seen, the latencies of the 202s (ms, float), and how many 202s
 * arrived within `durationS` of the start. (autocannon's wall time also covers waiting out the
 * requests in flight at the end, so it is not the denominator.)
 */
function load(gateway, apiKey, bodies, durationS, connectionCount) {
  const latencies = [];
  const statuses = new Map();
  let inWindow = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const windowEnd = started + durationS * 1000;
    const instance = autocannon({
      url: gateway.url,
      connections: connectionCount,
      pipelining: 1,
      duration: durationS,
      timeout: 10,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      // Static requests, cycled by each connection: autocannon builds their bytes once. (A
      // setupRequest hook rebuilds every request and capped the client near 12k req/s here.)
      requests: bodies.map((body) => ({ method: 'POST', path: '/v1/sms/send', body })),
    }, (error, result) => {
      if (error) return reject(error);
      resolve({ result, latencies, statuses, inWindow, wallS: (performance.now() - started) / 1000 });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      if (statusCode !== 202) return;
      latencies.push(responseTime);
      if (performance.now() <= windowEnd) inWindow++;
    });
  });
}

/** One load phase on every node at once: `connections` split across them, results merged. */
async function loadAll(gateways, apiKey, bodiesPerNode, durationS) {
  const runs = await Promise.all(gateways.map((g, i) => {
    const share = Math.floor(connections / gateways.length) + (i < connections % gateways.length ? 1 : 0);
    return load(g, apiKey, bodiesPerNode[i], durationS, share);
  }));
  const statuses = new Map();
  for (const r of runs) for (const [code, n] of r.statuses) statuses.set(code, (statuses.get(code) ?? 0) + n);
  return {
    result: { errors: runs.reduce((a, r) => a + r.result.errors, 0), timeouts: runs.reduce((a, r) => a + r.result.timeouts, 0) },
    latencies: runs.flatMap((r) => r.latencies),
    statuses,
    inWindow: runs.reduce((a, r) => a + r.inWindow, 0),
    perNode: runs.map((r) => r.inWindow),
    wallS: Math.max(...runs.map((r) => r.wallS)),
  };
}

function check(run, phase) {
  const { result, statuses } = run;
  const others = [...statuses].filter(([code]) => code !== 202);
  if (others.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${phase}: non-202 responses ${JSON.stringify(Object.fromEntries(others))}, errors ${result.errors}, timeouts ${result.timeouts}`);
  }
  return statuses.get(202) ?? 0;
}

await runBench('send', 90_000, async () => {
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`BENCH_NODES must be a whole number ≥ 1, not ${process.env.BENCH_NODES}`);
  if (nodes > 1 && !process.env.BENCH_PG_URL) throw new Error('several nodes need PostgreSQL (run.mjs --store postgres): SQLite is one node\'s file');
  if (connections < nodes) throw new Error(`${connections} connections cannot be split across ${nodes} nodes`);
  const postmaster = process.env.BENCH_PG_DATA ? postmasterPid(process.env.BENCH_PG_DATA) : undefined;
  if (process.env.BENCH_PG_DATA && postmaster === undefined) log(`no postmaster.pid in ${process.env.BENCH_PG_DATA}: the database's CPU is not measured`);
  const gateways = [];
  try {
    // The first node alone migrates the empty schema and registers the admin token; the others join it.
    gateways.push(await startGateway());
    const [first] = gateways;
    gateways.push(...await Promise.all(Array.from({ length: nodes - 1 }, () => startGateway({ join: first }))));
    const account = await createBenchAccount(first, credits);
    const scheduled = scheduleAheadS > 0 ? { schedule_at: new Date(Date.now() + scheduleAheadS * 1000).toISOString() } : {};
    // Distinct recipients on every node too.
    const bodiesPerNode = gateways.map((_, i) => indianNumbers(256, i * 256).map((to) => JSON.stringify({ ...message, ...scheduled, to })));

    log(`warm-up ${warmupSeconds} s, ${connections} connections${nodes > 1 ? ` across ${nodes} nodes` : ''}`);
    const warm = check(await loadAll(gateways, account.apiKey, bodiesPerNode, warmupSeconds), 'warm-up');

    const cpu0 = gateways.map((g) => cpuSeconds(g.pid));
    const dbMeter = postmaster === undefined ? undefined : cpuMeter(() => postgresCpu(postmaster, allProcesses()), postgresKind);
    const client0 = process.cpuUsage();
    const from = monotonicUs();
    const run = await loadAll(gateways, account.apiKey, bodiesPerNode, seconds);
    markProfileWindows([[from, monotonicUs()]]);
    const cpuPerNode = gateways.map((g, i) => cpuSeconds(g.pid) - cpu0[i]);
    const cpu = cpuPerNode.reduce((a, b) => a + b, 0);
    const clientUsage = process.cpuUsage(client0);
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
    const db = dbMeter?.();
    const dbCpu = db?.used;
    const accepted = check(run, 'measured run');

    // Every node debits the one shared balance; any node can read it.
    const balance = expectStatus(await request(`${first.url}/v1/account/balance`, { token: account.apiKey }), 200, 'balance');
    const left = balance.balances.find((b) => b.route === 'transactional')?.credits;
    // Requests still in flight when autocannon stops are committed but never counted: at most one
    // per connection per phase. Fewer debits than 202s would mean a 202 without a commit.
    const debited = credits - Number(left);
    if (!(debited >= warm + accepted && debited <= warm + accepted + 2 * connections)) {
      throw new Error(`${debited} credits debited for ${warm + accepted} counted 202s: the balance and the 202s disagree`);
    }

    const sorted = run.latencies.sort((a, b) => a - b);
    const rate = run.inWindow / seconds;
    log(`max latency ${sorted.at(-1)?.toFixed(1)} ms, p99.9 ${percentile(sorted, 99.9).toFixed(1)} ms`);
    log(`${run.inWindow} accepted in the ${seconds} s window = ${Math.round(rate)}/s (${accepted} in ${run.wallS.toFixed(2)} s with the tail); server used ${(cpu / run.wallS).toFixed(2)} cores`);
    if (nodes > 1) log(`per node: ${gateways.map((_, i) => `${Math.round(run.perNode[i] / seconds)}/s on ${(cpuPerNode[i] / run.wallS).toFixed(2)} cores`).join('; ')}`);
    if (db) {
      const parts = [...db.byKind].filter(([, c]) => c >= 0.01 * run.wallS).sort((a, b) => b[1] - a[1]);
      log(`PostgreSQL used ${(db.used / run.wallS).toFixed(2)} cores (${parts.map(([k, c]) => `${k} ${(c / run.wallS).toFixed(2)}`).join(', ')})`);
    }
    log(`load generator (this process) used ${(clientCpu / run.wallS).toFixed(2)} cores`);
    return [
      { metric: 'accepted_per_s', value: round(rate), unit: 'msg/s' },
      { metric: 'latency_p50', value: round(percentile(sorted, 50), 3), unit: 'ms' },
      { metric: 'latency_p99', value: round(percentile(sorted, 99), 3), unit: 'ms' },
      { metric: 'server_cpu', value: round(cpu / run.wallS, 3), unit: 'cores' },
      ...(dbCpu === undefined ? [] : [{ metric: 'db_cpu', value: round(dbCpu / run.wallS, 3), unit: 'cores' }]),
    ];
  } finally {
    closeAgent();
    // The nodes that joined first, then the one whose schema it is (its stop() drops the schema).
    await Promise.all(gateways.slice(1).map((g) => g.stop()));
    await gateways[0]?.stop();
  }
});
