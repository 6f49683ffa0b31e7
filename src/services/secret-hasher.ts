// Keyed hashes for secrets at rest (API keys, operator tokens): HMAC-SHA256 with a pepper that lives
// outside the database, so a stolen database alone cannot be used to test guesses.
import { createHmac, randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SecretHasher {
  #pepper: Buffer;

  constructor(pepper: Buffer) {
    if (pepper.length < 16) throw new Error('the pepper must be at least 16 bytes');
    this.#pepper = pepper;
  }

  hash(secret: string): string {
    return createHmac('sha256', this.#pepper).update(secret).digest('hex');
  }

  /** A new secret: prefix + 40 base62 characters (~238 bits). */
  static generate(prefix: string): string {
    const bytes = randomBytes(40);
    let out = prefix;
    // 256 % 62 bias is < 2^-5 per char on a 238-bit secret: irrelevant to guessing.
    for (const b of bytes) out += alphabet[b % 62];
    return out;
  }
}
