// Packs GSM-7 septets eight to seven octets and back (3GPP TS 23.038 §6.1.2.1.1), with the fill
// bits that align the first septet after a User Data Header (3GPP TS 23.040 §9.2.3.24).

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6) {
    throw new RangeError(`fillBits must be an integer from 0 to 6, got ${fillBits}`);
  }
}

/** Octets that `count` septets take after `fillBits` fill bits; with no septets, no fill either. */
function packedLength(count: number, fillBits: number): number {
  return count === 0 ? 0 : Math.ceil((fillBits + 7 * count) / 8);
}

/**
 * Packs septets least significant bit first. `fillBits` zero bits come first, so a header of
 * n octets is followed by (7 - (8n mod 7)) mod 7 of them. Unused high bits of the last octet are 0.
 */
export function packSeptets(septets: Uint8Array, fillBits = 0): Uint8Array {
  checkFillBits(fillBits);
  const packed = new Uint8Array(packedLength(septets.length, fillBits));
  let bits = 0;
  let pending = fillBits;
  let o = 0;
  for (let i = 0; i < septets.length; i++) {
    const septet = septets[i]!;
    if (septet > 0x7f) {
      throw new RangeError(`byte 0x${septet.toString(16)} at index ${i} is not a septet (0x00–0x7F)`);
    }
    bits |= septet << pending;
    pending += 7;
    if (pending >= 8) {
      packed[o++] = bits & 0xff;
      bits >>>= 8;
      pending -= 8;
    }
  }
  if (pending > 0 && o < packed.length) packed[o] = bits;
  return packed;
}

/** Reads `count` septets after `fillBits` fill bits; the UDL field says how many there are. */
export function unpackSeptets(packed: Uint8Array, count: number, fillBits = 0): Uint8Array {
  checkFillBits(fillBits);
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${count}`);
  }
  const needed = packedLength(count, fillBits);
  if (packed.length < needed) {
    throw new RangeError(`${count} septets need ${needed} octets, got ${packed.length}`);
  }
  const septets = new Uint8Array(count);
  let bit = fillBits;
  for (let i = 0; i < count; i++, bit += 7) {
    const octet = bit >> 3;
    const shift = bit & 7;
    // A septet that starts above bit 1 of its octet spills into the next one.
    const spill = shift > 1 ? packed[octet + 1]! << (8 - shift) : 0;
    septets[i] = ((packed[octet]! >> shift) | spill) & 0x7f;
  }
  return septets;
}
