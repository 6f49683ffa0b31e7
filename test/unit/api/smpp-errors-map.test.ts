// Drift check between the SMPP server's error map and the table in docs/reference/smpp-server.md:
// an ESME's developer reads the page, so each code's command_status and receipt err must match.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { smppErrors } from '../../../src/api/smpp-server/smpp-errors-map.ts';
import { errorCodes } from '../../../src/domain/errors.ts';

const doc = readFileSync(new URL('../../../docs/reference/smpp-server.md', import.meta.url), 'utf8');

function rows(): Map<string, { status: number; err: number }> {
  const out = new Map<string, { status: number; err: number }>();
  for (const m of doc.matchAll(/^\|\s*`(ERR_[A-Z_]+)`\s*\|\s*`(0x[0-9a-f]{8})`\s*\|[^|]*\|\s*(\d{3})\s*\|/gm)) {
    out.set(m[1]!, { status: Number(m[2]), err: Number(m[3]) });
  }
  return out;
}

test('the reference page lists every catalogue code with the command_status and err the map gives', () => {
  const documented = rows();
  assert.deepEqual([...documented.keys()].sort(), [...errorCodes].sort());
  for (const code of errorCodes) assert.deepEqual(documented.get(code), { status: smppErrors[code].status, err: smppErrors[code].err }, code);
});

test('no two codes share a receipt err number', () => {
  const errs = errorCodes.map((c) => smppErrors[c].err);
  assert.equal(new Set(errs).size, errs.length);
});
