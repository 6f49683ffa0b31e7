// Issue 7 with a real carrier link: three nodes on one PostgreSQL and one SMPP connector to the
// SMSC simulator. Only the node holding the dispatch lease is bound; when it is killed with
// SIGKILL mid-load, another node binds within the lease bound, the carrier never sees more binds
// than the connector's, every accepted message finishes, none reaches the carrier twice, and the
// credits add up.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CommandStatus } from '../../src/protocols/smpp/index.ts';
import { type SmscSimulator, startSmscSimulator } from '../../src/simulator/smsc-simulator.ts';
import { inspectStore } from '../fixtures/child-gateway.ts';
import { type Accepted, pour, verifyCredits, waitAllFinal } from '../fixtures/load.ts';
import { dispatcher, metric, type NodeCluster, operatorToken, startNodes } from '../fixtures/node-cluster.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';

const ttlMs = 2000;
const renewMs = 250;
const binds = 2;
const initialCredits = 10_000_000;
let cluster: NodeCluster | undefined;
let sim: SmscSimulator | undefined;
after(async () => {
  await Promise.allSettled([cluster?.stop(), sim?.close()]);
});

test('the binds follow the dispatch lease: one node at a time, moved in bounded time when it dies', { timeout: 240_000 }, async (t) => {
  sim = await startSmscSimulator({
    receiptDelayMs: 100, keepSubmissions: 1_000_000,
    rules: [{ match: { destination: '919999900001' }, action: 'reject', status: CommandStatus.ESME_RINVDSTADR }],
  });
  cluster = await startNodes(3, await freshSchemaUrl(), {
    DAKIYA_NODE_LEASE_TTL_MS: String(ttlMs), DAKIYA_NODE_LEASE_RENEW_MS: String(renewMs),
    DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200', DAKIYA_SMPP_UPSTREAM_RELOAD_MS: '200', DAKIYA_SMPP_UPSTREAM_RECONNECT_MIN_MS: '100',
  });
  const { nodes } = cluster;
  const { id: accountId, apiKey } = await cluster.account({ name: 'smpp-cluster', credits: { transactional: initialCredits }, rateLimitPerMinute: 100_000_000 });
  const put = await fetch(`${nodes[0]!.url}/admin/v1/connectors/sim`, {
    method: 'PUT', headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ host: '127.0.0.1', port: sim.port, system_id: 'cluster', password: 'pw', binds, window: 100, routes: [{ route: 'transactional' }], message_ids: { submit: 'hex' } }),
  });
  assert.equal(put.status, 200, await put.text());

  // The carrier never sees more binds than the connector has, sampled all along.
  const accepted: Accepted = { batches: [], singles: [] };
  let mostSessions = 0;
  const sampler = setInterval(() => { mostSessions = Math.max(mostSessions, sim!.stats().sessions); }, 5);
  try {
    const holder = await dispatcher(nodes);
    const bound = async (node: (typeof nodes)[number]) => metric(node, 'dakiya_smpp_connector_bound_sessions', { connector: 'sim' });
    const deadline = Date.now() + 10_000;
    while ((await bound(nodes[holder]!)) !== binds) {
      assert.ok(Date.now() < deadline, 'the lease holder binds');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(await Promise.all(nodes.map(bound)), nodes.map((_, i) => (i === holder ? binds : 0)), 'only the holder is bound');

    const stopped = nodes.map(() => false);
    const loops = nodes.map((n, i) => pour(n.url, apiKey, accepted, () => stopped[i]!, i * 10_000));
    const started = Date.now();
    while (sim.stats().submitsReceived < 2000) {
      assert.ok(Date.now() - started < 60_000, 'submissions reach the carrier');
      await new Promise((r) => setTimeout(r, 10));
    }
    stopped[holder] = true;
    const killedAt = Date.now();
    await nodes[holder]!.kill();
    const survivors = nodes.filter((_, i) => i !== holder);
    const next = survivors[await dispatcher(survivors, ttlMs * 5)]!;
    while ((await bound(next)) !== binds) {
      assert.ok(Date.now() - killedAt < ttlMs * 5, 'the new holder binds');
      await new Promise((r) => setTimeout(r, 20));
    }
    const movedMs = Date.now() - killedAt;
    t.diagnostic(`binds moved ${movedMs} ms after the kill`);
    // The lease runs out ttlMs after its last renewal; a standby tries every renewMs; then connect and bind.
    assert.ok(movedMs <= ttlMs + renewMs + 1500, `the binds moved in ${movedMs} ms`);

    await new Promise((r) => setTimeout(r, 1000));
    stopped.fill(true);
    await Promise.all(loops);
    await waitAllFinal(next.url, apiKey, accepted, 180_000);
  } finally {
    clearInterval(sampler);
  }
  assert.ok(mostSessions <= binds, `the carrier saw at most ${binds} sessions at once (saw ${mostSessions})`);
  const unique = sim.submissions().filter((s) => s.command_status === CommandStatus.ESME_ROK && !s.destination_addr.startsWith('9199999'));
  assert.equal(new Set(unique.map((s) => `${s.destination_addr}|${s.short_message.toString('hex')}`)).size, unique.length, 'no part reached the carrier twice');
  await verifyCredits(await inspectStore(cluster.dataDir, cluster.env['DAKIYA_STORE_URL']), accountId, initialCredits, accepted, { refunds: true });
});
