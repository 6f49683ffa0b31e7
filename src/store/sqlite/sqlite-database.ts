// Opens the SQLite database file with the pragmas Dakiya relies on and brings its schema up to date.
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import * as initial from './migrations/0001-initial.ts';
import * as smpp from './migrations/0002-smpp.ts';
import * as smppServer from './migrations/0003-smpp-server.ts';
import * as eventsWebhooks from './migrations/0004-events-webhooks.ts';
import * as otp from './migrations/0005-otp.ts';
import * as campaigns from './migrations/0006-campaigns.ts';
import * as contentFilter from './migrations/0007-content-filter.ts';
import * as deferredMessages from './migrations/0008-deferred-messages.ts';
import * as dltEntity from './migrations/0009-dlt-entity.ts';

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-smpp': smpp,
  '0003-smpp-server': smppServer,
  '0004-events-webhooks': eventsWebhooks,
  '0005-otp': otp,
  '0006-campaigns': campaigns,
  '0007-content-filter': contentFilter,
  '0008-deferred-messages': deferredMessages,
  '0009-dlt-entity': dltEntity,
};

export interface SqliteOptions {
  filename: string;
  /** 'full' syncs the WAL on every commit (survives power loss); 'normal' survives a process crash. */
  synchronous: 'full' | 'normal';
}

export async function openSqlite(options: SqliteOptions): Promise<Database.Database> {
  const db = new Database(options.filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // Several processes share the file (serve and the CLI): wait for the writer rather than fail.
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32000');
  db.pragma('temp_store = MEMORY');
  // Checkpoint less often: a message row is written three or four times within seconds (accept,
  // claim, submit, receipt), so a larger WAL copies each hot page back to the database once.
  db.pragma('wal_autocheckpoint = 10000');
  await migrate(db);
  return db;
}

async function migrate(db: Database.Database): Promise<void> {
  const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: db }) });
  const migrator = new Migrator({ db: kysely, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
  // Not kysely.destroy(): that would close the better-sqlite3 handle we keep using.
}
