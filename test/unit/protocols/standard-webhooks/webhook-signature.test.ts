// Standard Webhooks v1 signing and our own verifier: known answers computed from the spec's
// definition with node:crypto, the reference library's published vector, tampering, rotation, time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  signWebhook, verifyWebhook, StandardWebhooksError, type StandardWebhooksErrorCode,
} from '../../../../src/protocols/standard-webhooks/index.ts';

// Published in standard-webhooks/standard-webhooks libraries/javascript/src/webhook.test.ts ("sign function works").
const REFERENCE = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const OLD = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
const NEW = 'whsec_' + Buffer.alloc(32, 2).toString('base64');
const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const TS = 1674087231;
const BODY = '{"type":"message.delivered","timestamp":"2026-05-30T10:23:02.500Z","data":{"message_id":"m1"}}';
const at = (seconds: number) => () => seconds * 1000;

function rejectsWith(code: StandardWebhooksErrorCode) {
  return (error: unknown) => error instanceof StandardWebhooksError && error.code === code;
}

test('matches the reference library\'s published signature', () => {
  assert.equal(signWebhook({ id: REFERENCE.id, timestamp: REFERENCE.timestamp, body: REFERENCE.body, secrets: [REFERENCE.secret] }), REFERENCE.signature);
});

test('signs id.timestamp.body with the base64-decoded secret as the HMAC-SHA256 key', () => {
  const key = Buffer.from(NEW.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${ID}.${TS}.${BODY}`).digest('base64');
  assert.equal(signWebhook({ id: ID, timestamp: TS, body: BODY, secrets: [NEW] }), `v1,${expected}`);
});

test('signs a Buffer body exactly as the same text', () => {
  const text = '{"to":"919876543210","text":"नमस्ते"}';
  assert.equal(signWebhook({ id: ID, timestamp: TS, body: Buffer.from(text), secrets: [NEW] }),
    signWebhook({ id: ID, timestamp: TS, body: text, secrets: [NEW] }));
});

test('sends one space-separated v1 signature per secret during a rotation', () => {
  const header = signWebhook({ id: ID, timestamp: TS, body: BODY, secrets: [NEW, OLD] });
  const parts = header.split(' ');
  assert.equal(parts.length, 2);
  assert.equal(parts[0], signWebhook({ id: ID, timestamp: TS, body: BODY, secrets: [NEW] }));
  assert.equal(parts[1], signWebhook({ id: ID, timestamp: TS, body: BODY, secrets: [OLD] }));
});

test('refuses an id containing the "." that delimits the signed content', () => {
  assert.throws(() => signWebhook({ id: 'msg.1', timestamp: TS, body: BODY, secrets: [NEW] }), rejectsWith('SW_ERR_INVALID_MESSAGE_ID'));
});

test('refuses a timestamp in milliseconds or with a fraction', () => {
  assert.throws(() => signWebhook({ id: ID, timestamp: TS + 0.5, body: BODY, secrets: [NEW] }), rejectsWith('SW_ERR_INVALID_TIMESTAMP'));
});

test('refuses to sign without a secret', () => {
  assert.throws(() => signWebhook({ id: ID, timestamp: TS, body: BODY, secrets: [] }), rejectsWith('SW_ERR_NO_SECRETS'));
});

function headersFor(secrets: string[], timestamp = TS, id = ID) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook({ id, timestamp, body: BODY, secrets }) };
}

test('verifies what it signs and returns the id and timestamp', () => {
  assert.deepEqual(verifyWebhook(headersFor([NEW]), BODY, NEW, { now: at(TS) }), { id: ID, timestamp: TS });
});

test('verifies the reference vector at its own time', () => {
  const headers = { 'webhook-id': REFERENCE.id, 'webhook-timestamp': String(REFERENCE.timestamp), 'webhook-signature': REFERENCE.signature };
  assert.doesNotThrow(() => verifyWebhook(headers, REFERENCE.body, REFERENCE.secret, { now: at(REFERENCE.timestamp) }));
});

test('reads headers in any letter case and from a fetch Headers object', () => {
  const mixed = Object.fromEntries(Object.entries(headersFor([NEW])).map(([k, v]) => [k.toUpperCase(), v]));
  assert.doesNotThrow(() => verifyWebhook(mixed, BODY, NEW, { now: at(TS) }));
  assert.doesNotThrow(() => verifyWebhook(new Headers(headersFor([NEW])), BODY, NEW, { now: at(TS) }));
});

test('accepts a rotated delivery under the old secret and under the new one', () => {
  const headers = headersFor([NEW, OLD]);
  assert.doesNotThrow(() => verifyWebhook(headers, BODY, OLD, { now: at(TS) }));
  assert.doesNotThrow(() => verifyWebhook(headers, BODY, NEW, { now: at(TS) }));
});

test('accepts any listed secret on the receiving side', () => {
  assert.doesNotThrow(() => verifyWebhook(headersFor([OLD]), BODY, [NEW, OLD], { now: at(TS) }));
});

test('ignores signatures of other versions and finds the valid v1 among them', () => {
  const valid = headersFor([NEW]);
  const headers = { ...valid, 'webhook-signature': `v1a,AAAA v2,${valid['webhook-signature'].slice(3)} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${valid['webhook-signature']}` };
  assert.doesNotThrow(() => verifyWebhook(headers, BODY, NEW, { now: at(TS) }));
});

test('rejects a tampered body', () => {
  assert.throws(() => verifyWebhook(headersFor([NEW]), BODY.replace('m1', 'm2'), NEW, { now: at(TS) }), rejectsWith('SW_ERR_NO_MATCHING_SIGNATURE'));
});

test('rejects a tampered id', () => {
  const headers = { ...headersFor([NEW]), 'webhook-id': 'msg_other' };
  assert.throws(() => verifyWebhook(headers, BODY, NEW, { now: at(TS) }), rejectsWith('SW_ERR_NO_MATCHING_SIGNATURE'));
});

test('rejects a tampered timestamp', () => {
  const headers = { ...headersFor([NEW]), 'webhook-timestamp': String(TS + 1) };
  assert.throws(() => verifyWebhook(headers, BODY, NEW, { now: at(TS) }), rejectsWith('SW_ERR_NO_MATCHING_SIGNATURE'));
});

test('rejects a signature made with another secret', () => {
  assert.throws(() => verifyWebhook(headersFor([OLD]), BODY, NEW, { now: at(TS) }), rejectsWith('SW_ERR_NO_MATCHING_SIGNATURE'));
});

test('rejects a truncated signature', () => {
  const headers = headersFor([NEW]);
  assert.throws(() => verifyWebhook({ ...headers, 'webhook-signature': headers['webhook-signature'].slice(0, 20) }, BODY, NEW, { now: at(TS) }),
    rejectsWith('SW_ERR_NO_MATCHING_SIGNATURE'));
});

test('accepts a timestamp exactly five minutes old and rejects one a second older', () => {
  assert.doesNotThrow(() => verifyWebhook(headersFor([NEW]), BODY, NEW, { now: at(TS + 300) }));
  assert.throws(() => verifyWebhook(headersFor([NEW]), BODY, NEW, { now: at(TS + 301) }), rejectsWith('SW_ERR_TIMESTAMP_TOO_OLD'));
});

test('rejects a timestamp more than the tolerance in the future', () => {
  assert.throws(() => verifyWebhook(headersFor([NEW]), BODY, NEW, { now: at(TS - 301) }), rejectsWith('SW_ERR_TIMESTAMP_TOO_NEW'));
});

test('honours a custom tolerance', () => {
  assert.throws(() => verifyWebhook(headersFor([NEW]), BODY, NEW, { now: at(TS + 31), toleranceSeconds: 30 }), rejectsWith('SW_ERR_TIMESTAMP_TOO_OLD'));
});

test('rejects a timestamp that is not a whole number of seconds', () => {
  const headers = { ...headersFor([NEW]), 'webhook-timestamp': `${TS}abc` };
  assert.throws(() => verifyWebhook(headers, BODY, NEW, { now: at(TS) }), rejectsWith('SW_ERR_INVALID_TIMESTAMP'));
});

for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
  test(`rejects a delivery without ${missing}`, () => {
    const headers: Record<string, string> = headersFor([NEW]);
    delete headers[missing];
    assert.throws(() => verifyWebhook(headers, BODY, NEW, { now: at(TS) }), rejectsWith('SW_ERR_MISSING_HEADER'));
  });
}
