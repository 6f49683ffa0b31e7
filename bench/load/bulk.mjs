// bulk: one POST /v1/sms/bulk with 50,000 distinct recipients and a shared templated message,
// timed from the first byte written to the 202. One untimed warm-up request, then
// BENCH_BULK_REQUESTS timed ones; the run reports their median. Each batch is drained before the
// next request so dispatch never competes with the request being timed.
import { createBenchAccount, bulkBody, indianNumbers } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, median, monotonicUs, round, runBench } from '../lib/report.mjs';

const recipients = Number(process.env.BENCH_BULK_RECIPIENTS ?? 50_000);
const timed = Number(process.env.BENCH_BULK_REQUESTS ?? 3);

async function waitForBatch(gateway, apiKey, batchId, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const batch = expectStatus(await request(`${gateway.url}/v1/batches/${batchId}`, { token: apiKey }), 200, 'batch');
    if (batch.completed) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} not drained in ${deadlineMs} ms: ${JSON.stringify(batch.counts)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

await runBench('bulk', 150_000, async () => {
  const gateway = await startGateway({ env: { DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '1' } });
  try {
    const account = await createBenchAccount(gateway);
    const seconds = [];
    const windows = [];
    let cpu = 0;
    for (let i = 0; i <= timed; i++) {
      // Serialised before the clock starts: the client's JSON cost is not the server's.
      const body = bulkBody(indianNumbers(recipients, i * recipients));
      const cpu0 = cpuSeconds(gateway.pid);
      const t0 = process.hrtime.bigint();
      const response = await request(`${gateway.url}/v1/sms/bulk`, { body, token: account.apiKey, timeoutMs: 30_000 });
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (i > 0) windows.push([Number(t0 / 1000n), monotonicUs()]);
      const used = cpuSeconds(gateway.pid) - cpu0;
      const accepted = expectStatus(response, 202, 'bulk');
      if (accepted.accepted_recipients !== recipients) throw new Error(`only ${accepted.accepted_recipients} of ${recipients} accepted: ${response.raw.slice(0, 300)}`);
      log(`${i === 0 ? 'warm-up' : `request ${i}`}: ${recipients} recipients -> 202 in ${(s * 1000).toFixed(0)} ms (${(body.length / 1e6).toFixed(1)} MB body, server CPU ${(used * 1000).toFixed(0)} ms)`);
      if (i > 0) {
        seconds.push(s);
        cpu += used;
      }
      await waitForBatch(gateway, account.apiKey, accepted.batch_id, 60_000);
    }
    markProfileWindows(windows);
    const t = median(seconds);
    return [
      { metric: 'time_to_202', value: round(t * 1000), unit: 'ms' },
      { metric: 'recipients_per_s', value: round(recipients / t), unit: 'recipients/s' },
      { metric: 'server_cpu_per_request', value: round((cpu / timed) * 1000), unit: 'ms' },
    ];
  } finally {
    closeAgent();
    await gateway.stop();
  }
});
