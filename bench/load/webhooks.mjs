// webhooks: signed webhook deliveries from a gateway (its own process) to a local receiver (another
// process, answering 204 and checking each X-Dakiya-Signature).
//   throughput: 50,000 messages scheduled a few seconds ahead, all subscribed (submitted + delivered
//     = 100,000 events); deliveries/s at the receiver from its first to its last arrival, while the
//     gateway also dispatches and applies receipts.
//   latency: 5,000 messages/s paced for 15 s (bulk requests of 500 every 100 ms) with sandbox
//     receipts 50 ms after submission, so receipts arrive at ~5,000/s; receipt → webhook latency =
//     arrival at the receiver − the event's timestamp (when the receipt was applied), for
//     message.delivered events, p50/p99.
import { bulkBody, createBenchAccount, indianNumbers } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, monotonicUs, round, runBench } from '../lib/report.mjs';
import { startWebhookReceiverProcess } from '../lib/webhook-receiver.mjs';

const mode = process.env.BENCH_WEBHOOKS_MODE ?? 'both';
const throughputMessages = Number(process.env.BENCH_WEBHOOKS_MESSAGES ?? 50_000);
const ratePerS = Number(process.env.BENCH_WEBHOOKS_RATE ?? 5000);
const paceSeconds = Number(process.env.BENCH_WEBHOOKS_PACE_S ?? 15);

async function withSetup(env, receiverOptions, work) {
  const gateway = await startGateway({ env: { DAKIYA_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', ...env } });
  let receiver;
  try {
    const account = await createBenchAccount(gateway);
    const created = expectStatus(await request(`${gateway.url}/v1/webhooks`, {
      method: 'POST', token: account.apiKey, body: { url: 'http://127.0.0.1:1/placeholder', events: ['*'] },
    }), 201, 'webhook create');
    receiver = await startWebhookReceiverProcess({ verifySecret: created.secret, ...receiverOptions });
    expectStatus(await request(`${gateway.url}/v1/webhooks/${created.id}`, { method: 'PATCH', token: account.apiKey, body: { url: `${receiver.url}/hooks` } }), 200, 'webhook url');
    // Signing keys and endpoints are re-read within a second.
    await new Promise((r) => setTimeout(r, 1200));
    return await work(gateway, account, receiver);
  } finally {
    await receiver?.close();
    await gateway.stop();
    await closeAgent();
  }
}

async function waitFor(receiver, count, deadlineMs, what) {
  const t0 = Date.now();
  for (;;) {
    const s = await receiver.stats();
    if (s.count >= count) return s;
    if (Date.now() - t0 > deadlineMs) throw new Error(`${what}: ${s.count} of ${count} webhooks after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function checked(stats, expected, what) {
  if (stats.signatureFailures !== 0) throw new Error(`${what}: ${stats.signatureFailures} deliveries failed the signature check`);
  if (stats.uniqueIds < expected) throw new Error(`${what}: only ${stats.uniqueIds} distinct webhook-ids of ${expected}`);
}

async function throughput() {
  return withSetup({ DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '1' }, {}, async (gateway, account, receiver) => {
    const at = Date.now() + 4000;
    for (let i = 0; i < throughputMessages; i += 25_000) {
      const n = Math.min(25_000, throughputMessages - i);
      expectStatus(await request(`${gateway.url}/v1/sms/bulk`, { body: bulkBody(indianNumbers(n, i), { schedule_at: new Date(at).toISOString() }), token: account.apiKey, timeoutMs: 30_000 }), 202, 'bulk');
    }
    if (Date.now() > at - 200) throw new Error('accepting took longer than the schedule lead');
    const expected = throughputMessages * 2 + Math.ceil(throughputMessages / 25_000);
    await new Promise((r) => setTimeout(r, at - Date.now()));
    const cpu0 = cpuSeconds(gateway.pid);
    const receiverCpu0 = cpuSeconds(receiver.pid);
    const from = monotonicUs();
    const started = Date.now();
    const stats = await waitFor(receiver, expected, 120_000, 'throughput');
    const seconds = (Date.now() - started) / 1000;
    markProfileWindows([[from, monotonicUs()]]);
    checked(stats, expected, 'throughput');
    const cpu = (cpuSeconds(gateway.pid) - cpu0) / seconds;
    const receiverCpu = (cpuSeconds(receiver.pid) - receiverCpu0) / seconds;
    log(`${stats.count} webhooks (${stats.uniqueIds} ids, ${stats.duplicates} repeats) at ${Math.round(stats.perSecond)}/s; gateway ${cpu.toFixed(2)} cores, receiver ${receiverCpu.toFixed(2)} cores`);
    return [
      { metric: 'deliveries_per_s', value: round(stats.perSecond), unit: 'webhooks/s' },
      { metric: 'server_cpu', value: round(cpu, 3), unit: 'cores' },
      { metric: 'receiver_cpu', value: round(receiverCpu, 3), unit: 'cores' },
    ];
  });
}

async function latency() {
  return withSetup({ DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '50' }, { latencyEvents: ['message.delivered'] }, async (gateway, account, receiver) => {
    const perTick = Math.round(ratePerS / 10);
    const ticks = paceSeconds * 10;
    const cpu0 = cpuSeconds(gateway.pid);
    const from = monotonicUs();
    const started = Date.now();
    const pending = [];
    for (let i = 0; i < ticks; i++) {
      const due = started + i * 100;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      pending.push(request(`${gateway.url}/v1/sms/bulk`, { body: bulkBody(indianNumbers(perTick, i * perTick)), token: account.apiKey, timeoutMs: 30_000 })
        .then((r) => expectStatus(r, 202, 'bulk')));
    }
    await Promise.all(pending);
    const sentS = (Date.now() - started) / 1000;
    const messages = perTick * ticks;
    const expected = messages * 2 + ticks;
    const stats = await waitFor(receiver, expected, 120_000, 'latency');
    markProfileWindows([[from, monotonicUs()]]);
    checked(stats, expected, 'latency');
    const cpu = (cpuSeconds(gateway.pid) - cpu0) / ((Date.now() - started) / 1000);
    log(`${messages} messages in ${sentS.toFixed(1)} s (${Math.round(messages / sentS)}/s); receipt → webhook p50 ${stats.latency.p50} ms, p90 ${stats.latency.p90} ms, p99 ${stats.latency.p99} ms, max ${stats.latency.max} ms over ${stats.latency.samples}; gateway ${cpu.toFixed(2)} cores`);
    return [
      { metric: 'paced_receipts_per_s', value: round(messages / sentS), unit: 'receipts/s' },
      { metric: 'receipt_to_webhook_p50', value: round(stats.latency.p50), unit: 'ms' },
      { metric: 'receipt_to_webhook_p99', value: round(stats.latency.p99), unit: 'ms' },
      { metric: 'receipt_to_webhook_max', value: round(stats.latency.max), unit: 'ms' },
    ];
  });
}

await runBench('webhooks', 300_000, async () => [
  ...(mode === 'latency' ? [] : await throughput()),
  ...(mode === 'throughput' ? [] : await latency()),
]);
