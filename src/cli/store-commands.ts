// `dakiya migrate`: bring the configured store (SQLite in the data dir, or PostgreSQL at
// DAKIYA_STORE_URL) to the latest schema without starting the gateway — the step to run once
// before rolling out a new version to several nodes.
import type { Command } from 'commander';
import type { Config } from '../config/config-schema.ts';
import { openStore } from '../gateway.ts';
import { print } from './cli-output.ts';

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
}
