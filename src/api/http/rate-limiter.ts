// Per-key request limits (seed 004: 1,000 requests/minute by default) in process memory: a fixed
// one-minute window per key, cheap enough to check on every request.
import type { Clock } from '../../domain/clock.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export class RateLimiter {
  #clock: Clock;
  #windows = new Map<string, { start: number; count: number }>();
  #windowMs: number;

  constructor(clock: Clock, windowMs = 60_000) {
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  check(id: string, limit: number): RateDecision {
    const now = this.#clock.now();
    const start = now - (now % this.#windowMs);
    let w = this.#windows.get(id);
    if (!w || w.start !== start) {
      if (this.#windows.size > 100_000) this.#windows.clear();
      w = { start, count: 0 };
      this.#windows.set(id, w);
    }
    const resetSeconds = Math.max(1, Math.ceil((start + this.#windowMs - now) / 1000));
    if (w.count >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
    w.count++;
    return { allowed: true, limit, remaining: limit - w.count, resetSeconds };
  }
}
