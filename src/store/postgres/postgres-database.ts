// Opens a PostgreSQL pool with the type parsing Dakiya relies on (bigint as number, never a
// string) and brings the schema up to date. Connection-level failures become StoreUnavailableError.
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type Migration } from 'kysely';
import { StoreUnavailableError } from '../store.ts';
import * as initial from './migrations/0001-initial.ts';
import * as smpp from './migrations/0002-smpp.ts';
import * as smppServer from './migrations/0003-smpp-server.ts';
import * as eventsWebhooks from './migrations/0004-events-webhooks.ts';
import * as otp from './migrations/0005-otp.ts';
import * as campaigns from './migrations/0006-campaigns.ts';
import * as contentFilter from './migrations/0007-content-filter.ts';
import * as dltEntity from './migrations/0008-dlt-entity.ts';
import * as acceptDebitLast from './migrations/0009-accept-debit-last.ts';

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-smpp': smpp,
  '0003-smpp-server': smppServer,
  '0004-events-webhooks': eventsWebhooks,
  '0005-otp': otp,
  '0006-campaigns': campaigns,
  '0007-content-filter': contentFilter,
  '0008-dlt-entity': dltEntity,
  '0009-accept-debit-last': acceptDebitLast,
};

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (libpq's query options such as `options` apply). */
  url: string;
  poolSize: number;
  /** How long a query may wait for a free connection before failing, in ms. */
  connectTimeoutMs: number;
}

const int8 = 20;
const numeric = 1700;

/** Balances and times are bigint columns; they stay far below 2^53, so a number is exact. */
function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === int8 || oid === numeric) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as 'text');
}

export function createPool(options: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // A node frozen (SIGSTOP, a paused VM) inside a transaction would hold its row locks — a
    // balance row, say — and stall every other node; the server ends such a session instead.
    idle_in_transaction_session_timeout: 5000,
    types: { getTypeParser } as pg.CustomTypesConfig,
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => {});
  return pool;
}

export async function migratePostgres(pool: pg.Pool): Promise<void> {
  // Not kysely.destroy() afterwards: that would end the pool the store keeps using.
  const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  // Kysely looks for its bookkeeping tables in every schema unless told which one: name the
  // schema the connection uses (the first on its search_path), so several Dakiya deployments can
  // share one database in separate schemas.
  const schema = (await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL: no schema on the search_path exists; create it or fix the options in DAKIYA_STORE_URL');
  const migrator = new Migrator({ db: kysely, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}

// SQLSTATE classes and codes that mean "the database is not there right now", not "your query is wrong".
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '08007']);
const unavailableErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (unavailableStates.has(code) || unavailableErrnos.has(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(error.message);
}

/** Rethrows connection-level failures as StoreUnavailableError; other errors pass unchanged. */
export function translate(error: unknown): never {
  if (isUnavailable(error)) throw new StoreUnavailableError(`PostgreSQL is unavailable: ${(error as Error).message}`, { cause: error });
  throw error;
}

/** One statement on a pooled connection; connection failures become StoreUnavailableError. */
export async function query<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string, params: readonly unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await pool.query<R>(sql, params as unknown[]);
  } catch (error) {
    return translate(error);
  }
}
