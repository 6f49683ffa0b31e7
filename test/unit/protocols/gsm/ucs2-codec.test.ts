// UCS-2 text ↔ octets (3GPP TS 23.038 §5): big-endian UTF-16 code units, and surrogate checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUcs2, encodeUcs2, hasUnpairedSurrogate } from '../../../../src/protocols/gsm/index.ts';
import { fromHex, hex } from './hex.ts';

test('encodes ASCII and the euro sign as big-endian code units', () => {
  assert.equal(hex(encodeUcs2('A€')), '004120ac');
});

test('encodes Devanagari code unit for code unit', () => {
  assert.equal(hex(encodeUcs2('नमस्ते')), '0928092e0938094d09240947');
});

test('encodes an emoji as its surrogate pair', () => {
  assert.equal(hex(encodeUcs2('😀')), 'd83dde00');
});

test('decodes big-endian code units, surrogate pairs included', () => {
  assert.equal(decodeUcs2(fromHex('0928092e0938094d09240947 d83dde00')), 'नमस्ते😀');
});

test('decodes an empty payload as an empty text', () => {
  assert.equal(decodeUcs2(new Uint8Array(0)), '');
});

test('rejects an odd number of octets', () => {
  assert.throws(() => decodeUcs2(fromHex('004100')), { name: 'RangeError', message: /even number of octets, got 3/ });
});

test('keeps a lone surrogate through encode and decode', () => {
  assert.equal(decodeUcs2(encodeUcs2('a\ud83d')), 'a\ud83d');
});

test('decodes a payload longer than one String.fromCharCode chunk', () => {
  const text = 'नमस्ते😀 '.repeat(2000);
  assert.equal(decodeUcs2(encodeUcs2(text)), text);
});

test('finds no unpaired surrogate in a text of whole emoji', () => {
  assert.equal(hasUnpairedSurrogate('ok 😀👍🏽🇮🇳'), false);
});

test('finds a high surrogate at the end of a text', () => {
  assert.equal(hasUnpairedSurrogate('ok \ud83d'), true);
});

test('finds a low surrogate with no high surrogate before it', () => {
  assert.equal(hasUnpairedSurrogate('\ude00ok'), true);
});

test('finds a pair written in the wrong order', () => {
  assert.equal(hasUnpairedSurrogate('\ude00\ud83d'), true);
});
