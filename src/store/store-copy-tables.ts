// Which tables and columns `store copy` moves, read from the two schemas themselves rather than
// from a third hand-kept list: a column a later migration adds to both engines is copied without a
// change here, and a column only one engine has stops the copy instead of being dropped silently.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { StoreCopyError } from './store-copy-error.ts';

export interface CopyColumn {
  name: string;
  /** The PostgreSQL type, used as the array cast of the set-wise insert (`$1::bigint[]`). */
  pgType: string;
  /** SQLite keeps flags as 0/1 integers where PostgreSQL has booleans. */
  flag: boolean;
}

export interface CopyTable {
  name: string;
  columns: CopyColumn[];
  /** A GENERATED ALWAYS identity column: its values are kept, and its sequence moved past them. */
  identity: string | undefined;
}

// Types whose SQLite value (text, integer, real or null) PostgreSQL takes as it is through an array
// parameter. Anything else (jsonb, timestamptz, arrays) needs a conversion this module does not know.
const scalarTypes = new Set(['text', 'bigint', 'integer', 'smallint', 'double precision', 'real', 'numeric']);

/** Kysely's migration bookkeeping is per engine, never copied. */
const bookkeeping = (table: string) => table.startsWith('kysely_');

// Coordination state of the running nodes, not data: a lease names a SQLite-era node that will
// never renew it (copied while live, it would only hold the new nodes off until it ran out), and
// rate windows are counts of the current minute; connector status is the live state of binds.
const transient = new Set(['leases', 'rate_windows', 'connector_status']);

/**
 * SQLite's compact form of a large batch's messages (migration 0008), which PostgreSQL does not
 * have: the copy command makes them message rows first, and the copy refuses a source where any
 * are left (see store-copy.ts).
 */
export const deferredTable = 'deferred_messages';


/** The tables of the SQLite source to copy, in the order they were created. */
export function sqliteTables(sqlite: Database.Database): string[] {
  const rows = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid").all() as Array<{ name: string }>;
  return rows.map((r) => r.name).filter((name) => !bookkeeping(name) && !transient.has(name) && name !== deferredTable);
}

/**
 * Every SQLite table with its columns as the PostgreSQL target (already migrated) declares them.
 * Tables only PostgreSQL has are engine-specific and have nothing to receive; anything the SQLite
 * source holds that the target cannot take is refused, listing each difference.
 */
export async function planCopy(sqlite: Database.Database, client: pg.ClientBase): Promise<CopyTable[]> {
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_identity: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, is_identity, column_default FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const target = new Map<string, typeof rows>();
  for (const row of rows) target.set(row.table_name, [...(target.get(row.table_name) ?? []), row]);

  const problems: string[] = [];
  const plan: CopyTable[] = [];
  for (const name of sqliteTables(sqlite)) {
    const targetColumns = target.get(name);
    if (!targetColumns) {
      problems.push(`table ${name} is not in the PostgreSQL schema`);
      continue;
    }
    const sourceColumns = (sqlite.prepare('SELECT name FROM pragma_table_info(?)').all(name) as Array<{ name: string }>).map((c) => c.name);
    const targetNames = new Set(targetColumns.map((c) => c.column_name));
    for (const column of sourceColumns) if (!targetNames.has(column)) problems.push(`column ${name}.${column} is not in the PostgreSQL schema`);
    // A column only PostgreSQL has is fine when PostgreSQL fills it itself (the event log's txid:
    // the copy is one transaction, so copied events and the fan-out's cursor share one txid and
    // keep their seq order).
    for (const c of targetColumns) {
      if (!sourceColumns.includes(c.column_name) && c.column_default === null) problems.push(`column ${name}.${c.column_name} is not in the SQLite schema`);
    }
    const columns: CopyColumn[] = [];
    for (const c of targetColumns) {
      if (!sourceColumns.includes(c.column_name)) continue;
      if (c.data_type !== 'boolean' && !scalarTypes.has(c.data_type)) problems.push(`column ${name}.${c.column_name} has type ${c.data_type}, which store copy cannot convert`);
      columns.push({ name: c.column_name, pgType: c.data_type, flag: c.data_type === 'boolean' });
    }
    plan.push({ name, columns, identity: targetColumns.find((c) => c.is_identity === 'YES')?.column_name });
  }
  if (problems.length > 0) {
    throw new StoreCopyError('ERR_STORE_COPY_SCHEMA_MISMATCH',
      `the SQLite and PostgreSQL schemas differ, so the copy would lose data; nothing was copied:\n  - ${problems.join('\n  - ')}`);
  }
  return plan;
}

/** A double-quoted SQL identifier (names come from the schemas, but may still need quoting). */
export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * `INSERT … SELECT * FROM unnest($1::text[], $2::bigint[], …)`: one statement and one parameter per
 * column for a whole chunk of rows, instead of one statement (or one parameter) per value.
 */
export function insertStatement(table: CopyTable): string {
  const columns = table.columns.map((c) => quote(c.name)).join(', ');
  const arrays = table.columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ');
  const overriding = table.identity === undefined ? '' : ' OVERRIDING SYSTEM VALUE';
  return `INSERT INTO ${quote(table.name)} (${columns})${overriding} SELECT * FROM unnest(${arrays})`;
}

/** A SELECT of the plan's columns, in the plan's order, for raw (array) rows. */
export function selectStatement(table: CopyTable): string {
  return `SELECT ${table.columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(table.name)}`;
}

/** Turns a chunk of raw SQLite rows into one array per column, flags as booleans. */
export function toColumnArrays(table: CopyTable, rows: readonly unknown[][]): unknown[][] {
  return table.columns.map((column, i) => rows.map((row) => {
    const value = row[i];
    return column.flag && value !== null ? Boolean(value) : value;
  }));
}
