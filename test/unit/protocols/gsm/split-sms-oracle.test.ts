// Differential test against split-sms 0.1.7 (GSM 03.38 default + extension, UCS-2 that keeps
// surrogate pairs whole) on seeded random texts, plus the one difference we know of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { planSegments } from '../../../../src/protocols/gsm/index.ts';
import { randomTexts } from './random-text.ts';

interface SplitSmsResult {
  characterSet: 'GSM' | 'Unicode';
  parts: Array<{ content: string }>;
  /** Septets for GSM, octets (two per code unit) for Unicode. */
  bytes: number;
}
interface SplitSms {
  split(message: string, options?: { characterset?: 'GSM' | 'Unicode' }): SplitSmsResult;
}

const splitSms = createRequire(import.meta.url)('split-sms') as SplitSms;
const TEXTS = randomTexts(3000);
const ENCODING_NAMES = { GSM: 'GSM7', Unicode: 'UCS2' } as const;

test('agrees with split-sms on the encoding of 3,000 seeded random texts', () => {
  for (const { seed, text } of TEXTS) {
    assert.equal(planSegments(text).encoding, ENCODING_NAMES[splitSms.split(text).characterSet], `seed ${seed}`);
  }
});

test('agrees with split-sms on the septet or code unit count of every random text', () => {
  for (const { seed, text } of TEXTS) {
    const plan = planSegments(text);
    const oracle = splitSms.split(text);
    assert.equal(plan.units, oracle.characterSet === 'GSM' ? oracle.bytes : oracle.bytes / 2, `seed ${seed}`);
  }
});

test('agrees with split-sms on the text of every segment of every random text', () => {
  for (const { seed, text } of TEXTS) {
    const oracleSegments = splitSms.split(text).parts.map((part) => part.content);
    assert.deepEqual(planSegments(text).segments, oracleSegments, `seed ${seed}`);
  }
});

test('agrees with split-sms on every segment when UCS-2 is forced on GSM texts', () => {
  for (const { seed, text } of TEXTS.filter(({ profile }) => profile === 'gsm')) {
    const oracleSegments = splitSms.split(text, { characterset: 'Unicode' }).parts.map((part) => part.content);
    assert.deepEqual(planSegments(text, { encoding: 'UCS2' }).segments, oracleSegments, `seed ${seed}`);
  }
});

test('cuts a lone high surrogate at unit 67 where split-sms, taking it for half a pair, cuts at 66', () => {
  // split-sms treats any high surrogate as the start of a pair, even one followed by 'x', and
  // counts the 'x' as its low half. With no pair to keep whole, we cut at the limit.
  const text = `${'क'.repeat(66)}\ud83dxyzw`;
  assert.deepEqual(splitSms.split(text).parts.map((part) => part.content.length), [66, 5]);
  assert.deepEqual(planSegments(text).segments.map((segment) => segment.length), [67, 4]);
});
