// GSM-7 text ↔ unpacked septets, checked against the code points of 3GPP TS 23.038 §6.2.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGsm7, encodeGsm7, gsm7Length, isGsm7Encodable } from '../../../../src/protocols/gsm/index.ts';
import { fromHex, hex } from './hex.ts';

const DEFAULT_TABLE_CASES: ReadonlyArray<readonly [string, string, string]> = [
  ['@', 'commercial at', '00'],
  ['£', 'pound sign', '01'],
  ['$', 'dollar sign', '02'],
  ['¤', 'currency sign', '24'],
  ['¡', 'inverted exclamation mark', '40'],
  ['§', 'section sign', '5f'],
  ['¿', 'inverted question mark', '60'],
  ['à', 'a with grave', '7f'],
  ['Ç', 'capital C cedilla', '09'],
  ['ΔΦΓΛΩΠΨΣΘΞ', 'the Greek capitals', '1012131415161718191a'],
  ['Hello', 'plain ASCII letters', '48656c6c6f'],
  ['\n\r', 'line feed and carriage return', '0a0d'],
];

for (const [text, name, expected] of DEFAULT_TABLE_CASES) {
  test(`encodes ${name} as septets ${expected}`, () => {
    assert.equal(hex(encodeGsm7(text)), expected);
  });
}

const EXTENSION_CASES: ReadonlyArray<readonly [string, string, string]> = [
  ['€', 'the euro sign', '1b65'],
  ['{', 'a left brace', '1b28'],
  ['}', 'a right brace', '1b29'],
  ['[', 'a left bracket', '1b3c'],
  [']', 'a right bracket', '1b3e'],
  ['~', 'a tilde', '1b3d'],
  ['\\', 'a backslash', '1b2f'],
  ['|', 'a vertical bar', '1b40'],
  ['^', 'a circumflex', '1b14'],
  ['\f', 'a form feed', '1b0a'],
];

for (const [char, name, expected] of EXTENSION_CASES) {
  test(`encodes ${name} as escape sequence ${expected} and counts it as two septets`, () => {
    assert.equal(hex(encodeGsm7(char)), expected);
    assert.equal(gsm7Length(char), 2);
  });
}

test('counts one septet per default-table character and two per extension character', () => {
  assert.equal(gsm7Length('Price: 5€ [net]'), 18);
});

test('counts an empty text as zero septets', () => {
  assert.equal(gsm7Length(''), 0);
});

test('rejects Devanagari with a RangeError naming the first offending code point', () => {
  assert.throws(() => encodeGsm7('OK नमस्ते'), { name: 'RangeError', message: /U\+0928 at index 3/ });
});

test('rejects an emoji with a RangeError naming its full code point', () => {
  assert.throws(() => gsm7Length('hi 😀'), { name: 'RangeError', message: /U\+1F600 at index 3/ });
});

test('treats lowercase c cedilla as outside GSM-7, since 0x09 is shown as the capital', () => {
  assert.equal(isGsm7Encodable('ç'), false);
});

test('treats the grave accent and the escape control character as outside GSM-7', () => {
  assert.equal(isGsm7Encodable('`'), false);
  assert.equal(isGsm7Encodable('\u001b'), false);
});

test('treats look-alikes of table characters as outside GSM-7', () => {
  // Greek capital alpha and the ohm sign resemble 'A' and 'Ω' but are other code points.
  assert.equal(isGsm7Encodable('\u0391'), false);
  assert.equal(isGsm7Encodable('\u2126'), false);
});

test('decodes the extension septets after an escape', () => {
  assert.equal(decodeGsm7(fromHex('1b65 1b28 1b29 1b3c 1b3e 1b3d 1b2f 1b40 1b14 1b0a')), '€{}[]~\\|^\f');
});

test('decodes an unknown escape as the default-table character, per 23.038 §6.2.1.1', () => {
  assert.equal(decodeGsm7(fromHex('1b41 1b00')), 'A@');
});

test('decodes an escape followed by another escape as a space, per 23.038 §6.2.1.1', () => {
  assert.equal(decodeGsm7(fromHex('61 1b1b 62')), 'a b');
});

test('decodes a trailing lone escape as a space', () => {
  assert.equal(decodeGsm7(fromHex('61 1b')), 'a ');
});

test('rejects a byte above 0x7F when decoding, naming its index', () => {
  assert.throws(() => decodeGsm7(fromHex('41 80')), { name: 'RangeError', message: /0x80 at index 1/ });
});

test('round-trips every character of the default and extension tables', () => {
  const everything =
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà' +
    '€{}[]~\\|^\f';
  const septets = encodeGsm7(everything);
  assert.equal(septets.length, 127 + 2 * 10);
  assert.equal(decodeGsm7(septets), everything);
});

test('round-trips every unescaped septet value through decode and encode', () => {
  const septets = Uint8Array.from({ length: 128 }, (_, i) => i).filter((s) => s !== 0x1b);
  assert.deepEqual(encodeGsm7(decodeGsm7(septets)), septets);
});
