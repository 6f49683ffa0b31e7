// Node roles: an api node takes requests and dispatches nothing; a worker node dispatches and
// serves only health, readiness and metrics. Together they deliver.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { metric, type NodeCluster, startNodes } from '../fixtures/node-cluster.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

let cluster: NodeCluster | undefined;
after(() => cluster?.stop());

test('an api node and a worker node split the work', { timeout: 120_000 }, async () => {
  cluster = await startNodes(1, await freshSchemaUrl(), { DAKIYA_NODE_ROLE: 'api', DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '1' });
  const api = cluster.nodes[0]!;
  const worker = await cluster.add({ DAKIYA_NODE_ROLE: 'worker' });
  const { apiKey } = await cluster.account({ name: 'roles', credits: { transactional: 100 } });
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

  const res = await fetch(`${api.url}/v1/sms/send`, { method: 'POST', headers, body: JSON.stringify({ to: '919812345678', sender: 'DAKIYA', template_id: 'T1', message: 'Hello there', category: 'transactional' }) });
  assert.equal(res.status, 202);
  const { message_id: id } = await res.json() as { message_id: string };
  let status = '';
  for (const deadline = Date.now() + 10_000; status !== 'DELIVERED' && Date.now() < deadline;) {
    status = ((await (await fetch(`${api.url}/v1/messages/${id}`, { headers })).json()) as { status: string }).status;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(status, 'DELIVERED', 'the worker node delivered what the api node accepted');

  assert.equal(await metric(api, 'dakiya_lease_held', { lease: 'dispatch' }), 0, 'the api node holds no dispatch lease');
  assert.equal(await metric(api, 'dakiya_channel_submits_total'), 0, 'the api node submitted nothing');
  assert.equal(await metric(worker, 'dakiya_lease_held', { lease: 'dispatch' }), 1);
  assert.equal(await metric(worker, 'dakiya_channel_submits_total'), 1);
  assert.equal((await fetch(`${worker.url}/v1/account/balance`, { headers })).status, 404, 'the worker node serves no customer API');
  assert.equal((await fetch(`${worker.url}/admin/v1/accounts`, { headers })).status, 404, 'nor the admin API');
  assert.equal((await fetch(`${worker.url}/readyz`)).status, 200);
});
