// Guards the library's surface: the exports other code depends on, and its standalone imports
// (STYLE.md, "Protocol code is a standalone library").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as gsm from '../../../../src/protocols/gsm/index.ts';

const SOURCE_DIR = new URL('../../../../src/protocols/gsm/', import.meta.url);

test('exports exactly the public functions', () => {
  assert.deepEqual(Object.keys(gsm).sort(), [
    'concatUdh',
    'decodeGsm7',
    'decodeUcs2',
    'detectEncoding',
    'encodeGsm7',
    'encodeUcs2',
    'gsm7Length',
    'hasUnpairedSurrogate',
    'isGsm7Encodable',
    'packSeptets',
    'parseConcatUdh',
    'planSegments',
    'unpackSeptets',
  ]);
});

test('imports nothing but its own files and node: built-ins', () => {
  for (const file of readdirSync(SOURCE_DIR).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, SOURCE_DIR), 'utf8');
    for (const [, specifier] of source.matchAll(/\bfrom\s+'([^']+)'/g)) {
      assert.match(specifier!, /^(\.\/[a-z0-9-]+\.ts|node:.+)$/, `${file} imports ${specifier}`);
    }
  }
});
