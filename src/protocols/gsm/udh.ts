// The User Data Header that ties the segments of one message together: the concatenated short
// message information elements of 3GPP TS 23.040 §9.2.3.24.1 (IEI 0x00) and §9.2.3.24.8 (0x08).

type ConcatInfo = { reference: number; total: number; sequence: number };

const IEI_CONCAT_8BIT = 0x00;
const IEI_CONCAT_16BIT = 0x08;

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/**
 * The whole UDH, UDHL octet first. `total` is the segment count and `sequence` counts from 1;
 * the reference must be the same in every segment of one message and differ between messages
 * in flight to the same recipient. A 16-bit reference makes the header 7 octets instead of 6.
 */
export function concatUdh(
  reference: number,
  total: number,
  sequence: number,
  options?: { reference16?: boolean },
): Uint8Array {
  const reference16 = options?.reference16 === true;
  checkInteger('reference', reference, 0, reference16 ? 0xffff : 0xff);
  checkInteger('total', total, 1, 0xff);
  checkInteger('sequence', sequence, 1, total);
  return reference16
    ? Uint8Array.of(0x06, IEI_CONCAT_16BIT, 0x04, reference >> 8, reference & 0xff, total, sequence)
    : Uint8Array.of(0x05, IEI_CONCAT_8BIT, 0x03, reference, total, sequence);
}

/**
 * Finds the concatenation element in a UDH (UDHL octet first; octets after the header are
 * ignored). Returns undefined when there is none, when an element overruns the header (the whole
 * header is then void), or when its numbers are ones a receiver must ignore (§9.2.3.24.1: a total
 * or sequence of 0, or a sequence above the total). Of repeated elements the last valid one counts.
 */
export function parseConcatUdh(udh: Uint8Array): ConcatInfo | undefined {
  const headerLength = udh[0];
  if (headerLength === undefined || udh.length < 1 + headerLength) return undefined;
  const end = 1 + headerLength;
  let found: ConcatInfo | undefined;
  let i = 1;
  while (i < end) {
    if (i + 2 > end) return undefined;
    const iei = udh[i]!;
    const length = udh[i + 1]!;
    const data = i + 2;
    if (data + length > end) return undefined;
    if (iei === IEI_CONCAT_8BIT && length === 3) {
      found = concatFields(udh[data]!, udh[data + 1]!, udh[data + 2]!) ?? found;
    } else if (iei === IEI_CONCAT_16BIT && length === 4) {
      found = concatFields((udh[data]! << 8) | udh[data + 1]!, udh[data + 2]!, udh[data + 3]!) ?? found;
    }
    i = data + length;
  }
  return found;
}

function concatFields(reference: number, total: number, sequence: number): ConcatInfo | undefined {
  if (total === 0 || sequence === 0 || sequence > total) return undefined;
  return { reference, total, sequence };
}
