// The content filter through the native API on a running gateway: a blocked text is answered 422
// ERR_CONTENT_BLOCKED and stores and charges nothing; in a bulk send only the blocked recipients are
// refused; the velocity rule caps identical texts per account and leaves OTPs alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

let t: TestGateway;

before(async () => {
  t = await startTestGateway({
    flags: { 'contentFilter.patterns': ['free\\s+money', 'lottery', 'otp is 666\\b'], 'contentFilter.identicalContentMax': 3, 'contentFilter.identicalContentWindowSeconds': 3600 },
  });
});
after(async () => { await t.stop(); });

async function ledger(accountId = t.account.id) {
  const store = t.gateway.core.store;
  return {
    balances: (await store.getBalances(accountId)).map((b) => [b.routeId, b.balance]),
    messages: (await store.listMessages({ accountId, limit: 10_000 })).length,
  };
}

test('answers a text matching an operator pattern 422 ERR_CONTENT_BLOCKED, storing and charging nothing', async () => {
  const before = await ledger();
  const res = await t.request('POST', '/v1/sms/send', { to: '9876543210', sender: 'DAKIYA', template_id: 'T-PLAIN-1', message: 'Get FREE money now', category: 'transactional' });
  assert.equal(res.status, 422, res.raw);
  assert.equal(res.body.error_code, 'ERR_CONTENT_BLOCKED');
  assert.deepEqual(await ledger(), before);
});

test('refuses only the blocked recipients of a bulk send', async () => {
  const before = await ledger();
  const res = await t.request('POST', '/v1/sms/bulk', {
    recipients: [{ to: '9876543210', message: 'Your parcel is out' }, { to: '9876543211', message: 'Win the lottery' }],
    sender: 'DAKIYA', template_id: 'T-PLAIN-1', category: 'transactional',
  });
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.accepted_recipients, 1);
  assert.deepEqual(res.body.rejected.map((r: { index: number; error_code: string }) => [r.index, r.error_code]), [[1, 'ERR_CONTENT_BLOCKED']]);
  assert.equal((await ledger()).messages, before.messages + 1);
});

test('lets one identical text reach at most identicalContentMax recipients, then blocks it', async () => {
  const account = await t.createAccount();
  const send = (to: string, message: string) => t.request('POST', '/v1/sms/send', { to, sender: 'DAKIYA', template_id: 'T-PLAIN-1', message, category: 'transactional' }, { key: account.apiKey });
  for (const to of ['9876500001', '9876500002', '9876500003']) assert.equal((await send(to, 'Big sale today')).status, 202);
  const before = await ledger(account.id);
  const blocked = await send('9876500004', 'BIG  SALE today');
  assert.equal(blocked.status, 422, blocked.raw);
  assert.equal(blocked.body.error_code, 'ERR_CONTENT_BLOCKED');
  assert.deepEqual(await ledger(account.id), before);
  assert.equal((await send('9876500004', 'Small sale today')).status, 202, 'another text is counted apart');
});

test('caps a bulk send of one text at identicalContentMax recipients, refusing the rest one by one', async () => {
  const account = await t.createAccount();
  const recipients = ['9876510001', '9876510002', '9876510003', '9876510004', '9876510005'].map((to) => ({ to }));
  const res = await t.request('POST', '/v1/sms/bulk', { recipients, sender: 'DAKIYA', template_id: 'T-PLAIN-1', message: 'Festive offer', category: 'transactional' }, { key: account.apiKey });
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.accepted_recipients, 3);
  assert.deepEqual(res.body.rejected.map((r: { index: number; error_code: string }) => [r.index, r.error_code]), [[3, 'ERR_CONTENT_BLOCKED'], [4, 'ERR_CONTENT_BLOCKED']]);
});

test('does not count OTP messages against the identical-content cap', async () => {
  const account = await t.createAccount();
  for (let i = 0; i < 5; i++) {
    const res = await t.request('POST', '/v1/sms/send', { to: `98765200${i}0`, sender: 'DAKIYA', template_id: 'T-OTP-1', variables: ['482913', '10'], category: 'otp' }, { key: account.apiKey });
    assert.equal(res.status, 202, res.raw);
  }
});

test('applies the patterns to OTP messages too', async () => {
  const res = await t.request('POST', '/v1/sms/send', { to: '9876530000', sender: 'DAKIYA', template_id: 'T-OTP-1', variables: ['666', '10'], category: 'otp' });
  assert.equal(res.status, 422, res.raw);
  assert.equal(res.body.error_code, 'ERR_CONTENT_BLOCKED');
});

test('does not count an estimate against the identical-content cap', async () => {
  const account = await t.createAccount();
  const body = { sender: 'DAKIYA', template_id: 'T-PLAIN-1', message: 'Weekend offer', category: 'transactional' };
  const recipients = ['9876540001', '9876540002', '9876540003'].map((to) => ({ to }));
  for (let i = 0; i < 3; i++) assert.equal((await t.request('POST', '/v1/sms/estimate', { ...body, recipients }, { key: account.apiKey })).status, 200);
  const res = await t.request('POST', '/v1/sms/bulk', { ...body, recipients }, { key: account.apiKey });
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.accepted_recipients, 3);
});
