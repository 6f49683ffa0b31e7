// Applies delivery receipts from every channel in batches. A receipt that overtook its submission
// (carrier id not recorded yet) is parked by the store in the same transaction, and a sweep applies
// parked receipts once their submissions are recorded — soon after they arrive, then less and less
// often, and once at start for what a previous process parked.
// `accept` answers when its receipts are stored (applied or parked). A channel that acknowledges
// receipts to the carrier (SMPP's deliver_sm_resp) waits for that, so a receipt the database never
// saw is one the carrier sends again after a crash.
import type { Clock } from '../domain/clock.ts';
import { type Store, type ReceiptUpdate, type Transition } from '../store/store.ts';

export interface ReceiptEvents {
  onTransitions?: (transitions: readonly Transition[]) => void;
  onError?: (error: unknown) => void;
  /** Parked receipts forgotten because their submission was never recorded in time. */
  onDropped?: (count: number) => void;
}

export interface ReceiptOptions {
  /** First sweep of parked receipts after some were parked, in ms; it doubles while sweeps find nothing to apply. */
  sweepMs?: number;
  /** Longest wait between sweeps while receipts are parked, in ms. */
  maxSweepMs?: number;
  /** How long a parked receipt waits for its submission before it is forgotten, in ms. */
  parkedForMs?: number;
}

interface Waiting {
  receipts: ReceiptUpdate[];
  resolve: () => void;
}

export class ReceiptWorker {
  #store: Store;
  #clock: Clock;
  #events: ReceiptEvents;
  #queue: Waiting[] = [];
  #flushing: Promise<void> | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweepAt = 0;
  #sweeping: Promise<void> | undefined;
  #sweepDelay: number;
  #options: Required<ReceiptOptions>;
  #stopped = false;
  #retryDelay = 250;

  constructor(store: Store, clock: Clock, events: ReceiptEvents = {}, options: ReceiptOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#events = events;
    this.#options = { sweepMs: 250, maxSweepMs: 30_000, parkedForMs: 3_600_000, ...options };
    this.#sweepDelay = this.#options.sweepMs;
  }

  /** Sweeps what a previous process parked. */
  start(): void {
    this.#scheduleSweep(0);
  }

  readonly accept = (receipts: ReceiptUpdate[]): Promise<void> => {
    if (receipts.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#queue.push({ receipts, resolve });
      this.#schedule();
    });
  };

  #schedule(): void {
    if (!this.#flushing) this.#flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#flush());
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      // Up to ~2000 receipts per transaction, whole accept() calls at a time.
      const group: Waiting[] = [];
      let size = 0;
      while (this.#queue.length > 0 && (group.length === 0 || size + this.#queue[0]!.receipts.length <= 2000)) {
        const w = this.#queue.shift()!;
        group.push(w);
        size += w.receipts.length;
      }
      try {
        const { transitions, unmatched } = await this.#store.applyReceipts(group.flatMap((w) => w.receipts));
        this.#retryDelay = 250;
        if (transitions.length > 0) this.#events.onTransitions?.(transitions);
        for (const w of group) w.resolve();
        if (unmatched.length > 0) {
          this.#sweepDelay = this.#options.sweepMs;
          this.#scheduleSweep(this.#sweepDelay);
        }
      } catch (error) {
        this.#events.onError?.(error);
        // Not stored (the database is unreachable, say): try again, and meanwhile acknowledge
        // nothing, so the carrier keeps them.
        this.#queue.unshift(...group);
        if (this.#stopped) break;
        await new Promise((resolve) => setTimeout(resolve, this.#retryDelay));
        this.#retryDelay = Math.min(this.#retryDelay * 2, 5000);
      }
    }
    this.#flushing = undefined;
    if (this.#queue.length > 0 && !this.#stopped) this.#schedule();
  }

  #scheduleSweep(delay: number): void {
    if (this.#stopped) return;
    const at = performance.now() + delay;
    if (this.#sweepTimer) {
      // An earlier sweep than the one planned wins.
      if (at >= this.#sweepAt) return;
      clearTimeout(this.#sweepTimer);
    }
    this.#sweepAt = at;
    this.#sweepTimer = setTimeout(() => {
      this.#sweepTimer = undefined;
      this.#sweeping ??= this.#sweep().finally(() => { this.#sweeping = undefined; });
    }, delay);
  }

  async #sweep(): Promise<void> {
    try {
      let left = 0;
      let applied = 0;
      for (let round = 0; round < 50; round++) {
        const result = await this.#store.applyParkedReceipts(this.#clock.now() - this.#options.parkedForMs, 2000);
        if (result.transitions.length > 0) this.#events.onTransitions?.(result.transitions);
        if (result.dropped > 0) this.#events.onDropped?.(result.dropped);
        applied += result.applied;
        left = result.left;
        if (result.applied === 0 || left === 0) break;
      }
      if (left === 0) return;
      // Receipts still wait for their submissions: look again, less often while nothing changes.
      this.#sweepDelay = applied > 0 ? this.#options.sweepMs : Math.min(this.#sweepDelay * 2, this.#options.maxSweepMs);
      this.#scheduleSweep(this.#sweepDelay);
    } catch (error) {
      this.#events.onError?.(error);
      this.#scheduleSweep(Math.min(this.#sweepDelay * 2, this.#options.maxSweepMs));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#sweepTimer);
    await this.#flushing;
    await this.#sweeping;
  }
}
