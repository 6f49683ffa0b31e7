import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  promotionalHold,
  defaultPromotionalWindow,
  isWithinWindow,
  nextWindowOpening,
  parseWindow,
  type SendingWindow,
} from '../../../src/domain/promotional-window.ts';

const ist = defaultPromotionalWindow;
const at = (iso: string): Date => new Date(iso);

test('defaults to 09:00-21:00 in Asia/Kolkata', () => {
  assert.deepEqual({ ...defaultPromotionalWindow }, { start: '09:00', end: '21:00', timeZone: 'Asia/Kolkata' });
});

test('is closed at 08:59:59 IST', () => {
  assert.equal(isWithinWindow(ist, at('2026-05-30T03:29:59Z')), false);
});

test('is closed one millisecond before 09:00 IST', () => {
  assert.equal(isWithinWindow(ist, at('2026-05-30T03:29:59.999Z')), false);
});

test('opens at exactly 09:00 IST', () => {
  assert.equal(isWithinWindow(ist, at('2026-05-30T03:30:00Z')), true);
});

test('is open at 20:59 IST', () => {
  assert.equal(isWithinWindow(ist, at('2026-05-30T15:29:00Z')), true);
});

test('is closed at exactly 21:00 IST', () => {
  assert.equal(isWithinWindow(ist, at('2026-05-30T15:30:00Z')), false);
});

test('returns the same instant as the next opening while the window is open', () => {
  const now = at('2026-05-30T10:00:00Z');
  assert.equal(nextWindowOpening(ist, now), now);
});

test('opens later the same day when asked before 09:00 IST', () => {
  assert.equal(nextWindowOpening(ist, at('2026-05-30T01:00:00Z')).toISOString(), '2026-05-30T03:30:00.000Z');
});

test('opens at 09:00 IST the next day when asked at 23:00 IST', () => {
  assert.equal(nextWindowOpening(ist, at('2026-05-30T17:30:00Z')).toISOString(), '2026-05-31T03:30:00.000Z');
});

test('reads the IST date, not the UTC date, when they differ', () => {
  // 2026-05-30T20:00Z is 01:30 IST on the 31st: the window opens that same IST morning.
  assert.equal(nextWindowOpening(ist, at('2026-05-30T20:00:00Z')).toISOString(), '2026-05-31T03:30:00.000Z');
});

test('rolls over the end of a year to 1 January', () => {
  assert.equal(nextWindowOpening(ist, at('2026-12-31T18:00:00Z')).toISOString(), '2027-01-01T03:30:00.000Z');
});

const overnight: SendingWindow = { start: '22:00', end: '06:00', timeZone: 'Asia/Kolkata' };

test('a window crossing midnight is open late in the evening', () => {
  assert.equal(isWithinWindow(overnight, at('2026-05-30T17:00:00Z')), true); // 22:30 IST
});

test('a window crossing midnight is open after midnight', () => {
  assert.equal(isWithinWindow(overnight, at('2026-05-30T20:00:00Z')), true); // 01:30 IST
});

test('a window crossing midnight closes at its end time', () => {
  assert.equal(isWithinWindow(overnight, at('2026-05-31T00:30:00Z')), false); // 06:00 IST
});

test('a window crossing midnight next opens the same evening', () => {
  assert.equal(nextWindowOpening(overnight, at('2026-05-31T00:30:00Z')).toISOString(), '2026-05-31T16:30:00.000Z');
});

const london: SendingWindow = { start: '09:00', end: '17:00', timeZone: 'Europe/London' };

test('opens a London window at 09:00Z in winter, on GMT', () => {
  assert.equal(isWithinWindow(london, at('2026-01-15T09:00:00Z')), true);
});

test('opens a London window at 08:00Z in summer, when 09:00 BST is an hour ahead of UTC', () => {
  assert.equal(isWithinWindow(london, at('2026-07-15T08:00:00Z')), true);
});

test('closes a London window at 16:00Z in summer', () => {
  assert.equal(isWithinWindow(london, at('2026-07-15T16:00:00Z')), false);
});

test('finds the next London opening across the spring clock change', () => {
  // Saturday 28 March 18:00 GMT; on Sunday 29 March clocks go forward, so 09:00 BST is 08:00Z.
  assert.equal(nextWindowOpening(london, at('2026-03-28T18:00:00Z')).toISOString(), '2026-03-29T08:00:00.000Z');
});

test('opens at the clock change when the start time is skipped by it', () => {
  // London skips 01:00-02:00 on 29 March 2026; at 01:00Z the clock reads 02:00, past 01:30.
  const skipped: SendingWindow = { start: '01:30', end: '05:00', timeZone: 'Europe/London' };
  assert.equal(nextWindowOpening(skipped, at('2026-03-29T00:00:00Z')).toISOString(), '2026-03-29T01:00:00.000Z');
});

test('opens at the first of two readings when the start time happens twice', () => {
  // London reads 01:00-02:00 twice on 25 October 2026: first on BST (00:00Z), then on GMT.
  const repeated: SendingWindow = { start: '01:30', end: '01:40', timeZone: 'Europe/London' };
  assert.equal(nextWindowOpening(repeated, at('2026-10-24T22:00:00Z')).toISOString(), '2026-10-25T00:30:00.000Z');
});

test('opens at the second reading of a repeated start time once the first has passed', () => {
  const repeated: SendingWindow = { start: '01:30', end: '01:40', timeZone: 'Europe/London' };
  assert.equal(nextWindowOpening(repeated, at('2026-10-25T01:10:00Z')).toISOString(), '2026-10-25T01:30:00.000Z');
});

test('parses a valid window into minutes after midnight', () => {
  assert.deepEqual(parseWindow(ist), { ok: true, window: { startMinute: 540, endMinute: 1260, timeZone: 'Asia/Kolkata' } });
});

test('rejects a time without a leading zero', () => {
  const result = parseWindow({ ...ist, start: '9:00' });
  assert.equal(result.ok, false);
});

test('rejects 24:00 as an end time', () => {
  assert.equal(parseWindow({ ...ist, end: '24:00' }).ok, false);
});

test('rejects a window whose start equals its end', () => {
  assert.equal(parseWindow({ ...ist, end: '09:00' }).ok, false);
});

test('rejects an unknown time zone', () => {
  const result = parseWindow({ ...ist, timeZone: 'Mars/Olympus_Mons' });
  assert.ok(!result.ok && result.reason.includes('Mars/Olympus_Mons'));
});

test('throws a RangeError when asked about an invalid window', () => {
  assert.throws(() => isWithinWindow({ ...ist, end: '25:00' }, at('2026-05-30T10:00:00Z')), RangeError);
});

test('promotionalHold holds only promotional messages outside the window, until the next opening', () => {
  const w = { start: '09:00', end: '21:00', timeZone: 'Asia/Kolkata' };
  const night = Date.parse('2026-05-30T23:00:00+05:30');
  assert.equal(promotionalHold('promotional', w, night), Date.parse('2026-05-31T09:00:00+05:30'));
  assert.equal(promotionalHold('transactional', w, night), undefined);
  assert.equal(promotionalHold('promotional', w, Date.parse('2026-05-30T10:00:00+05:30')), undefined);
});
