// Per-key request limits (seed 004: 1,000 requests/minute by default), in fixed one-minute windows.
// LocalRateLimiter counts in process memory (one node). SharedRateLimiter counts across every node
// on one database: it checks locally against the last known total, sends its counts in the
// background every `syncMs`, and near the limit checks each request against the database itself,
// so the nodes together never let more than the limit through.
import type { Clock } from '../../domain/clock.ts';
import type { Store } from '../../store/store.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export interface RateLimiter {
  check(id: string, limit: number): RateDecision | Promise<RateDecision>;
  close?(): Promise<void>;
}

const windowMs = 60_000;

function windowOf(now: number): { start: number; resetSeconds: number } {
  const start = now - (now % windowMs);
  return { start, resetSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
}

function decide(used: number, limit: number, resetSeconds: number, counted: boolean): RateDecision {
  return counted
    ? { allowed: true, limit, remaining: Math.max(0, limit - used), resetSeconds }
    : { allowed: false, limit, remaining: 0, resetSeconds };
}

export class LocalRateLimiter implements RateLimiter {
  #clock: Clock;
  #windows = new Map<string, { start: number; count: number }>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  check(id: string, limit: number): RateDecision {
    const { start, resetSeconds } = windowOf(this.#clock.now());
    let w = this.#windows.get(id);
    if (!w || w.start !== start) {
      if (this.#windows.size > 100_000) this.#windows.clear();
      w = { start, count: 0 };
      this.#windows.set(id, w);
    }
    if (w.count >= limit) return decide(w.count, limit, resetSeconds, false);
    w.count++;
    return decide(w.count, limit, resetSeconds, true);
  }
}

interface KeyWindow {
  start: number;
  /** The total across nodes the database last reported (our synced requests included). */
  known: number;
  /** Requests counted here and not yet added to the database. */
  pending: number;
}

export class SharedRateLimiter implements RateLimiter {
  #store: Store;
  #clock: Clock;
  #keys = new Map<string, KeyWindow>();
  #timer: NodeJS.Timeout;
  #syncing: Promise<void> | undefined;
  /** Share of the limit above which each request is checked against the database. */
  #exactAbove: number;

  constructor(store: Store, clock: Clock, options: { syncMs?: number; exactAbove?: number } = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#exactAbove = options.exactAbove ?? 0.8;
    this.#timer = setInterval(() => { this.#syncing ??= this.#sync().finally(() => { this.#syncing = undefined; }); }, options.syncMs ?? 200);
    this.#timer.unref();
  }

  async check(id: string, limit: number): Promise<RateDecision> {
    const { start, resetSeconds } = windowOf(this.#clock.now());
    let w = this.#keys.get(id);
    if (!w || w.start !== start) {
      if (this.#keys.size > 100_000) this.#keys.clear();
      w = { start, known: 0, pending: 0 };
      this.#keys.set(id, w);
    }
    const used = w.known + w.pending;
    if (used >= limit) return decide(used, limit, resetSeconds, false);
    if (used + 1 <= limit * this.#exactAbove) {
      w.pending++;
      return decide(used + 1, limit, resetSeconds, true);
    }
    // Near the limit: add this request (and what is pending) in the database and judge by the
    // total it answers; concurrent requests on every node each see a distinct total.
    const add = w.pending + 1;
    w.pending = 0;
    let total: number;
    try {
      total = (await this.#store.addRateUsage(start, new Map([[id, add]]))).get(id) ?? add;
    } catch (error) {
      w.pending += add - 1;
      throw error;
    }
    if (w.start === start) w.known = Math.max(w.known, total);
    return decide(total, limit, resetSeconds, total <= limit);
  }

  async #sync(): Promise<void> {
    const { start } = windowOf(this.#clock.now());
    const usage = new Map<string, number>();
    for (const [id, w] of this.#keys) {
      if (w.start !== start) this.#keys.delete(id);
      else if (w.pending > 0) usage.set(id, w.pending);
    }
    if (usage.size === 0) return;
    for (const id of usage.keys()) this.#keys.get(id)!.pending -= usage.get(id)!;
    try {
      const totals = await this.#store.addRateUsage(start, usage);
      for (const [id, total] of totals) {
        const w = this.#keys.get(id);
        if (w && w.start === start) w.known = Math.max(w.known, total);
      }
    } catch {
      // Not sent: count them again next time (the database may be down for a while).
      for (const [id, n] of usage) {
        const w = this.#keys.get(id);
        if (w && w.start === start) w.pending += n;
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#syncing;
    await this.#sync();
  }
}
