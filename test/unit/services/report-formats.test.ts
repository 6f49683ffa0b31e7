// The batch report's formats: RFC 4180 CSV that a spreadsheet cannot be tricked into running, and
// NDJSON with the values as stored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, reportFormats } from '../../../src/services/report-formats.ts';
import { reportColumns, type ReportRow } from '../../../src/services/report-rows.ts';
import { csvRecords } from '../../fixtures/csv-records.ts';

const row: ReportRow = {
  id: '019e773a-73e0-7003-8e8b-41492fc07298', to: '919876543210', sender: 'DAKIYA', status: 'FAILED', error_code: 'ERR_NUMBER_INACTIVE',
  error_description: 'The mobile number is deactivated; remove it from your list.', segments: 2, credits: 2, correlation_id: null,
  created_at: '2026-05-30T04:53:00.000Z', submitted_at: '2026-05-30T04:53:00.010Z', done_at: '2026-05-30T04:53:01.000Z', carrier_id: 'SBX1F',
};

test('writes a header row of the report\'s columns, CRLF-ended', () => {
  assert.equal(reportFormats.csv.head(), `${reportColumns.join(',')}\r\n`);
});

test('writes null as an empty field and numbers as they are', () => {
  assert.deepEqual(csvRecords(reportFormats.csv.rows([row])), [[
    row.id, '919876543210', 'DAKIYA', 'FAILED', 'ERR_NUMBER_INACTIVE', 'The mobile number is deactivated; remove it from your list.', '2', '2', '',
    '2026-05-30T04:53:00.000Z', '2026-05-30T04:53:00.010Z', '2026-05-30T04:53:01.000Z', 'SBX1F',
  ]]);
});

test('quotes fields holding a comma, a quote or a line break, doubling inner quotes (RFC 4180 §2.6, §2.7)', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('line\nbreak'), '"line\nbreak"');
  assert.equal(csvField('cr\rhere'), '"cr\rhere"');
  assert.equal(csvField('plain'), 'plain');
});

test('turns a field a spreadsheet would run as a formula into text with a leading apostrophe', () => {
  assert.equal(csvField('=HYPERLINK("https://evil.example","click")'), '"\'=HYPERLINK(""https://evil.example"",""click"")"');
  assert.equal(csvField('+cmd|\' /C calc\'!A0'), '\'+cmd|\' /C calc\'!A0');
  assert.equal(csvField('-2+3'), '\'-2+3');
  assert.equal(csvField('@SUM(A1:A9)'), '\'@SUM(A1:A9)');
  assert.equal(csvField('\t=1+1'), '\'\t=1+1');
  assert.equal(csvField('\r=1+1'), '"\'\r=1+1"');
});

test('leaves plain signed numbers alone: they evaluate to themselves', () => {
  assert.equal(csvField('+919876543210'), '+919876543210');
  assert.equal(csvField('-42'), '-42');
  assert.equal(csvField('-4.5'), '-4.5');
  assert.equal(csvField('+91 98765 43210'), '\'+91 98765 43210');
});

test('leaves a formula character inside a field alone', () => {
  assert.equal(csvField('order=42'), 'order=42');
  assert.equal(csvField(' =1+1'), ' =1+1');
});

test('writes each NDJSON row as one JSON object with the columns in order and values as stored', () => {
  const text = reportFormats.ndjson.rows([row, { ...row, correlation_id: '=1+1' }]);
  const lines = text.split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.map((l) => JSON.parse(l)), [row, { ...row, correlation_id: '=1+1' }]);
  assert.deepEqual(Object.keys(JSON.parse(lines[0]!)), [...reportColumns]);
  assert.equal(reportFormats.ndjson.head(), '');
});
