// Who may call /v1: API keys by header or ?access_token=, and the ways a key is refused
// (unknown, revoked, rotated away, outside its IP allowlist, suspended account).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

async function newKey(account: TestAccount, options: Record<string, unknown> = {}): Promise<{ id: string; apiKey: string }> {
  const res = await t.admin('POST', `/accounts/${account.id}/keys`, options);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.key.id, apiKey: res.body.api_key };
}

const balanceWith = (key: string) => t.request('GET', '/v1/account/balance', undefined, { key });

test('refuses a request without a key with 401 ERR_UNAUTHORIZED', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: transactional(), key: null }, 401, 'ERR_UNAUTHORIZED');
});

test('refuses an unknown key with 401 ERR_UNAUTHORIZED', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: transactional(), key: 'dk_live_not-a-real-key' }, 401, 'ERR_UNAUTHORIZED');
});

test('refuses a key sent with another scheme than Bearer with 401 ERR_UNAUTHORIZED', async () => {
  await expectRejection(t, { url: '/v1/account/balance', key: null, headers: { authorization: `Basic ${t.account.apiKey}` } }, 401, 'ERR_UNAUTHORIZED');
});

test('authenticates before validating, so a bad body without a key is 401', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: { nonsense: true }, key: null }, 401, 'ERR_UNAUTHORIZED');
});

test('accepts the key as ?access_token= for clients that cannot set headers', async () => {
  const res = await t.request('POST', `/v1/sms/send?access_token=${encodeURIComponent(t.account.apiKey)}`, transactional(), { key: null });
  assert.equal(res.status, 202, res.raw);
});

test('accepts the Bearer scheme in any letter case', async () => {
  const res = await t.request('GET', '/v1/account/balance', undefined, { key: null, headers: { authorization: `bearer ${t.account.apiKey}` } });
  assert.equal(res.status, 200, res.raw);
});

test('refuses a revoked key with 401 ERR_UNAUTHORIZED', async () => {
  const key = await newKey(t.account);
  assert.equal((await balanceWith(key.apiKey)).status, 200);
  assert.equal((await t.admin('DELETE', `/accounts/${t.account.id}/keys/${key.id}`)).status, 204);
  await expectRejection(t, { url: '/v1/sms/send', body: transactional(), key: key.apiKey }, 401, 'ERR_UNAUTHORIZED');
});

test('refuses the old key after a rotation and accepts the new one', async () => {
  const key = await newKey(t.account);
  const rotated = await t.admin('POST', `/accounts/${t.account.id}/keys/${key.id}/rotate`);
  assert.equal(rotated.status, 201);
  await expectRejection(t, { url: '/v1/account/balance', key: key.apiKey }, 401, 'ERR_UNAUTHORIZED');
  assert.equal((await balanceWith(rotated.body.api_key)).status, 200);
});

test('refuses a key used from outside its IP allowlist with 403 ERR_IP_NOT_ALLOWED', async () => {
  const key = await newKey(t.account, { ip_allowlist: ['203.0.113.0/24', '2001:db8::1'] });
  const error = await expectRejection(t, { url: '/v1/sms/send', body: transactional(), key: key.apiKey }, 403, 'ERR_IP_NOT_ALLOWED');
  assert.match(error.message, /127\.0\.0\.1/);
});

test('accepts a key from an address inside its IP allowlist', async () => {
  const key = await newKey(t.account, { ip_allowlist: ['127.0.0.0/8'] });
  assert.equal((await balanceWith(key.apiKey)).status, 200);
});

test('refuses every key of a suspended account with 403 ERR_ACCOUNT_SUSPENDED', async () => {
  const account = await t.createAccount();
  const second = await newKey(account);
  assert.equal((await t.admin('PATCH', `/accounts/${account.id}`, { status: 'suspended' })).status, 200);
  for (const key of [account.apiKey, second.apiKey]) {
    await expectRejection(t, { url: '/v1/sms/send', body: transactional(), key, accountId: account.id }, 403, 'ERR_ACCOUNT_SUSPENDED');
  }
});

test('accepts an account\'s keys again once it is reactivated', async () => {
  const account = await t.createAccount();
  await t.admin('PATCH', `/accounts/${account.id}`, { status: 'suspended' });
  await t.admin('PATCH', `/accounts/${account.id}`, { status: 'active' });
  assert.equal((await balanceWith(account.apiKey)).status, 200);
});

test('refuses the operator token on /v1 with 401 ERR_UNAUTHORIZED', async () => {
  await expectRejection(t, { url: '/v1/account/balance', key: t.operatorToken }, 401, 'ERR_UNAUTHORIZED');
});
