// Periodic clean-up that keeps tables from growing without bound: expired Idempotency-Keys.
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../store/store.ts';

export class HousekeepingWorker {
  #timer: NodeJS.Timeout | undefined;
  #store: Store;
  #clock: Clock;
  #retentionMs: number;
  #onError: (error: unknown) => void;

  constructor(deps: { store: Store; clock: Clock; idempotencyRetentionSeconds: number; onError: (error: unknown) => void }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#retentionMs = deps.idempotencyRetentionSeconds * 1000;
    this.#onError = deps.onError;
  }

  start(intervalMs = 600_000): void {
    this.#timer = setInterval(() => void this.runOnce().catch(this.#onError), intervalMs);
    this.#timer.unref();
  }

  async runOnce(): Promise<void> {
    await this.#store.purgeIdempotencyKeys(this.#clock.now() - this.#retentionMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
