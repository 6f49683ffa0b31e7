// Nothing lost: SIGKILL the server while bulk and single sends pour in, restart it, and check that
// every accepted message exists and finishes and that credits add up exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inspectStore, runCli, spawnGateway } from '../fixtures/child-gateway.ts';
import { type Accepted, pour, verifyCredits, waitAllFinal, waitStoreFinal } from '../fixtures/load.ts';
import { onPostgres } from '../fixtures/postgres.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const initialCredits = 10_000_000;
test('a server killed with SIGKILL during a bulk load loses no accepted message and charges each exactly once', { timeout: 180_000 }, () => killDuringLoad({}));

// Every 400-recipient bulk is committed as a deferred chunk and made into rows after its 202, so
// the kill also lands between accepts and their fan-out (or inside one).
test('the same with every bulk deferred: no accepted message is lost or made twice', {
  timeout: 180_000, skip: onPostgres && 'PostgreSQL never defers a batch: its rows are written in the accept (store.sqlite.deferBatchesFrom is SQLite\'s)',
}, (t) => killDuringLoad({ DAKIYA_STORE_SQLITE_DEFER_BATCHES_FROM: '100' }, (m) => t.diagnostic(m)));

async function killDuringLoad(env: Record<string, string>, diagnostic: (message: string) => void = () => {}): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-kill-'));
  dirs.push(dataDir);
  const { account_id: accountId, api_key: apiKey } = await runCli(dataDir, ['account', 'create', '--name', 'kill', '--credits', `transactional=${initialCredits}`, '--rate-limit', '100000000']);
  await runCli(dataDir, ['sender', 'add', '--account', accountId, '--sender', 'DAKIYA']);
  await runCli(dataDir, ['template', 'add', '--account', accountId, '--template-id', 'T1', '--sender', 'DAKIYA', '--category', 'transactional', '--text', 'Hello {#var#}']);

  const first = await spawnGateway(dataDir, { DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '200', DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200', ...env });
  const accepted: Accepted = { batches: [], singles: [] };
  let killed = false;
  const loops = Array.from({ length: 6 }, () => pour(first.url, apiKey, accepted, () => killed));
  // Kill once a fair amount is in flight: accepted, queued, submitted and awaiting receipts.
  const started = Date.now();
  while (accepted.batches.length < 15) {
    assert.ok(Date.now() - started < 30_000, 'the load is accepted');
    await new Promise((r) => setTimeout(r, 20));
  }
  killed = true;
  await first.kill();
  await Promise.all(loops);
  assert.ok(accepted.batches.length >= 15, 'load was accepted before the kill');
  if (!onPostgres && env.DAKIYA_STORE_SQLITE_DEFER_BATCHES_FROM) {
    const probe = await inspectStore(dataDir);
    diagnostic(`deferred chunks left by the kill: ${(await probe.one<'n'>('SELECT COUNT(*) AS n FROM deferred_messages')).n}`);
    await probe.close();
  }

  const second = await spawnGateway(dataDir, { DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '1', DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200', ...env });
  try {
    // The restarted node's own fan-out makes the chunks left by the kill into rows (before any
    // reader of a batch could make them itself).
    if (!onPostgres) {
      for (const started = Date.now(); ;) {
        const probe = await inspectStore(dataDir);
        const left = (await probe.one<'n'>('SELECT COUNT(*) AS n FROM deferred_messages')).n;
        await probe.close();
        if (left === 0) break;
        assert.ok(Date.now() - started < 30_000, `the restarted node makes every deferred chunk into rows (${left} chunk(s) left)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await waitAllFinal(second.url, apiKey, accepted);
    await waitStoreFinal(() => inspectStore(dataDir), accountId, 60_000);
  } finally {
    await second.stop();
  }

  const db = await inspectStore(dataDir);
  if (!onPostgres) assert.equal((await db.one<'n'>('SELECT COUNT(*) AS n FROM deferred_messages')).n, 0, 'no deferred chunk is left');
  await verifyCredits(db, accountId, initialCredits, accepted);
}
