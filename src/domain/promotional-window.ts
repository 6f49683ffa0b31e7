// The hours in which promotional messages may be sent, and when the window next opens.
// TRAI TCCCPR 2018 allows promotional SMS only 09:00-21:00 IST; the window is configurable per
// deployment (and crosses midnight if start > end) so other markets fit the same rule.

export interface SendingWindow {
  /** 'HH:MM', 24-hour, inclusive. */
  start: string;
  /** 'HH:MM', 24-hour, exclusive. */
  end: string;
  /** IANA zone the times are read in. */
  timeZone: string;
}

export const defaultPromotionalWindow: SendingWindow = Object.freeze({ start: '09:00', end: '21:00', timeZone: 'Asia/Kolkata' });

export interface ParsedWindow {
  /** Minutes after local midnight. */
  readonly startMinute: number;
  readonly endMinute: number;
  readonly timeZone: string;
}

export type WindowParse = { ok: true; window: ParsedWindow } | { ok: false; reason: string };

const clockTime = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseWindow(window: SendingWindow): WindowParse {
  const start = clockTime.exec(window.start);
  if (start === null) return { ok: false, reason: `Window start ${JSON.stringify(window.start)} is not a 24-hour HH:MM time.` };
  const end = clockTime.exec(window.end);
  if (end === null) return { ok: false, reason: `Window end ${JSON.stringify(window.end)} is not a 24-hour HH:MM time.` };
  const startMinute = Number(start[1]) * 60 + Number(start[2]);
  const endMinute = Number(end[1]) * 60 + Number(end[2]);
  // Equal ends would mean either "never" or "always"; neither is a window, so say which was meant.
  if (startMinute === endMinute) return { ok: false, reason: 'Window start and end are equal; a window must be open for part of the day.' };
  try {
    formatterFor(window.timeZone);
  } catch {
    return { ok: false, reason: `Unknown time zone ${JSON.stringify(window.timeZone)}; use an IANA name such as Asia/Kolkata.` };
  }
  return { ok: true, window: { startMinute, endMinute, timeZone: window.timeZone } };
}

/** Whether `at` is inside the window: start inclusive, end exclusive. */
export function isWithinWindow(window: SendingWindow, at: Date): boolean {
  const parsed = parseOrThrow(window);
  return contains(parsed, secondOfDay(wallClock(parsed.timeZone, at.getTime())));
}

/** `at` itself when the window is open then; otherwise the instant it next opens. */
/**
 * When a message of `category` due at `at` must wait for the promotional window: the opening to
 * wait for, or undefined when it may go now (other categories, or inside the window).
 */
export function promotionalHold(category: string, window: SendingWindow, at: number): number | undefined {
  if (category !== 'promotional' || isWithinWindow(window, new Date(at))) return undefined;
  return nextWindowOpening(window, new Date(at)).getTime();
}

export function nextWindowOpening(window: SendingWindow, at: Date): Date {
  const parsed = parseOrThrow(window);
  const now = at.getTime();
  const local = wallClock(parsed.timeZone, now);
  const second = secondOfDay(local);
  if (contains(parsed, second)) return at;
  // Closed before today's start (always so for a window crossing midnight): it opens today.
  // Closed after today's end: tomorrow. Date.UTC rolls day + 1 over month and year ends.
  for (let day = second < parsed.startMinute * 60 ? 0 : 1; day <= 2; day++) {
    const wall = Date.UTC(local.year, local.month - 1, local.day + day, 0, parsed.startMinute);
    const opening = instantsOf(parsed.timeZone, wall).find((instant) => instant > now);
    if (opening !== undefined) return new Date(opening);
  }
  throw new Error('unreachable: a window with a start time opens within two days');
}

function parseOrThrow(window: SendingWindow): ParsedWindow {
  const parsed = parseWindow(window);
  // Windows come from config, validated at boot with parseWindow; a bad one here is a bug.
  if (!parsed.ok) throw new RangeError(parsed.reason);
  return parsed.window;
}

function contains(window: ParsedWindow, second: number): boolean {
  const start = window.startMinute * 60;
  const end = window.endMinute * 60;
  return start < end ? second >= start && second < end : second >= start || second < end;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function secondOfDay(local: WallClock): number {
  return local.hour * 3600 + local.minute * 60 + local.second;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one, so each zone gets one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23', // not hour12:false, which renders midnight as 24 in some ICU versions
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function wallClock(timeZone: string, instant: number): WallClock {
  const local: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type in local) local[part.type as keyof WallClock] = Number(part.value);
  }
  return local;
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(timeZone: string, instant: number): number {
  const l = wallClock(timeZone, instant);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - (instant - (((instant % 1000) + 1000) % 1000));
}

const day = 86_400_000;

/**
 * The instants at which the zone's wall clock reads `wall` (a local time encoded as if UTC),
 * ascending: two when clocks go back and it happens twice, and when clocks go forward over it,
 * the moment of the jump, which is when the wall clock first passes it.
 */
function instantsOf(timeZone: string, wall: number): number[] {
  // Zones change offset at most once in any two days, so the offsets a day either side are the
  // only two that can apply.
  const before = offsetAt(timeZone, wall - day);
  const after = offsetAt(timeZone, wall + day);
  const instants: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wall - offset;
    if (offsetAt(timeZone, instant) === offset) instants.push(instant);
  }
  if (instants.length > 0) return instants.sort((a, b) => a - b);
  // In the gap: binary-search the second of the jump between the two readings.
  let low = Math.min(wall - before, wall - after); // still on the old offset
  let high = Math.max(wall - before, wall - after); // already on the new one
  while (high - low > 1000) {
    const middle = low + Math.max(1000, Math.floor((high - low) / 2000) * 1000);
    if (offsetAt(timeZone, middle) === before) low = middle;
    else high = middle;
  }
  return [high];
}
