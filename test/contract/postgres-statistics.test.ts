// PostgreSQL plans a young table blind until it has column statistics: the store analyses its hot
// tables once they hold enough rows (store/postgres/postgres-statistics.ts), so a receipt finds
// its message through the carrier-id index rather than a scan of every message.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { analyzedTables, YoungTableAnalyzer } from '../../src/store/postgres/postgres-statistics.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

const receiptPlan = `EXPLAIN (FORMAT JSON)
  UPDATE messages m SET status = u.status, done_at = u.at
  FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(key, status, at)
  WHERE m.carrier_id = u.key AND m.status = 'SUBMITTED'`;

/** A receipt batch's parameters: 100 carrier ids. */
const receipts = (from: number) => {
  const keys = Array.from({ length: 100 }, (_, i) => `C${String(from + i).padStart(8, '0')}`);
  return [keys, keys.map(() => 'DELIVERED'), keys.map((_, i) => i)];
};

/** Every node type of a JSON plan, depth first. */
function nodeTypes(plan: { 'Node Type': string; 'Index Name'?: string; Plans?: unknown[] }, out: string[] = []): string[] {
  out.push(plan['Index Name'] ? `${plan['Node Type']} on ${plan['Index Name']}` : plan['Node Type']);
  for (const child of (plan.Plans ?? []) as Array<typeof plan>) nodeTypes(child, out);
  return out;
}

/** 50,000 submitted messages with distinct carrier ids, written straight into the schema. */
async function fill(client: pg.Client): Promise<void> {
  await client.query(`
    INSERT INTO messages (id, account_id, route_id, category, lane, recipient, sender, body, encoding, segments, flash, credits,
                          status, due_at, expires_at, created_at, submitted_at, carrier_id, attempts)
    SELECT 'm' || i, 'acct', 'transactional', 'transactional', 'transactional', '919800000000', 'DAKIYA', 'text', 'GSM7', 1, false, 1,
           'SUBMITTED', 0, 9999999999999, 0, 0, 'C' || lpad(i::text, 8, '0'), 1
    FROM generate_series(1, 50000) AS i`);
}

/** pg_stat_user_tables is fed by each backend at most once a second: wait until it shows the writes. */
async function untilCounted(client: pg.Client, table: string, rows: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows: [r] } = await client.query<{ n: string }>(
      'SELECT n_mod_since_analyze AS n FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = $1', [table]);
    if (Number(r?.n ?? 0) >= rows) return;
    if (Date.now() > deadline) throw new Error(`pg_stat_user_tables never counted ${rows} rows written to ${table}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('PostgreSQL statistics of young tables', () => {
  test('a hot table that got enough rows is analysed once; then receipts are planned through the carrier-id index', async () => {
    const url = await freshSchemaUrl();
    // The store migrates the schema; its own analyzer is off, so this test drives one by hand.
    const store = await PostgresStore.open({ url, poolSize: 4, connectTimeoutMs: 5000, groupCommit: { maxBatch: 100, maxInFlight: 2 } });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      await fill(client);
      const blind = nodeTypes((await client.query(receiptPlan, receipts(1))).rows[0]['QUERY PLAN'][0].Plan);
      assert.ok(!blind.includes('Index Scan on messages_carrier'), `without statistics the planner guesses (this test would prove nothing otherwise): ${blind.join(', ')}`);

      await untilCounted(client, 'messages', 50_000);
      const analyzer = new YoungTableAnalyzer(pool, { minRows: 60_000, intervalMs: 60_000 });
      assert.equal(await analyzer.check(), analyzedTables.length, 'below the threshold nothing is analysed');
      const before = await client.query("SELECT last_analyze FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'messages'");
      assert.equal(before.rows[0].last_analyze, null);

      const enough = new YoungTableAnalyzer(pool, { minRows: 1000, intervalMs: 60_000 });
      assert.equal(await enough.check(), analyzedTables.length - 1, 'messages is analysed; the empty tables wait');
      const { rows: [stats] } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'messages' AND attname = 'carrier_id'");
      assert.equal(Number(stats!.n), 1, 'carrier_id has statistics');

      const informed = nodeTypes((await client.query(receiptPlan, receipts(2001))).rows[0]['QUERY PLAN'][0].Plan);
      assert.ok(informed.includes('Index Scan on messages_carrier'), `with statistics a receipt uses the index: ${informed.join(', ')}`);

      // Analysed once: the next look finds nothing more to do for messages.
      assert.equal(await enough.check(), analyzedTables.length - 1);
      await enough.stop();
      await analyzer.stop();
    } finally {
      await pool.end();
      await client.end();
      await store.close();
    }
  });

  test('the store analyses a young table by itself once the configured number of rows was written', async () => {
    const url = await freshSchemaUrl();
    const store = await PostgresStore.open({
      url, poolSize: 4, connectTimeoutMs: 5000, groupCommit: { maxBatch: 100, maxInFlight: 2 }, analyzeFreshTablesFrom: 1000,
    });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await fill(client);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { rows: [r] } = await client.query<{ at: Date | null }>(
          "SELECT last_analyze AS at FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'messages'");
        if (r?.at) break;
        assert.ok(Date.now() < deadline, 'the store never analysed messages');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await client.end();
      await store.close();
    }
  });
});
