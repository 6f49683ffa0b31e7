// Idempotency-Key on the sending endpoints: a repeat of the same request replays the stored
// response and charges once; the same key with another request is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { accountState, expectRejection } from './account-state.ts';
import { bulk, transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

let n = 0;
const freshKey = () => `order-${++n}-${Date.now()}`;
const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

test('replays the stored response for a repeated key and body, marked idempotent-replayed', async () => {
  const key = freshKey();
  const first = await t.request('POST', '/v1/sms/send', transactional(), withKey(key));
  const again = await t.request('POST', '/v1/sms/send', transactional(), withKey(key));
  assert.equal(first.status, 202, first.raw);
  assert.equal(first.headers['idempotent-replayed'], undefined);
  assert.equal(again.status, 202, again.raw);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(again.body, first.body);
});

test('stores and charges a repeated request once', async () => {
  const key = freshKey();
  const before = await accountState(t, t.account.id);
  for (let i = 0; i < 3; i++) await t.request('POST', '/v1/sms/send', transactional(), withKey(key));
  const after = await accountState(t, t.account.id);
  assert.equal(after.messageIds.length - before.messageIds.length, 1);
  assert.equal(after.creditsBeforeRefunds['transactional'], before.creditsBeforeRefunds['transactional']! - 1);
});

test('refuses the same key with a different body with 422 ERR_IDEMPOTENCY_KEY_REUSED', async () => {
  const key = freshKey();
  assert.equal((await t.request('POST', '/v1/sms/send', transactional('First'), withKey(key))).status, 202);
  await expectRejection(t, { url: '/v1/sms/send', body: transactional('Second'), ...withKey(key) }, 422, 'ERR_IDEMPOTENCY_KEY_REUSED');
});

test('refuses the same key on another endpoint with 422 ERR_IDEMPOTENCY_KEY_REUSED', async () => {
  const key = freshKey();
  assert.equal((await t.request('POST', '/v1/sms/send', transactional(), withKey(key))).status, 202);
  await expectRejection(t, { url: '/v1/sms/bulk', body: bulk(['9876543210']), ...withKey(key) }, 422, 'ERR_IDEMPOTENCY_KEY_REUSED');
});

test('replays a bulk request with the same batch id', async () => {
  const key = freshKey();
  const first = await t.request('POST', '/v1/sms/bulk', bulk(['9876543210', '9876543211']), withKey(key));
  const again = await t.request('POST', '/v1/sms/bulk', bulk(['9876543210', '9876543211']), withKey(key));
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.body.batch_id, first.body.batch_id);
});

test('accepts one of two concurrent requests with the same key and replays it to the other', async () => {
  const key = freshKey();
  const before = await accountState(t, t.account.id);
  const [a, b] = await Promise.all([
    t.request('POST', '/v1/sms/send', transactional(), withKey(key)),
    t.request('POST', '/v1/sms/send', transactional(), withKey(key)),
  ]);
  assert.deepEqual([a.status, b.status], [202, 202]);
  assert.equal(a.body.message_id, b.body.message_id);
  assert.deepEqual([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean), ['true']);
  assert.equal((await accountState(t, t.account.id)).messageIds.length - before.messageIds.length, 1);
});

test('scopes keys to the account, so another account may use the same key', async () => {
  const key = freshKey();
  const other = await t.createAccount();
  const mine = await t.request('POST', '/v1/sms/send', transactional(), withKey(key));
  const theirs = await t.request('POST', '/v1/sms/send', transactional(), { key: other.apiKey, ...withKey(key) });
  assert.equal(theirs.status, 202, theirs.raw);
  assert.equal(theirs.headers['idempotent-replayed'], undefined);
  assert.notEqual(theirs.body.message_id, mine.body.message_id);
});

test('does not spend a key on a rejected request', async () => {
  const key = freshKey();
  await expectRejection(t, { url: '/v1/sms/send', body: transactional('Hello', '12345'), ...withKey(key) }, 422, 'ERR_INVALID_MOBILE');
  const fixed = await t.request('POST', '/v1/sms/send', transactional(), withKey(key));
  assert.equal(fixed.status, 202, fixed.raw);
  assert.equal(fixed.headers['idempotent-replayed'], undefined);
});

test('refuses an Idempotency-Key that is not 1-255 visible ASCII characters with 400 ERR_INVALID_REQUEST', async () => {
  for (const key of ['has space', 'k'.repeat(256)]) {
    const error = await expectRejection(t, { url: '/v1/sms/send', body: transactional(), ...withKey(key) }, 400, 'ERR_INVALID_REQUEST');
    assert.deepEqual(error.details, { field: 'Idempotency-Key' });
  }
  // test_mode stores nothing, so a key means nothing to it; a malformed one is still refused.
  await expectRejection(t, { url: '/v1/sms/send', body: { ...transactional(), test_mode: true }, ...withKey('has space') }, 400, 'ERR_INVALID_REQUEST');
});

test('test_mode with a key stores no response: the same key then sends for real', async () => {
  const key = freshKey();
  const tried = await t.request('POST', '/v1/sms/send', { ...transactional(), test_mode: true }, withKey(key));
  assert.equal(tried.status, 200, tried.raw);
  const sent = await t.request('POST', '/v1/sms/send', transactional(), withKey(key));
  assert.equal(sent.status, 202, sent.raw);
  assert.equal(sent.headers['idempotent-replayed'], undefined);
});

test('treats the same body with its keys in another order as the same request', async () => {
  const key = freshKey();
  const body = transactional();
  const reordered = Object.fromEntries(Object.entries(body).reverse());
  const first = await t.request('POST', '/v1/sms/send', body, withKey(key));
  const again = await t.request('POST', '/v1/sms/send', reordered, withKey(key));
  assert.equal(again.status, 202, again.raw);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.body.message_id, first.body.message_id);
});
