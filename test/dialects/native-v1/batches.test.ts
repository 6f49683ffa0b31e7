// GET /v1/batches/:id: a bulk request's totals and its messages counted by status.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { bulk, sandbox } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

async function sendBulk(recipients: string[]): Promise<any> {
  const res = await t.request('POST', '/v1/sms/bulk', bulk(recipients));
  assert.equal(res.status, 202, res.raw);
  return res.body;
}

const getBatch = (id: string) => t.request('GET', `/v1/batches/${id}`);

test('returns a batch with its recipient totals and route', async () => {
  const sent = await sendBulk(['9876543210', '9876543211', '9876543212', '123']);
  const res = await getBatch(sent.batch_id);
  assert.equal(res.status, 200, res.raw);
  assert.equal(res.body.batch_id, sent.batch_id);
  assert.equal(res.body.route, 'transactional');
  assert.equal(res.body.total_recipients, 4);
  assert.equal(res.body.accepted_recipients, 3);
  assert.equal(res.body.scheduled_at, null);
  assert.equal(Object.values(res.body.counts as Record<string, number>).reduce((a, b) => a + b, 0), 3);
});

test('marks the batch completed once every message is final', async () => {
  const sent = await sendBulk(['9876543210', '9876543211']);
  const done = await t.until(async () => {
    const res = await getBatch(sent.batch_id);
    return res.body.completed === true && res.body;
  });
  assert.deepEqual(done.counts, { DELIVERED: 2 });
});

test('counts the batch\'s messages by final status', async () => {
  const sent = await sendBulk(['9876543210', sandbox.numberInactive, sandbox.carrierRejects]);
  const done = await t.until(async () => {
    const res = await getBatch(sent.batch_id);
    return res.body.completed === true && res.body;
  });
  assert.deepEqual(done.counts, { DELIVERED: 1, FAILED: 1, REJECTED: 1 });
});

test('keeps a batch open while a message still awaits its receipt', async () => {
  const sent = await sendBulk([sandbox.noReceipt]);
  const res = await t.until(async () => {
    const b = await getBatch(sent.batch_id);
    return b.body.counts.SUBMITTED === 1 && b.body;
  });
  assert.equal(res.completed, false);
});

test('answers an unknown batch id with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, { url: `/v1/batches/${randomUUID()}` }, 404, 'ERR_NOT_FOUND');
  await expectRejection(t, { url: '/v1/batches/BATCH20260530XYZ' }, 404, 'ERR_NOT_FOUND');
});

test('answers another tenant\'s batch id with a plain 404', async () => {
  const other = await t.createAccount();
  const sent = await sendBulk(['9876543210']);
  const error = await expectRejection(t, { url: `/v1/batches/${sent.batch_id}`, key: other.apiKey, accountId: other.id }, 404, 'ERR_NOT_FOUND');
  assert.equal(error.message, `No batch ${sent.batch_id}.`);
});
