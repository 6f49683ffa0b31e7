// Carrier ids match however the carrier writes them: hex or decimal, any case, leading zeros.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalMessageId, carrierKey } from '../../../../src/channels/smpp/smpp-message-id.ts';

test('a hex id matches its decimal form when the connector says the receipt is decimal', () => {
  assert.equal(carrierKey('c1', '0A1B2C', 'hex'), carrierKey('c1', String(0x0a1b2c), 'decimal'));
  assert.equal(canonicalMessageId('00FF', 'hex'), 'ff');
  assert.equal(canonicalMessageId('255', 'decimal'), 'ff');
});

test('text ids ignore case, surrounding blanks and leading zeros', () => {
  assert.equal(canonicalMessageId(' 00ABC-12 ', 'text'), 'abc-12');
  assert.equal(canonicalMessageId('0', 'text'), '0');
  assert.equal(canonicalMessageId('000', 'text'), '0');
});

test('ids longer than 2^53 stay exact', () => {
  assert.equal(canonicalMessageId('18446744073709551615', 'decimal'), 'ffffffffffffffff');
  assert.equal(canonicalMessageId('FFFFFFFFFFFFFFFF', 'hex'), 'ffffffffffffffff');
});

test('a carrier that breaks its declared format still matches itself', () => {
  assert.equal(carrierKey('c1', 'ZZ-01', 'hex'), carrierKey('c1', 'zz-01', 'hex'));
});

test('keys are scoped by connector and never contain a comma', () => {
  assert.notEqual(carrierKey('a', '1', 'text'), carrierKey('b', '1', 'text'));
  assert.equal(carrierKey('a', 'x,y', 'text').includes(','), false);
});
