// Acceptance (issue 7, item 2): three nodes on one PostgreSQL take traffic; the node holding the
// sandbox channel's dispatch lease is killed with SIGKILL mid-load; another node takes the lease
// within the configured bound, every accepted message finishes exactly once and the credits add up.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { inspectStore } from '../fixtures/child-gateway.ts';
import { type Accepted, pour, verifyCredits, waitAllFinal } from '../fixtures/load.ts';
import { dispatcher, metric, type NodeCluster, startNodes } from '../fixtures/node-cluster.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

const ttlMs = 2000;
const renewMs = 250;
const initialCredits = 10_000_000;
let cluster: NodeCluster | undefined;
after(() => cluster?.stop());

test('killing the dispatching node of three moves its lease in bounded time and loses nothing', { timeout: 240_000 }, async (t) => {
  cluster = await startNodes(3, await freshSchemaUrl(), {
    DAKIYA_NODE_LEASE_TTL_MS: String(ttlMs), DAKIYA_NODE_LEASE_RENEW_MS: String(renewMs),
    DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '200', DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200',
  });
  const { nodes } = cluster;
  const { id: accountId, apiKey } = await cluster.account({ name: 'cluster', credits: { transactional: initialCredits }, rateLimitPerMinute: 100_000_000 });

  const holder = await dispatcher(nodes);
  const holders = (await Promise.all(nodes.map((n) => metric(n, 'dakiya_lease_held', { lease: 'dispatch' })))).filter((v) => v === 1);
  assert.equal(holders.length, 1, 'exactly one node holds the dispatch lease');

  // Two customers' worth of load through every node.
  const accepted: Accepted = { batches: [], singles: [] };
  const stopped = nodes.map(() => false);
  const loops = nodes.flatMap((n, i) => [0, 1].map(() => pour(n.url, apiKey, accepted, () => stopped[i]!)));
  const started = Date.now();
  while (accepted.batches.length < 18) {
    assert.ok(Date.now() - started < 60_000, 'the load is accepted');
    await new Promise((r) => setTimeout(r, 20));
  }
  const perNode = await Promise.all(nodes.map((n) => metric(n, 'dakiya_messages_accepted_total')));
  assert.ok(perNode.every((n) => n > 0), `every node accepted traffic: ${perNode.join(', ')}`);

  stopped[holder] = true;
  const killedAt = Date.now();
  await nodes[holder]!.kill();
  const survivors = nodes.filter((_, i) => i !== holder);
  const next = await dispatcher(survivors, ttlMs * 5);
  const movedMs = Date.now() - killedAt;
  t.diagnostic(`lease moved ${movedMs} ms after the kill`);
  // The bound: the lease runs out ttlMs after its last renewal, and a standby tries every renewMs.
  assert.ok(movedMs <= ttlMs + renewMs + 500, `the lease moved in ${movedMs} ms (bound ${ttlMs + renewMs} ms + scrape slack)`);

  // Keep the survivors busy a little longer, then let everything finish.
  await new Promise((r) => setTimeout(r, 1500));
  stopped.fill(true);
  await Promise.all(loops);
  await waitAllFinal(survivors[next]!.url, apiKey, accepted);
  await verifyCredits(await inspectStore(cluster.dataDir, cluster.env['DAKIYA_STORE_URL']), accountId, initialCredits, accepted);
});
