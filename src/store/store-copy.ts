// `dakiya store copy`: moves a SQLite deployment into a fresh PostgreSQL database. The source is
// read inside one SQLite read transaction (one snapshot) a chunk at a time; the target is written
// in one PostgreSQL transaction that commits only after its counts and sums match the source's.
// The module takes raw handles because it moves rows, not domain objects; it names neither store
// adapter, so the caller passes the target's migrator.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { StoreCopyError } from './store-copy-error.ts';
import { deferredTable, insertStatement, planCopy, quote, selectStatement, sqliteTables, toColumnArrays } from './store-copy-tables.ts';
import { compareTotals, readTotals, type StoreTotals } from './store-copy-totals.ts';

export interface StoreCopyProgress {
  table: string;
  copied: number;
  total: number;
}

export interface StoreCopyOptions {
  /** The source; a read-only handle is enough. */
  sqlite: Database.Database;
  /** The target: an empty database, or an empty schema named by the URL's search_path. */
  pool: pg.Pool;
  /** Brings the target to the latest schema; runs only after the target was found empty. */
  migrate: () => Promise<void>;
  /** Called after each chunk written, and once for a table with no rows. */
  onProgress?: (progress: StoreCopyProgress) => void;
  /** Rows read and written at a time (memory stays bounded by this, whatever the table size). */
  chunkSize?: number;
}

export interface StoreCopyReport {
  /** Rows copied per table. */
  tables: Record<string, number>;
  balances: { accountRoutes: number; credits: number };
  ledger: { entries: number; amount: number };
  /** Messages and their credits per status, pending work included. */
  messages: Record<string, { count: number; credits: number }>;
  /** The value each identity column (`ledger.id`) hands out next. */
  nextIds: Record<string, number>;
  /** Default routes the target held before the copy, replaced by the source's. */
  replacedRoutes: number;
}

// Every command that opens the core (even a listing) seeds the default routes and the pepper's
// fingerprint into an empty database, so a target holding only those is still fresh; the source's
// routes (with the operator's prices) and settings (its pepper's fingerprint) replace them.
const seeded = new Set(['routes', 'settings']);

export async function copySqliteToPostgres(options: StoreCopyOptions): Promise<StoreCopyReport> {
  const { sqlite, pool, migrate, onProgress } = options;
  const chunkSize = options.chunkSize ?? 5000;
  const tables = sqliteTables(sqlite);
  const client = await pool.connect();
  // A connection dying between queries emits 'error' on the client; the next query reports it.
  client.on('error', () => {});
  try {
    // Before migrating, so a target that holds data (perhaps of an older version) is not touched.
    await refuseOccupied(client, tables);
    await migrate();

    try {
      await client.query('BEGIN');
      // One SQLite read transaction: every chunk and the source's totals come from one snapshot,
      // even if a process still writes the file.
      sqlite.exec('BEGIN');
      refuseDeferred(sqlite);
      const plan = await planCopy(sqlite, client);
      // Nothing else writes the target until COMMIT: a node started on it by mistake waits, and
      // cannot slip an operator token in between the check below and the copy.
      await client.query(`LOCK TABLE ${plan.map((t) => quote(t.name)).join(', ')} IN EXCLUSIVE MODE`);
      await refuseOccupied(client, tables);
      const replacedRoutes = plan.some((t) => t.name === 'routes') ? (await client.query('DELETE FROM routes')).rowCount ?? 0 : 0;
      if (plan.some((t) => t.name === 'settings')) await client.query('DELETE FROM settings');

      const names = plan.map((t) => t.name);
      const source = await readTotals(async (sql) => sqlite.prepare(sql).all() as Array<Record<string, unknown>>, names);
      for (const table of plan) {
        const total = source.rows[table.name] ?? 0;
        const insert = insertStatement(table);
        const rows = sqlite.prepare(selectStatement(table)).raw(true).iterate() as IterableIterator<unknown[]>;
        let copied = 0;
        for (const chunk of chunks(rows, chunkSize)) {
          await client.query(insert, toColumnArrays(table, chunk));
          copied += chunk.length;
          onProgress?.({ table: table.name, copied, total });
        }
        if (copied === 0) onProgress?.({ table: table.name, copied, total });
      }

      const target = await readTotals(async (sql) => (await client.query(sql)).rows as Array<Record<string, unknown>>, names);
      const differences = compareTotals(source, target);
      if (differences.length > 0) {
        const shown = differences.slice(0, 20);
        const more = differences.length > shown.length ? `\n  … and ${differences.length - shown.length} more` : '';
        throw new StoreCopyError('ERR_STORE_COPY_VERIFICATION_FAILED',
          `the copy does not match the source, so it was rolled back and the target is unchanged:\n  - ${shown.join('\n  - ')}${more}`);
      }

      // After verification, just before COMMIT: ALTER … RESTART is transactional, unlike setval().
      const nextIds: Record<string, number> = {};
      for (const table of plan) {
        if (table.identity === undefined) continue;
        const { rows: [row] } = await client.query<{ next: unknown }>(`SELECT coalesce(max(${quote(table.identity)}), 0) + 1 AS next FROM ${quote(table.name)}`);
        const next = Number(row?.next ?? 1);
        await client.query(`ALTER TABLE ${quote(table.name)} ALTER COLUMN ${quote(table.identity)} RESTART WITH ${next}`);
        nextIds[`${table.name}.${table.identity}`] = next;
      }
      await client.query('COMMIT');
      // Fresh statistics for what was just filled: without them PostgreSQL plans the first
      // minutes of traffic blind (store/postgres/postgres-statistics.ts).
      for (const table of plan) await client.query(`ANALYZE ${quote(table.name)}`);
      return report(source, nextIds, replacedRoutes);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      // It only read: ending it either way releases the snapshot.
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    }
  } finally {
    client.release();
  }
}

/** Refuses a source holding deferred chunks: they are made rows before the copy, so a node is still writing it. */
function refuseDeferred(sqlite: Database.Database): void {
  const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(deferredTable) !== undefined;
  const left = exists ? (sqlite.prepare(`SELECT coalesce(sum(count), 0) AS n FROM ${quote(deferredTable)}`).get() as { n: number }).n : 0;
  if (left > 0) {
    throw new StoreCopyError('ERR_STORE_COPY_SOURCE_IN_USE',
      `the SQLite database holds ${left} accepted message(s) a running node has not yet made into rows; stop every \`dakiya serve\` on it and run the copy again (nothing was written)`);
  }
}

/** Refuses a target where any copied table but the seeded ones holds a row (EXISTS, not count: it may be huge). */
async function refuseOccupied(client: pg.PoolClient, tables: readonly string[]): Promise<void> {
  const { rows } = await client.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY table_name',
    [tables.filter((t) => !seeded.has(t))],
  );
  const occupied: string[] = [];
  for (const { table_name: table } of rows) {
    const { rows: [row] } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quote(table)}) AS any`);
    if (row?.any) occupied.push(table);
  }
  if (occupied.length > 0) {
    throw new StoreCopyError('ERR_STORE_COPY_TARGET_NOT_EMPTY',
      `the target database already holds rows in ${occupied.join(', ')}; store copy only moves into a fresh database (or an empty schema), and nothing was written`);
  }
}

/** Groups rows into arrays of `size`; stopping early closes the underlying SQLite statement. */
function* chunks<T>(rows: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

function report(totals: StoreTotals, nextIds: Record<string, number>, replacedRoutes: number): StoreCopyReport {
  const balances = Object.values(totals.balances);
  const ledger = Object.values(totals.ledger);
  return {
    tables: totals.rows,
    balances: { accountRoutes: balances.length, credits: balances.reduce((a, b) => a + b, 0) },
    ledger: { entries: ledger.reduce((a, b) => a + b.entries, 0), amount: ledger.reduce((a, b) => a + b.amount, 0) },
    messages: totals.messages,
    nextIds,
    replacedRoutes,
  };
}
