// The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1, §6.2.1.1), and
// the char-code → septet lookup that every GSM-7 counter and encoder in this folder shares.

/** The escape septet: the next septet is read from the extension table (23.038 §6.2.1). */
export const ESCAPE = 0x1b;

/**
 * Septet → character, 23.038 §6.2.1. Index 0x1B is the escape, not a character. 0x09 is the
 * capital Ç the spec prints; Unicode's GSM0338.TXT maps it to ç instead, and we accept neither
 * lowercase ç nor any other look-alike, because a phone shows the capital.
 */
export const GSM7_DEFAULT_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

/** Extension septet → character, 23.038 §6.2.1.1. Each costs two septets: ESC, then this one. */
export const GSM7_EXTENSION_TABLE: ReadonlyArray<readonly [septet: number, char: string]> = [
  [0x0a, '\f'], // a page break; receivers that lack the extension show it as a line feed
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'], // on 'e', so a receiver without the euro shows 'e'
];

/** A lookup result at or above this is ESC + an extension septet (in the low 7 bits). */
export const EXTENDED = 0x100;

// Every table character but € lies below U+0400 (the Greek capitals end at U+03A9), so a
// 2 KiB array answers almost every lookup and the Map holds only the rest.
const DIRECT_LIMIT = 0x400;

function buildLookup(): { direct: Int16Array; beyond: Map<number, number> } {
  const direct = new Int16Array(DIRECT_LIMIT).fill(-1);
  const beyond = new Map<number, number>();
  const put = (char: string, value: number): void => {
    const code = char.charCodeAt(0);
    if (code < DIRECT_LIMIT) direct[code] = value;
    else beyond.set(code, value);
  };
  for (let septet = 0; septet < 128; septet++) {
    if (septet !== ESCAPE) put(GSM7_DEFAULT_ALPHABET.charAt(septet), septet);
  }
  for (const [septet, char] of GSM7_EXTENSION_TABLE) put(char, EXTENDED | septet);
  return { direct, beyond };
}

const { direct: DIRECT, beyond: BEYOND } = buildLookup();

/**
 * The GSM-7 code of one UTF-16 code unit: a default-table septet (0–0x7F), `EXTENDED | septet`
 * for an extension character, or -1 when the character is in neither table.
 */
export function gsm7Code(charCode: number): number {
  return charCode < DIRECT_LIMIT ? DIRECT[charCode]! : (BEYOND.get(charCode) ?? -1);
}

function buildEscapedChars(): string {
  // 23.038 §6.2.1.1: an escaped septet missing from the extension table shows as its
  // default-table character, and ESC ESC (reserved for a further table) shows as a space.
  const chars = GSM7_DEFAULT_ALPHABET.split('');
  chars[ESCAPE] = ' ';
  for (const [septet, char] of GSM7_EXTENSION_TABLE) chars[septet] = char;
  return chars.join('');
}

/** Septet after an ESC → the character a receiver shows, unknown escapes included. */
export const GSM7_ESCAPED_CHARS = buildEscapedChars();
