// Per-key request limits: RateLimit-* headers on every authenticated answer, 429 with Retry-After
// over the limit, a fresh budget each minute. The TestClock pins where in the minute we are.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { transactional } from './sample-requests.ts';

const clock = new TestClock('2026-05-30T10:00:30Z');
let t: TestGateway;
before(async () => { t = await startTestGateway({ clock }); });
after(async () => { await t.stop(); });

/** A fresh account (so a fresh key and budget) with a limit of `perMinute`, 30 s into a minute. */
async function limitedAccount(perMinute: number): Promise<{ id: string; apiKey: string }> {
  clock.set('2026-05-30T10:00:30Z');
  const res = await t.admin('POST', '/accounts', { name: 'Limited', credits: { transactional: 100 }, rate_limit_per_minute: perMinute });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.account_id, apiKey: res.body.api_key };
}

const balance = (key: string) => t.request('GET', '/v1/account/balance', undefined, { key });

test('sends RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset on each answer', async () => {
  const account = await limitedAccount(3);
  const res = await balance(account.apiKey);
  assert.equal(res.status, 200);
  assert.deepEqual([res.headers['ratelimit-limit'], res.headers['ratelimit-remaining'], res.headers['ratelimit-reset']], ['3', '2', '30']);
});

test('refuses the request over the limit with 429 ERR_RATE_LIMIT_EXCEEDED and Retry-After', async () => {
  const account = await limitedAccount(2);
  await balance(account.apiKey);
  await balance(account.apiKey);
  const error = await expectRejection(t, { url: '/v1/sms/send', body: transactional(), key: account.apiKey, accountId: account.id }, 429, 'ERR_RATE_LIMIT_EXCEEDED');
  assert.deepEqual(error.details, { retry_after: 30 });
  const again = await balance(account.apiKey);
  assert.equal(again.headers['retry-after'], '30');
  assert.equal(again.headers['ratelimit-remaining'], '0');
});

test('allows requests again once the minute is over', async () => {
  const account = await limitedAccount(1);
  await balance(account.apiKey);
  assert.equal((await balance(account.apiKey)).status, 429);
  clock.advance(30_000);
  const res = await balance(account.apiKey);
  assert.equal(res.status, 200, res.raw);
  assert.equal(res.headers['ratelimit-remaining'], '0');
});

test('counts each key of an account separately', async () => {
  const account = await limitedAccount(1);
  const second = await t.admin('POST', `/accounts/${account.id}/keys`, {});
  await balance(account.apiKey);
  assert.equal((await balance(account.apiKey)).status, 429);
  assert.equal((await balance(second.body.api_key)).status, 200);
});

test('falls back to the configured 1000 requests per minute when the account sets no limit', async () => {
  const account = await limitedAccount(1);
  assert.equal((await t.admin('PATCH', `/accounts/${account.id}`, { rate_limit_per_minute: null })).status, 200);
  assert.equal((await balance(account.apiKey)).headers['ratelimit-limit'], '1000');
});

test('applies a limit changed through the admin API at once', async () => {
  const account = await limitedAccount(100);
  await balance(account.apiKey);
  assert.equal((await t.admin('PATCH', `/accounts/${account.id}`, { rate_limit_per_minute: 1 })).status, 200);
  assert.equal((await balance(account.apiKey)).status, 429);
});
