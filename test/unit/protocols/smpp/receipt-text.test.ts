// The receipt text of SMPP 3.4 Appendix B, read tolerantly and written in its usual form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReceiptText, parseReceiptDate, parseReceiptText } from '../../../../src/protocols/smpp/index.ts';

test('reads every field of a standard receipt text', () => {
  assert.deepEqual(parseReceiptText('id:0123456789 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello world'), {
    id: '0123456789', sub: '001', dlvrd: '001', submit_date: '2501011200', done_date: '2501011201', stat: 'DELIVRD', err: '000', text: 'Hello world',
  });
});

test('reads field names in any case, with extra spaces, and upper-cases stat', () => {
  const r = parseReceiptText('ID: abc  SUB:1   Submit Date: 250101120030  DONE_DATE:2501011201 Stat: delivrd  Err:0 Text:x');
  assert.equal(r?.id, 'abc');
  assert.equal(r?.submit_date, '250101120030');
  assert.equal(r?.done_date, '2501011201');
  assert.equal(r?.stat, 'DELIVRD');
  assert.equal(r?.text, 'x');
});

test('leaves missing fields undefined', () => {
  assert.deepEqual(parseReceiptText('id:77 stat:UNDELIV'), { id: '77', stat: 'UNDELIV' });
});

test('keeps a text that contains field-like words as text', () => {
  assert.equal(parseReceiptText('id:1 stat:DELIVRD text:your id:2 stat:x')?.text, 'your id:2 stat:x');
  assert.equal(parseReceiptText('id:1 stat:DELIVRD text:your id:2 stat:x')?.id, '1');
});

test('returns undefined for text that is not a receipt', () => {
  assert.equal(parseReceiptText('Hello, how are you?'), undefined);
});

test('reads 10- and 12-digit dates as UTC, and rejects impossible ones', () => {
  assert.equal(parseReceiptDate('2501311259')?.toISOString(), '2025-01-31T12:59:00.000Z');
  assert.equal(parseReceiptDate('250131125930')?.toISOString(), '2025-01-31T12:59:30.000Z');
  assert.equal(parseReceiptDate('2502301200'), undefined);
  assert.equal(parseReceiptDate('25013112'), undefined);
});

test('writes the usual form, zero-padding numbers and dates in UTC', () => {
  const at = new Date(Date.UTC(2025, 0, 31, 12, 59));
  assert.equal(formatReceiptText({ id: 'abc', submit_date: at, done_date: at, stat: 'DELIVRD', text: 'Hello' }),
    'id:abc sub:001 dlvrd:001 submit date:2501311259 done date:2501311259 stat:DELIVRD err:000 text:Hello');
});

test('reads back what it writes', () => {
  const text = formatReceiptText({ id: '42', submit_date: '2501011200', done_date: '2501011300', stat: 'EXPIRED', err: 12, text: 'Hi' });
  assert.deepEqual(parseReceiptText(text), { id: '42', sub: '001', dlvrd: '000', submit_date: '2501011200', done_date: '2501011300', stat: 'EXPIRED', err: '012', text: 'Hi' });
});
