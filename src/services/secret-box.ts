// Secrets Dakiya must be able to read back (an upstream bind password is sent to the carrier, so
// it cannot be hashed): sealed with AES-256-GCM under a key derived from the pepper, which lives
// outside the database. A stolen database alone does not reveal them; a sealed value copied to
// another row does not open there, because the row's context is authenticated with it.
import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';

const version = 'v1';
/** GCM nonces are 12 random bytes, drawn from a buffer the CSPRNG refills 4 KiB at a time (an RNG call per ~340 seals, not one per seal); each is used once. */
const ivBytes = 12;
const ivPoolBytes = ivBytes * 341;

export class SecretBox {
  #key: Buffer;
  #ivPool = Buffer.alloc(ivPoolBytes);
  #ivOffset = ivPoolBytes;

  constructor(pepper: Buffer) {
    if (pepper.length < 16) throw new Error('the pepper must be at least 16 bytes');
    this.#key = createHmac('sha256', pepper).update('dakiya secret box v1').digest();
  }

  /** `context` names what the secret belongs to (e.g. `connector:airtel-1`); opening needs the same. */
  seal(plain: string, context: string): string {
    const iv = this.#nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${version}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  #nextIv(): Buffer {
    if (this.#ivOffset + ivBytes > ivPoolBytes) {
      randomFillSync(this.#ivPool);
      this.#ivOffset = 0;
    }
    const iv = Buffer.from(this.#ivPool.subarray(this.#ivOffset, this.#ivOffset + ivBytes));
    this.#ivOffset += ivBytes;
    return iv;
  }

  /** Throws when the value was sealed under another pepper or context, or was altered. */
  open(sealed: string, context: string): string {
    const [v, data] = sealed.split('.');
    if (v !== version || !data) throw new Error('not a sealed secret of this version');
    const raw = Buffer.from(data, 'base64url');
    if (raw.length < 28) throw new Error('sealed secret too short');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    try {
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`the sealed secret for ${context} does not open with this pepper (was the pepper file replaced?)`);
    }
  }
}
