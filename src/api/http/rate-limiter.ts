// Per-key request limits (seed 004: 1,000 requests/minute by default), in fixed one-minute windows.
// LocalRateLimiter counts in process memory (one node). SharedRateLimiter shares each window's
// limit between every node on one database: a node takes a few requests at a time from the
// database (atomically, never beyond the limit) and hands them out locally, so the nodes together
// never let more than the limit through, however a burst is spread.
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
  /** Requests this node was granted and has not handed out yet. */
  tokens: number;
  /** The window's total granted across nodes, as the database last said. */
  taken: number;
  /** The database said the window is spent. */
  spent: boolean;
}

/** Most requests a node takes from the database at once (or 1 % of a larger limit); near the limit it takes one at a time. */
const maxGrant = 100;

export class SharedRateLimiter implements RateLimiter {
  #store: Store;
  #clock: Clock;
  #keys = new Map<string, KeyWindow>();

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async check(id: string, limit: number): Promise<RateDecision> {
    const { start, resetSeconds } = windowOf(this.#clock.now());
    let w = this.#keys.get(id);
    if (!w || w.start !== start) {
      if (this.#keys.size > 100_000) this.#keys.clear();
      w = { start, tokens: 0, taken: 0, spent: false };
      this.#keys.set(id, w);
    }
    for (;;) {
      // Handed out so far in this window (by every node, as far as this one knows); a limit the
      // operator just lowered applies to tokens already taken, too.
      if (w.taken - w.tokens >= limit) return decide(limit, limit, resetSeconds, false);
      if (w.tokens > 0) {
        w.tokens--;
        return decide(w.taken - w.tokens, limit, resetSeconds, true);
      }
      if (w.spent || w.taken >= limit) return decide(limit, limit, resetSeconds, false);
      // An eighth of what is left, so the nodes share the tail of the window fairly and the
      // requests a node holds unused when the window ends stay few.
      const want = Math.max(1, Math.min(Math.max(maxGrant, Math.floor(limit / 100)), Math.floor((limit - w.taken) / 8)));
      const { granted, total } = await this.#store.takeRateTokens(id, start, want, limit);
      if (w.start !== start) return decide(total, limit, resetSeconds, granted > 0);
      w.tokens += granted;
      w.taken = Math.max(w.taken, total);
      if (granted === 0) w.spent = true;
    }
  }
}
