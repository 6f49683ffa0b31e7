// Seed 001 §11's simple scheme: X-…-Signature: sha256=<hex HMAC-SHA256(secret text, raw body)>,
// checked here by a transcription of that seed's own Python verifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { simpleSignature, verifySimpleSignature } from '../../../../src/protocols/standard-webhooks/index.ts';

const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
const BODY = '{"event":"message.delivered","message_id":"TN20260530ABC123","status":"DELIVERED"}';

/** Seed 001 validate_webhook_signature: hmac.new(secret.encode(), body, sha256).hexdigest() vs header minus "sha256=". */
function seedVerifier(body: Buffer, header: string, secret: string): boolean {
  const expected = Buffer.from(createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex'));
  const received = Buffer.from(header.replace('sha256=', ''));
  return expected.length === received.length && timingSafeEqual(expected, received);
}

test('produces sha256= and 64 lowercase hex digits', () => {
  assert.match(simpleSignature(BODY, SECRET), /^sha256=[0-9a-f]{64}$/);
});

test('passes the verifier that seed 001 gives customers', () => {
  assert.equal(seedVerifier(Buffer.from(BODY), simpleSignature(BODY, SECRET), SECRET), true);
});

test('matches a known answer for a fixed key and body', () => {
  // HMAC-SHA256 test case 2 of RFC 4231 (key "Jefe").
  assert.equal(simpleSignature('what do ya want for nothing?', 'Jefe'),
    'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('fails the seed verifier when the body is changed', () => {
  assert.equal(seedVerifier(Buffer.from(BODY.replace('DELIVERED', 'FAILED')), simpleSignature(BODY, SECRET), SECRET), false);
});

test('verifies its own signature and rejects another secret\'s', () => {
  assert.equal(verifySimpleSignature(BODY, simpleSignature(BODY, SECRET), SECRET), true);
  assert.equal(verifySimpleSignature(BODY, simpleSignature(BODY, SECRET), SECRET + 'x'), false);
});
