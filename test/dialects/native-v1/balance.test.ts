// GET /v1/account/balance: the caller's credits per route, as sends and top-ups move them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

test('lists the credits on every route the account holds a balance on, by route name', async () => {
  const account = await t.createAccount({ transactional: 5, otp: 7 });
  const res = await t.request('GET', '/v1/account/balance', undefined, { key: account.apiKey });
  assert.equal(res.status, 200, res.raw);
  assert.deepEqual(res.body, { status: 'ok', balances: [{ route: 'otp', credits: 7 }, { route: 'transactional', credits: 5 }] });
});

test('shows the debit of an accepted send at once', async () => {
  const account = await t.createAccount({ transactional: 5 });
  await t.request('POST', '/v1/sms/send', transactional(), { key: account.apiKey });
  const res = await t.request('GET', '/v1/account/balance', undefined, { key: account.apiKey });
  assert.deepEqual(res.body.balances, [{ route: 'transactional', credits: 4 }]);
});

test('shows a top-up made through the admin API at once', async () => {
  const account = await t.createAccount({ transactional: 5 });
  assert.equal((await t.admin('POST', `/accounts/${account.id}/credits`, { route: 'transactional', amount: 20 })).status, 200);
  const res = await t.request('GET', '/v1/account/balance', undefined, { key: account.apiKey });
  assert.deepEqual(res.body.balances, [{ route: 'transactional', credits: 25 }]);
});

test('refuses a balance read without a key with 401 ERR_UNAUTHORIZED', async () => {
  await expectRejection(t, { url: '/v1/account/balance', key: null }, 401, 'ERR_UNAUTHORIZED');
});
