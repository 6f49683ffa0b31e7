// micro/group-commit: SqliteStore.accept with one-message requests (what POST /v1/sms/send
// commits), 50 callers at once (the send bench's connections) and 1 caller (no company to share
// a commit with), under synchronous FULL and NORMAL. No HTTP: the store alone.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/domain/clock.ts';
import { uuidv7Generator } from '../../src/domain/ids.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { log, round, runBench } from '../lib/report.mjs';

const runMs = Number(process.env.BENCH_GROUP_COMMIT_RUN_MS ?? 3000);
const warmupMs = 500;
const parent = process.env.BENCH_TMP ?? tmpdir();
mkdirSync(parent, { recursive: true });
const dir = mkdtempSync(join(parent, 'group-commit-'));

async function measure(synchronous, callers) {
  const store = await SqliteStore.open({
    filename: join(dir, `${synchronous}-${callers}.db`), synchronous, groupCommit: { maxBatch: 1000, maxDelayMs: 0 },
  });
  const ids = uuidv7Generator(systemClock);
  const accountId = ids();
  const now = Date.now();
  await store.createAccount({ id: accountId, name: 'bench', status: 'active', rateLimitPerMinute: null, createdAt: now });
  await store.addCredits(accountId, 'transactional', 1_000_000_000, 'topup', 'bench', now);
  let seq = 0;
  const one = () => {
    const at = Date.now();
    return store.accept({
      accountId, routeId: 'transactional', debit: 1,
      messages: [{
        id: ids(), accountId, batchId: null, routeId: 'transactional', category: 'transactional', lane: 'transactional',
        recipient: String(919_100_000_000 + (seq++ % 1_000_000)), sender: 'DAKIYA',
        body: 'Dear Asha, your order 482913 has been shipped and will reach you soon. - DAKIYA', templateId: 'BENCH-TXN-1',
        encoding: 'GSM7', segments: 1, flash: false, credits: 1, status: 'QUEUED', correlationId: null,
        dueAt: at, expiresAt: at + 86_400_000, createdAt: at,
      }],
    });
  };
  // Each caller awaits its accept and sends the next, like a keep-alive HTTP client.
  const drive = async (ms) => {
    const end = performance.now() + ms;
    let done = 0;
    const caller = async () => {
      while (performance.now() < end) {
        const r = await one();
        if (!r.ok) throw new Error(`accept refused: ${JSON.stringify(r)}`);
        done++;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: callers }, caller));
    return done / ((performance.now() - t0) / 1000);
  };
  try {
    await drive(warmupMs);
    const rate = await drive(runMs);
    log(`synchronous=${synchronous}, ${callers} caller(s): ${Math.round(rate)} accepts/s`);
    return rate;
  } finally {
    await store.close();
  }
}

await runBench('group-commit', 120_000, async () => {
  try {
    const out = [];
    for (const [sync, callers] of [['full', 50], ['normal', 50], ['full', 1], ['normal', 1]]) {
      out.push({ metric: `accept_${sync}_c${callers}`, value: round(await measure(sync, callers)), unit: 'requests/s' });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
