// Nothing lost, for events too: SIGKILL the server while receipts pour in and webhooks go out,
// restart it, and check that every state change produced exactly one event, that each event
// reached the receiver at least once (verified by an independent Standard Webhooks verifier), and
// that no webhook-id arrived more often than its deliveries counted attempts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inspectStore, runCli, spawnGateway } from '../fixtures/child-gateway.ts';
import { type Accepted, pour, waitAllFinal } from '../fixtures/load.ts';
import { startWebhookReceiver } from '../fixtures/webhook-receiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-kill-webhooks-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const env = { DAKIYA_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', DAKIYA_WEBHOOKS_POLL_MS: '20', DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200' };

test('a server killed with SIGKILL during a burst of receipts loses no event and over-sends none', { timeout: 240_000 }, async () => {
  const { account_id: accountId, api_key: apiKey } = await runCli(dataDir, ['account', 'create', '--name', 'kill', '--credits', 'transactional=10000000', '--rate-limit', '100000000']);
  await runCli(dataDir, ['sender', 'add', '--account', accountId, '--sender', 'DAKIYA']);
  await runCli(dataDir, ['template', 'add', '--account', accountId, '--template-id', 'T1', '--sender', 'DAKIYA', '--category', 'transactional', '--text', 'Hello {#var#}']);

  let secret = '';
  // A receiver that takes a little time, so deliveries are in flight when the server dies.
  const receiver = await startWebhookReceiver({ secrets: () => [secret], respond: () => ({ status: 204, delayMs: Math.floor(Math.random() * 10) }) });
  try {
    const first = await spawnGateway(dataDir, { ...env, DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '100' });
    const created = await fetch(`${first.url}/v1/webhooks`, {
      method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/events`, events: ['*'] }),
    });
    assert.equal(created.status, 201);
    secret = ((await created.json()) as { secret: string }).secret;

    const accepted: Accepted = { batches: [], singles: [] };
    let killed = false;
    const loops = Array.from({ length: 4 }, (_, i) => pour(first.url, apiKey, accepted, () => killed, i * 100_000));
    // Kill once receipts are flowing and webhooks are being delivered.
    const started = Date.now();
    while (accepted.batches.length < 10 || receiver.received.length < 2000) {
      assert.ok(Date.now() - started < 60_000, `load and deliveries under way (${accepted.batches.length} batches, ${receiver.received.length} webhooks)`);
      await new Promise((r) => setTimeout(r, 10));
    }
    killed = true;
    await first.kill();
    await Promise.all(loops);
    const beforeRestart = receiver.received.length;

    const second = await spawnGateway(dataDir, { ...env, DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '1' });
    let db;
    try {
      await waitAllFinal(second.url, apiKey, accepted);
      db = await inspectStore(dataDir);
      // Every event in the log reached the receiver (the restarted server finishes what the first left).
      const deadline = Date.now() + 120_000;
      let events: Array<Record<'seq' | 'attempts', number>> = [];
      for (;;) {
        events = await db.all<'seq' | 'attempts'>(
          'SELECT e.seq AS seq, (SELECT coalesce(sum(d.attempts), 0) FROM webhook_deliveries d WHERE d.event_seq = e.seq) AS attempts FROM events e ORDER BY e.seq');
        const missing = events.filter((e) => !receiver.byId.has(`evt_${e.seq}`));
        if (missing.length === 0) break;
        assert.ok(Date.now() < deadline, `${missing.length} of ${events.length} events never delivered, e.g. evt_${missing[0]!.seq}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(receiver.received.length > beforeRestart, 'the restarted server delivered the rest');

      // One event per real state change: each message one final event, each submission one submitted event.
      const counts = await db.one<'messages' | 'submitted' | 'finals' | 'finalMessages' | 'submittedEvents' | 'submittedMessages' | 'campaigns' | 'batches'>(
        `SELECT (SELECT count(*) FROM messages) AS messages,
                (SELECT count(*) FROM messages WHERE submitted_at IS NOT NULL) AS submitted,
                (SELECT count(*) FROM events WHERE type IN ('message.delivered', 'message.failed', 'message.expired', 'message.unknown')) AS finals,
                (SELECT count(DISTINCT message_id) FROM events WHERE type IN ('message.delivered', 'message.failed', 'message.expired', 'message.unknown')) AS "finalMessages",
                (SELECT count(*) FROM events WHERE type = 'message.submitted') AS "submittedEvents",
                (SELECT count(DISTINCT message_id) FROM events WHERE type = 'message.submitted') AS "submittedMessages",
                (SELECT count(*) FROM events WHERE type = 'campaign.completed') AS campaigns,
                (SELECT count(*) FROM batches) AS batches`);
      assert.ok(counts.messages > 4000, `a real load (${counts.messages} messages)`);
      assert.equal(counts.finals, counts.messages);
      assert.equal(counts.finalMessages, counts.messages);
      assert.equal(counts.submittedEvents, counts.submitted);
      assert.equal(counts.submittedMessages, counts.submitted);
      assert.equal(counts.campaigns, counts.batches);

      // At-least-once, never more than attempted; every copy verifies.
      for (const e of events) {
        const copies = receiver.byId.get(`evt_${e.seq}`)!;
        assert.ok(copies.length <= e.attempts, `evt_${e.seq} arrived ${copies.length} times, attempted ${e.attempts}`);
      }
      const unverified = receiver.received.filter((w) => !w.verified || !w.simpleVerified);
      assert.deepEqual(unverified.map((w) => w.id), []);
      assert.equal(receiver.received.length, [...receiver.byId.values()].reduce((n, c) => n + c.length, 0));
      assert.equal(receiver.byId.size, events.length, 'no webhook-id outside the event log');
    } finally {
      await db?.close();
      await second.stop();
    }
  } finally {
    await receiver.close();
  }
});
