// /admin/v1/accounts: creating accounts with their first key and credits, reading and changing them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from '../../dialects/native-v1/account-state.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const operator = (method: string, url: string, body?: unknown) => ({ method, url: `/admin/v1${url}`, body, key: t.operatorToken });

async function accountCount(): Promise<number> {
  return (await t.admin('GET', '/accounts')).body.accounts.length;
}

/** Refused account creations must not leave a half-made account behind. */
async function expectCreateRefused(body: unknown, status: number, code: Parameters<typeof expectRejection>[3]) {
  const before = await accountCount();
  const error = await expectRejection(t, operator('POST', '/accounts', body), status, code);
  assert.equal(await accountCount(), before);
  return error;
}

test('creates an account with 201, its first live key and its initial credits', async () => {
  const res = await t.admin('POST', '/accounts', { name: 'Acme Retail', credits: { transactional: 500 }, rate_limit_per_minute: 600 });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const { account, account_id, api_key, key } = res.body;
  assert.match(account_id, uuid);
  assert.deepEqual({ ...account, created_at: 0 }, { id: account_id, name: 'Acme Retail', status: 'active', rate_limit_per_minute: 600, created_at: 0 });
  assert.match(api_key, /^dk_live_/);
  assert.equal(key.prefix, api_key.slice(0, 12));
  assert.deepEqual({ ...key, id: '', created_at: 0, prefix: '' }, {
    id: '', account_id, prefix: '', label: 'default', mode: 'live', status: 'active', ip_allowlist: [], created_at: 0, revoked_at: null,
  });
  assert.deepEqual((await t.admin('GET', `/accounts/${account_id}/balances`)).body, { balances: [{ route: 'transactional', credits: 500 }] });
});

test('gives a key that works on /v1 at once', async () => {
  const res = await t.admin('POST', '/accounts', { name: 'Instant', credits: { otp: 3 } });
  const balance = await t.request('GET', '/v1/account/balance', undefined, { key: res.body.api_key });
  assert.deepEqual(balance.body, { status: 'ok', balances: [{ route: 'otp', credits: 3 }] });
});

test('lists every account', async () => {
  const created = await t.admin('POST', '/accounts', { name: 'Listed' });
  const res = await t.admin('GET', '/accounts');
  assert.equal(res.status, 200);
  assert.ok(res.body.accounts.some((a: { id: string; name: string }) => a.id === created.body.account_id && a.name === 'Listed'));
});

test('returns an account by id', async () => {
  const res = await t.admin('GET', `/accounts/${t.account.id}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.id, t.account.id);
  assert.equal(res.body.status, 'active');
});

test('answers an unknown account id with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('GET', '/accounts/no-such-account'), 404, 'ERR_NOT_FOUND');
});

test('renames an account and changes its rate limit with PATCH', async () => {
  const created = await t.admin('POST', '/accounts', { name: 'Old name' });
  const res = await t.admin('PATCH', `/accounts/${created.body.account_id}`, { name: 'New name', rate_limit_per_minute: 60 });
  assert.equal(res.status, 200);
  assert.equal(res.body.name, 'New name');
  assert.equal(res.body.rate_limit_per_minute, 60);
  assert.equal((await t.admin('GET', `/accounts/${created.body.account_id}`)).body.name, 'New name');
});

test('suspends an account with PATCH status suspended', async () => {
  const created = await t.admin('POST', '/accounts', { name: 'To suspend' });
  const res = await t.admin('PATCH', `/accounts/${created.body.account_id}`, { status: 'suspended' });
  assert.equal(res.body.status, 'suspended');
});

test('refuses PATCH of an unknown account with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('PATCH', '/accounts/no-such-account', { name: 'x' }), 404, 'ERR_NOT_FOUND');
});

test('refuses a status other than active or suspended with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, operator('PATCH', `/accounts/${t.account.id}`, { status: 'closed' }), 400, 'ERR_INVALID_REQUEST');
});

test('refuses an account without a name with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectCreateRefused({ credits: { otp: 1 } }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'name' });
});

test('refuses a name of spaces only with 400 ERR_INVALID_REQUEST', async () => {
  await expectCreateRefused({ name: '   ' }, 400, 'ERR_INVALID_REQUEST');
});

test('refuses negative initial credits with 400 ERR_INVALID_REQUEST', async () => {
  await expectCreateRefused({ name: 'Negative', credits: { otp: -5 } }, 400, 'ERR_INVALID_REQUEST');
});

test('refuses fractional initial credits with 400 ERR_INVALID_REQUEST', async () => {
  await expectCreateRefused({ name: 'Fraction', credits: { otp: 2.5 } }, 400, 'ERR_INVALID_REQUEST');
});

test('refuses initial credits on an unknown route with 422 ERR_ROUTE_NOT_FOUND', async () => {
  const error = await expectCreateRefused({ name: 'Nowhere', credits: { express: 10 } }, 422, 'ERR_ROUTE_NOT_FOUND');
  assert.deepEqual(error.details, { route: 'express' });
});

test('refuses a rate limit below one request per minute with 400 ERR_INVALID_REQUEST', async () => {
  await expectCreateRefused({ name: 'Zero', rate_limit_per_minute: 0 }, 400, 'ERR_INVALID_REQUEST');
});

test('refuses an unknown field with 400 ERR_INVALID_REQUEST', async () => {
  await expectCreateRefused({ name: 'Extra', plan: 'gold' }, 400, 'ERR_INVALID_REQUEST');
});
