// The `schedule` parameter (Dakiya's addition: the seed's API sends at once and leaves scheduling to
// the client): a wall-clock time in India Standard Time, `YYYY-MM-DD HH:MM[:SS]`, or ISO 8601 with
// an explicit offset. Whether the time is acceptable (not past, within the horizon) is the send
// service's rule; this file only reads the text.
import { DakiyaError } from '../../../domain/errors.ts';
import { istOffsetMinutes, wallClockTime } from '../../http/ist-time.ts';

const ist = /^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2})(?::(\d{2}))?$/;
// A `+` left unencoded in a query string arrives as a space: " 05:30" can only have been "+05:30".
const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|z|[+\- ]\d{2}:\d{2})$/;

/** Epoch ms of `text`; ERR_INVALID_SCHEDULE naming the accepted forms when it is neither. */
export function parseSchedule(text: string): number {
  const trimmed = text.trim();
  const local = ist.exec(trimmed);
  if (local) return at(local.slice(1, 7), istOffsetMinutes) ?? refuse(text);
  const zoned = iso.exec(trimmed);
  if (!zoned) return refuse(text);
  const zone = zoned[7]!;
  let offset = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 14 || minutes > 59) return refuse(text);
    offset = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return at(zoned.slice(1, 7), offset) ?? refuse(text);
}

/** The instant of the matched wall-clock fields at `offsetMinutes` east of UTC; undefined when one is out of range. */
function at(fields: (string | undefined)[], offsetMinutes: number): number | undefined {
  const [year, month, day, hour, minute, second] = fields.map((f) => Number(f ?? 0)) as [number, number, number, number, number, number];
  return wallClockTime(year, month, day, hour, minute, second, offsetMinutes);
}

function refuse(text: string): never {
  throw new DakiyaError('ERR_INVALID_SCHEDULE',
    `schedule ${JSON.stringify(text.slice(0, 40))} is not a time: use YYYY-MM-DD HH:MM[:SS] in India Standard Time (2026-11-23 09:30) or ISO 8601 with an offset (2026-11-23T04:00:00Z).`,
    { field: 'schedule' });
}
