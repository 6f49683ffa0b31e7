import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseRecipient, type RecipientResult } from '../../../src/domain/recipient.ts';

const domestic = { allowInternational: false };
const international = { allowInternational: true };
const indian: RecipientResult = { ok: true, msisdn: '919876543210', country: 'IN', domestic: true };

function reasonOf(result: RecipientResult): string {
  assert.equal(result.ok, false);
  return result.ok ? '' : result.reason;
}

for (const spelling of [
  '9876543210',
  '09876543210',
  '919876543210',
  '+919876543210',
  '0091 9876543210',
  '+91 98765-43210',
  '+91 (98765) 43210',
  '+91.98765.43210',
]) {
  test(`normalises the Indian spelling ${JSON.stringify(spelling)} to 919876543210`, () => {
    assert.deepEqual(normaliseRecipient(spelling, domestic), indian);
  });
}

test('accepts every Indian mobile series from 6 to 9', () => {
  for (const first of ['6', '7', '8', '9']) {
    const result = normaliseRecipient(`${first}123456789`, domestic);
    assert.deepEqual(result, { ok: true, msisdn: `91${first}123456789`, country: 'IN', domestic: true });
  }
});

test('rejects a ten-digit Indian number that does not start with 6-9 as not a mobile', () => {
  assert.match(reasonOf(normaliseRecipient('5876543210', domestic)), /start with 6, 7, 8 or 9/);
});

test('rejects an Indian landline written with +91 as not a mobile', () => {
  assert.match(reasonOf(normaliseRecipient('+91 11 2345 6789', international)), /start with 6, 7, 8 or 9/);
});

test('rejects +91 followed by the wrong number of digits', () => {
  assert.match(reasonOf(normaliseRecipient('+91 98765 432101', domestic)), /exactly 10 digits/);
});

test('rejects nine digits as not an Indian mobile number', () => {
  assert.match(reasonOf(normaliseRecipient('987654321', domestic)), /Not an Indian mobile number/);
});

test('rejects a number containing letters', () => {
  assert.match(reasonOf(normaliseRecipient('98765O3210', domestic)), /letters/);
});

test('rejects punctuation other than the grouping separators', () => {
  assert.match(reasonOf(normaliseRecipient('98765/43210', domestic)), /character other than digits/);
});

test('rejects a plus sign after the first digit', () => {
  assert.match(reasonOf(normaliseRecipient('91+9876543210', domestic)), /\+ may appear only once/);
});

test('rejects a second plus sign', () => {
  assert.match(reasonOf(normaliseRecipient('++919876543210', domestic)), /\+ may appear only once/);
});

test('rejects Devanagari digits', () => {
  assert.match(reasonOf(normaliseRecipient('९८७६५४३२१०', domestic)), /non-ASCII/);
});

test('rejects full-width digits', () => {
  assert.match(reasonOf(normaliseRecipient('９８７６５４３２１０', domestic)), /non-ASCII/);
});

test('rejects an empty string', () => {
  assert.match(reasonOf(normaliseRecipient('', domestic)), /empty/);
});

test('rejects a lone plus sign as having no digits', () => {
  assert.match(reasonOf(normaliseRecipient('+', domestic)), /no digits/);
});

test('rejects input longer than 32 characters before looking at it', () => {
  assert.match(reasonOf(normaliseRecipient(`9876543210${' '.repeat(23)}`, domestic)), /longer than 32/);
});

test('rejects a megabyte of digits without scanning it', () => {
  assert.match(reasonOf(normaliseRecipient('9'.repeat(1_000_000), domestic)), /longer than 32/);
});

test('rejects a country code written as +00', () => {
  assert.match(reasonOf(normaliseRecipient('+0091 9876543210', international)), /cannot start with 0/);
});

test('rejects an international number when the international route is not allowed', () => {
  assert.equal(reasonOf(normaliseRecipient('+447400123456', domestic)), 'International numbers need the international route.');
});

test('accepts a British mobile in E.164 on the international route', () => {
  assert.deepEqual(normaliseRecipient('+447400123456', international), { ok: true, msisdn: '447400123456', country: 'GB', domestic: false });
});

test('accepts the 00 international prefix in place of the plus sign', () => {
  assert.deepEqual(normaliseRecipient('0044 7400 123456', international), { ok: true, msisdn: '447400123456', country: 'GB', domestic: false });
});

test('accepts a North American number whose type is fixed-line-or-mobile', () => {
  assert.deepEqual(normaliseRecipient('+1 (201) 555-0123', international), { ok: true, msisdn: '12015550123', country: 'US', domestic: false });
});

test('rejects an international landline', () => {
  assert.match(reasonOf(normaliseRecipient('+44 20 7183 8750', international)), /not a mobile/);
});

test('rejects an international number invalid for its country', () => {
  assert.match(reasonOf(normaliseRecipient('+44 7400 12', international)), /Not a valid international number/);
});

test('rejects a plus sign followed by too few digits', () => {
  assert.match(reasonOf(normaliseRecipient('+1', international)), /at least 7 digits/);
});

test('rejects more than 15 digits after the plus sign', () => {
  assert.match(reasonOf(normaliseRecipient('+4474001234567890', international)), /at most 15 digits/);
});

test('returns an Indian number on the international route as domestic', () => {
  assert.deepEqual(normaliseRecipient('+91 98765 43210', international), indian);
});

test('does not treat a number without a plus or 00 as international', () => {
  assert.match(reasonOf(normaliseRecipient('447400123456', international)), /Not an Indian mobile number/);
});
