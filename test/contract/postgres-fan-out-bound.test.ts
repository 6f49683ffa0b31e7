// The fan-out on PostgreSQL reads only events of transactions older than every running one, and
// while no endpoint exists it reads only callback events and then moves its cursor to the last
// settled event. Both reads must use one bound: with a bound taken afresh by each statement, a
// callback event whose transaction commits between the two was passed over and its dlr_url
// callback never sent (the CI failure of 'dlr_url receives each message's final event').
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { PostgresEventStore } from '../../src/store/postgres/postgres-event-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { NewDelivery, StoredEvent } from '../../src/store/store.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

/** A pool whose clients run `before` once, right before the first query whose text matches `when`. */
function poolWithHook(url: string, when: RegExp, before: () => Promise<void>): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  let fired = false;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      if (!fired && typeof args[0] === 'string' && when.test(args[0])) {
        fired = true;
        await before();
      }
      return query(...args);
    };
  });
  return pool;
}

describe('PostgreSQL fan-out bound', () => {
  test('a callback event whose transaction commits during a callbacks-only pass is fanned out by a later pass, not passed over', async () => {
    const url = await freshSchemaUrl();
    const store = await PostgresStore.open({ url, poolSize: 2, connectTimeoutMs: 5000, groupCommit: { maxBatch: 100, maxInFlight: 2 } });
    const slow = new pg.Client({ connectionString: url });
    const other = new pg.Client({ connectionString: url });
    await slow.connect();
    await other.connect();
    // The callbacks-only pass finds its last settled event with `ORDER BY e.txid DESC`: the slow
    // transaction commits right before that statement.
    const pool = poolWithHook(url, /ORDER BY e\.txid DESC/, async () => {
      await slow.query('COMMIT');
    });
    const events = new PostgresEventStore(pool);
    const insert = (client: pg.Client, type: string, callback: boolean) => client.query(
      "INSERT INTO events (account_id, type, message_id, status, at, callback) VALUES ('acct', $1, 'm1', 'DELIVERED', 1, $2)", [type, callback]);
    try {
      // The first pass ever makes the cursor row and says busy.
      assert.equal(await events.fanOutEvents(10, () => [], Date.now(), { onlyCallbacks: true }), 'busy');
      // The slow transaction (older txid) writes the callback event and stays open; a younger
      // one writes an event that is not a callback and commits at once.
      await slow.query('BEGIN');
      await insert(slow, 'message.delivered', true);
      await other.query('BEGIN');
      await insert(other, 'message.submitted', false);
      await other.query('COMMIT');

      const seen: StoredEvent[] = [];
      const plan = (list: readonly StoredEvent[]): NewDelivery[] => {
        seen.push(...list);
        return [];
      };
      const first = await events.fanOutEvents(10, plan, Date.now(), { onlyCallbacks: true });
      assert.notEqual(first, 'busy');
      assert.equal(seen.length, 0, 'while the slow transaction runs, its event is not settled yet');
      // Committed now: the next pass must see it.
      const second = await events.fanOutEvents(10, plan, Date.now(), { onlyCallbacks: true });
      assert.notEqual(second, 'busy');
      assert.deepEqual(seen.map((e) => e.type), ['message.delivered'], 'the callback event is fanned out once it is settled');
    } finally {
      await slow.end();
      await other.end();
      await pool.end();
      await store.close();
    }
  });
});
