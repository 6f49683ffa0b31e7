// Receipts waiting for their time: buckets of 10 ms under one timer, so a hundred thousand
// receipts cost a few timers a second, not one each. Due receipts go to `deliver` in batches.

export interface DueReceipt {
  due: number;
}

const BUCKET_MS = 10;

export class ReceiptQueue<R extends DueReceipt> {
  #buckets = new Map<number, R[]>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #size = 0;
  #deliver: (due: R[]) => void;
  #now: () => number;

  constructor(deliver: (due: R[]) => void, now: () => number = Date.now) {
    this.#deliver = deliver;
    this.#now = now;
  }

  get size(): number {
    return this.#size;
  }

  add(receipt: R): void {
    const key = Math.ceil(receipt.due / BUCKET_MS) * BUCKET_MS;
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) this.#buckets.set(key, [receipt]);
    else bucket.push(receipt);
    this.#size++;
    if (key < this.#timerAt) this.#arm(key);
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - this.#now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#now();
    const due: R[] = [];
    let next = Infinity;
    for (const [key, bucket] of this.#buckets) {
      if (key <= now) {
        this.#buckets.delete(key);
        for (const r of bucket) due.push(r);
      } else if (key < next) {
        next = key;
      }
    }
    this.#size -= due.length;
    if (next !== Infinity) this.#arm(next);
    if (due.length > 0) this.#deliver(due);
  }

  /** Drops everything and stops the timer. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#buckets.clear();
    this.#size = 0;
  }
}
