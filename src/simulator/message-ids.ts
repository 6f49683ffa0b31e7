// The simulator's message ids: a counter from a random start, written as hex or decimal. A
// receipt may carry the id in the other format, as some carriers do (hex in submit_sm_resp,
// decimal in the receipt).

export type IdFormat = 'hex' | 'decimal';

export function formatId(value: number, format: IdFormat): string {
  return format === 'hex' ? value.toString(16).padStart(8, '0') : String(value).padStart(10, '0');
}

export class MessageIds {
  #next: number;
  constructor(start = 1 + Math.floor(Math.random() * 0xffffffff)) {
    this.#next = start;
  }
  next(): number {
    return this.#next++;
  }
}
