// /admin/v1/dnd and /dnd/remove: the operator's DND registry, all numbers or none.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from '../../dialects/native-v1/account-state.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const onDnd = async (numbers: string[]) => [...await t.gateway.core.store.findDnd(numbers)].sort();

test('adds numbers to the registry and counts only the new ones', async () => {
  assert.deepEqual(await t.admin('POST', '/dnd', { numbers: ['9811111111', '+91 98111 11112'] }), { status: 200, body: { added: 2 } });
  assert.deepEqual(await t.admin('POST', '/dnd', { numbers: ['09811111111', '9811111113'] }), { status: 200, body: { added: 1 } });
  assert.deepEqual(await onDnd(['919811111111', '919811111112', '919811111113']), ['919811111111', '919811111112', '919811111113']);
});

test('removes numbers and counts those that were there', async () => {
  await t.admin('POST', '/dnd', { numbers: ['9822222221'] });
  assert.deepEqual(await t.admin('POST', '/dnd/remove', { numbers: ['919822222221', '9822222222'] }), { status: 200, body: { removed: 1 } });
  assert.deepEqual(await onDnd(['919822222221']), []);
});

test('refuses a list with an invalid number with 422 ERR_INVALID_MOBILE and adds none of it', async () => {
  const error = await expectRejection(t, { url: '/admin/v1/dnd', body: { numbers: ['9833333331', 'not-a-number'] }, key: t.operatorToken }, 422, 'ERR_INVALID_MOBILE');
  assert.deepEqual(error.details, { index: 1, number: 'not-a-number' });
  assert.deepEqual(await onDnd(['919833333331']), []);
});

test('refuses an international number with 422 ERR_INVALID_MOBILE, the registry being Indian', async () => {
  await expectRejection(t, { url: '/admin/v1/dnd', body: { numbers: ['+447911123456'] }, key: t.operatorToken }, 422, 'ERR_INVALID_MOBILE');
});

test('refuses an empty list with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, { url: '/admin/v1/dnd', body: { numbers: [] }, key: t.operatorToken }, 400, 'ERR_INVALID_REQUEST');
});
