// Row objects for hot statements, built in JavaScript. better-sqlite3 builds each row object
// through V8's C++ API, one property at a time: on a row of 15 columns that costs more than
// running the query (~8 µs against ~5 µs per row here, bench notes in docs/design/performance.md).
// Reading the row as an array and copying it into an object literal of a fixed shape, compiled
// once per statement from its column names, gives the same objects at about half the cost.
import type Database from 'better-sqlite3';

/** The read side of a statement whose rows come back as objects; `run` stays the statement's own. */
export interface ObjectRows<P extends unknown[], R> {
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export function objectRows<P extends unknown[], R>(statement: Database.Statement<P, R>): ObjectRows<P, R> {
  const names = statement.columns().map((c) => c.name);
  const body = `return { ${names.map((name, i) => `${JSON.stringify(name)}: r[${i}]`).join(', ')} };`;
  // Column names come from our own SQL, never from input; JSON.stringify quotes each as a key.
  const toObject = new Function('r', body) as (row: unknown[]) => R;
  const raw = (statement as unknown as Database.Statement<P, unknown[]>).raw(true);
  return {
    get: (...params) => {
      const row = raw.get(...params);
      return row === undefined ? undefined : toObject(row);
    },
    all: (...params) => raw.all(...params).map(toObject),
  };
}

/**
 * Statements for SQL built at run time (admin and API reads, lists with optional filters),
 * prepared once per distinct text: better-sqlite3 keeps no cache of its own, and preparing costs
 * more than running most of these. The set of texts is small and fixed by our code; the cap only
 * guards against a caller that would build unbounded variants.
 */
export type PrepareCached = <P extends unknown[] = unknown[], R = unknown>(sql: string) => Database.Statement<P, R>;

export function statementCache(db: Database.Database, cap = 500): PrepareCached {
  const cache = new Map<string, Database.Statement<unknown[], unknown>>();
  return <P extends unknown[] = unknown[], R = unknown>(sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= cap) cache.clear();
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  };
}
