// Differential test against sms-segments-calculator 1.3.0 (Twilio's) on seeded random texts.
// It never cuts one of its grapheme clusters (a consonant with its virama or vowel sign, an emoji
// with a skin tone, a flag, a ZWJ family) across segments. 23.040 asks only for whole characters,
// so we keep just surrogate pairs together and may need fewer segments; where counts differ, we
// assert that this is why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentedMessage } from 'sms-segments-calculator';
import { planSegments, type SegmentPlan } from '../../../../src/protocols/gsm/index.ts';
import { randomTexts } from './random-text.ts';

interface Case {
  seed: number;
  plan: SegmentPlan;
  oracle: SegmentedMessage;
}

const ENCODING_NAMES = { 'GSM-7': 'GSM7', 'UCS-2': 'UCS2' } as const;

// The oracle takes seconds for 3,000 texts, so each is planned once and shared by the tests.
let memo: Case[] | undefined;
function cases(): Case[] {
  memo ??= randomTexts(3000, 10_001).map(({ seed, text }) => ({
    seed,
    plan: planSegments(text),
    oracle: new SegmentedMessage(text),
  }));
  return memo;
}

/** True when one of our cuts falls inside a grapheme cluster as the oracle splits them. */
function cutsAGrapheme(plan: SegmentPlan, graphemes: string[]): boolean {
  const boundaries = new Set<number>();
  let offset = 0;
  for (const grapheme of graphemes) boundaries.add((offset += grapheme.length));
  offset = 0;
  return plan.segments.slice(0, -1).some((segment) => !boundaries.has((offset += segment.length)));
}

test('agrees with sms-segments-calculator on the encoding of 3,000 seeded random texts', () => {
  for (const { seed, plan, oracle } of cases()) {
    assert.equal(plan.encoding, ENCODING_NAMES[oracle.encodingName], `seed ${seed}`);
  }
});

test('agrees with sms-segments-calculator on the septet or code unit count of every random text', () => {
  for (const { seed, plan, oracle } of cases()) {
    // messageSize is in bits, user data header excluded: 7 per septet, 16 per UCS-2 unit.
    assert.equal(plan.units, oracle.messageSize / (plan.encoding === 'GSM7' ? 7 : 16), `seed ${seed}`);
  }
});

test('agrees with sms-segments-calculator on the segment count wherever we cut between graphemes', () => {
  for (const { seed, plan, oracle } of cases()) {
    if (!cutsAGrapheme(plan, oracle.graphemes)) {
      assert.equal(plan.segments.length, oracle.segmentsCount, `seed ${seed}`);
    }
  }
});

test('needs fewer segments than sms-segments-calculator only where it keeps a cut grapheme whole', (t) => {
  let fewer = 0;
  for (const { seed, plan, oracle } of cases()) {
    assert.ok(plan.segments.length <= oracle.segmentsCount, `seed ${seed}`);
    if (plan.segments.length < oracle.segmentsCount) {
      fewer++;
      assert.equal(plan.encoding, 'UCS2', `seed ${seed}`);
      assert.ok(cutsAGrapheme(plan, oracle.graphemes), `seed ${seed}`);
    }
  }
  t.diagnostic(`${fewer} of ${cases().length} texts need more segments in the oracle`);
  assert.ok(fewer > 0, 'the random texts should exercise the grapheme difference');
});

test('cuts a virama cluster at unit 67 where sms-segments-calculator moves it and needs a third segment', () => {
  // We cut inside 'क्' (consonant + virama, one cluster to the oracle): 67 + 67 units. The
  // oracle moves the whole cluster, leaving 66 + 68, and the overflow takes a third segment.
  const text = `${'क'.repeat(66)}क्ष${'x'.repeat(65)}`;
  assert.deepEqual(planSegments(text).segments.map((segment) => segment.length), [67, 67]);
  assert.equal(new SegmentedMessage(text).segmentsCount, 3);
});

test('agrees with sms-segments-calculator when UCS-2 is forced on GSM texts', () => {
  for (const { seed, text } of randomTexts(1000, 20_000).filter(({ profile }) => profile === 'gsm')) {
    const oracle = new SegmentedMessage(text, 'UCS-2');
    assert.equal(planSegments(text, { encoding: 'UCS2' }).segments.length, oracle.segmentsCount, `seed ${seed}`);
  }
});
