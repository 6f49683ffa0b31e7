// POST /v1/sms/send on the happy path: what the 202 says, what is stored, what is charged, and how
// the text decides encoding, segments and credits (long texts go to an international number,
// which needs no DLT template).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { creditsOn, readMessage, waitForStatus } from './api-reads.ts';
import { international, otp, transactional } from './sample-requests.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

test('accepts a templated transactional message with 202 and the documented body', async () => {
  const res = await t.request('POST', '/v1/sms/send', transactional('Your parcel ships today'));
  assert.equal(res.status, 202, res.raw);
  assert.match(res.body.message_id, uuid);
  assert.match(res.body.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.deepEqual({ ...res.body, message_id: '<id>', timestamp: '<time>' }, {
    status: 'accepted', message_id: '<id>', to: '919876543210', channel: 'sms', segments: 1, encoding: 'GSM7', credits_debited: 1, timestamp: '<time>',
  });
});

test('normalises the recipient to 91XXXXXXXXXX however it was written', async () => {
  for (const written of ['+91 98765 43210', '098765-43210', '919876543210', '(98765) 43210']) {
    const res = await t.request('POST', '/v1/sms/send', transactional('Hello', written));
    assert.equal(res.status, 202, res.raw);
    assert.equal(res.body.to, '919876543210', written);
  }
});

test('debits the route balance by the credits it reports', async () => {
  const before = await creditsOn(t, 'transactional');
  const res = await t.request('POST', '/v1/sms/send', transactional());
  assert.equal(res.body.credits_debited, 1);
  assert.equal(await creditsOn(t, 'transactional'), before - 1);
});

test('charges an OTP to the otp route and leaves the other routes alone', async () => {
  const [otpBefore, transactionalBefore] = [await creditsOn(t, 'otp'), await creditsOn(t, 'transactional')];
  const res = await t.request('POST', '/v1/sms/send', otp('123456'));
  assert.equal(res.status, 202, res.raw);
  assert.equal(await creditsOn(t, 'otp'), otpBefore - 1);
  assert.equal(await creditsOn(t, 'transactional'), transactionalBefore);
});

test('stores the message so GET /v1/messages/:id returns what was sent', async () => {
  const sent = await t.request('POST', '/v1/sms/send', transactional('Stored text'));
  const m = await readMessage(t, sent.body.message_id);
  assert.equal(m.message_id, sent.body.message_id);
  assert.equal(m.to, '919876543210');
  assert.equal(m.sender, 'DAKIYA');
  assert.equal(m.channel, 'sms');
  assert.equal(m.category, 'transactional');
  assert.equal(m.route, 'transactional');
  assert.equal(m.template_id, 'T-PLAIN-1');
  assert.equal(m.segments, 1);
  assert.equal(m.encoding, 'GSM7');
  assert.equal(m.flash, false);
  assert.equal(m.credits, 1);
  assert.equal(m.batch_id, null);
  assert.equal(m.created_at, sent.body.timestamp);
  assert.equal(m.scheduled_at, null);
});

test('echoes correlation_id in the response and on the stored message', async () => {
  const res = await t.request('POST', '/v1/sms/send', { ...transactional(), correlation_id: 'order-4711' });
  assert.equal(res.body.correlation_id, 'order-4711');
  assert.equal((await readMessage(t, res.body.message_id)).correlation_id, 'order-4711');
});

test('keeps flash: true on the stored message', async () => {
  const res = await t.request('POST', '/v1/sms/send', { ...transactional(), flash: true });
  assert.equal(res.status, 202, res.raw);
  assert.equal((await readMessage(t, res.body.message_id)).flash, true);
});

test('delivers through the sandbox and records the QUEUED, SUBMITTED, DELIVERED timeline', async () => {
  const res = await t.request('POST', '/v1/sms/send', transactional());
  const m = await waitForStatus(t, res.body.message_id, 'DELIVERED');
  assert.deepEqual(m.timeline.map((s: { status: string }) => s.status), ['QUEUED', 'SUBMITTED', 'DELIVERED']);
  assert.equal(m.delivered_at, m.completed_at);
  assert.equal(typeof m.latency_ms, 'number');
  assert.equal(m.error_code, null);
  assert.equal(m.credits, 1, 'a delivered message keeps its charge');
});

test('sends to an international number on the international route without a DLT template', async () => {
  const before = await creditsOn(t, 'international');
  const res = await t.request('POST', '/v1/sms/send', international('Hello from Dakiya'));
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.to, '447911123456');
  assert.equal((await readMessage(t, res.body.message_id)).route, 'international');
  assert.equal(await creditsOn(t, 'international'), before - 1);
});

test('accepts a validity_period and sets expires_at that far after the message is due', async () => {
  const res = await t.request('POST', '/v1/sms/send', { ...transactional(), validity_period: 600 });
  const m = await readMessage(t, res.body.message_id);
  assert.equal(Date.parse(m.expires_at) - Date.parse(m.created_at), 600_000);
});

async function sent(body: Record<string, unknown>): Promise<{ encoding: string; segments: number; credits: number }> {
  const res = await t.request('POST', '/v1/sms/send', body);
  assert.equal(res.status, 202, res.raw);
  return { encoding: res.body.encoding, segments: res.body.segments, credits: res.body.credits_debited };
}

test('sends plain text as GSM7 in one segment up to 160 characters', async () => {
  assert.deepEqual(await sent(international('a'.repeat(160))), { encoding: 'GSM7', segments: 1, credits: 1 });
});

test('splits GSM7 text of 161 characters into two segments and charges both', async () => {
  assert.deepEqual(await sent(international('a'.repeat(161))), { encoding: 'GSM7', segments: 2, credits: 2 });
});

test('keeps the euro sign in GSM7, counting it as two characters', async () => {
  assert.deepEqual(await sent(transactional('Price €5')), { encoding: 'GSM7', segments: 1, credits: 1 });
  assert.deepEqual(await sent(international('€'.repeat(80))), { encoding: 'GSM7', segments: 1, credits: 1 });
  assert.deepEqual(await sent(international('€'.repeat(81))), { encoding: 'GSM7', segments: 2, credits: 2 });
});

test('switches text with an emoji to UCS2', async () => {
  assert.deepEqual(await sent(transactional('Thanks 😀')), { encoding: 'UCS2', segments: 1, credits: 1 });
});

test('counts an emoji as two UCS2 characters', async () => {
  assert.deepEqual(await sent(international('😀'.repeat(35))), { encoding: 'UCS2', segments: 1, credits: 1 });
  assert.deepEqual(await sent(international('😀'.repeat(36))), { encoding: 'UCS2', segments: 2, credits: 2 });
});

test('sends Devanagari as UCS2 with 70 characters per single segment', async () => {
  assert.deepEqual(await sent(transactional('नमस्ते')), { encoding: 'UCS2', segments: 1, credits: 1 });
  assert.deepEqual(await sent(international('न'.repeat(70))), { encoding: 'UCS2', segments: 1, credits: 1 });
  assert.deepEqual(await sent(international('न'.repeat(71))), { encoding: 'UCS2', segments: 2, credits: 2 });
});

test('forces UCS2 for GSM text when unicode is true', async () => {
  assert.deepEqual(await sent({ ...transactional('Hello'), unicode: true }), { encoding: 'UCS2', segments: 1, credits: 1 });
});

test('stores the encoding and segments it reported on the message', async () => {
  const res = await t.request('POST', '/v1/sms/send', international('न'.repeat(71)));
  const m = await readMessage(t, res.body.message_id);
  assert.equal(m.encoding, 'UCS2');
  assert.equal(m.segments, 2);
  assert.equal(m.credits, 2);
});
