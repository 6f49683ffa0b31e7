// The delivery receipt text most SMSCs put in a receipt's short_message (SMPP 3.4 Appendix B,
// "not a standard, but the format used by most"):
//   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…
// Parsing is tolerant, because carriers are: any case, fields missing or reordered, extra
// spaces, 'submit_date' for 'submit date', dates of 10 or 12 digits (with seconds).

export interface ReceiptText {
  id?: string;
  sub?: string;
  dlvrd?: string;
  /** YYMMDDhhmm or YYMMDDhhmmss, as received; parseReceiptDate() reads it. */
  submit_date?: string;
  done_date?: string;
  /** Upper-cased: DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, … */
  stat?: string;
  err?: string;
  /** Everything after 'text:' (the first characters of the message), spaces kept. */
  text?: string;
}

const FIELD = /\b(id|sub|dlvrd|submit[ _]*date|done[ _]*date|stat|err)[ \t]*:[ \t]*(\S*)/gi;
const TEXT = /\btext[ \t]*:/i;

/** Reads a receipt text; fields that are absent stay undefined. Returns undefined when no field is recognised. */
export function parseReceiptText(input: string): ReceiptText | undefined {
  const t = TEXT.exec(input);
  const head = t === null ? input : input.slice(0, t.index);
  const out: ReceiptText = {};
  let found = t !== null;
  for (const m of head.matchAll(FIELD)) {
    const key = m[1]!.toLowerCase().replace(/[ _]+/g, '');
    const value = m[2]!;
    found = true;
    switch (key) {
      case 'id': out.id = value; break;
      case 'sub': out.sub = value; break;
      case 'dlvrd': out.dlvrd = value; break;
      case 'submitdate': out.submit_date = value; break;
      case 'donedate': out.done_date = value; break;
      case 'stat': out.stat = value.toUpperCase(); break;
      case 'err': out.err = value; break;
    }
  }
  if (t !== null) out.text = input.slice(t.index + t[0].length);
  return found ? out : undefined;
}

/** YYMMDDhhmm[ss] → a Date read as UTC (the text carries no zone: shift it if the carrier's clock is local); undefined if malformed. */
export function parseReceiptDate(value: string): Date | undefined {
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?$/.exec(value.trim());
  if (m === null) return undefined;
  const [yy, mo, dd, hh, mi, ss] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) return undefined;
  const date = new Date(Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss));
  return date.getUTCDate() === dd ? date : undefined;
}

export interface ReceiptFields {
  id: string;
  /** Numbers are zero-padded to 3 digits; strings pass as they are. Defaults: sub 1, dlvrd 1 if stat is DELIVRD else 0, err 0. */
  sub?: number | string;
  dlvrd?: number | string;
  /** A Date is written as UTC YYMMDDhhmm; a string as it is. */
  submit_date: Date | string;
  done_date: Date | string;
  stat: string;
  err?: number | string;
  /** The first characters of the message (the convention is 20). */
  text?: string;
}

function pad3(v: number | string): string {
  return typeof v !== 'number' ? v : v >= 0 && v < 10 ? `00${v}` : v >= 0 && v < 100 ? `0${v}` : String(v);
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function dateText(d: Date | string): string {
  return typeof d === 'string' ? d : formatReceiptDate(d);
}

/** YYMMDDhhmm of a Date, in UTC. */
export function formatReceiptDate(date: Date): string {
  return `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}`;
}

/** The receipt text for a receipt's short_message. */
export function formatReceiptText(f: ReceiptFields): string {
  return `id:${f.id} sub:${pad3(f.sub ?? 1)} dlvrd:${pad3(f.dlvrd ?? (f.stat === 'DELIVRD' ? 1 : 0))} `
    + `submit date:${dateText(f.submit_date)} done date:${dateText(f.done_date)} stat:${f.stat} err:${pad3(f.err ?? 0)} text:${f.text ?? ''}`;
}
