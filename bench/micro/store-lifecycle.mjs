// micro/store-lifecycle: the SQLite store alone driving messages through their whole life —
// accept (requests of 500), claim (500 at a time), record the submission, apply the receipt —
// as the dispatcher and the sandbox do, without HTTP, channel or timers. CPU µs per message per
// step, and messages/s end to end: the floor under the `drain` bench (docs/design/performance.md).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/domain/clock.ts';
import { uuidv7Generator } from '../../src/domain/ids.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { log, round, runBench } from '../lib/report.mjs';

const total = Number(process.env.BENCH_LIFECYCLE_MESSAGES ?? 200_000);
const claim = Number(process.env.BENCH_LIFECYCLE_CLAIM ?? 500);
const parent = process.env.BENCH_TMP ?? tmpdir();
mkdirSync(parent, { recursive: true });
const dir = mkdtempSync(join(parent, 'store-lifecycle-'));

const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };

async function measure() {
  const store = await SqliteStore.open({
    filename: join(dir, 'lifecycle.db'), synchronous: process.env.BENCH_LIFECYCLE_SYNC ?? 'full', groupCommit: { maxBatch: 1000, maxDelayMs: 0 },
  });
  try {
    const ids = uuidv7Generator(systemClock);
    const accountId = ids();
    const now = Date.now();
    await store.createAccount({ id: accountId, name: 'bench', status: 'active', rateLimitPerMinute: null, createdAt: now });
    await store.addCredits(accountId, 'transactional', 1_000_000_000, 'topup', 'bench', now);
    const steps = { accept: 0, claim: 0, submit: 0, receipt: 0 };
    let seq = 0;
    let c0 = cpu();
    for (let done = 0; done < total; done += claim) {
      const at = Date.now();
      const messages = Array.from({ length: claim }, () => ({
        id: ids(), accountId, batchId: null, routeId: 'transactional', category: 'transactional', lane: 'transactional',
        recipient: String(919_100_000_000 + seq++), sender: 'DAKIYA',
        body: 'Dear Asha, your order 482913 has been shipped and will reach you soon. - DAKIYA', templateId: 'BENCH-TXN-1',
        encoding: 'GSM7', segments: 1, flash: false, credits: 1, status: 'QUEUED', correlationId: null,
        dueAt: at, expiresAt: at + 86_400_000, createdAt: at,
      }));
      const r = await store.accept({ accountId, routeId: 'transactional', debit: claim, messages });
      if (!r.ok) throw new Error(`accept refused: ${JSON.stringify(r)}`);
    }
    steps.accept = cpu() - c0;
    const t0 = performance.now();
    let moved = 0;
    for (;;) {
      c0 = cpu();
      const claimed = await store.claimDue('transactional', Date.now() + 1000, claim);
      const c1 = cpu();
      steps.claim += c1 - c0;
      if (claimed.length === 0) break;
      const at = Date.now();
      await store.recordSubmissions(claimed.map((m) => ({ id: m.id, outcome: 'submitted', carrierId: `c-${m.id}`, at })));
      const c2 = cpu();
      steps.submit += c2 - c1;
      const { transitions, unmatched } = await store.applyReceipts(claimed.map((m) => ({ carrierId: `c-${m.id}`, status: 'DELIVERED', errorCode: null, at })));
      steps.receipt += cpu() - c2;
      if (unmatched.length > 0 || transitions.length !== claimed.length) throw new Error(`receipts: ${transitions.length} applied, ${unmatched.length} unmatched of ${claimed.length}`);
      moved += claimed.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    if (moved !== total) throw new Error(`drained ${moved} of ${total}`);
    const per = (us) => round(us / total);
    log(`${total} messages: accept ${per(steps.accept)} µs, claim ${per(steps.claim)} µs, submission ${per(steps.submit)} µs, receipt ${per(steps.receipt)} µs of CPU each; drained ${Math.round(total / seconds)}/s`);
    return [
      { metric: 'drained_per_s', value: round(total / seconds), unit: 'msg/s' },
      { metric: 'accept_us', value: per(steps.accept), unit: 'µs/msg' },
      { metric: 'claim_us', value: per(steps.claim), unit: 'µs/msg' },
      { metric: 'submission_us', value: per(steps.submit), unit: 'µs/msg' },
      { metric: 'receipt_us', value: per(steps.receipt), unit: 'µs/msg' },
    ];
  } finally {
    await store.close();
  }
}

await runBench('store-lifecycle', 240_000, async () => {
  try {
    return await measure();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
