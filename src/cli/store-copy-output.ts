// What `dakiya store copy` prints: the verified figures, and (for people) the steps that remain,
// since the copy alone does not make the PostgreSQL nodes able to authenticate existing keys.
import type { StoreCopyReport } from '../store/store-copy.ts';

export interface CopyOutcome {
  source: string;
  /** The target URL with its password masked. */
  target: string;
  pepperFile: string;
  report: StoreCopyReport;
}

/** The URL without its password, for printing. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}

export function copyReportJson({ source, target, pepperFile, report }: CopyOutcome): Record<string, unknown> {
  return {
    source, target, verified: true,
    tables: report.tables,
    balances: { account_routes: report.balances.accountRoutes, credits: report.balances.credits },
    ledger: report.ledger,
    messages: report.messages,
    next_ids: report.nextIds,
    replaced_routes: report.replacedRoutes,
    pepper_file: pepperFile,
  };
}

export function copyReportText({ source, target, pepperFile, report }: CopyOutcome): string {
  const width = Math.max(...Object.keys(report.tables).map((t) => t.length));
  const messages = Object.entries(report.messages).map(([status, m]) => `${status} ${m.count} (${m.credits} credits)`);
  return [
    `Copied ${source} into ${target}; row counts and sums verified before commit.`,
    '',
    ...Object.entries(report.tables).map(([table, rows]) => `  ${table.padEnd(width)}  ${rows}`),
    '',
    `  balances: ${report.balances.credits} credits over ${report.balances.accountRoutes} account/route pairs`,
    `  ledger:   ${report.ledger.entries} entries summing to ${report.ledger.amount}`,
    `  messages: ${messages.length > 0 ? messages.join(', ') : 'none'}`,
    ...Object.entries(report.nextIds).map(([column, next]) => `  next ${column}: ${next}`),
    '',
    'Before starting the PostgreSQL nodes:',
    `  1. Give every node the pepper file ${pepperFile} (security.pepperFile in its data dir).`,
    '     API keys and operator tokens are stored as HMACs keyed with it: without the same pepper none of them authenticates.',
    '  2. Set DAKIYA_STORE_URL to the --to URL on every node, then start them.',
    '  3. Keep `dakiya serve` on the SQLite data dir stopped: anything it accepts now is not in PostgreSQL.',
  ].join('\n');
}
