// `dakiya otp-channel add|list|remove` and `dakiya otp-policy show|set`: an account's OTP channels
// (seed 002 `channel_id`) and its anti-abuse policy, the same as the admin API.
import type { Command } from 'commander';
import type { Config } from '../config/config-schema.ts';
import { snake } from '../api/admin/admin-routes.ts';
import { print } from './cli-output.ts';
import { withCore } from './with-core.ts';

interface AddOptions {
  account: string; channelId: string; templateId: string; sender: string; route?: string;
  length?: string; expiryS?: string; maxAttempts?: string; json?: boolean;
}

export function otpCommands(program: Command, config: () => Readonly<Config>): void {
  const channel = program.command('otp-channel').description('OTP channels of an account: template, sender, length, expiry and attempts a send uses by default');
  channel.command('add')
    .description('define an OTP channel, or replace the one of that id')
    .requiredOption('--account <id>')
    .requiredOption('--channel-id <id>', 'the channel_id customers send (1-64 letters, digits, _ or -)')
    .requiredOption('--template-id <id>', 'an OTP template of the account with {#num#} or {#var#} for the code')
    .requiredOption('--sender <header>', 'the template\'s sender ID')
    .option('--route <id>', 'route to send by (default: the account\'s OTP route)')
    .option('--length <n>', 'digits of the code (4-10)')
    .option('--expiry-s <n>', 'seconds a code stays valid (30-1800)')
    .option('--max-attempts <n>', 'checks allowed per session (1-10)')
    .option('--json', 'print one JSON object')
    .action((o: AddOptions) => withCore(config(), async (core) => {
      const c = await core.otpAdmin.saveChannel(o.account, {
        channelId: o.channelId, templateId: o.templateId, sender: o.sender, route: o.route ?? null,
        ...(o.length !== undefined && { length: int('--length', o.length) }),
        ...(o.expiryS !== undefined && { expirySeconds: int('--expiry-s', o.expiryS) }),
        ...(o.maxAttempts !== undefined && { maxAttempts: int('--max-attempts', o.maxAttempts) }),
      });
      print(o.json === true, { otp_channel: snake(c) as Record<string, unknown> },
        `OTP channel ${c.channelId} saved: template ${c.templateId}, sender ${c.sender}, ${c.length} digits, ${c.expirySeconds} s, ${c.maxAttempts} attempts`);
    }));
  channel.command('list').requiredOption('--account <id>').option('--json')
    .action((o: { account: string; json?: boolean }) => withCore(config(), async (core) => {
      const list = await core.otpAdmin.listChannels(o.account);
      print(o.json === true, { otp_channels: snake(list) }, list.length === 0 ? 'no OTP channels'
        : list.map((c) => `${c.channelId}\t${c.templateId}\t${c.sender}\t${c.length} digits\t${c.expirySeconds} s\t${c.maxAttempts} attempts`).join('\n'));
    }));
  channel.command('remove').requiredOption('--account <id>').requiredOption('--channel-id <id>').option('--json')
    .action((o: { account: string; channelId: string; json?: boolean }) => withCore(config(), async (core) => {
      await core.otpAdmin.removeChannel(o.account, o.channelId);
      print(o.json === true, { removed: o.channelId }, `OTP channel ${o.channelId} removed`);
    }));

  const policy = program.command('otp-policy').description('an account\'s OTP policy: allowed countries and daily budget');
  policy.command('show').requiredOption('--account <id>').option('--json')
    .action((o: { account: string; json?: boolean }) => withCore(config(), async (core) => {
      const p = await core.otpAdmin.policy(o.account);
      print(o.json === true, { otp_policy: snake(p) as Record<string, unknown> }, `countries ${p.allowedCountries.join(',')}; daily budget ${p.dailyBudget || 'none'}`);
    }));
  policy.command('set').requiredOption('--account <id>')
    .option('--countries <list>', 'ISO 3166-1 alpha-2 codes, comma-separated, e.g. IN,NP')
    .option('--daily-budget <n>', 'OTP sends per day (Asia/Kolkata); 0 = none')
    .option('--json')
    .action((o: { account: string; countries?: string; dailyBudget?: string; json?: boolean }) => withCore(config(), async (core) => {
      const p = await core.otpAdmin.setPolicy(o.account, {
        ...(o.countries !== undefined && { allowedCountries: o.countries.split(',').map((c) => c.trim().toUpperCase()).filter((c) => c.length > 0) }),
        ...(o.dailyBudget !== undefined && { dailyBudget: int('--daily-budget', o.dailyBudget) }),
      });
      print(o.json === true, { otp_policy: snake(p) as Record<string, unknown> }, `countries ${p.allowedCountries.join(',')}; daily budget ${p.dailyBudget || 'none'}`);
    }));
}

function int(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} expects a whole number, got ${value}`);
  return Number(value);
}
