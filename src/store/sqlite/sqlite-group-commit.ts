// Group commit: requests that arrive in the same tick share one SQLite transaction (one WAL sync),
// each isolated in its own savepoint so one request's failure never undoes another's.
import type Database from 'better-sqlite3';

interface Pending<In, Out> {
  input: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  maxBatch: number;
  /** 0 = flush on the next turn of the event loop. */
  maxDelayMs: number;
}

export class GroupCommit<In, Out> {
  #db: Database.Database;
  #options: GroupCommitOptions;
  #queue: Pending<In, Out>[] = [];
  #scheduled = false;
  #batch: (items: Pending<In, Out>[]) => void;

  constructor(db: Database.Database, options: GroupCommitOptions, apply: (input: In) => Out) {
    this.#db = db;
    this.#options = options;
    // Nested better-sqlite3 transactions become savepoints.
    const one = db.transaction(apply);
    this.#batch = db.transaction((items: Pending<In, Out>[]) => {
      for (const item of items) {
        try {
          (item as { out?: Out }).out = one(item.input);
        } catch (error) {
          (item as { error?: unknown }).error = error ?? new Error('unknown store error');
        }
      }
    }).immediate as (items: Pending<In, Out>[]) => void;
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

  /** Commits whatever is queued now; callers' promises settle only after the commit. */
  #flush(): void {
    this.#scheduled = false;
    const items = this.#queue;
    if (items.length === 0) return;
    this.#queue = [];
    try {
      this.#batch(items);
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    for (const item of items) {
      const settled = item as Pending<In, Out> & { out?: Out; error?: unknown };
      if (settled.error !== undefined) item.reject(settled.error);
      else item.resolve(settled.out as Out);
    }
  }

  get db(): Database.Database {
    return this.#db;
  }
}
