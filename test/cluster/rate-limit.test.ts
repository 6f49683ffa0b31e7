// Per-key rate limits hold across nodes: a key's requests spread over three nodes at once get
// exactly its limit through, not three times it.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type NodeCluster, startNodes } from '../fixtures/node-cluster.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

let cluster: NodeCluster | undefined;
after(() => cluster?.stop());

test('a key limited to 300 requests a minute gets 300 through three nodes together', { timeout: 120_000 }, async (t) => {
  cluster = await startNodes(3, await freshSchemaUrl());
  const limit = 300;
  const created = await cluster.admin('/accounts', { name: 'limited', credits: { transactional: 10 }, rate_limit_per_minute: limit });
  const headers = { authorization: `Bearer ${created.api_key}` };
  // Stay clear of a minute boundary, where the window (and the count) starts again.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 61_000 - intoMinute));

  const statuses = new Map<number, number>();
  let retryAfterMissing = 0;
  // 900 requests: 300 per node, 10 at a time on each.
  await Promise.all(cluster.nodes.flatMap((node) => Array.from({ length: 10 }, async () => {
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${node.url}/v1/account/balance`, { headers });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429 && !res.headers.get('retry-after')) retryAfterMissing++;
    }
  })));
  t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.deepEqual([...statuses.keys()].sort(), [200, 429]);
  const ok = statuses.get(200)!;
  assert.ok(ok <= limit, `no more than the limit got through (${ok})`);
  assert.ok(ok >= limit * 0.97, `the limit is not undercut by more than 3 % (${ok})`);
  assert.equal(retryAfterMissing, 0, 'every 429 carries Retry-After');
});
