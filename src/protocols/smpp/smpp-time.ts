// SMPP 3.4 §7.1.1 time formats, as schedule_delivery_time, validity_period and final_date carry
// them: absolute "YYMMDDhhmmsstnnp" (t tenths, nn quarter hours from UTC, p '+' or '-') and
// relative "YYMMDDhhmmss000R" (a period from now).

export type SmppTime = { kind: 'absolute'; at: number } | { kind: 'relative'; ms: number };

const pattern = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/;

/** The time a field gives, undefined for '' (none), throws RangeError when malformed. */
export function parseSmppTime(text: string): SmppTime | undefined {
  if (text === '') return undefined;
  const m = pattern.exec(text);
  if (!m) throw new RangeError(`not an SMPP time: ${JSON.stringify(text)}`);
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number) as [number, number, number, number, number, number, number, number];
  if (m[9] === 'R') {
    // §7.1.1.2: years and months as 365 and 30 days, as SMSCs commonly count them.
    const seconds = ((((yy * 365 + mo * 30 + dd) * 24 + hh) * 60 + mi) * 60) + ss;
    return { kind: 'relative', ms: seconds * 1000 };
  }
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59 || nn > 48) throw new RangeError(`not an SMPP time: ${JSON.stringify(text)}`);
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100);
  const offset = nn * 15 * 60_000 * (m[9] === '-' ? -1 : 1);
  return { kind: 'absolute', at: local - offset };
}

/** Epoch ms as an absolute SMPP time in UTC ("YYMMDDhhmmss000+"). */
export function formatSmppTime(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}${Math.floor(d.getUTCMilliseconds() / 100)}00+`;
}
