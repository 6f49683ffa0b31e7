// Text ↔ UCS-2 octets (3GPP TS 23.038 §5, data coding "UCS2"): big-endian UTF-16 code units.
// Handsets decode surrogate pairs as UTF-16, so emoji travel as two units; lone surrogates do not.

const DECODE_CHUNK = 8192; // code units per String.fromCharCode call, well under the argument limit

export function encodeUcs2(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit >> 8;
    bytes[2 * i + 1] = unit & 0xff;
  }
  return bytes;
}

/** UTF-16BE octets → text, code unit for code unit (lone surrogates kept). Odd lengths throw. */
export function decodeUcs2(bytes: Uint8Array): string {
  if (bytes.length % 2 !== 0) {
    throw new RangeError(`UCS-2 needs an even number of octets, got ${bytes.length}`);
  }
  const units = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < units.length; i++) units[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  let text = '';
  for (let i = 0; i < units.length; i += DECODE_CHUNK) {
    text += String.fromCharCode(...units.subarray(i, i + DECODE_CHUNK));
  }
  return text;
}

export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** True when a surrogate lacks its partner: such text cannot be shown, nor encoded as GSM-7. */
export function hasUnpairedSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    else if (unit >= 0xd800 && unit <= 0xdfff) return true;
  }
  return false;
}
