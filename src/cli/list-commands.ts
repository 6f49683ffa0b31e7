// Operator commands that read: accounts, balances, routes.
import type { Command } from 'commander';
import type { Config } from '../config/config-schema.ts';
import { print } from './cli-output.ts';
import { withCore } from './with-core.ts';

export function listCommands(program: Command, config: () => Readonly<Config>): void {
  program.command('accounts').description('list accounts').option('--json').action((o: { json?: boolean }) => withCore(config(), async (core) => {
    const accounts = await core.admin.listAccounts();
    print(o.json === true, { accounts }, accounts.map((a) => `${a.id}  ${a.status.padEnd(9)}  ${a.name}`).join('\n') || '(no accounts)');
  }));
  program.command('balances').description("an account's credits per route").requiredOption('--account <id>').option('--json')
    .action((o: { account: string; json?: boolean }) => withCore(config(), async (core) => {
      const balances = await core.admin.balances(o.account);
      print(o.json === true, { balances: balances.map((b) => ({ route: b.routeId, credits: b.balance })) }, balances.map((b) => `${b.routeId.padEnd(18)} ${b.balance}`).join('\n'));
    }));
  program.command('routes').description('list routes').option('--json').action((o: { json?: boolean }) => withCore(config(), async (core) => {
    const routes = await core.admin.listRoutes();
    print(o.json === true, { routes }, routes.map((r) => `${r.id.padEnd(18)} ${r.category.padEnd(18)} ${r.pricePerSegment}/segment${r.enabled ? '' : ' (disabled)'}`).join('\n'));
  }));
}
