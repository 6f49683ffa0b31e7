// Admits at most N requests of a kind at once; the rest wait in line (before their bodies are read,
// so waiting costs no memory). Bounds the working set of large bulk requests under the heap cap.
export class ConcurrencyGate {
  #free: number;
  #waiting: Array<() => void> = [];

  constructor(slots: number) {
    this.#free = slots;
  }

  /** Resolves with a release function once a slot is free; calling release twice frees one slot. */
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }

  get waiting(): number {
    return this.#waiting.length;
  }
}
