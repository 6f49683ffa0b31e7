// send: single POST /v1/sms/send over 50 keep-alive connections for 10 s after a 2 s warm-up.
// Counts only 202s (any other status fails the run), checks the balance moved by that many credits
// (each 202 was committed), and reports accepted/s, p50/p99 latency and the gateway's CPU use.
import autocannon from 'autocannon';
import { createBenchAccount, indianNumbers, message } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, monotonicUs, percentile, round, runBench } from '../lib/report.mjs';

const connections = Number(process.env.BENCH_SEND_CONNECTIONS ?? 50);
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
function load(gateway, apiKey, bodies, durationS) {
  const latencies = [];
  const statuses = new Map();
  let inWindow = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const windowEnd = started + durationS * 1000;
    const instance = autocannon({
      url: gateway.url,
      connections,
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

function check(run, phase) {
  const { result, statuses } = run;
  const others = [...statuses].filter(([code]) => code !== 202);
  if (others.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${phase}: non-202 responses ${JSON.stringify(Object.fromEntries(others))}, errors ${result.errors}, timeouts ${result.timeouts}`);
  }
  return statuses.get(202) ?? 0;
}

await runBench('send', 90_000, async () => {
  const gateway = await startGateway();
  try {
    const account = await createBenchAccount(gateway, credits);
    const scheduled = scheduleAheadS > 0 ? { schedule_at: new Date(Date.now() + scheduleAheadS * 1000).toISOString() } : {};
    const bodies = indianNumbers(256).map((to) => JSON.stringify({ ...message, ...scheduled, to }));

    log(`warm-up ${warmupSeconds} s, ${connections} connections`);
    const warm = check(await load(gateway, account.apiKey, bodies, warmupSeconds), 'warm-up');

    const cpu0 = cpuSeconds(gateway.pid);
    const from = monotonicUs();
    const run = await load(gateway, account.apiKey, bodies, seconds);
    markProfileWindows([[from, monotonicUs()]]);
    const cpu = cpuSeconds(gateway.pid) - cpu0;
    const accepted = check(run, 'measured run');

    const balance = expectStatus(await request(`${gateway.url}/v1/account/balance`, { token: account.apiKey }), 200, 'balance');
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
    return [
      { metric: 'accepted_per_s', value: round(rate), unit: 'msg/s' },
      { metric: 'latency_p50', value: round(percentile(sorted, 50), 3), unit: 'ms' },
      { metric: 'latency_p99', value: round(percentile(sorted, 99), 3), unit: 'ms' },
      { metric: 'server_cpu', value: round(cpu / run.wallS, 3), unit: 'cores' },
    ];
  } finally {
    closeAgent();
    await gateway.stop();
  }
});
