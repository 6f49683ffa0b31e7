// UUIDv7 ids and the cursor bound that turns a time into "ids created at or after it".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidv7Generator, uuidv7LowerBound } from '../../../src/domain/ids.ts';

const fixed = (ms: number) => ({ now: () => ms });

test('sorts every id of a millisecond after that millisecond\'s bound and every earlier id before it', () => {
  const ms = Date.parse('2026-05-30T04:53:00.123Z');
  const bound = uuidv7LowerBound(ms);
  const earlier = uuidv7Generator(fixed(ms - 1));
  const same = uuidv7Generator(fixed(ms));
  for (let i = 0; i < 1000; i++) {
    assert.ok(earlier() < bound);
    assert.ok(same() > bound);
  }
});

test('is the smallest UUIDv7 of the millisecond minus one', () => {
  assert.equal(uuidv7LowerBound(0x0196_f7a1_23bc), '0196f7a1-23bc-7000-7fff-ffffffffffff');
  assert.equal(uuidv7LowerBound(0), '00000000-0000-7000-7fff-ffffffffffff');
});

test('refuses a time a UUIDv7 cannot carry', () => {
  for (const ms of [-1, 2 ** 48, 1.5, Number.NaN]) assert.throws(() => uuidv7LowerBound(ms), RangeError);
});
