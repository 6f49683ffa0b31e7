// Times in the native /v1 dialect's requests: ISO 8601 with an offset, or epoch milliseconds.
import { DakiyaError } from '../../../domain/errors.ts';

const offsetTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Epoch ms of an ISO 8601 time with offset, or NaN. Date.parse alone rolls 2026-02-30 over to 2 March and takes 24:00. */
export function parseOffsetTime(text: string): number {
  const m = offsetTime.exec(text);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  const real = date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour! < 24 && minute! < 60 && second < 60 && offsetHours < 24 && offsetMinutes < 60;
  return real ? Date.parse(text) : Number.NaN;
}

/** `since`: an ISO 8601 time with offset, or epoch milliseconds. */
export function parseSince(text: string): number {
  const ms = /^[0-9]{1,15}$/.test(text) ? Number(text) : parseOffsetTime(text);
  if (Number.isNaN(ms)) throw new DakiyaError('ERR_INVALID_REQUEST', 'since must be an ISO 8601 time with offset (2026-05-30T10:00:00+05:30) or epoch milliseconds', { field: 'since' });
  return ms;
}
