// What a value may look like in each typed DLT template variable (TRAI, October 2024 mandate:
// {#num#} {#str#} {#url#} {#date#} {#amount#} alongside the legacy {#var#}).
//
// Each type is checked in two steps: a per-character class that every prefix of a valid value
// passes (so template matching can stop scanning at the first impossible character), then, for
// url, date and amount, a whole-value format. Neither step backtracks: the format regexes have no
// nested or adjacent overlapping quantifiers, and values are capped at maxVariableLength first.

export type DltVariableType = 'var' | 'num' | 'str' | 'url' | 'date' | 'amount';

export const dltVariableTypes = ['var', 'num', 'str', 'url', 'date', 'amount'] as const satisfies readonly DltVariableType[];

// {#str#} carries names and places, which in Hindi or Tamil templates are not ASCII.
const letterMarkOrDigit = /^[\p{L}\p{M}\p{Nd}]$/u;

function isAsciiAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}

/** Whether the UTF-16 code unit `c` may appear anywhere in a value of this type. */
export function fitsVariableClass(type: DltVariableType, c: number): boolean {
  switch (type) {
    case 'var':
      return true;
    case 'num':
      return c >= 48 && c <= 57;
    case 'str':
      // space ' # & , - . / @ _
      return isAsciiAlphanumeric(c) || c === 32 || c === 35 || c === 38 || c === 39 || c === 44 || c === 45 ||
        c === 46 || c === 47 || c === 64 || c === 95 || (c > 127 && letterMarkOrDigit.test(String.fromCharCode(c)));
    case 'url':
      return c > 32 && c < 127;
    case 'date':
      // month names, AM/PM, and the separators space - . / :
      return isAsciiAlphanumeric(c) || c === 32 || c === 45 || c === 46 || c === 47 || c === 58;
    case 'amount':
      // ₹ Rs INR, space , . and the '/-' Indian writing puts after a rupee amount
      return (c >= 48 && c <= 57) || c === 0x20b9 || c === 32 || c === 44 || c === 45 || c === 46 || c === 47 ||
        c === 73 || c === 78 || c === 82 || c === 83 || c === 105 || c === 110 || c === 114 || c === 115;
  }
}

const classReasons = {
  var: '',
  num: 'A {#num#} variable may contain only the digits 0-9.',
  str: "A {#str#} variable may contain only letters, digits, spaces and - _ . , / & ' @ #.",
  url: 'A {#url#} variable may not contain spaces or non-ASCII characters.',
  date: 'A {#date#} variable may contain only digits, month names, AM/PM, spaces and - / . :',
  amount: 'A {#amount#} variable may contain only a currency (₹, Rs, Rs., INR), digits, commas and a decimal point.',
} as const satisfies Record<DltVariableType, string>;

const formatReasons = {
  url: 'A {#url#} variable must be an http(s) URL or a domain name, optionally followed by a path.',
  date: 'A {#date#} variable must be a real date written DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYY-MM-DD, DD Mon YYYY or DD-Mon-YYYY, optionally followed by HH:MM or HH:MM:SS and AM/PM.',
  amount: 'A {#amount#} variable must be digits with optional thousands separators and up to 2 decimals, optionally after ₹, Rs, Rs. or INR.',
} as const;

// '1-1-2026' is the shortest date and '31-Dec-2026 12:59:59 PM' the longest.
const shortestDate = 8;
const longestDate = 23;

/**
 * A cheap necessary condition for hasVariableFormat, from the value's length and last code unit,
 * so template matching skips most slices and regex runs when trying every length of a variable.
 */
export function mayHaveVariableFormat(type: DltVariableType, length: number, last: number): boolean {
  switch (type) {
    case 'date':
      return length >= shortestDate && length <= longestDate && ((last >= 48 && last <= 57) || (last | 32) === 109); // digit or m of AM/PM
    case 'amount':
      return (last >= 48 && last <= 57) || last === 45; // digit or the - of /-
    case 'url':
      return length >= 4; // a.in
    default:
      return true;
  }
}

/** Whether a value that already passed the class check has its type's whole-value format. */
export function hasVariableFormat(type: DltVariableType, value: string): boolean {
  switch (type) {
    case 'var':
    case 'num':
    case 'str':
      return true;
    case 'url':
      return isUrl(value);
    case 'date':
      return isDate(value);
    case 'amount':
      return amount.test(value);
  }
}

/** undefined when `value` may fill a `type` variable, else the reason it may not. */
export function validateVariable(type: DltVariableType, value: string, maxLength: number): string | undefined {
  // Empty is refused for every type, {#var#} included: operators' scrubbers disagree on whether a
  // variable may match nothing, and an approved text with a hole ("Your OTP is . Valid 60 sec")
  // is exactly what DLT is meant to stop, so we fail here rather than be blocked downstream.
  if (value.length === 0) return `A {#${type}#} variable may not be empty.`;
  if (value.length > maxLength) {
    return `A {#${type}#} variable may be at most ${maxLength} characters; this one has ${value.length}.`;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (fitsVariableClass(type, c)) continue;
    if (c === 10 || c === 13) return `A {#${type}#} variable may not contain a line break; only {#var#} may.`;
    return classReasons[type];
  }
  return type === 'url' || type === 'date' || type === 'amount'
    ? hasVariableFormat(type, value) ? undefined : formatReasons[type]
    : undefined;
}

// Western (1,234,567) and Indian (12,34,567) grouping, or none; '/-' as in "Rs. 500/-".
const amount = /^(?:(?:₹|rs\.?|inr) ?)?(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3})(?:\.\d{1,2})?(?:\/-)?$/i;

// Day and month may be written with one digit ("5-6-2026"), as Indian senders often do.
const time = String.raw`(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([ap]m))?)?`;
const dayMonthYear = new RegExp(String.raw`^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})${time}$`, 'i');
const yearMonthDay = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})${time}$`, 'i');
const dayMonthNameYear = new RegExp(String.raw`^(\d{1,2})([ -])([a-z]{3})\2(\d{4})${time}$`, 'i');
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isDate(value: string): boolean {
  let m = dayMonthYear.exec(value);
  if (m !== null) return isCalendarDate(m[4], m[3], m[1]) && isClockTime(m[5], m[6], m[7], m[8]);
  m = yearMonthDay.exec(value);
  if (m !== null) return isCalendarDate(m[1], m[2], m[3]) && isClockTime(m[4], m[5], m[6], m[7]);
  m = dayMonthNameYear.exec(value);
  if (m === null) return false;
  const month = monthNames.indexOf((m[3] ?? '').toLowerCase()) + 1;
  return month > 0 && isCalendarDate(m[4], String(month), m[1]) && isClockTime(m[5], m[6], m[7], m[8]);
}

function isCalendarDate(year = '', month = '', day = ''): boolean {
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  return d <= days;
}

function isClockTime(hour: string | undefined, minute = '0', second = '0', meridiem: string | undefined): boolean {
  if (hour === undefined) return true;
  const h = Number(hour);
  const okHour = meridiem === undefined ? h <= 23 : h >= 1 && h <= 12;
  return okHour && Number(minute) <= 59 && Number(second) <= 59;
}

// Hand-written rather than one regex: host labels separated by dots under a repeated group are
// the classic catastrophic-backtracking shape.
function isUrl(value: string): boolean {
  const head = value.slice(0, 8).toLowerCase();
  const start = head.startsWith('https://') ? 8 : head.startsWith('http://') ? 7 : 0;
  let end = start;
  while (end < value.length) {
    const c = value.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    end++;
  }
  let host = value.slice(start, end);
  const colon = host.indexOf(':');
  if (colon !== -1) {
    if (!/^\d{1,5}$/.test(host.slice(colon + 1))) return false;
    host = host.slice(0, colon);
  }
  const labels = host.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (!/^[a-z0-9-]{1,63}$/i.test(label) || label.startsWith('-') || label.endsWith('-')) return false;
  }
  return /^[a-z]{2,63}$/i.test(labels[labels.length - 1] ?? '');
}
