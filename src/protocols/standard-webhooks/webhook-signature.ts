// Standard Webhooks v1 signatures (spec "Signature scheme" and "Webhook headers"): HMAC-SHA256 over
// `${id}.${timestamp}.${body}`, base64, one `v1,<sig>` per secret so an old and a new secret can
// both sign during a rotation. Plus the simple `sha256=<hex HMAC of the body>` scheme of seed 001
// §11, whose key is the secret text itself as UTF-8, exactly as that seed's verifier computes it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { StandardWebhooksError } from './standard-webhooks-errors.ts';
import { parseWebhookSecret, type WebhookSecret } from './webhook-secret.ts';

export const DEFAULT_TOLERANCE_SECONDS = 300;

type Body = string | Uint8Array;
type SecretInput = string | WebhookSecret;

export interface SignWebhookInput {
  readonly id: string;
  /** Seconds since the Unix epoch: the time of this attempt, not of the event. */
  readonly timestamp: number;
  /** Exactly the bytes that are sent; a string is signed as UTF-8. */
  readonly body: Body;
  /** Current secret first; during a rotation the previous one too. Parse once and pass the result to sign many. */
  readonly secrets: readonly SecretInput[];
}

/** The `webhook-signature` header value. */
export function signWebhook(input: SignWebhookInput): string {
  assertMessageId(input.id);
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new StandardWebhooksError('SW_ERR_INVALID_TIMESTAMP');
  }
  if (input.secrets.length === 0) throw new StandardWebhooksError('SW_ERR_NO_SECRETS');
  return input.secrets.map((secret) => `v1,${hmacBase64(toKey(secret), input.id, input.timestamp, input.body)}`).join(' ');
}

/** A header bag as node:http gives it, or a plain object with any letter case, or a fetch Headers. */
export type WebhookHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null };

export interface VerifyWebhookOptions {
  readonly toleranceSeconds?: number;
  /** Milliseconds since the epoch, like Clock.now; Date.now unless told. */
  readonly now?: () => number;
}

export interface VerifiedWebhook {
  readonly id: string;
  readonly timestamp: number;
}

/**
 * Throws StandardWebhooksError unless one of the `v1` signatures matches under one of the secrets
 * and the timestamp is within the tolerance either way (spec "Verifying signatures").
 */
export function verifyWebhook(
  headers: WebhookHeaders,
  body: Body,
  secret: SecretInput | readonly SecretInput[],
  options: VerifyWebhookOptions = {},
): VerifiedWebhook {
  const id = header(headers, 'webhook-id');
  const stamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !stamp || !signatures) throw new StandardWebhooksError('SW_ERR_MISSING_HEADER');
  if (!/^\d{1,15}$/.test(stamp)) throw new StandardWebhooksError('SW_ERR_INVALID_TIMESTAMP');
  const timestamp = Number(stamp);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  if (now - timestamp > tolerance) throw new StandardWebhooksError('SW_ERR_TIMESTAMP_TOO_OLD');
  if (timestamp - now > tolerance) throw new StandardWebhooksError('SW_ERR_TIMESTAMP_TOO_NEW');

  const offered = signatures.split(' ').filter((entry) => entry.startsWith('v1,')).map((entry) => Buffer.from(entry.slice(3)));
  const secrets = Array.isArray(secret) ? (secret as readonly SecretInput[]) : [secret as SecretInput];
  for (const candidate of secrets) {
    const expected = Buffer.from(hmacBase64(toKey(candidate), id, timestamp, body));
    // Lengths are public (a SHA-256 in base64 is always 44 characters); the bytes are compared in constant time.
    if (offered.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected))) return { id, timestamp };
  }
  throw new StandardWebhooksError('SW_ERR_NO_MATCHING_SIGNATURE');
}

/** Seed 001's simple scheme: `sha256=` + lowercase hex HMAC-SHA256 of the raw body, keyed by the secret's UTF-8 text. */
export function simpleSignature(body: Body, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifySimpleSignature(body: Body, signatureHeader: string, secret: string): boolean {
  const expected = Buffer.from(simpleSignature(body, secret));
  const offered = Buffer.from(signatureHeader.trim());
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

function hmacBase64(key: Buffer, id: string, timestamp: number, body: Body): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

function toKey(secret: SecretInput): Buffer {
  return typeof secret === 'string' ? parseWebhookSecret(secret).key : secret.key;
}

// The spec: id and timestamp must not contain "." (it delimits the signed content); whitespace
// would split the id in logs and headers.
function assertMessageId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || /[.\s]/.test(id)) {
    throw new StandardWebhooksError('SW_ERR_INVALID_MESSAGE_ID');
  }
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let value = bag[name];
  if (value === undefined) {
    const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : bag[key];
  }
  return typeof value === 'string' ? value : value?.join(' ');
}
