// Times as the form-style dialects read and write them (seed 000's and seed 002's APIs): wall-clock
// times in India Standard Time, written in seed 002's "YYYY-MM-DD H:I" style, with seconds where
// they matter.

/** India Standard Time has had no daylight saving since 1945: a fixed +05:30. */
export const istOffsetMinutes = 330;
const istOffsetMs = istOffsetMinutes * 60_000;

/** "2026-11-22 15:30:05" (or without seconds) in IST; '' for no time. */
export function istTime(ms: number | null, withSeconds = true): string {
  if (ms === null) return '';
  const iso = new Date(ms + istOffsetMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)}`;
}

/**
 * The instant (epoch ms) of a wall-clock time `offsetMinutes` east of UTC (IST by default), or
 * undefined when a field is out of range: 2026-02-30 and 24:00 are no times, never rolled over.
 */
export function wallClockTime(year: number, month: number, day: number, hour: number, minute: number, second = 0, offsetMinutes = istOffsetMinutes): number | undefined {
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  return utc - offsetMinutes * 60_000;
}
