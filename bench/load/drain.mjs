// drain: enqueue 200,000 messages through bulk requests scheduled a few seconds ahead, so nothing
// is dispatched while they are accepted; then time from the schedule until every one is DELIVERED
// (queue -> dispatch -> sandbox -> receipt), reading the gateway's own transition counter.
import { bulkBody, createBenchAccount, indianNumbers } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, monotonicUs, round, runBench } from '../lib/report.mjs';

const perRequest = 50_000;
const requests = Number(process.env.BENCH_DRAIN_REQUESTS ?? 4);
const total = perRequest * requests;
// Accepting 50k recipients takes 0.5-1.5 s here; the schedule must fall after the last 202.
const leadMs = Number(process.env.BENCH_DRAIN_LEAD_MS ?? 3000 + 2500 * requests);
const drainDeadlineMs = 120_000;

async function delivered(gateway) {
  const { raw } = await request(`${gateway.url}/metrics`);
  return Number(/^dakiya_message_transitions_total\{to="DELIVERED"\} (\d+)/m.exec(raw)?.[1] ?? 0);
}

await runBench('drain', 240_000, async () => {
  const gateway = await startGateway({ env: { DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '1' } });
  try {
    const account = await createBenchAccount(gateway);
    const bodies = [];
    const at = Date.now() + leadMs;
    for (let i = 0; i < requests; i++) bodies.push(bulkBody(indianNumbers(perRequest, i * perRequest), { schedule_at: new Date(at).toISOString() }));

    const batches = [];
    for (const body of bodies) {
      const r = expectStatus(await request(`${gateway.url}/v1/sms/bulk`, { body, token: account.apiKey, timeoutMs: 30_000 }), 202, 'bulk');
      if (r.accepted_recipients !== perRequest || r.scheduled_at === null) throw new Error(`unexpected bulk answer: ${JSON.stringify(r).slice(0, 300)}`);
      batches.push(r.batch_id);
    }
    const spare = at - Date.now();
    if (spare < 250) throw new Error(`enqueueing ended ${-spare} ms after the schedule; raise BENCH_DRAIN_LEAD_MS above ${leadMs}`);
    if ((await delivered(gateway)) !== 0) throw new Error('messages were delivered before their schedule');
    log(`${total} messages scheduled in ${requests} batches; waiting ${spare} ms for the schedule`);

    await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now() - 20)));
    while (Date.now() < at) { /* spin the last few ms so the CPU reading starts on time */ }
    const cpu0 = cpuSeconds(gateway.pid);
    const from = monotonicUs();
    let done = 0;
    let lastLog = at;
    let lastDone = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      done = await delivered(gateway);
      const now = Date.now();
      if (now - lastLog >= 1000) {
        log(`+${((now - at) / 1000).toFixed(1)} s: ${done} delivered (${Math.round(((done - lastDone) * 1000) / (now - lastLog))}/s)`);
        lastLog = now;
        lastDone = done;
      }
      if (done >= total) break;
      if (now - at > drainDeadlineMs) throw new Error(`only ${done} of ${total} delivered after ${drainDeadlineMs} ms`);
    }
    const seconds = (Date.now() - at) / 1000;
    const cpu = cpuSeconds(gateway.pid) - cpu0;
    markProfileWindows([[from, monotonicUs()]]);

    for (const id of batches) {
      const b = expectStatus(await request(`${gateway.url}/v1/batches/${id}`, { token: account.apiKey }), 200, 'batch');
      if (b.counts.DELIVERED !== perRequest) throw new Error(`batch ${id} counts ${JSON.stringify(b.counts)}`);
    }
    log(`${total} delivered in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)}/s; server used ${(cpu / seconds).toFixed(2)} cores`);
    return [
      { metric: 'drained_per_s', value: round(total / seconds), unit: 'msg/s' },
      { metric: 'drain_time', value: round(seconds * 1000), unit: 'ms' },
      { metric: 'server_cpu', value: round(cpu / seconds, 3), unit: 'cores' },
    ];
  } finally {
    closeAgent();
    await gateway.stop();
  }
});
