// Turns a large batch's deferred chunks into message rows after its 2xx (see Store.expandDeferred):
// one chunk per transaction, yielding to the event loop between chunks so requests and the OTP lane
// keep moving while a 50,000-message batch fans out. The store wakes each lane's dispatcher as its
// rows appear. Woken after each commit that deferred messages (Store.onDeferred); the poll finds
// chunks left by a crash or by another process (on a store that never defers it answers [] at once).
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Store } from '../store/store.ts';
import { WakeLoop } from './wake-loop.ts';

export class BatchExpander {
  #store: Store;
  #onError: (error: unknown) => void;
  #loop: WakeLoop;

  constructor(deps: { store: Store; pollMs: number; onError?: (error: unknown) => void }) {
    this.#store = deps.store;
    this.#onError = deps.onError ?? (() => {});
    this.#loop = new WakeLoop(() => this.#run(), deps.pollMs);
  }

  start(): void {
    this.#loop.start();
  }

  wake(): void {
    this.#loop.wake();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #run(): Promise<void> {
    try {
      while (!this.#loop.stopped && (await this.#store.expandDeferred(1)).length > 0) await nextTurn();
    } catch (error) {
      this.#onError(error);
    }
  }
}
