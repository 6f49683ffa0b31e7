import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeChunk, encodeChunk } from '../../../src/store/sqlite/deferred-chunk.ts';

test('a chunk decodes to the flat values it encoded: shared columns once, the others per row', () => {
  const flat = ['a', 1, null, 'x', 'b', 1, null, 'y', 'c', 1, null, 'x'];
  const data = encodeChunk(flat, 4);
  assert.deepEqual(JSON.parse(data), [['a', 'b', 'c'], 1, null, ['x', 'y', 'x']]);
  assert.deepEqual(decodeChunk(data, 4, 3), flat);
});

test('a one-row chunk and values that differ only in type survive', () => {
  assert.deepEqual(decodeChunk(encodeChunk(['only', 0, null], 3), 3, 1), ['only', 0, null]);
  const mixed = [1, '1', null, 0];
  assert.deepEqual(decodeChunk(encodeChunk(mixed, 1), 1, 4), mixed);
});

test('a chunk written before a column was appended decodes with that column null', () => {
  assert.deepEqual(decodeChunk(encodeChunk(['a', 1, 'b', 2], 2), 3, 2), ['a', 1, null, 'b', 2, null]);
});

test('a stored chunk that does not have the expected shape is refused, not half read', () => {
  assert.throws(() => decodeChunk('[1,2,3,4]', 3, 1), /malformed/);
  assert.throws(() => decodeChunk('[]', 3, 1), /malformed/);
  assert.throws(() => decodeChunk('[[1,2],3]', 2, 3), /malformed/);
  assert.throws(() => decodeChunk('{"a":1}', 1, 1), /malformed/);
});
