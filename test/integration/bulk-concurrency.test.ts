// Bulk requests beyond bulk.maxConcurrent wait in line and are all served.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway({ flags: { 'bulk.maxConcurrent': 1 } }); });
after(async () => { await t.stop(); });

test('six concurrent bulk requests through one slot are each accepted', async () => {
  const body = (n: number) => ({
    recipients: Array.from({ length: 50 }, (_, i) => ({ to: `97${String(n * 100 + i).padStart(8, '0')}`, variables: ['x'] })),
    sender: 'DAKIYA', template_id: 'T-PLAIN-1', category: 'transactional',
  });
  const results = await Promise.all(Array.from({ length: 6 }, (_, n) => t.request('POST', '/v1/sms/bulk', body(n))));
  assert.deepEqual(results.map((r) => r.status), [202, 202, 202, 202, 202, 202]);
  assert.equal(new Set(results.map((r) => r.body.batch_id)).size, 6);
});
