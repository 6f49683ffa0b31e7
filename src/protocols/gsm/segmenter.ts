// Splits a text into the segments of a concatenated SMS (3GPP TS 23.040 §9.2.3.24.1), never
// cutting an escape sequence or a surrogate pair, so each segment decodes on its own.
import { EXTENDED, gsm7Code } from './gsm7-alphabet.ts';
import { countSeptets, notGsm7Encodable } from './gsm7-codec.ts';
import type { SmsEncoding } from './sms-encoding.ts';
import { isHighSurrogate, isLowSurrogate } from './ucs2-codec.ts';

export interface SegmentPlan {
  encoding: SmsEncoding;
  /** The text of each segment, in order; joined they give the input back. */
  segments: string[];
  /** Septets (GSM7) or UTF-16 code units (UCS2) of the whole text. */
  units: number;
  /** The limit that applied: 160 or 153 (GSM7), 70 or 67 (UCS2). */
  perSegment: number;
}

// 140 octets of TP-User-Data (23.040 §9.2.3.24) hold 160 septets or 70 UCS-2 units. Concatenation
// spends 6 of them on the UDH with an 8-bit reference (UDHL, IEI 0x00, length, 3 octets),
// leaving 153 septets after one fill bit, or 67 units. A 16-bit reference (concatUdh's
// reference16) costs one octet more: 152 septets (56 header bits are exactly 8 septets) or 66 units.
const GSM7_SINGLE = 160;
const UCS2_SINGLE = 70;
const concatenated = { udh8: { gsm7: 153, ucs2: 67 }, udh16: { gsm7: 152, ucs2: 66 } };

/**
 * Chooses the encoding (or takes the one given) and cuts the text into segments. Forcing GSM7
 * on a text outside the GSM-7 tables throws a RangeError; forcing UCS2 always works.
 */
export function planSegments(text: string, options?: { encoding?: SmsEncoding; reference16?: boolean }): SegmentPlan {
  const forced = options?.encoding;
  const limits = options?.reference16 === true ? concatenated.udh16 : concatenated.udh8;
  if (forced === 'UCS2') return planUcs2(text, limits.ucs2);
  if (forced !== undefined && forced !== 'GSM7') throw new RangeError(`unknown encoding ${String(forced)}`);
  const septets = countSeptets(text);
  if (septets >= 0) return planGsm7(text, septets, limits.gsm7);
  if (forced === 'GSM7') throw notGsm7Encodable(text);
  return planUcs2(text, limits.ucs2);
}

function planGsm7(text: string, units: number, GSM7_CONCATENATED: number): SegmentPlan {
  if (units <= GSM7_SINGLE) return { encoding: 'GSM7', segments: [text], units, perSegment: GSM7_SINGLE };
  const segments: string[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    // An escape and its extension septet form one character, so both go in the same segment.
    const width = gsm7Code(text.charCodeAt(i)) >= EXTENDED ? 2 : 1;
    if (used + width > GSM7_CONCATENATED) {
      segments.push(text.slice(start, i));
      start = i;
      used = 0;
    }
    used += width;
  }
  segments.push(text.slice(start));
  return { encoding: 'GSM7', segments, units, perSegment: GSM7_CONCATENATED };
}

function planUcs2(text: string, UCS2_CONCATENATED: number): SegmentPlan {
  const units = text.length;
  if (units <= UCS2_SINGLE) return { encoding: 'UCS2', segments: [text], units, perSegment: UCS2_SINGLE };
  const segments: string[] = [];
  let start = 0;
  while (units - start > UCS2_CONCATENATED) {
    let end = start + UCS2_CONCATENATED;
    // Half an emoji at either end would show as U+FFFD, so the pair moves whole to the next one.
    if (isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end--;
    segments.push(text.slice(start, end));
    start = end;
  }
  segments.push(text.slice(start));
  return { encoding: 'UCS2', segments, units, perSegment: UCS2_CONCATENATED };
}
