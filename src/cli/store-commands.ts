// The store's own commands. `dakiya migrate` brings the configured store (SQLite in the data dir,
// or PostgreSQL at DAKIYA_STORE_URL) to the latest schema without starting the gateway — the step
// to run once before rolling out a new version to several nodes. `dakiya store copy --to
// postgres://…` moves a SQLite deployment into a fresh PostgreSQL database.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import pg from 'pg';
import type { Config } from '../config/config-schema.ts';
import { openStore } from '../gateway.ts';
import { copySqliteToPostgres, type StoreCopyProgress } from '../store/store-copy.ts';
import { print } from './cli-output.ts';
import { copyReportJson, copyReportText, redactUrl } from './store-copy-output.ts';

export function storeCommands(program: Command, config: () => Readonly<Config>): void {
  program.command('migrate')
    .description('apply pending schema migrations to the configured store and exit')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const store = await openStore(config());
      const driver = store.driver;
      await store.close();
      print(options.json === true, { driver, migrated: true }, `${driver} store is at the latest schema`);
    });

  program.command('store').description('the store itself')
    .command('copy')
    .description('copy this SQLite deployment (data dir) into a fresh PostgreSQL database, verified by counts and sums; stop `serve` first')
    .requiredOption('--to <url>', 'the PostgreSQL database to fill (postgres://user:password@host:port/database)')
    .option('--json', 'machine-readable output')
    .action((options: { to: string; json?: boolean }) => copyStore(config(), options.to, options.json === true));
}

async function copyStore(config: Readonly<Config>, to: string, json: boolean): Promise<void> {
  if (config.store.url) {
    throw new Error('the configured store is already PostgreSQL (store.url / DAKIYA_STORE_URL): store copy reads the SQLite database in the data dir; unset DAKIYA_STORE_URL for this command and name the target with --to');
  }
  if (!/^postgres(ql)?:\/\/[^/]/.test(to) || !URL.canParse(to)) {
    throw new Error('--to expects a PostgreSQL URL: postgres://user:password@host:port/database (or postgresql://…)');
  }
  const dataDir = resolve(config.dataDir);
  const file = resolve(dataDir, config.store.sqlite.filename);
  if (!existsSync(file)) {
    throw new Error(`no SQLite database at ${file}: point --data-dir (or DAKIYA_DATA_DIR) at the data dir of the deployment to copy`);
  }
  // The source at this version's schema first, as `serve` would leave it, so its columns are the
  // ones the target's migrations create, and with every deferred chunk made into message rows
  // (PostgreSQL has no deferred chunks); then read it through a handle that cannot write.
  const store = await openStore(config, dataDir);
  try {
    while ((await store.expandDeferred(100)).length > 0);
  } finally {
    await store.close();
  }
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  // One connection: the whole copy is one transaction. Built here rather than by the store, whose
  // pool is for serving; the copy reads its numbers without relying on the store's type parsers.
  const pool = new pg.Pool({ connectionString: to, max: 1, connectionTimeoutMillis: config.store.postgres.connectTimeoutMs });
  pool.on('error', () => {});
  const target = redactUrl(to);
  if (!json) process.stderr.write(`copying ${file} into ${target}; \`dakiya serve\` must stay stopped until the copy is done\n`);
  try {
    const report = await copySqliteToPostgres({
      sqlite, pool,
      migrate: async () => { await (await openStore({ ...config, store: { ...config.store, url: to } })).close(); },
      ...(!json && { onProgress: progressPrinter() }),
    });
    const pepperFile = resolve(dataDir, config.security.pepperFile);
    print(json, copyReportJson({ source: file, target, pepperFile, report }), copyReportText({ source: file, target, pepperFile, report }));
  } finally {
    sqlite.close();
    await pool.end();
  }
}

/** One line per finished table, and one per 100,000 rows of a large one. */
function progressPrinter(): (progress: StoreCopyProgress) => void {
  let printed = 0;
  return ({ table, copied, total }) => {
    if (copied < total && copied - printed < 100_000) return;
    process.stderr.write(`  ${table}: ${copied} of ${total} rows\n`);
    printed = copied === total ? 0 : copied;
  };
}
