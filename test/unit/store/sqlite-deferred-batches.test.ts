// SQLite's deferred batches (migration 0008): a large batch is committed as chunks, made into
// rows one chunk per transaction, each exactly once however many handles race, and woken lanes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { uuidv7Generator } from '../../../src/domain/ids.ts';
import type { Lane, NewMessage } from '../../../src/domain/message.ts';
import { defaultRoutes } from '../../../src/domain/route.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';

const clock = { now: () => 1_800_000_000_000 };
const ids = uuidv7Generator(clock);
let dir: string;
let filename: string;
const open = (deferFrom = 100) => SqliteStore.open({ filename, synchronous: 'normal', groupCommit: { maxBatch: 100, maxDelayMs: 0 }, deferFrom });
const count = (sql: string) => {
  const db = new Database(filename, { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dakiya-deferred-'));
  filename = join(dir, 'test.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function acceptBatch(store: SqliteStore, size: number, accountId?: string): Promise<{ accountId: string; batchId: string; messages: NewMessage[] }> {
  if (!accountId) {
    accountId = ids();
    for (const r of defaultRoutes) await store.upsertRoute(r);
    await store.createAccount({ id: accountId, name: 'a', status: 'active', rateLimitPerMinute: null, createdAt: clock.now() });
    await store.addCredits(accountId, 'promotional', 100_000, 'topup', 'test', clock.now());
  }
  const batchId = ids();
  const messages: NewMessage[] = Array.from({ length: size }, (_, i) => ({
    id: ids(), accountId: accountId!, batchId, routeId: 'promotional', category: 'promotional', lane: 'bulk', recipient: `9198${String(i).padStart(8, '0')}`,
    sender: 'DAKIYA', body: 'hi', templateId: 'T1', encoding: 'GSM7', segments: 1, flash: false, credits: 1, status: 'QUEUED', correlationId: null,
    dueAt: clock.now(), scheduledAt: null, expiresAt: clock.now() + 86_400_000, createdAt: clock.now(), callbackUrl: i === 1 ? 'https://example.com/cb' : null,
  }));
  const batch = { id: batchId, accountId, routeId: 'promotional', totalRecipients: size, acceptedRecipients: size, createdAt: clock.now(), scheduledAt: null };
  assert.deepEqual(await store.accept({ accountId, routeId: 'promotional', debit: size, messages, batch }), { ok: true });
  return { accountId, batchId, messages };
}

test('a batch below deferFrom is stored as rows at once; one at or above it as chunks of 1,000 and no rows', async () => {
  const store = await open(100);
  try {
    const small = await acceptBatch(store, 99);
    assert.equal(count('SELECT COUNT(*) AS n FROM messages'), 99);
    assert.equal(count('SELECT COUNT(*) AS n FROM deferred_messages'), 0);
    await acceptBatch(store, 2500, small.accountId);
    assert.equal(count('SELECT COUNT(*) AS n FROM messages'), 99, 'the large batch has no rows yet');
    assert.equal(count('SELECT COUNT(*) AS n FROM deferred_messages'), 3);
    assert.equal(count('SELECT SUM(count) AS n FROM deferred_messages'), 2500);
    assert.equal(count("SELECT balance AS n FROM balances WHERE route_id = 'promotional'"), 100_000 - 2599, 'credits are reserved at accept');
  } finally {
    await store.close();
  }
});

test('expandDeferred makes one chunk per call, oldest first, waking its lane; the rows are the messages accepted', async () => {
  const store = await open(100);
  const woken: Lane[] = [];
  store.onWork((lane) => woken.push(lane));
  try {
    const { messages } = await acceptBatch(store, 2500);
    assert.deepEqual(await store.expandDeferred(1), [{ lane: 'bulk', count: 1000 }]);
    assert.deepEqual(woken, ['bulk']);
    assert.equal(count('SELECT COUNT(*) AS n FROM messages'), 1000);
    const claimed = await store.claimDue('bulk', clock.now(), 5000);
    assert.deepEqual(claimed.map((m) => m.id), messages.slice(0, 1000).map((m) => m.id), 'the first chunk holds the first thousand messages');
    assert.deepEqual(await store.expandDeferred(5), [{ lane: 'bulk', count: 1000 }, { lane: 'bulk', count: 500 }]);
    assert.deepEqual(await store.expandDeferred(5), []);
    assert.equal(count('SELECT COUNT(*) AS n FROM deferred_messages'), 0);
    assert.equal(count("SELECT COUNT(*) AS n FROM messages WHERE callback_url = 'https://example.com/cb'"), 1, 'a value only one message has is kept on that message');
  } finally {
    await store.close();
  }
});

test('handles racing to expand the same chunks make each message exactly once', async () => {
  const stores = [await open(100), await open(100), await open(100)];
  try {
    const { batchId } = await acceptBatch(stores[0]!, 5500);
    const made = await Promise.all(stores.map(async (s) => {
      let n = 0;
      for (let e; (e = await s.expandDeferred(1)).length > 0;) n += e[0]!.count;
      return n;
    }));
    assert.equal(made.reduce((a, b) => a + b, 0), 5500);
    assert.equal(count(`SELECT COUNT(DISTINCT id) AS n FROM messages WHERE batch_id = '${batchId}'`), 5500);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});

test('a reader of another account leaves this account\'s chunks alone; a reader of this account makes them', async () => {
  const store = await open(100);
  try {
    const a = await acceptBatch(store, 1200);
    const b = await acceptBatch(store, 10);
    assert.deepEqual(await store.listMessages({ accountId: b.accountId, limit: 100 }).then((m) => m.length), 10);
    assert.equal(count('SELECT SUM(count) AS n FROM deferred_messages'), 1200);
    assert.deepEqual(await store.listMessages({ accountId: b.accountId, batchId: a.batchId, limit: 10 }), [], 'another tenant\'s batch id lists nothing');
    assert.equal(count('SELECT SUM(count) AS n FROM deferred_messages'), 1200, 'and makes none of its rows');
    assert.equal((await store.getMessage(a.accountId, a.messages[1100]!.id))?.recipient, a.messages[1100]!.recipient);
    assert.equal(count('SELECT COUNT(*) AS n FROM deferred_messages'), 0);
  } finally {
    await store.close();
  }
});
