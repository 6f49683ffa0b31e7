// Standard Webhooks signing secrets (spec "Signature scheme"): random bytes serialised as
// `whsec_` + standard base64. The spec asks for at least 24 bytes and at most 64 (512 bits).
import { randomBytes } from 'node:crypto';
import { StandardWebhooksError } from './standard-webhooks-errors.ts';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** A parsed secret: the text shown to the customer once, and the HMAC key it stands for. */
export interface WebhookSecret {
  readonly text: string;
  readonly key: Buffer;
}

export interface GenerateSecretOptions {
  /** How many random bytes; 32 unless told (the spec's range is 24–64). */
  readonly bytes?: number;
  /** Injected for tests; node:crypto randomBytes otherwise. */
  readonly random?: (size: number) => Buffer;
}

export function generateWebhookSecret(options: GenerateSecretOptions = {}): string {
  const size = options.bytes ?? 32;
  if (!Number.isInteger(size) || size < MIN_SECRET_BYTES || size > MAX_SECRET_BYTES) {
    throw new RangeError(`A secret has ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, not ${size}.`);
  }
  const bytes = (options.random ?? randomBytes)(size);
  if (bytes.length !== size) throw new RangeError(`The random source returned ${bytes.length} bytes, not ${size}.`);
  return WEBHOOK_SECRET_PREFIX + bytes.toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Throws StandardWebhooksError SW_ERR_INVALID_SECRET for anything but a canonical whsec_ secret. */
export function parseWebhookSecret(text: string): WebhookSecret {
  if (typeof text !== 'string' || !text.startsWith(WEBHOOK_SECRET_PREFIX)) {
    throw new StandardWebhooksError('SW_ERR_INVALID_SECRET', 'A signing secret starts with whsec_.');
  }
  const encoded = text.slice(WEBHOOK_SECRET_PREFIX.length);
  // Node's decoder skips characters it does not know, so the alphabet is checked first.
  if (!BASE64.test(encoded)) {
    throw new StandardWebhooksError('SW_ERR_INVALID_SECRET', 'The part after whsec_ is not standard base64.');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new StandardWebhooksError('SW_ERR_INVALID_SECRET',
      `The secret decodes to ${key.length} bytes; it must have ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES}.`);
  }
  return { text, key };
}
