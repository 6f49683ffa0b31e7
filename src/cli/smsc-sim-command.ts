// `dakiya smsc-sim`: run the SMSC simulator (src/simulator) in the foreground, for demos and load
// tests. One line with the port when listening; its stats as JSON on SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { SimulatorRule } from '../simulator/simulator-rules.ts';
import { type SmscSimulatorOptions, startSmscSimulator } from '../simulator/smsc-simulator.ts';

interface SimFlags {
  port: string;
  host: string;
  receiptDelayMs?: string;
  systemId?: string;
  password?: string;
  idFormat?: 'hex' | 'decimal';
  receiptIdFormat?: 'hex' | 'decimal' | 'same';
  rules?: string;
  receipts: boolean;
}

function wholeNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} takes a whole number, got ${value}`);
  return Number(value);
}

function readRules(file: string): SimulatorRule[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const rules = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) throw new Error(`${file} must hold a JSON array of rules, or { "rules": [...] }`);
  return rules as SimulatorRule[];
}

export function smscSimCommand(program: Command): void {
  program.command('smsc-sim')
    .description('run an SMSC simulator (an SMPP server that acks submissions and sends receipts)')
    .option('--port <port>', 'listen port (0 picks a free one)', '2775')
    .option('--host <host>', 'listen address', '127.0.0.1')
    .option('--receipt-delay-ms <ms>', 'time from submit_sm to its receipt (default 100)')
    .option('--system-id <id>', 'accept only binds with this system_id (default: any)')
    .option('--password <password>', 'accept only binds with this password (default: any)')
    .addOption(new Option('--id-format <format>', 'message id format').choices(['hex', 'decimal']))
    .addOption(new Option('--receipt-id-format <format>', 'receipt id format (other than the ack\'s, as some carriers do)').choices(['hex', 'decimal', 'same']))
    .option('--rules <file>', 'error-injection rules, a JSON file (docs/reference/smsc-simulator.md)')
    .option('--no-receipts', 'send no delivery receipts')
    .action(async (flags: SimFlags) => {
      const options: SmscSimulatorOptions = {
        port: wholeNumber('--port', flags.port),
        host: flags.host,
        receipts: flags.receipts,
        ...(flags.receiptDelayMs !== undefined && { receiptDelayMs: wholeNumber('--receipt-delay-ms', flags.receiptDelayMs) }),
        ...(flags.systemId !== undefined && { systemId: flags.systemId }),
        ...(flags.password !== undefined && { password: flags.password }),
        ...(flags.idFormat !== undefined && { idFormat: flags.idFormat }),
        ...(flags.receiptIdFormat !== undefined && { receiptIdFormat: flags.receiptIdFormat }),
        ...(flags.rules !== undefined && { rules: readRules(flags.rules) }),
      };
      const sim = await startSmscSimulator(options);
      process.stdout.write(`smsc-sim listening on ${sim.host}:${sim.port}\n`);
      const stop = () => {
        process.stdout.write(`${JSON.stringify(sim.stats())}\n`);
        sim.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
