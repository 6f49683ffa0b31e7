// Turns whatever a customer typed as a recipient into an MSISDN (country code + number, digits
// only), or says what is wrong with it. Indian mobiles take a hand-written single-pass fast path.
//
// The fast path exists because a bulk request carries up to 50,000 recipients: one pass over the
// char codes, no regex, no intermediate strings, and failures are shared frozen objects. Only
// numbers that are neither Indian nor malformed reach libphonenumber-js.
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type RecipientResult =
  | { ok: true; msisdn: string; country: string; domestic: boolean }
  | { ok: false; reason: string };

export interface RecipientOptions {
  allowInternational: boolean;
}

// The longest honest spelling is about 20 characters ('+91 (98765) 43-210', '0091 98765 43210');
// anything longer is rejected before it is scanned.
const maxInputLength = 32;
// ITU-T E.164 caps a number at 15 digits including the country code.
const maxE164Digits = 15;
// The shortest numbers in use are 7 digits with their country code (e.g. Niue, +683 and 4 digits).
const minE164Digits = 7;

function failure(reason: string): RecipientResult {
  return Object.freeze({ ok: false, reason });
}

const tooLong = failure(`The number is longer than ${maxInputLength} characters.`);
const empty = failure('The number is empty.');
const noDigits = failure('The number contains no digits.');
const hasLetters = failure('The number contains letters; use only digits, spaces, dashes, dots and parentheses.');
const notAscii = failure('The number contains non-ASCII characters; write its digits as 0-9.');
const badCharacter = failure('The number contains a character other than digits, spaces, dashes, dots, parentheses and a leading +.');
const misplacedPlus = failure('A + may appear only once, before the first digit.');
const zeroCountryCode = failure('A country code cannot start with 0; write +<country code><number> or 00<country code><number>.');
const notIndianMobile = failure('Not an Indian mobile number: expected 10 digits starting with 6-9, optionally after 0, 91 or +91; write international numbers with + and the country code.');
const indianWrongLength = failure('An Indian number needs exactly 10 digits after the country code 91.');
const indianNotMobile = failure('Indian mobile numbers start with 6, 7, 8 or 9; landlines and service numbers cannot receive SMS.');
const needsInternationalRoute = failure('International numbers need the international route.');
const tooManyDigits = failure(`An international number has at most ${maxE164Digits} digits including the country code.`);
const tooFewDigits = failure(`An international number has at least ${minE164Digits} digits including the country code.`);
const invalidInternational = failure('Not a valid international number for its country code.');
const internationalNotMobile = failure('The international number is not a mobile number.');

const indiaPrefix = 91e10; // 91 followed by the 10-digit national number, as a number
const lowestIndianMobile = 6e9; // DoT National Numbering Plan: mobile series start with 6, 7, 8 or 9

export function normaliseRecipient(raw: string, options: RecipientOptions): RecipientResult {
  const length = raw.length;
  if (length > maxInputLength) return tooLong;
  if (length === 0) return empty;

  let plus = false;
  let digits = 0;
  let leadingZeros = 0;
  // Every digit folded into one number: exact while it has at most 15 digits (2^53 > 10^15),
  // which covers every form accepted below, so no digit string is built on the fast path.
  let value = 0;
  for (let i = 0; i < length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (value === 0) leadingZeros++;
      digits++;
    } else if (c === 32 || c === 45 || c === 46 || c === 40 || c === 41) {
      // space - . ( ) are how people group digits; they carry no meaning.
    } else if (c === 43) {
      if (plus || digits > 0) return misplacedPlus;
      plus = true;
    } else if (c > 127) {
      // Devanagari (U+0966..) and full-width (U+FF10..) digits land here on purpose: carriers
      // take ASCII only, and silently transliterating would hide a corrupted upload.
      return notAscii;
    } else if ((c | 32) >= 97 && (c | 32) <= 122) {
      return hasLetters;
    } else {
      return badCharacter;
    }
  }
  if (digits === 0) return noDigits;

  let international = plus;
  let significant = digits;
  if (plus) {
    if (leadingZeros > 0) return zeroCountryCode;
  } else if (leadingZeros === 2) {
    // '00' is the international call prefix used from India (and most of the world).
    international = true;
    significant = digits - 2;
  }

  let national: number;
  if (international) {
    if (significant > maxE164Digits) return tooManyDigits;
    if (significant < 2 || Math.floor(value / 10 ** (significant - 2)) !== 91) {
      if (significant < minE164Digits) return tooFewDigits;
      return options.allowInternational ? parseInternational(raw) : needsInternationalRoute;
    }
    if (significant !== 12) return indianWrongLength;
    national = value - indiaPrefix;
  } else if (digits === 10 && leadingZeros === 0) {
    national = value;
  } else if (digits === 11 && leadingZeros === 1) {
    national = value; // trunk prefix 0, as dialled inside India
  } else if (digits === 12 && leadingZeros === 0 && Math.floor(value / 1e10) === 91) {
    national = value - indiaPrefix;
  } else {
    return notIndianMobile;
  }
  if (national < lowestIndianMobile) return indianNotMobile;
  return { ok: true, msisdn: '91' + national, country: 'IN', domestic: true };
}

// Reached only for well-formed, non-Indian numbers written with + or 00, so the allocations
// here (digit string, libphonenumber objects) stay off the bulk path.
function parseInternational(raw: string): RecipientResult {
  let e164 = '+';
  let skipZeros = raw.includes('+') ? 0 : 2;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (skipZeros > 0) {
      skipZeros--;
      continue;
    }
    e164 += raw[i];
  }
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed === undefined || parsed.country === undefined || !parsed.isValid()) return invalidInternational;
  // The max metadata is what makes getType() meaningful; many countries cannot tell mobile from
  // fixed line by number alone and report FIXED_LINE_OR_MOBILE (the US among them).
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return internationalNotMobile;
  return { ok: true, msisdn: parsed.number.slice(1), country: parsed.country, domestic: false };
}

/** Whether `iso2` is an upper-case ISO 3166-1 alpha-2 country the numbering metadata knows (so a number can be found to belong to it). */
export function isKnownCountry(iso2: string): boolean {
  return /^[A-Z]{2}$/.test(iso2) && isSupportedCountry(iso2);
}
