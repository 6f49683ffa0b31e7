// dakiya_accept() debits last (PostgreSQL migration 0009): a group whose balances, read without a
// lock, cover it writes its rows first and debits right before it commits. Two groups in flight on
// one balance that covers either but not both must still never overspend: the second one's
// guarded debit fails after the first commits, and its requests are then decided one by one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { uuidv7Generator } from '../../src/domain/ids.ts';
import type { NewMessage } from '../../src/domain/message.ts';
import { defaultRoutes } from '../../src/domain/route.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

const clock = { now: () => 1_800_000_000_000 };
const ids = uuidv7Generator(clock);

function message(accountId: string): NewMessage {
  return {
    id: ids(), accountId, batchId: null, routeId: 'transactional', category: 'transactional', lane: 'transactional',
    recipient: '919876543210', sender: 'DAKIYA', body: 'hi', templateId: null, encoding: 'GSM7', segments: 1, flash: false,
    credits: 1, status: 'QUEUED', correlationId: null, dueAt: clock.now(), scheduledAt: null, expiresAt: clock.now() + 86_400_000, createdAt: clock.now(),
  };
}

describe('PostgreSQL accept: debit last', () => {
  test('groups in flight together on a balance that covers one of them: exactly the balance is spent, the rest is refused', async () => {
    const url = await freshSchemaUrl();
    // Groups of 6, two in flight at once: 12 requests at once are two groups racing for one balance.
    const store = await PostgresStore.open({ url, poolSize: 6, connectTimeoutMs: 5000, groupCommit: { maxBatch: 6, maxInFlight: 2 } });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const r of defaultRoutes) await store.upsertRoute(r);
      for (let round = 0; round < 8; round++) {
        const accountId = ids();
        await store.createAccount({ id: accountId, name: `a${round}`, status: 'active', rateLimitPerMinute: null, createdAt: clock.now() });
        await store.addCredits(accountId, 'transactional', 10, 'topup', 'test', clock.now());
        const messages = Array.from({ length: 12 }, () => message(accountId));
        const results = await Promise.all(messages.map((m) => store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] })));

        assert.equal(results.filter((r) => r.ok).length, 10, `round ${round}: ${JSON.stringify(results)}`);
        for (const r of results) if (!r.ok) assert.deepEqual(r, { ok: false, reason: 'insufficient_credits', balance: 0 });
        const balance = (await store.getBalances(accountId)).find((b) => b.routeId === 'transactional')?.balance;
        assert.equal(balance, 0);
        // Exactly the accepted messages are stored, and the ledger's reserves match them.
        const stored = await client.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE account_id = $1', [accountId]);
        assert.equal(Number(stored.rows[0]!.n), 10);
        const reserved = await client.query<{ s: string }>("SELECT coalesce(sum(amount), 0) AS s FROM ledger WHERE account_id = $1 AND kind = 'reserve'", [accountId]);
        assert.equal(Number(reserved.rows[0]!.s), -10);
        const accepted = new Set(messages.filter((_, i) => results[i]!.ok).map((m) => m.id));
        const ids_ = (await client.query<{ id: string }>('SELECT id FROM messages WHERE account_id = $1', [accountId])).rows.map((r) => r.id);
        assert.deepEqual(new Set(ids_), accepted, 'the stored messages are the accepted ones');
      }
    } finally {
      await client.end();
      await store.close();
    }
  });

  test('a balance that covers every group is debited once per group, after its rows are written', async () => {
    const url = await freshSchemaUrl();
    const store = await PostgresStore.open({ url, poolSize: 6, connectTimeoutMs: 5000, groupCommit: { maxBatch: 50, maxInFlight: 4 } });
    try {
      for (const r of defaultRoutes) await store.upsertRoute(r);
      const accountId = ids();
      await store.createAccount({ id: accountId, name: 'a', status: 'active', rateLimitPerMinute: null, createdAt: clock.now() });
      await store.addCredits(accountId, 'transactional', 1_000, 'topup', 'test', clock.now());
      const results = await Promise.all(Array.from({ length: 400 }, () => store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [message(accountId)] })));
      assert.equal(results.filter((r) => r.ok).length, 400);
      assert.equal((await store.getBalances(accountId)).find((b) => b.routeId === 'transactional')?.balance, 600);
    } finally {
      await store.close();
    }
  });
});
