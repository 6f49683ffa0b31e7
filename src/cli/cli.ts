// `dakiya <command>`: serve, and the operator's commands. Every command reads the same data dir
// as `serve` (DAKIYA_DATA_DIR, or the PostgreSQL database at DAKIYA_STORE_URL) and works while it
// runs (SQLite WAL allows one writer at a time; PostgreSQL any number).
import { Command } from 'commander';
import { loadConfig } from '../config/load-config.ts';
import { accountCommands } from './account-commands.ts';
import { connectorCommands } from './connector-commands.ts';
import { contentFilterCommands } from './content-filter-commands.ts';
import { otpCommands } from './otp-commands.ts';
import { smppUserCommands } from './smpp-user-commands.ts';
import { listCommands } from './list-commands.ts';
import { serveCommand } from './serve-command.ts';
import { smscSimCommand } from './smsc-sim-command.ts';
import { storeCommands } from './store-commands.ts';

export function buildCli(env: Record<string, string | undefined> = process.env): Command {
  const program = new Command('dakiya')
    .description('Dakiya messaging gateway')
    .option('--config <file>', 'JSON config file (also DAKIYA_CONFIG)')
    .option('--data-dir <dir>', 'data directory (also DAKIYA_DATA_DIR)')
    .showHelpAfterError();
  const config = () => {
    const o = program.opts<{ config?: string; dataDir?: string }>();
    return loadConfig({ env, ...(o.config !== undefined && { file: o.config }), flags: { ...(o.dataDir !== undefined && { dataDir: o.dataDir }) } });
  };
  serveCommand(program, config);
  accountCommands(program, config);
  connectorCommands(program, config);
  otpCommands(program, config);
  contentFilterCommands(program, config);
  smppUserCommands(program, config);
  listCommands(program, config);
  storeCommands(program, config);
  smscSimCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    process.stderr.write(`dakiya: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
