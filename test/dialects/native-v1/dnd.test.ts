// The DND registry: promotional messages to registered numbers are refused; transactional, service
// and OTP traffic to them is not. The clock sits inside the promotional window.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { bulk, otp, promotional, transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => {
  t = await startTestGateway({ clock: new TestClock('2026-05-30T11:00:00+05:30') });
  const added = await t.admin('POST', '/dnd', { numbers: ['9800000001', '+91 98000 00002', '919800000003'] });
  assert.deepEqual(added, { status: 200, body: { added: 3 } });
});
after(async () => { await t.stop(); });

const promoBulk = (recipients: string[]) =>
  bulk(recipients, { sender: '123456', template_id: 'T-PROMO-1', category: 'promotional', message: 'Hi Priya, flat 30% off today only!' });

test('refuses a promotional message to a DND number with 422 ERR_DND_SUBSCRIBER', async () => {
  const error = await expectRejection(t, { url: '/v1/sms/send', body: promotional('Priya', '9800000001') }, 422, 'ERR_DND_SUBSCRIBER');
  assert.deepEqual(error.details, { to: '9800000001' });
});

test('matches a DND number however either side wrote it', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: promotional('Priya', '+91-98000-00002') }, 422, 'ERR_DND_SUBSCRIBER');
  await expectRejection(t, { url: '/v1/sms/send', body: promotional('Priya', '09800000003') }, 422, 'ERR_DND_SUBSCRIBER');
});

test('sends a transactional message to a DND number', async () => {
  const res = await t.request('POST', '/v1/sms/send', transactional('Your order shipped', '9800000001'));
  assert.equal(res.status, 202, res.raw);
});

test('sends an OTP to a DND number', async () => {
  const res = await t.request('POST', '/v1/sms/send', otp('123456', '9800000001'));
  assert.equal(res.status, 202, res.raw);
});

test('lists a DND number of a promotional bulk as rejected and sends to the others', async () => {
  const res = await t.request('POST', '/v1/sms/bulk', promoBulk(['9876543210', '9800000001']));
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.accepted_recipients, 1);
  assert.deepEqual(res.body.rejected.map((r: { index: number; to: string; error_code: string }) => [r.index, r.to, r.error_code]), [[1, '9800000001', 'ERR_DND_SUBSCRIBER']]);
});

test('refuses a promotional bulk of DND numbers only with 422 ERR_DND_SUBSCRIBER', async () => {
  const error = await expectRejection(t, { url: '/v1/sms/bulk', body: promoBulk(['9800000001', '9800000002']) }, 422, 'ERR_DND_SUBSCRIBER');
  assert.equal(error.details?.['rejected'].length, 2);
});

test('sends promotional messages to a number again once it is removed from DND', async () => {
  assert.equal((await t.admin('POST', '/dnd', { numbers: ['9800000009'] })).status, 200);
  await expectRejection(t, { url: '/v1/sms/send', body: promotional('Priya', '9800000009') }, 422, 'ERR_DND_SUBSCRIBER');
  assert.deepEqual(await t.admin('POST', '/dnd/remove', { numbers: ['9800000009'] }), { status: 200, body: { removed: 1 } });
  assert.equal((await t.request('POST', '/v1/sms/send', promotional('Priya', '9800000009'))).status, 202);
});
