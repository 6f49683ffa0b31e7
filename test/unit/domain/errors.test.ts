// Drift check between the error catalogue, the native dialect's status map and
// docs/reference/errors.md: a code added in one place and not the others fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { nativeStatus } from '../../../src/api/dialects/native-v1/native-errors.ts';
import { errorCatalogue, errorCodes, type ErrorCode } from '../../../src/domain/errors.ts';

const docsPath = new URL('../../../docs/reference/errors.md', import.meta.url);

interface DocRow {
  code: string;
  status: string;
  phase: string;
  when: string;
  action: string;
}

/** The rows of the reference table: lines that start with a back-quoted code in the first cell. */
function documentedRows(): DocRow[] {
  const rows: DocRow[] = [];
  for (const line of readFileSync(docsPath, 'utf8').split('\n')) {
    const match = /^\|\s*`([A-Z0-9_]+)`\s*\|(.*)\|\s*$/.exec(line);
    if (!match) continue;
    const [status = '', phase = '', when = '', action = ''] = match[2]!.split('|').map((cell) => cell.trim());
    rows.push({ code: match[1]!, status, phase, when, action });
  }
  return rows;
}

const nativeMap: Readonly<Record<string, number>> = nativeStatus;

test('documents every catalogue code exactly once', () => {
  const counts = new Map<string, number>();
  for (const row of documentedRows()) counts.set(row.code, (counts.get(row.code) ?? 0) + 1);
  const missing = errorCodes.filter((code) => !counts.has(code));
  const repeated = [...counts].filter(([, n]) => n > 1).map(([code]) => code);
  assert.deepEqual(missing, [], `add a row to docs/reference/errors.md for: ${missing.join(', ')}`);
  assert.deepEqual(repeated, [], `docs/reference/errors.md lists these codes more than once: ${repeated.join(', ')}`);
});

test('documents no code that the catalogue does not have', () => {
  const extra = documentedRows().map((row) => row.code).filter((code) => !Object.hasOwn(errorCatalogue, code));
  assert.deepEqual(extra, [], `docs/reference/errors.md lists codes missing from src/domain/errors.ts: ${extra.join(', ')}`);
});

test('documents the native dialect status of every code', () => {
  const wrong = documentedRows()
    .filter((row) => Object.hasOwn(nativeMap, row.code) && row.status !== String(nativeMap[row.code]))
    .map((row) => `${row.code}: doc says ${row.status}, native-errors.ts says ${nativeMap[row.code]}`);
  assert.deepEqual(wrong, []);
});

test('documents the phase of every code as the catalogue declares it', () => {
  const wrong = documentedRows()
    .filter((row) => Object.hasOwn(errorCatalogue, row.code) && row.phase !== errorCatalogue[row.code as ErrorCode].phase)
    .map((row) => `${row.code}: doc says ${row.phase}, catalogue says ${errorCatalogue[row.code as ErrorCode].phase}`);
  assert.deepEqual(wrong, []);
});

test('says for every documented code when it happens and what to do', () => {
  const empty = documentedRows().filter((row) => row.when.length === 0 || row.action.length === 0).map((row) => row.code);
  assert.deepEqual(empty, []);
});

test('maps every catalogue code in the native dialect and nothing else', () => {
  // `satisfies Record<ErrorCode, number>` catches this at compile time; the test catches it when
  // the map is built another way or type-checking is skipped.
  const mapped = Object.keys(nativeMap);
  assert.deepEqual(errorCodes.filter((code) => !mapped.includes(code)), [], 'codes missing from nativeStatus');
  assert.deepEqual(mapped.filter((code) => !Object.hasOwn(errorCatalogue, code)), [], 'nativeStatus maps codes the catalogue does not have');
});

test('answers each code in the native dialect with an HTTP error status', () => {
  const invalid = Object.entries(nativeMap).filter(([, status]) => !Number.isInteger(status) || status < 400 || status > 599);
  assert.deepEqual(invalid, []);
});

test('answers each code in the native dialect with the catalogue status', () => {
  // Errors answered outside a dialect (the root error handler) use the catalogue status, so the
  // native dialect agreeing with it keeps both faces of one request consistent.
  const differing = errorCodes.filter((code) => nativeStatus[code] !== errorCatalogue[code].status);
  assert.deepEqual(differing, []);
});

test('gives every code a message that says what went wrong', () => {
  const blank = errorCodes.filter((code) => errorCatalogue[code].message.trim().length < 10);
  assert.deepEqual(blank, []);
});

test('marks every delivery-phase code as permanent or transient for the refund policy', () => {
  const unmarked = errorCodes.filter((code) => errorCatalogue[code].phase === 'delivery' && !('permanent' in errorCatalogue[code]));
  assert.deepEqual(unmarked, []);
});
