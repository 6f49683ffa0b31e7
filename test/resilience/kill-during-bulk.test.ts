// Nothing lost: SIGKILL the server while bulk and single sends pour in, restart it, and check that
// every accepted message exists and finishes and that credits add up exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inspectStore, runCli, spawnGateway } from '../fixtures/child-gateway.ts';
import { type Accepted, pour, verifyCredits, waitAllFinal } from '../fixtures/load.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-kill-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const initialCredits = 10_000_000;
test('a server killed with SIGKILL during a bulk load loses no accepted message and charges each exactly once', { timeout: 180_000 }, async () => {
  const { account_id: accountId, api_key: apiKey } = await runCli(dataDir, ['account', 'create', '--name', 'kill', '--credits', `transactional=${initialCredits}`, '--rate-limit', '100000000']);
  await runCli(dataDir, ['sender', 'add', '--account', accountId, '--sender', 'DAKIYA']);
  await runCli(dataDir, ['template', 'add', '--account', accountId, '--template-id', 'T1', '--sender', 'DAKIYA', '--category', 'transactional', '--text', 'Hello {#var#}']);

  const first = await spawnGateway(dataDir, { DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '200', DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200' });
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

  const second = await spawnGateway(dataDir, { DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '1', DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200' });
  try {
    await waitAllFinal(second.url, apiKey, accepted);
  } finally {
    await second.stop();
  }

  await verifyCredits(await inspectStore(dataDir), accountId, initialCredits, accepted);
});
