import { test } from 'node:test';
import assert from 'node:assert/strict';
import { creditsFor, shouldRefund, type RefundPolicy } from '../../../src/domain/credit.ts';

const strict: RefundPolicy = { refundOnUndelivered: false };
const generous: RefundPolicy = { refundOnUndelivered: true };

test('never refunds a delivered message', () => {
  assert.equal(shouldRefund('DELIVERED', undefined, generous), false);
});

test('refunds a rejected message', () => {
  assert.equal(shouldRefund('REJECTED', 'ERR_CARRIER_REJECTED', strict), true);
});

test('refunds an expired message even without the undelivered policy', () => {
  assert.equal(shouldRefund('EXPIRED', 'ERR_MESSAGE_EXPIRED', strict), true);
});

test('refunds a permanent failure', () => {
  assert.equal(shouldRefund('FAILED', 'ERR_NUMBER_INACTIVE', strict), true);
});

test('treats a failure without an error code as permanent', () => {
  assert.equal(shouldRefund('FAILED', undefined, strict), true);
});

test('does not refund a transient failure by default', () => {
  assert.equal(shouldRefund('FAILED', 'ERR_HANDSET_UNREACHABLE', strict), false);
});

test('refunds a transient failure when the account refunds undelivered messages', () => {
  assert.equal(shouldRefund('FAILED', 'ERR_HANDSET_UNREACHABLE', generous), true);
});

test('does not refund a message in doubt, even with the undelivered policy', () => {
  assert.equal(shouldRefund('UNKNOWN', 'ERR_DELIVERY_UNKNOWN', generous), false);
});

test('charges segments times the price per segment', () => {
  assert.equal(creditsFor(3, 25), 75);
});

test('charges nothing for zero segments', () => {
  assert.equal(creditsFor(0, 25), 0);
});

test('refuses a fractional segment count', () => {
  assert.throws(() => creditsFor(1.5, 25), RangeError);
});

test('refuses a negative price', () => {
  assert.throws(() => creditsFor(1, -1), RangeError);
});

test('refuses a product beyond the safe integer range', () => {
  assert.throws(() => creditsFor(2 ** 30, 2 ** 30), RangeError);
});

test('refuses NaN', () => {
  assert.throws(() => creditsFor(Number.NaN, 1), RangeError);
});
