// smpp-server: customers over SMPP, sustained — N transmitter binds (our SMPP library, in this
// process) to the gateway's SMPP server (its own process), each keeping a window of 500 submit_sm
// full for 10 s (after a 2 s warm-up). Every submit_sm goes through the whole send pipeline (DLT
// template match, credits, commit) before its submit_sm_resp. Reports submit_sm_resp/s over the
// window and the response latency percentiles. Target ≥ 30,000/s.
import { createBenchAccount, indianNumbers, template } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, monotonicUs, percentile, round, runBench } from '../lib/report.mjs';
import { freePort } from '../../scripts/pg-cluster.mjs';
import { connect } from '../../src/protocols/smpp/index.ts';
import { encodeGsm7 } from '../../src/protocols/gsm/index.ts';

const binds = Number(process.env.BENCH_SMPP_SERVER_BINDS ?? 4);
const window = Number(process.env.BENCH_SMPP_SERVER_WINDOW ?? 500);
const warmupSeconds = Number(process.env.BENCH_SMPP_SERVER_WARMUP_S ?? 2);
const seconds = Number(process.env.BENCH_SMPP_SERVER_DURATION_S ?? 10);

// One segment of text matching the bench template, the same for every submission (built once).
const shortMessage = Buffer.from(encodeGsm7('Dear Asha, your order 482913 has been shipped and will reach you soon. - DAKIYA'));
const numbers = indianNumbers(256);
const pdus = numbers.map((to) => ({
  command: 'submit_sm', source_addr_ton: 5, source_addr: 'DAKIYA', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: to,
  short_message: shortMessage, tlvs: { '0x1401': template.template_id },
}));

/** Keeps `window` submit_sm outstanding on a session until `until` (ms, performance.now()); counts answers in [from, until). */
async function drive(session, from, until, latencies) {
  let ok = 0;
  let failed = 0;
  let i = 0;
  const lane = async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      const resp = await session.request(pdus[i++ & 255]);
      const now = performance.now();
      if (now < from || now >= until) continue;
      if (resp.command_status === 0) ok++;
      else failed++;
      if ((ok & 63) === 0) latencies.push(now - sent);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return { ok, failed };
}

await runBench('smpp-server', 120_000, async () => {
  const smppPort = await freePort();
  const gateway = await startGateway({ env: { DAKIYA_SMPP_PORT: String(smppPort), DAKIYA_SMPP_HOST: '127.0.0.1', DAKIYA_SMPP_MAX_PENDING_PER_BIND: String(window * 2) } });
  const sessions = [];
  try {
    const account = await createBenchAccount(gateway);
    expectStatus(await request(`${gateway.url}/admin/v1/smpp-users/bench`, {
      method: 'PUT', token: gateway.adminToken, body: { account_id: account.id, password: 'bench', max_binds: Math.max(10, binds) },
    }), 200, 'smpp user');
    for (let b = 0; b < binds; b++) {
      const session = await connect({ host: '127.0.0.1', port: smppPort, window, enquireLinkMs: 0, responseTimeoutMs: 30_000 });
      session.on('error', () => {});
      await session.bind('transmitter', { system_id: 'bench', password: 'bench' });
      sessions.push(session);
    }
    log(`warm-up ${warmupSeconds} s, ${binds} binds × window ${window}`);
    const warmEnd = performance.now() + warmupSeconds * 1000;
    await Promise.all(sessions.map((s) => drive(s, 0, warmEnd, [])));
    const cpu0 = cpuSeconds(gateway.pid);
    const latencies = [];
    const start = performance.now();
    const end = start + seconds * 1000;
    const from = monotonicUs();
    const results = await Promise.all(sessions.map((s) => drive(s, start, end, latencies)));
    markProfileWindows([[from, monotonicUs()]]);
    const windowS = (end - start) / 1000;
    const cpu = cpuSeconds(gateway.pid) - cpu0;
    const ok = results.reduce((n, r) => n + r.ok, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    if (failed > 0) throw new Error(`${failed} submit_sm were refused during the measured window`);
    latencies.sort((a, b) => a - b);
    log(`${ok} submit_sm_resp = ${Math.round(ok / windowS)}/s; p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; gateway ${(cpu / windowS).toFixed(2)} cores`);
    return [
      { metric: 'submit_resp_per_s', value: round(ok / windowS), unit: 'pdu/s' },
      { metric: 'latency_p50', value: round(percentile(latencies, 50), 2), unit: 'ms' },
      { metric: 'latency_p99', value: round(percentile(latencies, 99), 2), unit: 'ms' },
      { metric: 'server_cpu', value: round(cpu / windowS, 3), unit: 'cores' },
    ];
  } finally {
    for (const s of sessions) s.destroy();
    closeAgent();
    await gateway.stop();
  }
});
