// Lanes: an OTP is claimed by its own worker, so it never waits behind a large campaign.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

let t: TestGateway;
before(async () => {
  // A slow carrier (50 ms per submission batch) keeps the campaign queued for seconds.
  t = await startTestGateway({ flags: { 'sandbox.latencyMs': 50, 'dispatch.batchSize': 200, 'dispatch.maxInFlight': 200 }, credits: { transactional: 100_000, otp: 10 } });
});
after(async () => { await t.stop(); });

test('an OTP sent after a 20,000-message campaign is delivered while the campaign is still queued', async () => {
  const recipients = Array.from({ length: 20_000 }, (_, i) => ({ to: `98${String(i).padStart(8, '0')}`, variables: [`n${i}`] }));
  const bulk = await t.request('POST', '/v1/sms/bulk', { recipients, sender: 'DAKIYA', template_id: 'T-PLAIN-1', category: 'transactional' });
  assert.equal(bulk.status, 202, bulk.raw);
  const otp = await t.request('POST', '/v1/sms/send', { to: '9876500000', sender: 'DAKIYA', template_id: 'T-OTP-1', variables: ['482913', '10'], category: 'otp' });
  assert.equal(otp.status, 202, otp.raw);
  await t.until(async () => (await t.request('GET', `/v1/messages/${otp.body.message_id}`)).body.status === 'DELIVERED');
  const batch = await t.request('GET', `/v1/batches/${bulk.body.batch_id}`);
  assert.ok((batch.body.counts.QUEUED ?? 0) > 10_000, `campaign still mostly queued: ${JSON.stringify(batch.body.counts)}`);
});
