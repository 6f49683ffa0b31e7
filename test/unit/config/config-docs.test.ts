// Drift check: docs/reference/config.md is generated from the schema and must match it exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderConfigDocs } from '../../../src/config/config-docs.ts';

const docsPath = new URL('../../../docs/reference/config.md', import.meta.url);
const regenerate = `node --import tsx --input-type=module -e "import { renderConfigDocs } from './src/config/config-docs.ts'; import { writeFileSync } from 'node:fs'; writeFileSync('docs/reference/config.md', renderConfigDocs());"`;

test('docs/reference/config.md matches the config schema', () => {
  assert.equal(
    readFileSync(docsPath, 'utf8'),
    renderConfigDocs(),
    `docs/reference/config.md is out of date with src/config/config-schema.ts; regenerate it from the repository root with:\n  ${regenerate}`,
  );
});

test('documents every setting with its environment variable', () => {
  const docs = renderConfigDocs();
  assert.match(docs, /\| `server\.port` \| `DAKIYA_SERVER_PORT` or `PORT` \|/);
  assert.match(docs, /\| `firstStart\.demo` \| `DAKIYA_FIRST_START_DEMO` \|/);
  assert.match(docs, /lives in the store/);
});
