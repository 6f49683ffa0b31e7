// Signing secrets: generated as whsec_ + base64 of fresh random bytes, parsed strictly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateWebhookSecret, parseWebhookSecret, StandardWebhooksError } from '../../../../src/protocols/standard-webhooks/index.ts';

test('generates whsec_ followed by the base64 of 32 random bytes', () => {
  const secret = generateWebhookSecret();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32);
});

test('generates a different secret each time', () => {
  assert.notEqual(generateWebhookSecret(), generateWebhookSecret());
});

test('encodes exactly the bytes of the injected random source', () => {
  const bytes = Buffer.alloc(24, 0xab);
  assert.equal(generateWebhookSecret({ bytes: 24, random: () => bytes }), `whsec_${bytes.toString('base64')}`);
});

test('refuses to generate a secret shorter than the 24 bytes the spec requires', () => {
  assert.throws(() => generateWebhookSecret({ bytes: 16 }), RangeError);
});

test('parses a generated secret back to its key bytes', () => {
  const bytes = Buffer.from('00112233445566778899aabbccddeeff0011223344556677', 'hex');
  const parsed = parseWebhookSecret(generateWebhookSecret({ bytes: 24, random: () => bytes }));
  assert.deepEqual(parsed.key, bytes);
});

test('parses the Standard Webhooks reference test secret', () => {
  assert.equal(parseWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').key.length, 24);
});

const MALFORMED: ReadonlyArray<readonly [string, string]> = [
  ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'a secret without the whsec_ prefix'],
  ['whsec_', 'an empty secret'],
  ['whsec_MfKQ9r8GKYqrTwjUPD8I', 'a secret too short for 24 bytes'],
  ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!', 'a secret with a character outside base64'],
  ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ', 'a secret with trailing whitespace'],
  ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', 'a secret whose base64 length is not a multiple of four'],
  ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa_w', 'a secret in URL-safe base64'],
  [`whsec_${Buffer.alloc(65).toString('base64')}`, 'a secret longer than 64 bytes'],
];

for (const [text, name] of MALFORMED) {
  test(`rejects ${name} with SW_ERR_INVALID_SECRET`, () => {
    assert.throws(() => parseWebhookSecret(text), (error: unknown) =>
      error instanceof StandardWebhooksError && error.code === 'SW_ERR_INVALID_SECRET');
  });
}
