// smpp-send: the whole path, sustained — single POST /v1/sms/send over 50 keep-alive connections
// for 10 s (after a 2 s warm-up), each message submitted over SMPP to the SMSC simulator (its own
// process) and finished by the simulator's receipt. Reports accepted/s and delivered/s over the
// window (delivered = DELIVERED transitions counted by the gateway), and the time the backlog
// took to clear after the load stopped.
import autocannon from 'autocannon';
import { createBenchAccount, indianNumbers, message } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, request } from '../lib/http-json.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, monotonicUs, round, runBench } from '../lib/report.mjs';
import { addSimConnector, startSmsc } from '../lib/smsc-process.mjs';

const connections = Number(process.env.BENCH_SEND_CONNECTIONS ?? 50);
const warmupSeconds = Number(process.env.BENCH_SEND_WARMUP_S ?? 2);
const seconds = Number(process.env.BENCH_SEND_DURATION_S ?? 10);
const binds = Number(process.env.BENCH_SMPP_BINDS ?? 4);
const window = Number(process.env.BENCH_SMPP_WINDOW ?? 500);

async function delivered(gateway) {
  const { raw } = await request(`${gateway.url}/metrics`);
  return Number(/^dakiya_message_transitions_total\{to="DELIVERED"\} (\d+)/m.exec(raw)?.[1] ?? 0);
}

function load(gateway, apiKey, bodies, durationS) {
  const statuses = new Map();
  return new Promise((resolve, reject) => {
    autocannon({
      url: gateway.url, connections, pipelining: 1, duration: durationS, timeout: 10,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      requests: bodies.map((body) => ({ method: 'POST', path: '/v1/sms/send', body })),
    }, (error, result) => (error ? reject(error) : resolve({ result, statuses }))).on('response', (_c, code) => statuses.set(code, (statuses.get(code) ?? 0) + 1));
  });
}

function accepted(run, phase) {
  const others = [...run.statuses].filter(([code]) => code !== 202);
  if (others.length > 0 || run.result.errors > 0 || run.result.timeouts > 0) {
    throw new Error(`${phase}: non-202 ${JSON.stringify(Object.fromEntries(others))}, errors ${run.result.errors}, timeouts ${run.result.timeouts}`);
  }
  return run.statuses.get(202) ?? 0;
}

await runBench('smpp-send', 120_000, async () => {
  const smsc = await startSmsc({ receiptDelayMs: 10 });
  const gateway = await startGateway({ env: { DAKIYA_SMPP_UPSTREAM_RELOAD_MS: '200' } });
  try {
    const account = await createBenchAccount(gateway);
    await addSimConnector(gateway, smsc.port, { binds, window });
    const bodies = indianNumbers(256).map((to) => JSON.stringify({ ...message, to }));
    log(`warm-up ${warmupSeconds} s, ${connections} connections, ${binds} binds × window ${window}`);
    const warm = accepted(await load(gateway, account.apiKey, bodies, warmupSeconds), 'warm-up');
    // Let the warm-up's messages finish, so the window counts only its own.
    for (let i = 0; i < 100 && (await delivered(gateway)) < warm; i++) await new Promise((r) => setTimeout(r, 100));
    const d0 = await delivered(gateway);
    const cpu0 = cpuSeconds(gateway.pid);
    const smscCpu0 = cpuSeconds(smsc.pid);
    const from = monotonicUs();
    const started = Date.now();
    const run = await load(gateway, account.apiKey, bodies, seconds);
    const d1 = await delivered(gateway);
    const windowS = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(gateway.pid) - cpu0;
    const smscCpu = cpuSeconds(smsc.pid) - smscCpu0;
    markProfileWindows([[from, monotonicUs()]]);
    const n = accepted(run, 'measured run');
    // The backlog: what was accepted but not yet delivered when the load stopped.
    let clearedS = 0;
    for (const t0 = Date.now(); (await delivered(gateway)) < d0 + n; ) {
      if (Date.now() - t0 > 60_000) throw new Error(`the backlog did not clear: ${(await delivered(gateway)) - d0} of ${n} delivered after 60 s`);
      await new Promise((r) => setTimeout(r, 50));
      clearedS = (Date.now() - t0) / 1000;
    }
    log(`${n} accepted = ${Math.round(n / windowS)}/s; ${d1 - d0} delivered during the load = ${Math.round((d1 - d0) / windowS)}/s; backlog cleared ${clearedS.toFixed(2)} s after; gateway ${(cpu / windowS).toFixed(2)} cores, simulator ${(smscCpu / windowS).toFixed(2)} cores`);
    return [
      { metric: 'accepted_per_s', value: round(n / windowS), unit: 'msg/s' },
      { metric: 'delivered_per_s', value: round((d1 - d0) / windowS), unit: 'msg/s' },
      { metric: 'backlog_clear', value: round(clearedS * 1000), unit: 'ms' },
      { metric: 'server_cpu', value: round(cpu / windowS, 3), unit: 'cores' },
      { metric: 'smsc_cpu', value: round(smscCpu / windowS, 3), unit: 'cores' },
    ];
  } finally {
    closeAgent();
    await gateway.stop();
    await smsc.stop();
  }
});
