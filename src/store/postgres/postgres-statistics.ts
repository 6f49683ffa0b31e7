// Column statistics for young tables. PostgreSQL plans with the statistics ANALYZE gathers, and
// autovacuum's first ANALYZE of a new table comes a minute or more after it starts filling. Until
// then the planner guesses: it takes any value of a non-unique column (messages.carrier_id, say)
// to match 1/200 of the rows, so a receipt's `UPDATE … FROM unnest(…) WHERE m.carrier_id = u.key`
// becomes a hash join over a scan of the whole table — ~140 µs a row instead of ~30, growing with
// the table. A fresh deployment, a new schema or a store copy would run that way for its first
// minutes under full load. This analyses each hot table once it holds enough rows, if nobody has
// yet; afterwards autovacuum keeps the statistics current.
import type pg from 'pg';
import { query } from './postgres-database.ts';

/** Tables whose hot statements look rows up by a column without a unique index. */
export const analyzedTables = ['messages', 'message_parts', 'events', 'webhook_deliveries', 'otp_sessions', 'smpp_receipts', 'ledger'] as const;

export interface YoungTableOptions {
  /** Rows written since the last ANALYZE (none yet) from which a table is worth analysing. */
  minRows: number;
  /** How often to look, in ms, until every table has statistics. */
  intervalMs: number;
  onError?: (error: unknown) => void;
}

export class YoungTableAnalyzer {
  #pool: pg.Pool;
  #options: YoungTableOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(pool: pg.Pool, options: YoungTableOptions) {
    this.#pool = pool;
    this.#options = options;
  }

  start(): void {
    if (this.#stopped || this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.check()
        .then((left) => { if (left === 0) this.#clear(); })
        .catch((error) => this.#options.onError?.(error))
        .finally(() => { this.#running = undefined; });
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clear();
    await this.#running;
  }

  #clear(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Analyses the tables of this schema that were never analysed and have at least minRows rows
   * written; answers how many are still without statistics.
   */
  async check(): Promise<number> {
    const { rows } = await query<{ relname: string; written: number }>(this.#pool,
      `SELECT relname, n_mod_since_analyze AS written FROM pg_stat_user_tables
       WHERE schemaname = current_schema() AND relname = ANY($1::text[]) AND last_analyze IS NULL AND last_autoanalyze IS NULL`,
      [analyzedTables]);
    let left = rows.length;
    for (const row of rows) {
      if (this.#stopped || row.written < this.#options.minRows) continue;
      // The names come from analyzedTables, never from input. ANALYZE takes a lock that lets
      // reads and writes go on.
      await query(this.#pool, `ANALYZE ${row.relname}`, []);
      left--;
    }
    return left;
  }
}
