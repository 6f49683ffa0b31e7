// smpp-drain: enqueue 200,000 messages (bulk requests scheduled a few seconds ahead, so nothing is
// dispatched while they are accepted), with a connector to the SMSC simulator running in its own
// process; then time from the schedule until every one is SUBMITTED (submit_sm answered and
// recorded) and until every one is DELIVERED (the simulator's receipt applied).
import { bulkBody, createBenchAccount, indianNumbers } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, monotonicUs, round, runBench } from '../lib/report.mjs';
import { addSimConnector, startSmsc } from '../lib/smsc-process.mjs';

const perRequest = 50_000;
const requests = Number(process.env.BENCH_DRAIN_REQUESTS ?? 4);
const total = perRequest * requests;
const leadMs = Number(process.env.BENCH_DRAIN_LEAD_MS ?? 3000 + 2500 * requests);
const binds = Number(process.env.BENCH_SMPP_BINDS ?? 4);
const window = Number(process.env.BENCH_SMPP_WINDOW ?? 500);
const deadlineMs = 120_000;

async function transitions(gateway) {
  const { raw } = await request(`${gateway.url}/metrics`);
  const count = (to) => Number(new RegExp(`^dakiya_message_transitions_total\\{to="${to}"\\} (\\d+)`, 'm').exec(raw)?.[1] ?? 0);
  return { submitted: count('SUBMITTED'), delivered: count('DELIVERED') };
}

await runBench('smpp-drain', 240_000, async () => {
  const smsc = await startSmsc({ receiptDelayMs: 10 });
  // Claims as large as the windows, so the dispatcher keeps every bind busy.
  const gateway = await startGateway({ env: { DAKIYA_SMPP_UPSTREAM_RELOAD_MS: '200', DAKIYA_DISPATCH_BATCH_SIZE: String(Math.max(500, binds * window)) } });
  try {
    const account = await createBenchAccount(gateway);
    await addSimConnector(gateway, smsc.port, { binds, window });
    const at = Date.now() + leadMs;
    const batches = [];
    for (let i = 0; i < requests; i++) {
      const body = bulkBody(indianNumbers(perRequest, i * perRequest), { schedule_at: new Date(at).toISOString() });
      const r = expectStatus(await request(`${gateway.url}/v1/sms/bulk`, { body, token: account.apiKey, timeoutMs: 30_000 }), 202, 'bulk');
      if (r.accepted_recipients !== perRequest) throw new Error(`unexpected bulk answer: ${JSON.stringify(r).slice(0, 300)}`);
      batches.push(r.batch_id);
    }
    const spare = at - Date.now();
    if (spare < 250) throw new Error(`enqueueing ended ${-spare} ms after the schedule; raise BENCH_DRAIN_LEAD_MS above ${leadMs}`);
    log(`${total} messages scheduled; ${binds} binds × window ${window} to the simulator; waiting ${spare} ms`);

    await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now() - 20)));
    while (Date.now() < at) { /* spin to start on time */ }
    const cpu0 = cpuSeconds(gateway.pid);
    const smscCpu0 = cpuSeconds(smsc.pid);
    const from = monotonicUs();
    let submittedAt;
    let lastLog = at;
    let last = { submitted: 0, delivered: 0 };
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const now = Date.now();
      const t = await transitions(gateway);
      if (submittedAt === undefined && t.submitted >= total) submittedAt = now;
      if (now - lastLog >= 1000) {
        log(`+${((now - at) / 1000).toFixed(1)} s: ${t.submitted} submitted (${Math.round(((t.submitted - last.submitted) * 1000) / (now - lastLog))}/s), ${t.delivered} delivered`);
        lastLog = now;
        last = t;
      }
      if (t.delivered >= total) break;
      if (now - at > deadlineMs) throw new Error(`only ${t.submitted} submitted, ${t.delivered} delivered after ${deadlineMs} ms`);
    }
    const deliveredS = (Date.now() - at) / 1000;
    const submittedS = ((submittedAt ?? Date.now()) - at) / 1000;
    const cpu = cpuSeconds(gateway.pid) - cpu0;
    const smscCpu = cpuSeconds(smsc.pid) - smscCpu0;
    markProfileWindows([[from, monotonicUs()]]);
    for (const id of batches) {
      const b = expectStatus(await request(`${gateway.url}/v1/batches/${id}`, { token: account.apiKey }), 200, 'batch');
      if (b.counts.DELIVERED !== perRequest) throw new Error(`batch ${id} counts ${JSON.stringify(b.counts)}`);
    }
    const stats = await smsc.stop();
    if (stats && stats.submitsAccepted !== total) throw new Error(`the simulator accepted ${stats.submitsAccepted} submit_sm for ${total} messages`);
    log(`${total} submitted in ${submittedS.toFixed(2)} s = ${Math.round(total / submittedS)} submit_sm/s, delivered in ${deliveredS.toFixed(2)} s; gateway ${(cpu / deliveredS).toFixed(2)} cores, simulator ${(smscCpu / deliveredS).toFixed(2)} cores`);
    return [
      { metric: 'submitted_per_s', value: round(total / submittedS), unit: 'submit_sm/s' },
      { metric: 'delivered_per_s', value: round(total / deliveredS), unit: 'msg/s' },
      { metric: 'server_cpu', value: round(cpu / deliveredS, 3), unit: 'cores' },
      { metric: 'smsc_cpu', value: round(smscCpu / deliveredS, 3), unit: 'cores' },
    ];
  } finally {
    closeAgent();
    await gateway.stop();
    await smsc.stop();
  }
});
