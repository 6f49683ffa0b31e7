// Pricing without sending: POST /v1/sms/estimate, test_mode and test keys all validate and price
// like a live send, and store, charge and send nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectNoChange, expectRejection } from './account-state.ts';
import { bulk, international, transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const estimate = (body: unknown) => t.request('POST', '/v1/sms/estimate', body);

test('prices a single recipient with 200 and stores or charges nothing', async () => {
  const res = await expectNoChange(t, t.account.id, () => estimate(transactional()));
  assert.equal(res.status, 200, res.raw);
  assert.deepEqual(res.body, {
    status: 'ok', route: 'transactional', total_recipients: 1, valid_recipients: 1, segments: 1, encoding: 'GSM7', credits: 1,
    price_per_segment: 1, available_credits: 1000, sufficient_credits: true, scheduled_at: null, recipients: [{ to: '919876543210', segments: 1, encoding: 'GSM7', credits: 1 }], rejected: [],
  });
});

test('prices a recipient list and lists the invalid recipients as rejected', async () => {
  const res = await expectNoChange(t, t.account.id, () => estimate(bulk(['9876543210', '123', '9876543212'])));
  assert.equal(res.status, 200, res.raw);
  assert.equal(res.body.total_recipients, 3);
  assert.equal(res.body.valid_recipients, 2);
  assert.equal(res.body.credits, 2);
  assert.deepEqual(res.body.rejected.map((r: { index: number; to: string; error_code: string }) => [r.index, r.to, r.error_code]), [[1, '123', 'ERR_INVALID_MOBILE']]);
});

test('reports MIXED encoding when the recipients\' texts differ in encoding', async () => {
  const res = await estimate(bulk([{ to: '9876543210', message: 'नमस्ते' }, { to: '9876543211' }]));
  assert.equal(res.body.encoding, 'MIXED');
  assert.deepEqual(res.body.recipients.map((r: { encoding: string }) => r.encoding), ['UCS2', 'GSM7']);
});

test('multiplies segments by the route\'s price per segment', async () => {
  assert.equal((await t.admin('PUT', '/routes/intl-premium', { category: 'international', price_per_segment: 3 })).status, 200);
  assert.equal((await t.admin('POST', `/accounts/${t.account.id}/credits`, { route: 'intl-premium', amount: 10 })).status, 200);
  const res = await estimate({ ...international('a'.repeat(200)), route: 'intl-premium' });
  assert.equal(res.status, 200, res.raw);
  assert.equal(res.body.route, 'intl-premium');
  assert.equal(res.body.price_per_segment, 3);
  assert.equal(res.body.segments, 2);
  assert.equal(res.body.credits, 6);
});

test('prices more than the balance holds without refusing', async () => {
  const account = await t.createAccount({ transactional: 0 });
  const res = await t.request('POST', '/v1/sms/estimate', transactional(), { key: account.apiKey });
  assert.equal(res.status, 200, res.raw);
  assert.equal(res.body.credits, 1);
});

test('refuses an estimate without any recipient with 400 ERR_INVALID_REQUEST', async () => {
  const { to: _, ...body } = transactional();
  const error = await expectRejection(t, { url: '/v1/sms/estimate', body }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'to' });
});

test('refuses what a send would refuse, such as an unknown template', async () => {
  await expectRejection(t, { url: '/v1/sms/estimate', body: { ...transactional(), template_id: 'T-NOPE' } }, 422, 'ERR_TEMPLATE_NOT_FOUND');
});

test('refuses an estimate whose recipients are all invalid with 422 and their shared code', async () => {
  await expectRejection(t, { url: '/v1/sms/estimate', body: bulk(['123', '456']) }, 422, 'ERR_INVALID_MOBILE');
});

describe('test_mode and test keys', () => {
  let testKey: string;
  before(async () => {
    const created = await t.admin('POST', `/accounts/${t.account.id}/keys`, { label: 'staging', mode: 'test' });
    assert.equal(created.status, 201);
    testKey = created.body.api_key;
  });

  test('answers a test_mode send with 200 and its price, storing and charging nothing', async () => {
    const res = await expectNoChange(t, t.account.id, () => t.request('POST', '/v1/sms/send', { ...transactional(), test_mode: true }));
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual({ ...res.body, timestamp: '<time>' }, {
      status: 'accepted', message_id: null, to: '919876543210', channel: 'sms', segments: 1, encoding: 'GSM7',
      credits_debited: 0, timestamp: '<time>', test_mode: true, credits_estimated: 1, available_credits: 1000, sufficient_credits: true,
    });
  });

  test('says in test_mode when a live send would not be covered by the balance', async () => {
    const poor = await t.createAccount({ transactional: 0 });
    const res = await t.request('POST', '/v1/sms/send', { ...transactional(), test_mode: true }, { key: poor.apiKey });
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.sufficient_credits, false);
    assert.equal(res.body.available_credits, 0);
  });

  test('answers a test_mode bulk with 200, no batch and the rejected recipients', async () => {
    const res = await expectNoChange(t, t.account.id, () => t.request('POST', '/v1/sms/bulk', { ...bulk(['9876543210', '123']), test_mode: true }));
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.batch_id, null);
    assert.equal(res.body.test_mode, true);
    assert.equal(res.body.accepted_recipients, 1);
    assert.deepEqual(res.body.rejected.map((r: { index: number }) => r.index), [1]);
  });

  test('treats a send with a test key as test mode even when the body says test_mode false', async () => {
    const res = await expectNoChange(t, t.account.id, () => t.request('POST', '/v1/sms/send', { ...transactional(), test_mode: false }, { key: testKey }));
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.message_id, null);
    assert.equal(res.body.test_mode, true);
  });

  test('treats a bulk with a test key as test mode', async () => {
    const res = await expectNoChange(t, t.account.id, () => t.request('POST', '/v1/sms/bulk', bulk(['9876543210']), { key: testKey }));
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.batch_id, null);
  });

  test('refuses a test_mode send that a live send would refuse, with the same code', async () => {
    await expectRejection(t, { url: '/v1/sms/send', body: { ...transactional(), sender: 'NOSUCH', test_mode: true } }, 422, 'ERR_SENDER_NOT_REGISTERED');
  });

  test('refuses a test key\'s send that a live send would refuse', async () => {
    await expectRejection(t, { url: '/v1/sms/send', body: transactional('Hello', '12345'), key: testKey }, 422, 'ERR_INVALID_MOBILE');
  });
});
