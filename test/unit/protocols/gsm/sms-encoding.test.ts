// Choosing between GSM-7 and UCS-2 (3GPP TS 23.038 §4) for whole texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectEncoding, isGsm7Encodable } from '../../../../src/protocols/gsm/index.ts';

test('chooses GSM7 for text from the default table', () => {
  assert.equal(detectEncoding('@£¤ Ça va? ΔΦΓΛΩΠΨΣΘΞ'), 'GSM7');
});

test('chooses GSM7 for text using the extension table', () => {
  assert.equal(detectEncoding('{[~\\|^€]}\f'), 'GSM7');
});

test('chooses GSM7 for an empty text', () => {
  assert.equal(detectEncoding(''), 'GSM7');
});

test('chooses UCS2 for Devanagari', () => {
  assert.equal(detectEncoding('नमस्ते'), 'UCS2');
});

test('chooses UCS2 when one character of an otherwise GSM text is outside the tables', () => {
  assert.equal(detectEncoding('Your OTP is 123456 – do not share'), 'UCS2');
});

test('chooses UCS2 for an emoji', () => {
  assert.equal(detectEncoding('Thanks 🙏'), 'UCS2');
});

test('finds a text with a lone surrogate not GSM-7 encodable', () => {
  assert.equal(isGsm7Encodable('a\ud83d'), false);
});
