// OTP rules: codes are uniform (χ² over a million of them), keyed hashes bind a code to its
// session and compare in constant time, sliding windows admit exactly their limit, the daily
// budget turns over at midnight in Asia/Kolkata, and the code's place in a template is found.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeMatches, generateCode, hashCode, istDay, numberPrefix, slideWindow, untilNextIstDay } from '../../../src/domain/otp.ts';
import { codeSlot } from '../../../src/services/otp-service.ts';

/** χ² statistic of observed counts against a uniform expectation. */
function chiSquare(counts: readonly number[], total: number): number {
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

/** ln Γ(z), Lanczos (g = 7, 9 terms): about 15 significant digits. */
function logGamma(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const y = z - 1;
  let x = c[0]!;
  for (let i = 1; i < c.length; i++) x += c[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(x);
}

/** P(χ² with `df` degrees of freedom ≥ `chi`): the regularised upper incomplete gamma Q(df/2, chi/2). */
function chiSquarePValue(chi: number, df: number): number {
  const a = df / 2;
  const x = chi / 2;
  const lead = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // Series for the lower part P, then Q = 1 - P.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100_000 && term > sum * 1e-16; n++) sum += (term *= x / (a + n));
    return 1 - Math.exp(lead) * sum;
  }
  // Continued fraction for Q (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return Math.exp(lead) * h;
}

test('the χ² p-value matches published critical values', () => {
  // Tables: χ²(9) = 16.919 at p = 0.05 and 27.877 at p = 0.001; χ²(999) = 1142.848 at p = 0.001.
  for (const [chi, df, p] of [[16.919, 9, 0.05], [27.877, 9, 0.001], [1142.848, 999, 0.001]] as const) {
    assert.ok(Math.abs(chiSquarePValue(chi, df) - p) < p * 1e-3, `χ²(${df}) = ${chi}: p ${chiSquarePValue(chi, df)}`);
  }
});

test('1,000,000 generated codes are uniform: per digit position and over their leading three digits (χ², family-wise p > 0.001)', () => {
  const n = 1_000_000;
  const positions = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
  const leading = new Array<number>(1000).fill(0);
  for (let i = 0; i < n; i++) {
    const code = generateCode(6);
    for (let p = 0; p < 6; p++) positions[p]![code.charCodeAt(p) - 48]!++;
    leading[Number(code.slice(0, 3))]!++;
  }
  // Seven checks on one sample: each at 0.001 would fail a perfect generator in 0.7 % of runs.
  // Bonferroni keeps the whole test's false alarm at 0.001: each check at p > 0.001 / 7.
  const checks = [
    ...positions.map((counts, p) => ({ name: `position ${p}`, chi: chiSquare(counts, n), df: 9 })),
    { name: 'leading three digits', chi: chiSquare(leading, n), df: 999 },
  ];
  for (const { name, chi, df } of checks) {
    const p = chiSquarePValue(chi, df);
    assert.ok(p > 0.001 / checks.length, `${name}: χ² ${chi.toFixed(2)} with ${df} degrees of freedom, p = ${p.toExponential(2)}`);
  }
});

test('codes have the asked length, leading zeros included, and lengths outside 4-10 are refused', () => {
  for (let length = 4; length <= 10; length++) {
    for (let i = 0; i < 200; i++) assert.match(generateCode(length), new RegExp(`^\\d{${length}}$`));
  }
  const seen = new Set(Array.from({ length: 20_000 }, () => generateCode(4)));
  assert.ok([...seen].some((c) => c.startsWith('0')), 'codes with a leading zero occur');
  for (const bad of [3, 11, 0, 6.5, Number.NaN]) assert.throws(() => generateCode(bad), RangeError);
});

test('a code\'s hash binds it to its session and key, and only the right code matches', () => {
  const key = Buffer.alloc(32, 7);
  const hash = hashCode(key, 'session-1', '123456');
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.notEqual(hash, hashCode(key, 'session-2', '123456'));
  assert.notEqual(hash, hashCode(Buffer.alloc(32, 8), 'session-1', '123456'));
  assert.ok(codeMatches(key, 'session-1', '123456', hash));
  for (const wrong of ['123457', '12345', '1234560', '', '023456']) assert.ok(!codeMatches(key, 'session-1', wrong, hash), wrong);
  assert.ok(!codeMatches(key, 'session-2', '123456', hash));
  assert.ok(!codeMatches(key, 'session-1', '123456', 'not hex'));
});

test('a sliding window admits exactly its limit, then says when its oldest entry leaves', () => {
  let stamps: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = slideWindow(stamps, 1000 + i * 1000, 5, 600_000);
    assert.ok(r.ok);
    stamps = r.stamps;
  }
  const refused = slideWindow(stamps, 10_000, 5, 600_000);
  assert.deepEqual(refused, { ok: false, retryAfterMs: 1000 + 600_000 - 10_000 });
  // Exactly when Retry-After said: the window is (now - 10 min, now].
  assert.ok(slideWindow(stamps, 601_000, 5, 600_000).ok, 'the oldest has left the window');
  assert.ok(!slideWindow(stamps, 600_999, 5, 600_000).ok, 'not a millisecond earlier');
});

test('the daily budget\'s day is Asia/Kolkata\'s', () => {
  assert.equal(istDay(Date.parse('2026-11-22T18:29:59.999Z')), '2026-11-22');
  assert.equal(istDay(Date.parse('2026-11-22T18:30:00Z')), '2026-11-23');
  assert.equal(untilNextIstDay(Date.parse('2026-11-22T18:29:59Z')), 1000);
  assert.equal(untilNextIstDay(Date.parse('2026-11-22T18:30:00Z')), 86_400_000);
  assert.equal(numberPrefix('919876543210', 7), '9198765');
});

test('the code takes the first {#num#} of a template, else its first {#var#}', () => {
  assert.equal(codeSlot('Your OTP is {#num#}. - X'), 0);
  assert.equal(codeSlot('Dear {#var#}, your OTP is {#num#}, valid {#num#} min'), 1);
  assert.equal(codeSlot('{#str#} {#var#} is your code'), 1);
  assert.equal(codeSlot('Login to {#url#} with {#var#} or {#var#}'), 1);
  assert.equal(codeSlot('Your OTP is {#amount#}'), undefined);
  assert.equal(codeSlot('No variables'), undefined);
});
