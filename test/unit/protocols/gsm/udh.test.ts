// Concatenation UDHs (3GPP TS 23.040 §9.2.3.24.1 and §9.2.3.24.8), written and read as hex.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh, parseConcatUdh } from '../../../../src/protocols/gsm/index.ts';
import { fromHex, hex } from './hex.ts';

test('writes the six-octet header with an 8-bit reference', () => {
  assert.equal(hex(concatUdh(0x42, 3, 1)), '050003420301');
});

test('writes the seven-octet header with a 16-bit reference, high octet first', () => {
  assert.equal(hex(concatUdh(0x1234, 2, 2, { reference16: true })), '06080412340202');
});

test('rejects a reference above 255 unless the 16-bit form is asked for', () => {
  assert.throws(() => concatUdh(256, 2, 1), { name: 'RangeError', message: /reference must be an integer from 0 to 255/ });
});

test('rejects a sequence number of 0 or above the total', () => {
  assert.throws(() => concatUdh(1, 2, 0), RangeError);
  assert.throws(() => concatUdh(1, 2, 3), RangeError);
});

test('rejects a total of 0 or above 255', () => {
  assert.throws(() => concatUdh(1, 0, 1), RangeError);
  assert.throws(() => concatUdh(1, 256, 1), RangeError);
});

test('reads the 8-bit reference element', () => {
  assert.deepEqual(parseConcatUdh(fromHex('050003420301')), { reference: 0x42, total: 3, sequence: 1 });
});

test('reads the 16-bit reference element', () => {
  assert.deepEqual(parseConcatUdh(fromHex('06080412340202')), { reference: 0x1234, total: 2, sequence: 2 });
});

test('reads the concatenation element after an application port element', () => {
  assert.deepEqual(parseConcatUdh(fromHex('0b 0504 0b8423f0 0003 07 02 01')), { reference: 7, total: 2, sequence: 1 });
});

test('ignores the octets that follow the header', () => {
  assert.deepEqual(parseConcatUdh(fromHex('050003420301 c8329bfd06')), { reference: 0x42, total: 3, sequence: 1 });
});

test('uses the last of two concatenation elements', () => {
  assert.deepEqual(parseConcatUdh(fromHex('0a 0003 010201 0003 020302')), { reference: 2, total: 3, sequence: 2 });
});

test('finds nothing in a header without a concatenation element', () => {
  assert.equal(parseConcatUdh(fromHex('06 0504 0b8423f0')), undefined);
});

test('finds nothing when the header is longer than the octets given', () => {
  assert.equal(parseConcatUdh(fromHex('0500034203')), undefined);
});

test('finds nothing when an element overruns the header length', () => {
  assert.equal(parseConcatUdh(fromHex('04 0003 420301')), undefined);
});

test('finds nothing in an empty buffer', () => {
  assert.equal(parseConcatUdh(new Uint8Array(0)), undefined);
});

test('ignores an element whose sequence number is 0 or above the total', () => {
  assert.equal(parseConcatUdh(fromHex('050003420300')), undefined);
  assert.equal(parseConcatUdh(fromHex('050003420304')), undefined);
});

test('round-trips every written header through the parser', () => {
  for (const reference16 of [false, true]) {
    for (const [reference, total, sequence] of [[0, 1, 1], [255, 255, 255], [17, 4, 3]] as const) {
      const udh = concatUdh(reference, total, sequence, { reference16 });
      assert.deepEqual(parseConcatUdh(udh), { reference, total, sequence });
    }
  }
});
