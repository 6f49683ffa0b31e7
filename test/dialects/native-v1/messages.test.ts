// GET /v1/messages/:id and GET /v1/messages: reading messages back, always within the caller's
// own account, with filters and cursor pagination.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { waitForStatus } from './api-reads.ts';
import { transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

async function sendAs(account: TestAccount, body: Record<string, unknown> = transactional()): Promise<string> {
  const res = await t.request('POST', '/v1/sms/send', body, { key: account.apiKey });
  assert.equal(res.status, 202, res.raw);
  return res.body.message_id;
}

const list = (account: TestAccount, query = '') => t.request('GET', `/v1/messages${query}`, undefined, { key: account.apiKey });

test('returns a message by id with every documented field', async () => {
  const id = await sendAs(t.account);
  const res = await t.request('GET', `/v1/messages/${id}`);
  assert.equal(res.status, 200, res.raw);
  assert.deepEqual(Object.keys(res.body).sort(), [
    'batch_id', 'category', 'channel', 'completed_at', 'correlation_id', 'created_at', 'credits', 'delivered_at', 'encoding', 'error_code',
    'error_description', 'expires_at', 'flash', 'latency_ms', 'message_id', 'route', 'scheduled_at', 'segments', 'sender', 'status',
    'submitted_at', 'template_id', 'timeline', 'to',
  ]);
});

test('answers an unknown message id with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, { url: `/v1/messages/${randomUUID()}` }, 404, 'ERR_NOT_FOUND');
});

test('answers a malformed message id with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, { url: '/v1/messages/not-an-id' }, 404, 'ERR_NOT_FOUND');
});

test('answers a message id over 100 characters with 400 ERR_INVALID_REQUEST in the error body', async () => {
  await expectRejection(t, { url: `/v1/messages/${'a'.repeat(101)}` }, 400, 'ERR_INVALID_REQUEST');
});

test('answers another tenant\'s message id with the same plain 404 as an unknown one', async () => {
  const other = await t.createAccount();
  const id = await sendAs(t.account);
  const error = await expectRejection(t, { url: `/v1/messages/${id}`, key: other.apiKey, accountId: other.id }, 404, 'ERR_NOT_FOUND');
  assert.equal(error.message, `No message ${id}.`);
  assert.equal(error.details, undefined);
});

test('lists only the caller\'s own messages', async () => {
  const [mine, theirs] = [await t.createAccount(), await t.createAccount()];
  const own = await sendAs(mine);
  await sendAs(theirs);
  const res = await list(mine);
  assert.equal(res.status, 200, res.raw);
  assert.deepEqual(res.body.messages.map((m: { message_id: string }) => m.message_id), [own]);
});

test('lists messages oldest first and pages through them with next_cursor', async () => {
  const account = await t.createAccount();
  const ids = [await sendAs(account), await sendAs(account), await sendAs(account)];
  const first = await list(account, '?limit=2');
  assert.deepEqual(first.body.messages.map((m: { message_id: string }) => m.message_id), ids.slice(0, 2));
  assert.equal(first.body.next_cursor, ids[1]);
  const second = await list(account, `?limit=2&after=${first.body.next_cursor}`);
  assert.deepEqual(second.body.messages.map((m: { message_id: string }) => m.message_id), ids.slice(2));
  assert.equal(second.body.next_cursor, null);
});

test('filters by status, in any letter case', async () => {
  const account = await t.createAccount();
  const delivered = await sendAs(account);
  await waitForStatus(t, delivered, 'DELIVERED', { key: account.apiKey });
  await sendAs(account, transactional('Hello', '919999900007'));
  const res = await list(account, '?status=delivered');
  assert.deepEqual(res.body.messages.map((m: { message_id: string }) => m.message_id), [delivered]);
});

test('filters by correlation_id', async () => {
  const account = await t.createAccount();
  const tagged = await sendAs(account, { ...transactional(), correlation_id: 'invoice-77' });
  await sendAs(account);
  const res = await list(account, '?correlation_id=invoice-77');
  assert.deepEqual(res.body.messages.map((m: { message_id: string }) => m.message_id), [tagged]);
});

test('refuses an unknown status filter with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectRejection(t, { url: '/v1/messages?status=LOST' }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'status' });
});

test('refuses a limit outside 1-1000 with 400 ERR_INVALID_REQUEST', async () => {
  for (const limit of ['0', '1001', 'ten', '-1']) {
    const error = await expectRejection(t, { url: `/v1/messages?limit=${limit}` }, 400, 'ERR_INVALID_REQUEST');
    assert.deepEqual(error.details, { field: 'limit' });
  }
});

test('refuses a cursor that is not a message id with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectRejection(t, { url: '/v1/messages?after=page-2' }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'after' });
});
