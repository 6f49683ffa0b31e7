// Group commit: requests that arrive in the same tick share one SQLite transaction (one WAL sync).
// The group runs straight through; only if some request throws is it rolled back and run again
// with a savepoint per request, so one request's failure never undoes another's.
import type Database from 'better-sqlite3';

interface Pending<In, Out> {
  input: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

type Settled<Out> = { ok: true; value: Out } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  maxBatch: number;
  /** 0 = flush on the next turn of the event loop. */
  maxDelayMs: number;
}

export class GroupCommit<In, Out> {
  #options: GroupCommitOptions;
  #queue: Pending<In, Out>[] = [];
  #scheduled = false;
  #fast: (items: readonly Pending<In, Out>[]) => Out[];
  #isolated: (items: readonly Pending<In, Out>[]) => Settled<Out>[];

  constructor(db: Database.Database, options: GroupCommitOptions, apply: (input: In) => Out) {
    this.#options = options;
    // A better-sqlite3 transaction called inside another becomes a savepoint.
    const one = db.transaction(apply);
    this.#fast = db.transaction((items: readonly Pending<In, Out>[]) => items.map((item) => apply(item.input))).immediate;
    this.#isolated = db.transaction((items: readonly Pending<In, Out>[]) => items.map((item): Settled<Out> => {
      try {
        return { ok: true, value: one(item.input) };
      } catch (error) {
        return { ok: false, error };
      }
    })).immediate;
  }

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      if (this.#queue.length >= this.#options.maxBatch) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        if (this.#options.maxDelayMs > 0) setTimeout(() => this.#flush(), this.#options.maxDelayMs);
        else setImmediate(() => this.#flush());
      }
    });
  }

  /** Commits whatever is queued now; callers' promises settle only after COMMIT returned. */
  #flush(): void {
    this.#scheduled = false;
    const items = this.#queue;
    if (items.length === 0) return;
    this.#queue = [];
    let settled: Settled<Out>[];
    try {
      settled = this.#fast(items).map((value) => ({ ok: true, value }));
    } catch {
      try {
        settled = this.#isolated(items);
      } catch (error) {
        for (const item of items) item.reject(error);
        return;
      }
    }
    items.forEach((item, i) => {
      const s = settled[i]!;
      if (s.ok) item.resolve(s.value);
      else item.reject(s.error);
    });
  }
}
