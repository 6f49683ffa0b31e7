// memory: queue 1,000,000 messages (bulk requests scheduled a day ahead, so they stay queued) and
// report the gateway's peak resident memory (VmHWM) and its resident memory once idle again.
import { bulkBody, createBenchAccount, indianNumbers } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { memoryMiB } from '../lib/proc-stats.mjs';
import { log, round, runBench } from '../lib/report.mjs';

const perRequest = 50_000;
const total = Number(process.env.BENCH_MEMORY_MESSAGES ?? 1_000_000);

await runBench('memory', 420_000, async () => {
  const gateway = await startGateway();
  let sampler;
  try {
    const account = await createBenchAccount(gateway);
    const startRss = memoryMiB(gateway.pid).rss;
    let peakSampled = 0;
    sampler = setInterval(() => { peakSampled = Math.max(peakSampled, memoryMiB(gateway.pid).rss); }, 100);

    const scheduleAt = new Date(Date.now() + 86_400_000).toISOString();
    const t0 = Date.now();
    for (let sent = 0; sent < total; sent += perRequest) {
      const n = Math.min(perRequest, total - sent);
      const r = expectStatus(await request(`${gateway.url}/v1/sms/bulk`, {
        body: bulkBody(indianNumbers(n, sent), { schedule_at: scheduleAt }), token: account.apiKey, timeoutMs: 60_000,
      }), 202, 'bulk');
      if (r.accepted_recipients !== n) throw new Error(`only ${r.accepted_recipients} of ${n} accepted`);
      if ((sent / perRequest) % 5 === 4) log(`${sent + n} queued, RSS ${memoryMiB(gateway.pid).rss.toFixed(0)} MiB`);
    }
    const enqueueS = (Date.now() - t0) / 1000;
    // Idle for a while so the dispatcher's polls and GC run with a million rows waiting.
    await new Promise((r) => setTimeout(r, 3000));
    clearInterval(sampler);
    const { rss, hwm } = memoryMiB(gateway.pid);
    log(`${total} queued in ${enqueueS.toFixed(1)} s; RSS at start ${startRss.toFixed(0)} MiB, peak ${hwm.toFixed(0)} MiB (sampled ${peakSampled.toFixed(0)}), idle ${rss.toFixed(0)} MiB`);
    return [
      { metric: 'peak_rss', value: round(hwm), unit: 'MiB' },
      { metric: 'idle_rss', value: round(rss), unit: 'MiB' },
      { metric: 'enqueue_per_s', value: round(total / enqueueS), unit: 'msg/s' },
    ];
  } finally {
    clearInterval(sampler);
    closeAgent();
    await gateway.stop();
  }
});
