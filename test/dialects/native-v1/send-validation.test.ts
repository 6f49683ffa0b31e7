// POST /v1/sms/send refusing what it cannot send: each request-phase code with its exact status,
// the error body, and nothing stored or charged (expectRejection checks all three).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { international, otp, transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const send = (body: unknown, account?: TestAccount) => ({ url: '/v1/sms/send', body, ...(account && { key: account.apiKey, accountId: account.id }) });

test('refuses a body without sender with 400 ERR_INVALID_REQUEST naming the field', async () => {
  const { sender: _, ...body } = transactional();
  const error = await expectRejection(t, send(body), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'sender' });
});

test('refuses an unknown field with 400 ERR_INVALID_REQUEST naming it', async () => {
  const error = await expectRejection(t, send({ ...transactional(), priority: 'high' }), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'priority' });
  assert.match(error.message, /unknown field priority/);
});

test('refuses a number where a string is expected with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectRejection(t, send({ ...transactional(), to: 9876543210 }), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'to' });
});

test('refuses a category outside the five DLT categories with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectRejection(t, send({ ...transactional(), category: 'marketing' }), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'category' });
});

test('refuses a validity_period under a minute with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, send({ ...transactional(), validity_period: 30 }), 400, 'ERR_INVALID_REQUEST');
});

test('refuses a template send with neither message nor variables with 400 ERR_INVALID_REQUEST', async () => {
  const { message: _, ...body } = transactional();
  const error = await expectRejection(t, send(body), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'message' });
});

test('refuses a malformed mobile number with 422 ERR_INVALID_MOBILE', async () => {
  for (const to of ['12345', '98765abcde', '5876543210', '९८७६५४३२१०']) {
    const error = await expectRejection(t, send(transactional('Hello', to)), 422, 'ERR_INVALID_MOBILE');
    assert.deepEqual(error.details, { to });
  }
});

test('refuses an international number on a domestic route with 422 ERR_INVALID_MOBILE', async () => {
  const error = await expectRejection(t, send(transactional('Hello', '+447911123456')), 422, 'ERR_INVALID_MOBILE');
  assert.match(error.message, /international route/);
});

test('refuses an unknown route with 422 ERR_ROUTE_NOT_FOUND', async () => {
  const error = await expectRejection(t, send({ ...transactional(), route: 'express' }), 422, 'ERR_ROUTE_NOT_FOUND');
  assert.deepEqual(error.details, { route: 'express' });
});

test('refuses a route of another category with 422 ERR_ROUTE_NOT_FOUND', async () => {
  await expectRejection(t, send({ ...transactional(), route: 'otp' }), 422, 'ERR_ROUTE_NOT_FOUND');
});

test('refuses a route the account holds no balance on with 422 ERR_ROUTE_NOT_FOUND', async () => {
  const account = await t.createAccount({ transactional: 10 });
  await expectRejection(t, send(otp(), account), 422, 'ERR_ROUTE_NOT_FOUND');
});

test('refuses an unregistered sender with 422 ERR_SENDER_NOT_REGISTERED', async () => {
  const error = await expectRejection(t, send({ ...transactional(), sender: 'TECHTO' }), 422, 'ERR_SENDER_NOT_REGISTERED');
  assert.deepEqual(error.details, { sender: 'TECHTO' });
});

test('refuses a suspended sender with 422 ERR_SENDER_SUSPENDED', async () => {
  const account = await t.createAccount();
  assert.equal((await t.admin('PATCH', `/accounts/${account.id}/senders/DAKIYA`, { status: 'suspended' })).status, 204);
  await expectRejection(t, send(transactional(), account), 422, 'ERR_SENDER_SUSPENDED');
});

test('refuses an Indian number without template_id with 422 ERR_TEMPLATE_REQUIRED', async () => {
  const { template_id: _, ...body } = transactional();
  await expectRejection(t, send(body), 422, 'ERR_TEMPLATE_REQUIRED');
});

test('refuses an unknown template_id with 422 ERR_TEMPLATE_NOT_FOUND', async () => {
  const error = await expectRejection(t, send({ ...transactional(), template_id: 'T-NOPE' }), 422, 'ERR_TEMPLATE_NOT_FOUND');
  assert.deepEqual(error.details, { template_id: 'T-NOPE' });
});

test('refuses a suspended template with 422 ERR_DLT_TEMPLATE_SUSPENDED', async () => {
  const account = await t.createAccount();
  assert.equal((await t.admin('PATCH', `/accounts/${account.id}/templates/T-PLAIN-1`, { status: 'suspended' })).status, 204);
  await expectRejection(t, send(transactional(), account), 422, 'ERR_DLT_TEMPLATE_SUSPENDED');
});

test('refuses an OTP template on a transactional message with 422 ERR_TEMPLATE_CATEGORY_MISMATCH', async () => {
  const error = await expectRejection(t, send({ ...otp(), category: 'transactional' }), 422, 'ERR_TEMPLATE_CATEGORY_MISMATCH');
  assert.match(error.message, /registered as otp, not transactional/);
});

test('refuses a template registered for another sender with 422 ERR_TEMPLATE_CATEGORY_MISMATCH', async () => {
  const error = await expectRejection(t, send({ ...transactional(), sender: '123456' }), 422, 'ERR_TEMPLATE_CATEGORY_MISMATCH');
  assert.match(error.message, /registered for sender DAKIYA, not 123456/);
});

test('refuses a message needing more than ten segments with 422 ERR_MESSAGE_TOO_LONG', async () => {
  const error = await expectRejection(t, send(international('a'.repeat(1531))), 422, 'ERR_MESSAGE_TOO_LONG');
  assert.deepEqual(error.details, { segments: 11, max_segments: 10, encoding: 'GSM7' });
});

test('accepts exactly ten segments', async () => {
  const res = await t.request('POST', '/v1/sms/send', international('a'.repeat(1530)));
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.segments, 10);
});

test('refuses a send the route balance cannot cover with 402 ERR_INSUFFICIENT_CREDITS', async () => {
  const account = await t.createAccount({ transactional: 0 });
  const error = await expectRejection(t, send(transactional(), account), 402, 'ERR_INSUFFICIENT_CREDITS');
  assert.deepEqual(error.details, { route: 'transactional', required: 1, balance: 0 });
});

test('refuses a control character in the text with 422 ERR_INVALID_UNICODE', async () => {
  await expectRejection(t, send(transactional('Ring \u0007 bell')), 422, 'ERR_INVALID_UNICODE');
});
