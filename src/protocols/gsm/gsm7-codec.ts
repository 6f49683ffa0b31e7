// Text ↔ unpacked GSM-7 septets, one per byte with 0x1B escapes (3GPP TS 23.038 §6.2.1): the
// form SMPP carries under data_coding 0, and what segment counting measures.
import {
  ESCAPE,
  EXTENDED,
  GSM7_DEFAULT_ALPHABET,
  GSM7_ESCAPED_CHARS,
  gsm7Code,
} from './gsm7-alphabet.ts';

/** Septets `text` needs, or -1 when some character is in neither table. Allocates nothing. */
export function countSeptets(text: string): number {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const code = gsm7Code(text.charCodeAt(i));
    if (code < 0) return -1;
    septets += code >= EXTENDED ? 2 : 1;
  }
  return septets;
}

export function isGsm7Encodable(text: string): boolean {
  return countSeptets(text) >= 0;
}

/** Septets `text` needs; extension characters count two. Throws a RangeError if not GSM-7. */
export function gsm7Length(text: string): number {
  const septets = countSeptets(text);
  if (septets < 0) throw notGsm7Encodable(text);
  return septets;
}

/** The error for a text outside both tables, naming the first offending character. */
export function notGsm7Encodable(text: string): RangeError {
  let i = 0;
  while (i < text.length && gsm7Code(text.charCodeAt(i)) >= 0) i++;
  const codePoint = text.codePointAt(i) ?? 0;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return new RangeError(`text is not GSM-7 encodable: U+${hex} at index ${i}; use UCS-2`);
}

export function encodeGsm7(text: string): Uint8Array {
  const septets = new Uint8Array(gsm7Length(text));
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = gsm7Code(text.charCodeAt(i));
    if (code >= EXTENDED) {
      septets[o++] = ESCAPE;
      septets[o++] = code & 0x7f;
    } else {
      septets[o++] = code;
    }
  }
  return septets;
}

/**
 * Unpacked septets → text. An unknown escape shows as the default-table character and ESC ESC
 * as a space (23.038 §6.2.1.1); a trailing lone ESC also shows as a space, as on a receiver that
 * lacks the extension table. A byte above 0x7F is no septet, so it throws a RangeError.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = checkedSeptet(bytes, i);
    if (septet !== ESCAPE) {
      text += GSM7_DEFAULT_ALPHABET.charAt(septet);
    } else if (i + 1 === bytes.length) {
      text += ' ';
    } else {
      text += GSM7_ESCAPED_CHARS.charAt(checkedSeptet(bytes, ++i));
    }
  }
  return text;
}

function checkedSeptet(bytes: Uint8Array, i: number): number {
  const byte = bytes[i]!;
  if (byte > 0x7f) {
    throw new RangeError(`byte 0x${byte.toString(16)} at index ${i} is not a GSM-7 septet (0x00–0x7F)`);
  }
  return byte;
}
