// Who may call /admin/v1: the operator token only, by header or ?access_token=.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from '../../dialects/native-v1/account-state.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

test('refuses a request without the operator token with 401 ERR_UNAUTHORIZED', async () => {
  const error = await expectRejection(t, { url: '/admin/v1/accounts', key: null }, 401, 'ERR_UNAUTHORIZED');
  assert.match(error.message, /operator token/);
});

test('refuses a wrong operator token with 401 ERR_UNAUTHORIZED', async () => {
  await expectRejection(t, { url: '/admin/v1/accounts', key: 'dko_not-the-token' }, 401, 'ERR_UNAUTHORIZED');
});

test('refuses a customer API key with 401 ERR_UNAUTHORIZED', async () => {
  await expectRejection(t, { url: `/admin/v1/accounts/${t.account.id}/credits`, body: { route: 'otp', amount: 1000 }, key: t.account.apiKey }, 401, 'ERR_UNAUTHORIZED');
});

test('accepts the operator token as ?access_token=', async () => {
  const res = await t.request('GET', `/admin/v1/accounts?access_token=${encodeURIComponent(t.operatorToken)}`, undefined, { key: null });
  assert.equal(res.status, 200, res.raw);
});

test('answers an unknown admin endpoint with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, { url: '/admin/v1/messages', key: t.operatorToken }, 404, 'ERR_NOT_FOUND');
});
