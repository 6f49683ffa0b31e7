// /admin/v1/routes and the credits held on them: priced routes and their refund policy (created
// and changed with PUT), and /accounts/:id/credits, /balances and /ledger (top-ups and
// adjustments per route, never below zero, every movement in the ledger).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from '../../dialects/native-v1/account-state.ts';
import { waitForStatus } from '../../dialects/native-v1/api-reads.ts';
import { otp, sandbox, transactional } from '../../dialects/native-v1/sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const operator = (method: string, url: string, body?: unknown, accountId = t.account.id) => ({ method, url: `/admin/v1${url}`, body, key: t.operatorToken, accountId });

async function routeFor(id: string, body: Record<string, unknown>): Promise<void> {
  const res = await t.admin('PUT', `/routes/${id}`, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal((await t.admin('POST', `/accounts/${t.account.id}/credits`, { route: id, amount: 100 })).status, 200);
}

test('lists the six default routes, one per category, at one credit per segment', async () => {
  const res = await t.admin('GET', '/routes');
  assert.equal(res.status, 200);
  // Runs first in this file, before any test adds a route.
  assert.deepEqual(res.body.routes.map((r: { id: string; category: string; price_per_segment: number; refund_on_undelivered: boolean; enabled: boolean }) =>
    [r.id, r.category, r.price_per_segment, r.refund_on_undelivered, r.enabled]), [
    ['international', 'international', 1, false, true],
    ['otp', 'otp', 1, false, true],
    ['promotional', 'promotional', 1, false, true],
    ['service_explicit', 'service_explicit', 1, false, true],
    ['service_implicit', 'service_implicit', 1, false, true],
    ['transactional', 'transactional', 1, false, true],
  ]);
});

test('creates a route with PUT and answers it with its defaults filled in', async () => {
  const res = await t.admin('PUT', '/routes/txn-gold', { category: 'transactional', price_per_segment: 2 });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, {
    id: 'txn-gold', category: 'transactional', price_per_segment: 2, refund_on_undelivered: false, resend_in_doubt: false, enabled: true, description: '',
  });
  assert.ok((await t.admin('GET', '/routes')).body.routes.some((r: { id: string }) => r.id === 'txn-gold'));
});

test('changes an existing route\'s refund policy with PUT', async () => {
  await t.admin('PUT', '/routes/txn-policy', { category: 'transactional', price_per_segment: 1 });
  await t.admin('PUT', '/routes/txn-policy', { category: 'transactional', price_per_segment: 1, refund_on_undelivered: true, description: 'refunds undelivered' });
  const route = (await t.admin('GET', '/routes')).body.routes.find((r: { id: string }) => r.id === 'txn-policy');
  assert.equal(route.refund_on_undelivered, true);
  assert.equal(route.description, 'refunds undelivered');
});

test('charges the route\'s price per segment on the next send', async () => {
  await routeFor('txn-triple', { category: 'transactional', price_per_segment: 3 });
  const res = await t.request('POST', '/v1/sms/send', { ...transactional(), route: 'txn-triple' });
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.credits_debited, 3);
});

test('refuses sends on a disabled route with 422 ERR_ROUTE_NOT_FOUND', async () => {
  await routeFor('txn-off', { category: 'transactional', price_per_segment: 1 });
  assert.equal((await t.admin('PUT', '/routes/txn-off', { category: 'transactional', price_per_segment: 1, enabled: false })).status, 200);
  await expectRejection(t, { url: '/v1/sms/send', body: { ...transactional(), route: 'txn-off' } }, 422, 'ERR_ROUTE_NOT_FOUND');
});

test('refuses a route id with capitals or spaces with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectRejection(t, operator('PUT', '/routes/Gold%20Route', { category: 'transactional', price_per_segment: 1 }), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'id' });
});

test('refuses a negative price with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, operator('PUT', '/routes/txn-neg', { category: 'transactional', price_per_segment: -1 }), 400, 'ERR_INVALID_REQUEST');
});

test('refuses a fractional price with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, operator('PUT', '/routes/txn-frac', { category: 'transactional', price_per_segment: 0.5 }), 400, 'ERR_INVALID_REQUEST');
});

test('refuses an unknown category with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, operator('PUT', '/routes/txn-x', { category: 'marketing', price_per_segment: 1 }), 400, 'ERR_INVALID_REQUEST');
});

test('creates no route when the PUT is refused', async () => {
  await t.request('PUT', '/admin/v1/routes/txn-refused', { category: 'transactional', price_per_segment: -1 }, { key: t.operatorToken });
  assert.ok(!(await t.admin('GET', '/routes')).body.routes.some((r: { id: string }) => r.id === 'txn-refused'));
});

test('adds credits to a route and answers the new balance', async () => {
  const account = await t.createAccount({ transactional: 10 });
  const res = await t.admin('POST', `/accounts/${account.id}/credits`, { route: 'transactional', amount: 15, note: 'invoice 42' });
  assert.deepEqual(res, { status: 200, body: { route: 'transactional', balance: 25 } });
});

test('removes credits with a negative amount', async () => {
  const account = await t.createAccount({ transactional: 10 });
  const res = await t.admin('POST', `/accounts/${account.id}/credits`, { route: 'transactional', amount: -4 });
  assert.deepEqual(res.body, { route: 'transactional', balance: 6 });
});

test('enables a route for the account by crediting it', async () => {
  const account = await t.createAccount({ transactional: 10 });
  assert.equal((await t.request('POST', '/v1/sms/send', otp(), { key: account.apiKey })).status, 422);
  await t.admin('POST', `/accounts/${account.id}/credits`, { route: 'otp', amount: 5 });
  assert.equal((await t.request('POST', '/v1/sms/send', otp(), { key: account.apiKey })).status, 202);
});

test('refuses to take a balance below zero with 402 ERR_INSUFFICIENT_CREDITS', async () => {
  const account = await t.createAccount({ transactional: 10 });
  await expectRejection(t, operator('POST', `/accounts/${account.id}/credits`, { route: 'transactional', amount: -11 }, account.id), 402, 'ERR_INSUFFICIENT_CREDITS');
});

test('refuses a fractional amount with 400 ERR_INVALID_REQUEST', async () => {
  const account = await t.createAccount({ transactional: 10 });
  await expectRejection(t, operator('POST', `/accounts/${account.id}/credits`, { route: 'transactional', amount: 1.5 }, account.id), 400, 'ERR_INVALID_REQUEST');
});

test('refuses an amount as a string with 400 ERR_INVALID_REQUEST', async () => {
  const account = await t.createAccount({ transactional: 10 });
  await expectRejection(t, operator('POST', `/accounts/${account.id}/credits`, { route: 'transactional', amount: '100' }, account.id), 400, 'ERR_INVALID_REQUEST');
});

test('refuses an amount beyond a trillion credits with 400 ERR_INVALID_REQUEST', async () => {
  const account = await t.createAccount({ transactional: 10 });
  const error = await expectRejection(t, operator('POST', `/accounts/${account.id}/credits`, { route: 'transactional', amount: 1e13 }, account.id), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'amount' });
});

test('refuses credits on an unknown route with 422 ERR_ROUTE_NOT_FOUND', async () => {
  const account = await t.createAccount({ transactional: 10 });
  await expectRejection(t, operator('POST', `/accounts/${account.id}/credits`, { route: 'express', amount: 5 }, account.id), 422, 'ERR_ROUTE_NOT_FOUND');
});

test('refuses credits for an unknown account with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('POST', '/accounts/no-such-account/credits', { route: 'transactional', amount: 5 }, t.account.id), 404, 'ERR_NOT_FOUND');
});

test('lists an account\'s balances by route', async () => {
  const account = await t.createAccount({ transactional: 10, otp: 3 });
  const res = await t.admin('GET', `/accounts/${account.id}/balances`);
  assert.deepEqual(res, { status: 200, body: { balances: [{ route: 'otp', credits: 3 }, { route: 'transactional', credits: 10 }] } });
});

test('answers balances of an unknown account with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('GET', '/accounts/no-such-account/balances', undefined, t.account.id), 404, 'ERR_NOT_FOUND');
});

test('records top-ups, adjustments, reserves and refunds in the ledger, newest first', async () => {
  const account = await t.createAccount({ transactional: 10 });
  await t.admin('POST', `/accounts/${account.id}/credits`, { route: 'transactional', amount: -2, note: 'goodwill reversal' });
  const sent = await t.request('POST', '/v1/sms/send', transactional('Hello', sandbox.numberInactive), { key: account.apiKey });
  await waitForStatus(t, sent.body.message_id, 'FAILED', { key: account.apiKey });
  const res = await t.admin('GET', `/accounts/${account.id}/ledger`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.entries.map((e: { kind: string; amount: number }) => [e.kind, e.amount]), [
    ['refund', 1], ['reserve', -1], ['adjust', -2], ['topup', 10],
  ]);
  assert.equal(res.body.entries[2].note, 'goodwill reversal');
});

test('returns at most limit ledger entries', async () => {
  const account = await t.createAccount({ transactional: 10, otp: 10 });
  const res = await t.admin('GET', `/accounts/${account.id}/ledger?limit=1`);
  assert.equal(res.body.entries.length, 1);
});

test('refuses a ledger limit that is not a number with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, operator('GET', `/accounts/${t.account.id}/ledger?limit=all`, undefined, t.account.id), 400, 'ERR_INVALID_REQUEST');
});

test('answers the ledger of an unknown account with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('GET', '/accounts/no-such-account/ledger', undefined, t.account.id), 404, 'ERR_NOT_FOUND');
});
