// Septet packing (3GPP TS 23.038 §6.1.2.1.1) and UDH fill bits (3GPP TS 23.040 §9.2.3.24).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGsm7, packSeptets, unpackSeptets } from '../../../../src/protocols/gsm/index.ts';
import { fromHex, hex } from './hex.ts';
import { seededRandom } from './random-text.ts';

test('packs "hellohello" into the nine octets of the well-known packing example', () => {
  assert.equal(hex(packSeptets(encodeGsm7('hellohello'))), 'e8329bfd4697d9ec37');
});

test('packs "Hello" into five octets', () => {
  assert.equal(hex(packSeptets(encodeGsm7('Hello'))), 'c8329bfd06');
});

test('packs eight septets into exactly seven octets', () => {
  assert.equal(hex(packSeptets(encodeGsm7('12345678'))), '31d98c56b3dd70');
});

test('leaves the unused high bits of the last octet zero', () => {
  assert.equal(hex(packSeptets(encodeGsm7('1234567'))), '31d98c56b3dd00');
});

test('starts after one fill bit, as after a six-octet concatenation UDH', () => {
  assert.equal(hex(packSeptets(encodeGsm7('hellohello'), 1)), 'd06536fb8d2eb3d96f');
});

test('starts after six fill bits, spilling the first septet into the second octet', () => {
  assert.equal(hex(packSeptets(Uint8Array.of(0x41), 6)), '4010');
});

test('packs no septets into no octets, whatever the fill', () => {
  assert.equal(packSeptets(new Uint8Array(0), 3).length, 0);
});

test('unpacks the well-known packing example back into "hellohello" septets', () => {
  assert.deepEqual(unpackSeptets(fromHex('e8329bfd4697d9ec37'), 10), encodeGsm7('hellohello'));
});

test('unpacks after fill bits', () => {
  assert.deepEqual(unpackSeptets(fromHex('d06536fb8d2eb3d96f'), 10, 1), encodeGsm7('hellohello'));
});

test('round-trips random septets for every fill from 0 to 6', () => {
  const random = seededRandom(38);
  for (let round = 0; round < 300; round++) {
    const septets = Uint8Array.from({ length: Math.floor(random() * 170) }, () => Math.floor(random() * 128));
    const fillBits = round % 7;
    assert.deepEqual(unpackSeptets(packSeptets(septets, fillBits), septets.length, fillBits), septets);
  }
});

test('rejects a fill of seven bits or more', () => {
  assert.throws(() => packSeptets(Uint8Array.of(1), 7), RangeError);
  assert.throws(() => unpackSeptets(Uint8Array.of(1), 1, 7), RangeError);
});

test('rejects packing a byte above 0x7F, which would corrupt its neighbour', () => {
  assert.throws(() => packSeptets(Uint8Array.of(0x41, 0x80)), { name: 'RangeError', message: /0x80 at index 1/ });
});

test('rejects unpacking more septets than the octets hold', () => {
  assert.throws(() => unpackSeptets(fromHex('c8329bfd06'), 6), { name: 'RangeError', message: /need 6 octets, got 5/ });
});
