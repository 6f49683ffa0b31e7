// `dakiya smpp-user set|list|remove`: the system_id/password pairs customers bind to the SMPP
// server with. They live in the store; a change applies to the next bind.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { smppUserJson } from '../api/admin/smpp-user-json.ts';
import type { Config } from '../config/config-schema.ts';
import type { SmppUser } from '../domain/smpp-user.ts';
import { collect, print } from './cli-output.ts';
import { withCore } from './with-core.ts';

interface SetOptions {
  account: string; systemId: string; password?: string; passwordFile?: string; allowIp?: string[];
  maxBinds?: string; route?: string; disabled?: boolean; json?: boolean;
}

export function smppUserCommands(program: Command, config: () => Readonly<Config>): void {
  const user = program.command('smpp-user').description('SMPP users: how customers bind to the SMPP server');
  user.command('set')
    .description('create an SMPP user, or replace the one of that system_id')
    .requiredOption('--account <id>', 'the account it sends for')
    .requiredOption('--system-id <id>', 'up to 15 characters, unique across the deployment')
    .option('--password <password>', 'up to 8 characters (visible in the process list: prefer --password-file)')
    .option('--password-file <file>', 'read the password from this file')
    .option('--allow-ip <cidr>', 'an address or CIDR block allowed to bind (repeatable; none = any)', collect)
    .option('--max-binds <n>', 'binds the account may hold on one node (default smpp.defaultMaxBinds)')
    .option('--route <route>', 'route of submissions without a DLT template (default smpp.defaultRoute)')
    .option('--disabled', 'keep the user defined but refuse its binds')
    .option('--json', 'print one JSON object')
    .action((o: SetOptions) => withCore(config(), async (core) => {
      const password = o.passwordFile !== undefined ? readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '') : o.password;
      if (password === undefined) throw new Error('give the password with --password or --password-file');
      if (o.maxBinds !== undefined && !/^\d+$/.test(o.maxBinds)) throw new Error(`--max-binds expects a whole number, got ${o.maxBinds}`);
      const saved = await core.smppUsers.save({
        accountId: o.account, systemId: o.systemId, password, ipAllowlist: o.allowIp ?? [],
        ...(o.maxBinds !== undefined && { maxBinds: Number(o.maxBinds) }),
        ...(o.route !== undefined && { route: o.route }),
        ...(o.disabled === true && { enabled: false }),
      });
      print(o.json === true, { smpp_user: smppUserJson(saved) }, `SMPP user ${saved.systemId} saved (account ${saved.accountId}, route ${saved.route}, ${saved.maxBinds} binds)`);
    }));

  user.command('list').description('SMPP users, of one account or all').option('--account <id>').option('--json')
    .action((o: { account?: string; json?: boolean }) => withCore(config(), async (core) => {
      const users = await core.smppUsers.list(o.account);
      print(o.json === true, { smpp_users: users.map(smppUserJson) }, users.length === 0 ? 'no SMPP users' : users.map(line).join('\n'));
    }));

  user.command('remove').requiredOption('--system-id <id>').option('--json')
    .action((o: { systemId: string; json?: boolean }) => withCore(config(), async (core) => {
      await core.smppUsers.remove(o.systemId);
      print(o.json === true, { removed: o.systemId }, `SMPP user ${o.systemId} removed`);
    }));
}

function line(u: SmppUser): string {
  return `${u.systemId}\t${u.accountId}\t${u.route}\t${u.maxBinds} binds\t${u.ipAllowlist.length === 0 ? 'any IP' : u.ipAllowlist.join(',')}${u.enabled ? '' : '\tdisabled'}`;
}
