// /admin/v1/accounts/:id/keys: issuing, listing, rotating and revoking API keys.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from '../../dialects/native-v1/account-state.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const operator = (method: string, url: string, body?: unknown) => ({ method, url: `/admin/v1${url}`, body, key: t.operatorToken });

async function createKey(body: Record<string, unknown> = {}): Promise<{ id: string; apiKey: string; key: any }> {
  const res = await t.admin('POST', `/accounts/${t.account.id}/keys`, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.key.id, apiKey: res.body.api_key, key: res.body.key };
}

async function listedKey(id: string): Promise<any> {
  return (await t.admin('GET', `/accounts/${t.account.id}/keys`)).body.keys.find((k: { id: string }) => k.id === id);
}

test('issues a test key with 201, its label and allowlist, and its secret', async () => {
  const { apiKey, key } = await createKey({ label: 'staging', mode: 'test', ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] });
  assert.match(apiKey, /^dk_test_/);
  assert.equal(key.label, 'staging');
  assert.equal(key.mode, 'test');
  assert.deepEqual(key.ip_allowlist, ['10.0.0.0/8', '2001:db8::/32']);
});

test('lists an account\'s keys without their secrets', async () => {
  const { id, apiKey } = await createKey({ label: 'listed' });
  const res = await t.admin('GET', `/accounts/${t.account.id}/keys`);
  assert.equal(res.status, 200);
  assert.equal((await listedKey(id)).label, 'listed');
  assert.ok(!JSON.stringify(res.body).includes(apiKey), 'a listed key must not carry its secret');
  assert.ok(res.body.keys.every((k: Record<string, unknown>) => !('hash' in k)));
});

test('rotates a key into a new secret with the same label, mode and allowlist', async () => {
  const old = await createKey({ label: 'ci', mode: 'test', ip_allowlist: ['127.0.0.1'] });
  const res = await t.admin('POST', `/accounts/${t.account.id}/keys/${old.id}/rotate`);
  assert.equal(res.status, 201);
  assert.notEqual(res.body.api_key, old.apiKey);
  assert.deepEqual([res.body.key.label, res.body.key.mode, res.body.key.ip_allowlist], ['ci', 'test', ['127.0.0.1']]);
  assert.equal((await listedKey(old.id)).status, 'revoked');
});

test('revokes a key with 204 and records when', async () => {
  const { id } = await createKey();
  const res = await t.admin('DELETE', `/accounts/${t.account.id}/keys/${id}`);
  assert.equal(res.status, 204);
  const listed = await listedKey(id);
  assert.equal(listed.status, 'revoked');
  assert.equal(typeof listed.revoked_at, 'number');
});

test('refuses to revoke a revoked key with 404 ERR_NOT_FOUND', async () => {
  const { id } = await createKey();
  await t.admin('DELETE', `/accounts/${t.account.id}/keys/${id}`);
  await expectRejection(t, operator('DELETE', `/accounts/${t.account.id}/keys/${id}`), 404, 'ERR_NOT_FOUND');
});

test('refuses to rotate a revoked key with 404 ERR_NOT_FOUND', async () => {
  const { id } = await createKey();
  await t.admin('DELETE', `/accounts/${t.account.id}/keys/${id}`);
  await expectRejection(t, operator('POST', `/accounts/${t.account.id}/keys/${id}/rotate`), 404, 'ERR_NOT_FOUND');
});

test('refuses to revoke a key through another account\'s path, and the key keeps working', async () => {
  const other = await t.createAccount();
  const { id, apiKey } = await createKey();
  await expectRejection(t, operator('DELETE', `/accounts/${other.id}/keys/${id}`), 404, 'ERR_NOT_FOUND');
  assert.equal((await t.request('GET', '/v1/account/balance', undefined, { key: apiKey })).status, 200);
});

test('refuses an allowlist entry that is not an IP address or CIDR block with 400 ERR_INVALID_REQUEST', async () => {
  for (const entry of ['example.com', '10.0.0.0/33', '10.0.0.1/8/8', '::1/129']) {
    const error = await expectRejection(t, operator('POST', `/accounts/${t.account.id}/keys`, { ip_allowlist: [entry] }), 400, 'ERR_INVALID_REQUEST');
    assert.deepEqual(error.details, { field: 'ip_allowlist' });
  }
});

test('refuses a mode other than live or test with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, operator('POST', `/accounts/${t.account.id}/keys`, { mode: 'admin' }), 400, 'ERR_INVALID_REQUEST');
});

test('refuses a key for an unknown account with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('POST', '/accounts/no-such-account/keys', {}), 404, 'ERR_NOT_FOUND');
});

test('answers the key list of an unknown account with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('GET', '/accounts/no-such-account/keys'), 404, 'ERR_NOT_FOUND');
});
