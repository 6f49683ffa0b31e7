// Times as the form-style dialects write them (seed 000's and seed 002's APIs): India Standard
// Time, in seed 002's "YYYY-MM-DD H:I" style, with seconds where they matter.
const istOffsetMs = 330 * 60_000;

/** "2026-11-22 15:30:05" (or without seconds) in IST; '' for no time. */
export function istTime(ms: number | null, withSeconds = true): string {
  if (ms === null) return '';
  const iso = new Date(ms + istOffsetMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)}`;
}
