// GET /v1/messages?since=: only messages created at or after a time (ISO 8601 with offset, or epoch
// milliseconds), combined with the after cursor and paged with next_cursor. Times come from a TestClock.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { transactional } from './sample-requests.ts';

const clock = new TestClock('2026-05-30T10:00:00.000+05:30');
let t: TestGateway;
before(async () => { t = await startTestGateway({ clock }); });
after(async () => { await t.stop(); });

async function sendAs(account: TestAccount): Promise<string> {
  const res = await t.request('POST', '/v1/sms/send', transactional(), { key: account.apiKey });
  assert.equal(res.status, 202, res.raw);
  return res.body.message_id;
}

async function list(account: TestAccount, query: string): Promise<{ ids: string[]; next: string | null }> {
  const res = await t.request('GET', `/v1/messages?${query}`, undefined, { key: account.apiKey });
  assert.equal(res.status, 200, res.raw);
  return { ids: res.body.messages.map((m: { message_id: string }) => m.message_id), next: res.body.next_cursor };
}

/** One message a second before `at`, three at `at` itself (the same millisecond), on a fresh account. */
async function around(): Promise<{ account: TestAccount; at: number; before: string; atIds: string[] }> {
  const account = await t.createAccount();
  clock.advance(60_000);
  const earlier = await sendAs(account);
  clock.advance(1000);
  const at = clock.now();
  const atIds = [await sendAs(account), await sendAs(account), await sendAs(account)];
  return { account, at, before: earlier, atIds };
}

/** `at` written in IST with milliseconds, URL-encoded (a bare + in a query string is a space). */
const ist = (ms: number) => encodeURIComponent(`${new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 23)}+05:30`);

test('lists only messages created at or after since, including that very millisecond', async () => {
  const { account, at, atIds } = await around();
  assert.deepEqual((await list(account, `since=${ist(at)}`)).ids, atIds);
});

test('takes since in UTC with Z, and to the millisecond', async () => {
  const { account, at, before, atIds } = await around();
  assert.deepEqual((await list(account, `since=${new Date(at).toISOString()}`)).ids, atIds);
  assert.deepEqual((await list(account, `since=${new Date(at - 1000).toISOString()}`)).ids, [before, ...atIds]);
  assert.deepEqual((await list(account, `since=${new Date(at + 1).toISOString()}`)).ids, []);
});

test('takes since as epoch milliseconds', async () => {
  const { account, at, before, atIds } = await around();
  assert.deepEqual((await list(account, `since=${at}`)).ids, atIds);
  assert.deepEqual((await list(account, `since=${at - 1000}`)).ids, [before, ...atIds]);
  assert.deepEqual((await list(account, 'since=0')).ids, [before, ...atIds]);
});

test('pages through the messages since a time with next_cursor', async () => {
  const { account, at, atIds } = await around();
  const first = await list(account, `since=${at}&limit=2`);
  assert.deepEqual(first, { ids: atIds.slice(0, 2), next: atIds[1] });
  const second = await list(account, `since=${at}&limit=2&after=${first.next}`);
  assert.deepEqual(second, { ids: atIds.slice(2), next: null });
});

test('takes the later bound when both since and after are given', async () => {
  const { account, at, before, atIds } = await around();
  assert.deepEqual((await list(account, `since=${at}&after=${before}`)).ids, atIds, 'since is the later bound');
  assert.deepEqual((await list(account, `since=${at - 1000}&after=${atIds[0]}`)).ids, atIds.slice(1), 'after is the later bound');
});

test('combines since with the other filters', async () => {
  const { account, at } = await around();
  assert.deepEqual((await list(account, `since=${at}&status=delivered&correlation_id=none`)).ids, []);
});

test('refuses a since that is not a time with 400 ERR_INVALID_REQUEST naming the field', async () => {
  for (const since of ['yesterday', '2026-05-30', '2026-05-30T10:00:00', '2026-02-30T10:00:00Z', '2026-05-30T24:00:00Z',
    '-5', '1e12', '1.5', '999999999999999', '1969-12-31T23:59:59Z', '']) {
    const error = await expectRejection(t, { url: `/v1/messages?since=${encodeURIComponent(since)}` }, 400, 'ERR_INVALID_REQUEST');
    assert.deepEqual(error.details, { field: 'since' }, `since=${since}`);
  }
});
