// UUIDv7 ids (RFC 9562 §5.7): time-ordered, so inserts append to the primary-key index.
import { randomFillSync } from 'node:crypto';
import type { Clock } from './clock.ts';

export type IdGenerator = () => string;

const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Ids stay strictly increasing within one process even when the clock repeats or steps back. */
export function uuidv7Generator(clock: Clock): IdGenerator {
  const pool = Buffer.allocUnsafe(16 * 256);
  let poolOffset = pool.length;
  let lastMs = 0;
  let seq = 0;
  return () => {
    let ms = clock.now();
    if (ms <= lastMs) {
      ms = lastMs;
      seq++;
      if (seq > 0xfff) {
        ms = ++lastMs;
        seq = 0;
      }
    } else {
      seq = 0;
    }
    lastMs = ms;
    if (poolOffset >= pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const r = poolOffset;
    poolOffset += 16;
    // 48-bit ms | ver 7 + 12-bit counter (rand_a used as a monotonic sequence, §6.2 method 1) | var 10 + 62 random bits
    const b = [
      Math.floor(ms / 2 ** 40) & 0xff, Math.floor(ms / 2 ** 32) & 0xff, (ms >>> 24) & 0xff, (ms >>> 16) & 0xff,
      (ms >>> 8) & 0xff, ms & 0xff, 0x70 | (seq >>> 8), seq & 0xff,
      0x80 | (pool[r + 8]! & 0x3f), pool[r + 9]!, pool[r + 10]!, pool[r + 11]!, pool[r + 12]!, pool[r + 13]!, pool[r + 14]!, pool[r + 15]!,
    ];
    let s = '';
    for (let i = 0; i < 16; i++) {
      s += hex[b[i]!]!;
      if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
    }
    return s;
  };
}

/** Milliseconds a UUIDv7 can carry (48 bits). */
export const maxUuidv7Ms = 2 ** 48 - 1;

/**
 * The smallest UUIDv7 of millisecond `ms` minus one (`…-7000-7fff-ffffffffffff`): every id of `ms`
 * or later sorts after it and every earlier id before it, so "created at or after `ms`" becomes an
 * `id > bound` cursor. Lower-case hex, like the ids, so text and byte order agree.
 */
export function uuidv7LowerBound(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > maxUuidv7Ms) throw new RangeError(`not a UUIDv7 time: ${ms}`);
  const h = ms.toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8)}-7000-7fff-ffffffffffff`;
}
