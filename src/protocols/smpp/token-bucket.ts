// The request throttle behind SessionOptions.maxTps: a token bucket refilled continuously at
// `rate` per second, holding at most `burst` tokens (a tenth of a second's worth by default, so a
// session never bursts far above the rate an SMSC polices per second).

export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  #tokens: number;
  #at: number;
  #now: () => number;

  constructor(rate: number, options: { burst?: number; now?: () => number } = {}) {
    if (!(rate > 0)) throw new RangeError('rate must be > 0');
    this.rate = rate;
    this.burst = options.burst ?? Math.max(1, rate / 10);
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = this.burst;
    this.#at = this.#now();
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) * this.rate) / 1000);
    this.#at = now;
  }

  /** Takes a token if one is there. */
  take(): boolean {
    if (this.#tokens < 1) this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token (0 if one is there now). */
  msUntilToken(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) * 1000) / this.rate);
  }
}
