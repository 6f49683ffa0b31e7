// Operator commands that change data: accounts, keys, credits, senders, templates, DND.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config-schema.ts';
import { collect, parseCredits, print } from './cli-output.ts';
import { withCore } from './with-core.ts';

export function accountCommands(program: Command, config: () => Readonly<Config>): void {
  const account = program.command('account').description('customer accounts');
  account.command('create')
    .requiredOption('--name <name>', 'account name')
    .option('--credits <ROUTE=N>', 'initial credits on a route (repeatable)', collect, [])
    .option('--rate-limit <n>', 'requests per minute per key')
    .option('--json', 'print one JSON object')
    .action((o: { name: string; credits: string[]; rateLimit?: string; json?: boolean }) => withCore(config(), async (core) => {
      const { account: a, apiKey } = await core.admin.createAccount({
        name: o.name, credits: parseCredits(o.credits), rateLimitPerMinute: o.rateLimit === undefined ? null : Number(o.rateLimit),
      });
      print(o.json === true, { account_id: a.id, api_key: apiKey }, `account ${a.id}\napi key ${apiKey} (shown once)`);
    }));
  account.command('suspend').requiredOption('--account <id>').action((o: { account: string }) => withCore(config(), async (core) => {
    await core.admin.updateAccount(o.account, { status: 'suspended' });
    print(false, {}, `account ${o.account} suspended`);
  }));

  const key = program.command('key').description('API keys');
  key.command('create').requiredOption('--account <id>').option('--label <label>').option('--test', 'a test key: validates and prices, never sends')
    .option('--allow-ip <cidr>', 'allowed client IP or CIDR (repeatable)', collect, []).option('--json')
    .action((o: { account: string; label?: string; test?: boolean; allowIp: string[]; json?: boolean }) => withCore(config(), async (core) => {
      const { apiKey, key: k } = await core.admin.createKey(o.account, { ...(o.label !== undefined && { label: o.label }), mode: o.test ? 'test' : 'live', ipAllowlist: o.allowIp });
      print(o.json === true, { key_id: k.id, api_key: apiKey }, `key ${k.id}\napi key ${apiKey} (shown once)`);
    }));
  key.command('revoke').requiredOption('--account <id>').requiredOption('--key <id>').action((o: { account: string; key: string }) => withCore(config(), async (core) => {
    await core.admin.revokeKey(o.account, o.key);
    print(false, {}, `key ${o.key} revoked`);
  }));

  program.command('credits').description('credit balances').command('add')
    .requiredOption('--account <id>').requiredOption('--route <route>').requiredOption('--amount <n>', 'credits; negative to remove')
    .option('--note <text>').option('--json')
    .action((o: { account: string; route: string; amount: string; note?: string; json?: boolean }) => withCore(config(), async (core) => {
      if (!/^-?\d+$/.test(o.amount)) throw new Error('--amount must be a whole number');
      const balance = await core.admin.addCredits(o.account, o.route, Number(o.amount), o.note ?? 'cli');
      print(o.json === true, { account_id: o.account, route: o.route, balance }, `${o.route}: ${balance} credits`);
    }));

  program.command('sender').description('sender IDs (DLT headers)').command('add')
    .requiredOption('--account <id>').requiredOption('--sender <header>').option('--json')
    .action((o: { account: string; sender: string; json?: boolean }) => withCore(config(), async (core) => {
      const s = await core.admin.addSender(o.account, o.sender);
      print(o.json === true, { account_id: o.account, sender: s.sender, kind: s.kind }, `sender ${s.sender} registered (${s.kind})`);
    }));

  program.command('template').description('DLT templates').command('add')
    .requiredOption('--account <id>').requiredOption('--template-id <id>').requiredOption('--sender <header>')
    .requiredOption('--category <category>').requiredOption('--text <text>')
    .option('--entity-id <pe-id>', 'the DLT principal entity (PE) id the template is registered under').option('--json')
    .action((o: { account: string; templateId: string; sender: string; category: string; text: string; entityId?: string; json?: boolean }) => withCore(config(), async (core) => {
      const t = await core.admin.addTemplate(o.account, { templateId: o.templateId, sender: o.sender, category: o.category, text: o.text, ...(o.entityId !== undefined && { entityId: o.entityId }) });
      print(o.json === true, { account_id: o.account, template_id: t.templateId, entity_id: t.entityId ?? null },
        `template ${t.templateId} registered${t.entityId ? ` under DLT entity ${t.entityId}` : ''}`);
    }));

  const dnd = program.command('dnd').description('the DND registry');
  dnd.command('add').argument('<numbers...>').option('--json').action((numbers: string[], o: { json?: boolean }) => withCore(config(), async (core) => {
    const { added } = await core.admin.addDnd(numbers);
    print(o.json === true, { added }, `${added} number(s) added to DND`);
  }));
  dnd.command('remove').argument('<numbers...>').option('--json').action((numbers: string[], o: { json?: boolean }) => withCore(config(), async (core) => {
    const { removed } = await core.admin.removeDnd(numbers);
    print(o.json === true, { removed }, `${removed} number(s) removed from DND`);
  }));
  dnd.command('import').argument('<file>', 'one number per line (or comma-separated); # starts a comment').option('--json')
    .action((file: string, o: { json?: boolean }) => withCore(config(), async (core) => {
      const numbers = readFileSync(file, 'utf8').split(/[\n,]/).map((l) => l.replace(/#.*/, '').trim()).filter((l) => l.length > 0);
      const { added } = await core.admin.addDnd(numbers);
      print(o.json === true, { read: numbers.length, added }, `${numbers.length} read, ${added} added to DND`);
    }));
}
