// POST /v1/sms/bulk: valid recipients are accepted as one batch, the others are listed in
// `rejected`; the request fails as a whole only when no recipient can be sent to.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { creditsOn } from './api-reads.ts';
import { bulk } from './sample-requests.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

async function batchMessages(batchId: string): Promise<any[]> {
  const res = await t.request('GET', `/v1/messages?batch_id=${batchId}`);
  return res.body.messages;
}

test('accepts every valid recipient with 202, a batch id and the credits it will cost', async () => {
  const res = await t.request('POST', '/v1/sms/bulk', bulk(['9876543210', '9876543211', '9876543212']));
  assert.equal(res.status, 202, res.raw);
  assert.match(res.body.batch_id, uuid);
  assert.deepEqual({ ...res.body, batch_id: '<id>' }, {
    status: 'accepted', batch_id: '<id>', total_recipients: 3, accepted_recipients: 3, rejected: [], estimated_credits: 3, scheduled_at: null,
  });
});

test('accepts the valid recipients and lists the others with index, to and error_code', async () => {
  const res = await t.request('POST', '/v1/sms/bulk', bulk(['9876543210', '12345', '9876543212', 'call me']));
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.total_recipients, 4);
  assert.equal(res.body.accepted_recipients, 2);
  assert.deepEqual(res.body.rejected.map(({ message: _, ...r }: { message: string }) => r), [
    { index: 1, to: '12345', error_code: 'ERR_INVALID_MOBILE' },
    { index: 3, to: 'call me', error_code: 'ERR_INVALID_MOBILE' },
  ]);
  assert.ok(res.body.rejected.every((r: { message: string }) => r.message.length > 0));
});

test('charges only the accepted recipients', async () => {
  const before = await creditsOn(t, 'transactional');
  const res = await t.request('POST', '/v1/sms/bulk', bulk(['9876543210', '12345', '9876543212']));
  assert.equal(res.body.estimated_credits, 2);
  assert.equal(await creditsOn(t, 'transactional'), before - 2);
});

test('stores each accepted recipient as a message of the batch', async () => {
  const res = await t.request('POST', '/v1/sms/bulk', bulk(['9876543210', '12345', '9876543212']));
  const messages = await batchMessages(res.body.batch_id);
  assert.deepEqual(messages.map((m) => m.to).sort(), ['919876543210', '919876543212']);
  assert.ok(messages.every((m) => m.batch_id === res.body.batch_id));
});

test('uses a recipient\'s own message instead of the shared one', async () => {
  const res = await t.request('POST', '/v1/sms/bulk', bulk([{ to: '9876543210', message: 'नमस्ते' }, { to: '9876543211' }]));
  assert.equal(res.status, 202, res.raw);
  const byNumber = new Map((await batchMessages(res.body.batch_id)).map((m) => [m.to, m.encoding]));
  assert.equal(byNumber.get('919876543210'), 'UCS2');
  assert.equal(byNumber.get('919876543211'), 'GSM7');
});

test('builds each recipient\'s text from its own variables, as an object or an array', async () => {
  const res = await t.request('POST', '/v1/sms/bulk', bulk([
    { to: '9876543210', variables: { name: 'Priya' } },
    { to: '9876543211', variables: ['Rahul'] },
  ], { sender: 'DAKIYA', template_id: 'T-INTL-1', category: 'transactional' }));
  assert.equal(res.status, 202, res.raw);
  // The API never returns message bodies, so the built texts are read from the store.
  const texts = await Promise.all((await batchMessages(res.body.batch_id)).map(async (m) => (await t.gateway.core.store.getMessage(t.account.id, m.message_id))?.body));
  assert.deepEqual(texts.sort(), ['Hello Priya', 'Hello Rahul']);
});

test('lists a recipient whose variables do not fit the template as rejected and sends the others', async () => {
  const res = await t.request('POST', '/v1/sms/bulk', bulk([
    { to: '9876543210', variables: ['123456', '10'] },
    { to: '9876543211', variables: ['12ab', '10'] },
  ], { sender: 'DAKIYA', template_id: 'T-OTP-1', category: 'otp' }));
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.accepted_recipients, 1);
  assert.deepEqual(res.body.rejected.map((r: { index: number; error_code: string }) => [r.index, r.error_code]), [[1, 'ERR_DLT_TEMPLATE_MISMATCH']]);
});

/** Each refused recipient says why in its own words (as a partly accepted bulk's `rejected` does); the rest is compared exactly. */
function withoutMessages(list: unknown): unknown {
  assert.ok(Array.isArray(list));
  return list.map(({ message, ...rest }: { message: unknown }) => {
    assert.ok(typeof message === 'string' && message.length > 0, JSON.stringify(rest));
    return rest;
  });
}

test('refuses a bulk whose recipients all fail the same way with 422 and that code', async () => {
  const error = await expectRejection(t, { url: '/v1/sms/bulk', body: bulk(['12345', 'abc']) }, 422, 'ERR_INVALID_MOBILE');
  assert.deepEqual(withoutMessages(error.details?.['rejected']), [
    { index: 0, to: '12345', error_code: 'ERR_INVALID_MOBILE' },
    { index: 1, to: 'abc', error_code: 'ERR_INVALID_MOBILE' },
  ]);
});

test('refuses a bulk whose recipients all fail for different reasons with 422 ERR_NO_VALID_RECIPIENTS', async () => {
  const body = bulk(['12345', { to: '9876543211', message: 'x'.repeat(31) }]);
  const error = await expectRejection(t, { url: '/v1/sms/bulk', body }, 422, 'ERR_NO_VALID_RECIPIENTS');
  assert.deepEqual(withoutMessages(error.details?.['rejected']), [
    { index: 0, to: '12345', error_code: 'ERR_INVALID_MOBILE' },
    { index: 1, to: '9876543211', error_code: 'ERR_DLT_TEMPLATE_MISMATCH' },
  ]);
});

test('refuses a bulk the balance cannot cover as a whole with 402 and accepts none of it', async () => {
  const account = await t.createAccount({ transactional: 2 });
  const body = bulk(['9876543210', '9876543211', '9876543212']);
  const error = await expectRejection(t, { url: '/v1/sms/bulk', body, key: account.apiKey, accountId: account.id }, 402, 'ERR_INSUFFICIENT_CREDITS');
  assert.deepEqual(error.details, { route: 'transactional', required: 3, balance: 2 });
});

test('refuses a problem shared by every recipient, such as the sender, for the whole request', async () => {
  const body = bulk(['9876543210'], { sender: 'NOSUCH', template_id: 'T-PLAIN-1', category: 'transactional', message: 'Hi' });
  await expectRejection(t, { url: '/v1/sms/bulk', body }, 422, 'ERR_SENDER_NOT_REGISTERED');
});

test('refuses an empty recipient list with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectRejection(t, { url: '/v1/sms/bulk', body: bulk([]) }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'recipients' });
});

test('refuses an unknown field inside a recipient, naming its path', async () => {
  const error = await expectRejection(t, { url: '/v1/sms/bulk', body: bulk([{ to: '9876543210', name: 'Priya' }]) }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'recipients.0.name' });
});

describe('with bulk.maxRecipients set to 3', () => {
  let small: TestGateway;
  before(async () => { small = await startTestGateway({ flags: { 'bulk.maxRecipients': 3 } }); });
  after(async () => { await small.stop(); });

  test('refuses more recipients than allowed with 422 ERR_TOO_MANY_RECIPIENTS', async () => {
    const body = bulk(['9876543210', '9876543211', '9876543212', '9876543213']);
    const error = await expectRejection(small, { url: '/v1/sms/bulk', body }, 422, 'ERR_TOO_MANY_RECIPIENTS');
    assert.match(error.message, /At most 3 recipients/);
  });

  test('accepts exactly as many recipients as allowed', async () => {
    const res = await small.request('POST', '/v1/sms/bulk', bulk(['9876543210', '9876543211', '9876543212']));
    assert.equal(res.status, 202, res.raw);
  });

  test('refuses an estimate for more recipients than allowed with 422 ERR_TOO_MANY_RECIPIENTS', async () => {
    const body = bulk(['9876543210', '9876543211', '9876543212', '9876543213']);
    await expectRejection(small, { url: '/v1/sms/estimate', body }, 422, 'ERR_TOO_MANY_RECIPIENTS');
  });
});
