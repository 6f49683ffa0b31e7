// Segment plans at the limits of 3GPP TS 23.040: 160/153 septets and 70/67 UCS-2 units.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gsm7Length, hasUnpairedSurrogate, planSegments } from '../../../../src/protocols/gsm/index.ts';
import { randomTexts } from './random-text.ts';

const lengths = (segments: string[]): number[] => segments.map((s) => s.length);

test('plans an empty text as one empty GSM7 segment', () => {
  assert.deepEqual(planSegments(''), { encoding: 'GSM7', segments: [''], units: 0, perSegment: 160 });
});

test('fits exactly 160 GSM characters in one segment', () => {
  const text = 'a'.repeat(160);
  assert.deepEqual(planSegments(text), { encoding: 'GSM7', segments: [text], units: 160, perSegment: 160 });
});

test('splits 161 GSM characters into 153 and 8', () => {
  const plan = planSegments('@'.repeat(161));
  assert.deepEqual(lengths(plan.segments), [153, 8]);
  assert.equal(plan.perSegment, 153);
  assert.equal(plan.units, 161);
});

test('fits 306 GSM characters in two segments and needs a third for 307', () => {
  assert.equal(planSegments('x'.repeat(306)).segments.length, 2);
  assert.equal(planSegments('x'.repeat(307)).segments.length, 3);
});

test('fits 80 euro signs in one segment, since each is two septets', () => {
  const plan = planSegments('€'.repeat(80));
  assert.equal(plan.units, 160);
  assert.equal(plan.segments.length, 1);
});

test('moves an escape sequence that would straddle septet 153 whole into the next segment', () => {
  const text = `${'a'.repeat(152)}{${'b'.repeat(10)}`;
  const plan = planSegments(text);
  assert.deepEqual(plan.segments, ['a'.repeat(152), `{${'b'.repeat(10)}`]);
  assert.equal(plan.units, 164);
});

test('keeps an escape sequence that ends exactly on septet 153 in the first segment', () => {
  const plan = planSegments(`${'a'.repeat(151)}~${'b'.repeat(10)}`);
  assert.deepEqual(lengths(plan.segments), [152, 10]);
});

test('cuts a run of euro signs at 76 per segment, never half a sequence', () => {
  const plan = planSegments('€'.repeat(81));
  assert.deepEqual(lengths(plan.segments), [76, 5]);
  assert.equal(plan.units, 162);
});

test('fits 70 UCS-2 units in one segment', () => {
  const text = 'क'.repeat(70);
  assert.deepEqual(planSegments(text), { encoding: 'UCS2', segments: [text], units: 70, perSegment: 70 });
});

test('splits 71 UCS-2 units into 67 and 4', () => {
  const plan = planSegments('क'.repeat(71));
  assert.deepEqual(lengths(plan.segments), [67, 4]);
  assert.equal(plan.perSegment, 67);
});

test('moves an emoji that would straddle unit 67 whole into the next segment, leaving 66', () => {
  const text = `${'क'.repeat(66)}😀${'x'.repeat(10)}`;
  const plan = planSegments(text);
  assert.deepEqual(plan.segments, ['क'.repeat(66), `😀${'x'.repeat(10)}`]);
  assert.equal(plan.units, 78);
});

test('keeps an emoji that ends exactly on unit 67 in the first segment', () => {
  const plan = planSegments(`${'क'.repeat(65)}😀${'x'.repeat(10)}`);
  assert.deepEqual(lengths(plan.segments), [67, 10]);
});

test('cuts a lone high surrogate at the boundary like any other unit, having no pair to keep', () => {
  const plan = planSegments(`${'क'.repeat(66)}\ud83dxyzw`);
  assert.deepEqual(lengths(plan.segments), [67, 4]);
});

test('plans Devanagari as one UCS2 segment counted in code units', () => {
  assert.deepEqual(planSegments('नमस्ते'), { encoding: 'UCS2', segments: ['नमस्ते'], units: 6, perSegment: 70 });
});

test('switches a mostly GSM text to UCS2 for one Devanagari word', () => {
  const plan = planSegments(`Dear customer, ${'x'.repeat(50)} नमस्ते`);
  assert.equal(plan.encoding, 'UCS2');
  assert.deepEqual(lengths(plan.segments), [67, 5]);
});

test('counts an extension character as one unit when UCS2 is forced', () => {
  assert.deepEqual(planSegments('€{', { encoding: 'UCS2' }), {
    encoding: 'UCS2',
    segments: ['€{'],
    units: 2,
    perSegment: 70,
  });
});

test('plans a GSM text the same way when GSM7 is forced', () => {
  const text = `${'a'.repeat(152)}{`;
  assert.deepEqual(planSegments(text, { encoding: 'GSM7' }), planSegments(text));
});

test('refuses to force GSM7 on Devanagari with a RangeError', () => {
  assert.throws(() => planSegments('नमस्ते', { encoding: 'GSM7' }), RangeError);
});

test('rejects an encoding name it does not know, as a JavaScript caller might pass', () => {
  const options = { encoding: 'gsm7' } as unknown as { encoding: 'GSM7' };
  assert.throws(() => planSegments('hi', options), { name: 'RangeError', message: /unknown encoding gsm7/ });
});

test('returns segments that join back into the input', () => {
  const text = `${'ab€'.repeat(120)}😀${'नमस्ते'.repeat(30)}`;
  assert.equal(planSegments(text).segments.join(''), text);
});

test('fills every non-final GSM7 segment to 153 septets, or 152 when an escape sequence follows', () => {
  for (const { seed, text } of randomTexts(2000)) {
    const plan = planSegments(text);
    if (plan.encoding !== 'GSM7') continue;
    plan.segments.slice(0, -1).forEach((segment, i) => {
      const septets = gsm7Length(segment);
      const escapeFollows = gsm7Length(plan.segments[i + 1]!.charAt(0)) === 2;
      assert.ok(septets === 153 || (septets === 152 && escapeFollows), `seed ${seed}, segment ${i}`);
    });
  }
});

test('fills every non-final UCS2 segment to 67 units, or 66 when a surrogate pair follows', () => {
  for (const { seed, text } of randomTexts(2000)) {
    const plan = planSegments(text);
    if (plan.encoding !== 'UCS2') continue;
    plan.segments.slice(0, -1).forEach((segment, i) => {
      const pairFollows = /^[\ud800-\udbff][\udc00-\udfff]/.test(plan.segments[i + 1]!);
      assert.ok(segment.length === 67 || (segment.length === 66 && pairFollows), `seed ${seed}, segment ${i}`);
    });
  }
});

test('never starts a segment with the low half of a surrogate pair', () => {
  for (const { seed, text } of randomTexts(2000)) {
    for (const segment of planSegments(text).segments) {
      assert.equal(hasUnpairedSurrogate(segment), false, `seed ${seed}`);
    }
  }
});

test('with a 16-bit concatenation reference, parts hold 152 septets or 66 UCS-2 units', () => {
  assert.deepEqual(lengths(planSegments('a'.repeat(306), { reference16: true }).segments), [152, 152, 2]);
  assert.equal(planSegments('a'.repeat(160), { reference16: true }).segments.length, 1);
  const ucs2 = planSegments('अ'.repeat(133), { reference16: true });
  assert.deepEqual([ucs2.encoding, ucs2.perSegment, lengths(ucs2.segments)], ['UCS2', 66, [66, 66, 1]]);
});
