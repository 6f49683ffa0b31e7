// Holds one named lease for this node: tries to take it, renews it well before it runs out, and
// tells the owner when it was won or lost. `held()` is judged on this process's monotonic clock
// from the moment the renewal was *sent*, minus a safety margin, so it turns false before the
// database lets another node take over — even if this process was frozen (SIGSTOP, a long GC, a
// paused VM) in between: the monotonic clock keeps running while a process is stopped.
import type { Fence, Store } from '../store/store.ts';

export interface LeaseOptions {
  /** How long a grant lasts without renewal, in ms. */
  ttlMs: number;
  /** How often to renew (and how often a waiting node tries to take over), in ms. */
  renewMs: number;
}

export interface LeaseEvents {
  /** Won the lease (a new token): run recovery before starting work. */
  onAcquired: (fence: Fence) => Promise<void>;
  /** Lost it (or gave it up): stop work at once. */
  onLost: () => Promise<void>;
  onError?: (error: unknown) => void;
}

const monotonicMs = () => performance.now();

export class LeaseKeeper {
  readonly name: string;
  #store: Store;
  #holder: string;
  #options: LeaseOptions;
  #events: LeaseEvents;
  #fence: Fence | undefined;
  /** Monotonic time until which the lease is surely ours. */
  #deadline = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #tick: Promise<void> | undefined;

  constructor(name: string, holder: string, store: Store, options: LeaseOptions, events: LeaseEvents) {
    this.name = name;
    this.#holder = holder;
    this.#store = store;
    this.#options = options;
    this.#events = events;
  }

  /** The fence to claim under, while the lease is surely held. */
  get fence(): Fence | undefined {
    return this.held() ? this.#fence : undefined;
  }

  held(): boolean {
    return this.#fence !== undefined && monotonicMs() < this.#deadline;
  }

  /** Starts keeping the lease; resolves after the first attempt (won or not). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#renew();
    this.#schedule(this.#options.renewMs);
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#tick;
    const fence = this.#fence;
    if (fence) {
      await this.#lose();
      // Hand over at once instead of making the next node wait for the lease to run out.
      await this.#store.releaseLease(this.name, this.#holder, fence.token).catch(() => {});
    }
  }

  #schedule(delay: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#renew().finally(() => {
        this.#tick = undefined;
        this.#schedule(this.#options.renewMs);
      });
    }, delay);
  }

  async #renew(): Promise<void> {
    const sentAt = monotonicMs();
    // The margin covers the database's and our clocks' rates differing, and the time the reply takes.
    const margin = Math.min(1000, this.#options.ttlMs / 5);
    let grant;
    try {
      grant = await this.#store.acquireLease(this.name, this.#holder, this.#options.ttlMs);
    } catch (error) {
      this.#events.onError?.(error);
      // Unreachable database: keep working only while the last grant surely holds.
      if (this.#fence && !this.held()) await this.#lose();
      return;
    }
    if (!this.#running) return;
    if (!grant) {
      if (this.#fence) await this.#lose();
      return;
    }
    const previous = this.#fence;
    if (previous && previous.token !== grant.token) await this.#lose();
    this.#deadline = sentAt + this.#options.ttlMs - margin;
    if (!this.#fence) {
      this.#fence = { lease: this.name, token: grant.token };
      try {
        await this.#events.onAcquired(this.#fence);
      } catch (error) {
        this.#events.onError?.(error);
        await this.#lose();
        await this.#store.releaseLease(this.name, this.#holder, grant.token).catch(() => {});
      }
    }
  }

  async #lose(): Promise<void> {
    if (!this.#fence) return;
    this.#fence = undefined;
    this.#deadline = 0;
    try {
      await this.#events.onLost();
    } catch (error) {
      this.#events.onError?.(error);
    }
  }
}
