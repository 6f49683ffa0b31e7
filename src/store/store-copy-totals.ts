// The figures `store copy` checks before it commits: rows per table, balances and ledger sums per
// account and route, and messages with their credits per status, read by the same SQL on both
// engines, then compared. Counts catch lost or doubled rows; the sums catch rows that arrived
// altered (a flag or an amount converted wrongly).

/** Runs one read-only query on either engine; numbers may come back as numbers or as text. */
export type TotalsQuery = (sql: string) => Promise<Array<Record<string, unknown>>>;

export interface StoreTotals {
  rows: Record<string, number>;
  /** Balance per `account/route`. */
  balances: Record<string, number>;
  /** Ledger entries and the sum of their amounts per `account/route`. */
  ledger: Record<string, { entries: number; amount: number }>;
  /** Messages and the sum of their credits per status. */
  messages: Record<string, { count: number; credits: number }>;
}

// PostgreSQL returns count(*) and sum(bigint) as int8/numeric, which node-postgres gives as text
// unless the pool was built with Dakiya's type parser; Number() reads either. Sums stay far below
// 2^53, as everywhere in Dakiya.
const n = (value: unknown) => Number(value ?? 0);

export async function readTotals(query: TotalsQuery, tables: readonly string[]): Promise<StoreTotals> {
  const rows: Record<string, number> = {};
  for (const table of tables) rows[table] = n((await query(`SELECT count(*) AS n FROM "${table.replaceAll('"', '""')}"`))[0]?.n);
  const balances: StoreTotals['balances'] = {};
  for (const r of await query('SELECT account_id, route_id, sum(balance) AS total FROM balances GROUP BY account_id, route_id')) {
    balances[`${String(r.account_id)}/${String(r.route_id)}`] = n(r.total);
  }
  const ledger: StoreTotals['ledger'] = {};
  for (const r of await query('SELECT account_id, route_id, count(*) AS entries, sum(amount) AS total FROM ledger GROUP BY account_id, route_id')) {
    ledger[`${String(r.account_id)}/${String(r.route_id)}`] = { entries: n(r.entries), amount: n(r.total) };
  }
  const messages: StoreTotals['messages'] = {};
  for (const r of await query('SELECT status, count(*) AS count, sum(credits) AS total FROM messages GROUP BY status')) {
    messages[String(r.status)] = { count: n(r.count), credits: n(r.total) };
  }
  return { rows, balances, ledger, messages };
}

/** Every figure that differs between source and target, as a line naming it; empty when they agree. */
export function compareTotals(source: StoreTotals, target: StoreTotals): string[] {
  return [
    ...differences('rows in', source.rows, target.rows, (v) => String(v)),
    ...differences('balance of', source.balances, target.balances, (v) => String(v)),
    ...differences('ledger of', source.ledger, target.ledger, (v) => `${v.entries} entries summing to ${v.amount}`),
    ...differences('messages', source.messages, target.messages, (v) => `${v.count} with ${v.credits} credits`),
  ];
}

function differences<V>(label: string, source: Record<string, V>, target: Record<string, V>, show: (value: V) => string): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(source), ...Object.keys(target)])) {
    const a = source[key];
    const b = target[key];
    const shownA = a === undefined ? 'none' : show(a);
    const shownB = b === undefined ? 'none' : show(b);
    if (shownA !== shownB) out.push(`${label} ${key}: source ${shownA}, target ${shownB}`);
  }
  return out;
}
