// A message accepted on a node that does not dispatch wakes the dispatching node at once
// (LISTEN/NOTIFY), rather than waiting for its next poll.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { dispatcher, type NodeCluster, startNodes } from '../fixtures/node-cluster.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

let cluster: NodeCluster | undefined;
after(() => cluster?.stop());

test('an OTP accepted on the other node is submitted long before the dispatcher\'s next poll', { timeout: 120_000 }, async (t) => {
  const pollMs = 10_000;
  cluster = await startNodes(2, await freshSchemaUrl(), { DAKIYA_DISPATCH_POLL_INTERVAL_MS: String(pollMs), DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '1' });
  const account = await cluster.account({ name: 'wake', credits: { otp: 100 }, template: { template_id: 'OTP1', category: 'otp', text: 'Your code is {#num#}' } });
  const idle = cluster.nodes[1 - await dispatcher(cluster.nodes)]!;
  // Let the dispatcher fall asleep on its long poll first.
  await new Promise((r) => setTimeout(r, 1000));

  const headers = { authorization: `Bearer ${account.apiKey}`, 'content-type': 'application/json' };
  const sentAt = Date.now();
  const res = await fetch(`${idle.url}/v1/sms/send`, { method: 'POST', headers, body: JSON.stringify({ to: '919812345678', sender: 'DAKIYA', template_id: 'OTP1', message: 'Your code is 4821', category: 'otp' }) });
  assert.equal(res.status, 202);
  const { message_id: id } = await res.json() as { message_id: string };
  let status = '';
  while (status !== 'DELIVERED' && Date.now() - sentAt < pollMs) {
    status = ((await (await fetch(`${idle.url}/v1/messages/${id}`, { headers })).json()) as { status: string }).status;
    if (status !== 'DELIVERED') await new Promise((r) => setTimeout(r, 20));
  }
  const tookMs = Date.now() - sentAt;
  t.diagnostic(`delivered ${tookMs} ms after acceptance on the other node (poll interval ${pollMs} ms)`);
  assert.equal(status, 'DELIVERED');
  assert.ok(tookMs < 2000, `delivered in ${tookMs} ms`);
});
