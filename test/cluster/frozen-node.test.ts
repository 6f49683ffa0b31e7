// Acceptance (issue 7, item 3): the node holding the dispatch lease is frozen (SIGSTOP) past its
// lease; the other node takes over; once woken, the frozen node hands nothing more to its channel,
// and every accepted message still finishes exactly once with the credits adding up.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { inspectStore } from '../fixtures/child-gateway.ts';
import { type Accepted, pour, verifyCredits, waitAllFinal } from '../fixtures/load.ts';
import { dispatcher, metric, type NodeCluster, startNodes } from '../fixtures/node-cluster.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

const ttlMs = 3000;
const renewMs = 250;
const initialCredits = 10_000_000;
let cluster: NodeCluster | undefined;
after(async () => {
  for (const n of cluster?.nodes ?? []) n.child.kill('SIGCONT');
  await cluster?.stop();
});

test('a node frozen past its lease is fenced out and submits nothing after waking', { timeout: 240_000 }, async (t) => {
  cluster = await startNodes(2, await freshSchemaUrl(), {
    DAKIYA_NODE_LEASE_TTL_MS: String(ttlMs), DAKIYA_NODE_LEASE_RENEW_MS: String(renewMs),
    DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '200', DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200',
  });
  const { nodes } = cluster;
  const { id: accountId, apiKey } = await cluster.account({ name: 'frozen', credits: { transactional: initialCredits }, rateLimitPerMinute: 100_000_000 });

  const frozen = await dispatcher(nodes);
  const other = 1 - frozen;
  const accepted: Accepted = { batches: [], singles: [] };
  let stop = false;
  // Load through the node that stays awake, so the freeze never stalls a client.
  const loops = [0, 1, 2].map(() => pour(nodes[other]!.url, apiKey, accepted, () => stop));
  const started = Date.now();
  while (await metric(nodes[frozen]!, 'dakiya_channel_submits_total') < 2000) {
    assert.ok(Date.now() - started < 60_000, 'the frozen-to-be node is dispatching');
    await new Promise((r) => setTimeout(r, 20));
  }

  nodes[frozen]!.child.kill('SIGSTOP');
  const frozenAt = Date.now();
  assert.equal(await dispatcher([nodes[other]!], ttlMs * 5), 0, 'the awake node takes the lease over');
  const movedMs = Date.now() - frozenAt;
  t.diagnostic(`lease moved ${movedMs} ms after the freeze`);
  assert.ok(movedMs <= ttlMs + renewMs + 500, `the lease moved in ${movedMs} ms`);
  // Frozen well past its lease while the other node dispatches.
  await new Promise((r) => setTimeout(r, ttlMs));
  const wokenAt = Date.now();
  nodes[frozen]!.child.kill('SIGCONT');
  // Watch the woken node for a while: it renews, finds the lease gone, and must not hand anything
  // to its channel meanwhile. (On a loaded machine the other node may in turn miss a renewal and the
  // woken node win the lease back legitimately, with a new token: submissions after that are fine.)
  const lease = { lease: 'dispatch' };
  let violation: string | undefined;
  for (const until = Date.now() + ttlMs; Date.now() < until && !violation;) {
    const [lastSubmit, acquiredAt] = await Promise.all([
      metric(nodes[frozen]!, 'dakiya_channel_last_submit_timestamp_ms'), metric(nodes[frozen]!, 'dakiya_lease_acquired_timestamp_ms', lease),
    ]);
    if (lastSubmit >= wokenAt && acquiredAt < wokenAt) violation = `handed messages to its channel at ${lastSubmit}, woken at ${wokenAt}, without winning the lease again`;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(violation, undefined);
  const [lastSubmit, acquiredAt] = await Promise.all([
    metric(nodes[frozen]!, 'dakiya_channel_last_submit_timestamp_ms'), metric(nodes[frozen]!, 'dakiya_lease_acquired_timestamp_ms', lease),
  ]);
  assert.ok(lastSubmit > 0, 'the node was dispatching before it froze');
  if (acquiredAt < wokenAt) {
    assert.ok(lastSubmit < wokenAt, `nothing handed over after waking (last at ${lastSubmit}, woken at ${wokenAt})`);
    assert.equal(await metric(nodes[frozen]!, 'dakiya_lease_held', lease), 0, 'the woken node knows it lost the lease');
  } else {
    t.diagnostic(`the woken node won the lease back at ${acquiredAt} (woken at ${wokenAt}): the other node missed a renewal`);
  }
  assert.equal((await Promise.all(nodes.map((n) => metric(n, 'dakiya_lease_held', lease)))).reduce((a, b) => a + b, 0), 1, 'one holder');

  stop = true;
  await Promise.all(loops);
  await waitAllFinal(nodes[other]!.url, apiKey, accepted);
  await verifyCredits(await inspectStore(cluster.dataDir, cluster.env['DAKIYA_STORE_URL']), accountId, initialCredits, accepted);
});
