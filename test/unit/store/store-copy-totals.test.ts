// The comparison `store copy` runs before COMMIT: every figure that differs is named, with both sides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareTotals, readTotals, type StoreTotals } from '../../../src/store/store-copy-totals.ts';

const totals = (): StoreTotals => ({
  rows: { accounts: 2, messages: 5 },
  balances: { 'a1/transactional': 90, 'a2/otp': 10 },
  ledger: { 'a1/transactional': { entries: 3, amount: 90 }, 'a2/otp': { entries: 1, amount: 10 } },
  messages: { DELIVERED: { count: 4, credits: 4 }, SCHEDULED: { count: 1, credits: 2 } },
});

test('finds nothing to report when source and target agree', () => {
  assert.deepEqual(compareTotals(totals(), totals()), []);
});

test('names a table whose row count differs', () => {
  const target = totals();
  target.rows.messages = 4;
  assert.deepEqual(compareTotals(totals(), target), ['rows in messages: source 5, target 4']);
});

test('names the account and route of a balance that differs or is missing', () => {
  const target = totals();
  target.balances['a1/transactional'] = 91;
  delete target.balances['a2/otp'];
  assert.deepEqual(compareTotals(totals(), target), [
    'balance of a1/transactional: source 90, target 91',
    'balance of a2/otp: source 10, target none',
  ]);
});

test('names a ledger whose sum differs even when its entries are all there', () => {
  const target = totals();
  target.ledger['a1/transactional'] = { entries: 3, amount: 87 };
  assert.deepEqual(compareTotals(totals(), target), ['ledger of a1/transactional: source 3 entries summing to 90, target 3 entries summing to 87']);
});

test('names a status the target holds and the source does not', () => {
  const target = totals();
  target.messages.QUEUED = { count: 1, credits: 1 };
  assert.deepEqual(compareTotals(totals(), target), ['messages QUEUED: source none, target 1 with 1 credits']);
});

test('reads counts and sums given as text (PostgreSQL int8 and numeric) as numbers', async () => {
  const answers: Record<string, Array<Record<string, unknown>>> = {
    'SELECT count(*) AS n FROM "accounts"': [{ n: '2' }],
    'SELECT account_id, route_id, sum(balance) AS total FROM balances GROUP BY account_id, route_id': [{ account_id: 'a1', route_id: 'otp', total: '10' }],
    'SELECT account_id, route_id, count(*) AS entries, sum(amount) AS total FROM ledger GROUP BY account_id, route_id': [{ account_id: 'a1', route_id: 'otp', entries: '1', total: '10' }],
    'SELECT status, count(*) AS count, sum(credits) AS total FROM messages GROUP BY status': [{ status: 'DELIVERED', count: '1', total: '1' }],
  };
  const read = await readTotals(async (sql) => answers[sql] ?? [], ['accounts']);
  assert.deepEqual(read, {
    rows: { accounts: 2 },
    balances: { 'a1/otp': 10 },
    ledger: { 'a1/otp': { entries: 1, amount: 10 } },
    messages: { DELIVERED: { count: 1, credits: 1 } },
  });
});
