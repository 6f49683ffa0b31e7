// GSM 03.38 / UCS-2 encoding and SMS segmentation: a standalone library with no dependencies
// (3GPP TS 23.038 alphabets, TS 23.040 concatenation). This file is its public surface.
export { type SmsEncoding, detectEncoding } from './sms-encoding.ts';
export { isGsm7Encodable, gsm7Length, encodeGsm7, decodeGsm7 } from './gsm7-codec.ts';
export { packSeptets, unpackSeptets } from './septet-packing.ts';
export { encodeUcs2, decodeUcs2, hasUnpairedSurrogate } from './ucs2-codec.ts';
export { type SegmentPlan, planSegments } from './segmenter.ts';
export { concatUdh, parseConcatUdh } from './udh.ts';
