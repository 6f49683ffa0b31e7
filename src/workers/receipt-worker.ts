// Applies delivery receipts from every channel in batches; receipts that arrive before their
// submission is recorded (carrier id not stored yet) are held and retried for a while.
import { type Store, type ReceiptUpdate, StoreUnavailableError, type Transition } from '../store/store.ts';

export interface ReceiptEvents {
  onTransitions?: (transitions: readonly Transition[]) => void;
  onError?: (error: unknown) => void;
  onDropped?: (receipt: ReceiptUpdate) => void;
}

export class ReceiptWorker {
  #store: Store;
  #events: ReceiptEvents;
  #queue: ReceiptUpdate[] = [];
  #early = new Map<ReceiptUpdate, number>();
  #flushing: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #maxRetries: number;
  #retryMs: number;

  constructor(store: Store, events: ReceiptEvents = {}, options: { maxRetries?: number; retryMs?: number } = {}) {
    this.#store = store;
    this.#events = events;
    this.#maxRetries = options.maxRetries ?? 120;
    this.#retryMs = options.retryMs ?? 500;
  }

  readonly accept = (receipts: ReceiptUpdate[]): void => {
    for (const r of receipts) this.#queue.push(r);
    this.#schedule();
  };

  #schedule(): void {
    if (!this.#flushing) this.#flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#flush());
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, 2000);
      try {
        const { transitions, unmatched } = await this.#store.applyReceipts(batch);
        if (transitions.length > 0) this.#events.onTransitions?.(transitions);
        const waiting = new Set(unmatched);
        for (const r of batch) if (!waiting.has(r)) this.#early.delete(r);
        for (const r of unmatched) this.#holdEarly(r);
      } catch (error) {
        this.#events.onError?.(error);
        // An unreachable database is no reason to give up on a receipt: hold it without counting.
        const outage = error instanceof StoreUnavailableError;
        for (const r of batch) this.#holdEarly(r, outage);
      }
    }
    this.#flushing = undefined;
    if (this.#queue.length > 0) this.#schedule();
  }

  #holdEarly(r: ReceiptUpdate, outage = false): void {
    const tries = (this.#early.get(r) ?? 0) + (outage ? 0 : 1);
    if (tries > this.#maxRetries) {
      this.#early.delete(r);
      this.#events.onDropped?.(r);
      return;
    }
    this.#early.set(r, tries);
    this.#retryTimer ??= setTimeout(() => {
      this.#retryTimer = undefined;
      const again = [...this.#early.keys()];
      this.accept(again);
    }, this.#retryMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#retryTimer);
    await this.#flushing;
  }

  get held(): number {
    return this.#early.size;
  }
}
