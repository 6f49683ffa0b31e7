// Nothing lost, nothing sent twice, over SMPP: SIGKILL the server while it submits a load to the SMSC
// simulator, restart it, and check that every accepted message finishes, that every submission the
// carrier accepted is either recorded (its carrier id committed) or left in doubt (UNKNOWN, never
// resent), that no part reached the carrier twice, and that credits add up exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CommandStatus } from '../../src/protocols/smpp/index.ts';
import { startSmscSimulator } from '../../src/simulator/smsc-simulator.ts';
import { inspectStore, runCli, spawnGateway } from '../fixtures/child-gateway.ts';
import { type Accepted, pour, verifyCredits, waitAllFinal, waitStoreFinal } from '../fixtures/load.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-kill-smpp-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const initialCredits = 10_000_000;
test('a server killed with SIGKILL while submitting over SMPP loses no message and sends none twice', { timeout: 240_000 }, async () => {
  const sim = await startSmscSimulator({
    receiptDelayMs: 100, keepSubmissions: 1_000_000,
    rules: [
      { match: { destination: '919999900001' }, action: 'reject', status: CommandStatus.ESME_RINVDSTADR },
      { match: { destination: '919999900003' }, action: 'fail_receipt' },
    ],
  });
  try {
    const { account_id: accountId, api_key: apiKey } = await runCli(dataDir, ['account', 'create', '--name', 'kill', '--credits', `transactional=${initialCredits}`, '--rate-limit', '100000000']);
    await runCli(dataDir, ['sender', 'add', '--account', accountId, '--sender', 'DAKIYA']);
    await runCli(dataDir, ['template', 'add', '--account', accountId, '--template-id', 'T1', '--sender', 'DAKIYA', '--category', 'transactional', '--text', 'Hello {#var#}']);
    await runCli(dataDir, ['connector', 'add', '--name', 'sim', '--host', '127.0.0.1', '--port', String(sim.port), '--system-id', 'dakiya', '--password', 'pw',
      '--routes', 'transactional', '--binds', '2', '--window', '100', '--id-format', 'hex']);
    const env = { DAKIYA_DLT_MAX_VARIABLE_LENGTH: '200', DAKIYA_SMPP_UPSTREAM_RELOAD_MS: '200' };

    const first = await spawnGateway(dataDir, env);
    const accepted: Accepted = { batches: [], singles: [] };
    let killed = false;
    const loops = Array.from({ length: 4 }, (_, i) => pour(first.url, apiKey, accepted, () => killed, i * 10_000));
    // Kill once submissions are flowing: some answered, some in the window, many still queued.
    const started = Date.now();
    while (sim.stats().submitsReceived < 3000) {
      assert.ok(Date.now() - started < 60_000, `submissions reach the simulator (${JSON.stringify(sim.stats())})`);
      await new Promise((r) => setTimeout(r, 10));
    }
    killed = true;
    await first.kill();
    await Promise.all(loops);

    const second = await spawnGateway(dataDir, env);
    try {
      await waitAllFinal(second.url, apiKey, accepted, 180_000);
      await waitStoreFinal(() => inspectStore(dataDir), accountId, 60_000);
    } finally {
      await second.stop();
    }

    const db = await inspectStore(dataDir);
    // Parts the store recorded as taken by the carrier (a carrier id each), and parts left in doubt.
    const { recorded, in_doubt: inDoubt, unknown } = await db.one<'recorded' | 'in_doubt' | 'unknown'>(
      `SELECT SUM(CASE WHEN carrier_id IS NULL THEN 0 ELSE length(carrier_id) - length(replace(carrier_id, ',', '')) + 1 END) AS recorded,
              SUM(CASE WHEN status = 'UNKNOWN' THEN segments ELSE 0 END) AS in_doubt,
              SUM(CASE WHEN status = 'UNKNOWN' THEN 1 ELSE 0 END) AS unknown
       FROM messages WHERE account_id = $1`, accountId);
    await db.close();
    const taken = sim.submissions().filter((s) => s.command_status === CommandStatus.ESME_ROK);
    // The load sends each text to each number once, except to the sandbox's magic numbers (any
    // number works with the simulator): those get the same texts in every bulk request.
    const unique = taken.filter((s) => !s.destination_addr.startsWith('9199999'));
    const distinct = new Set(unique.map((s) => `${s.destination_addr}|${s.short_message.toString('hex')}`));
    assert.equal(distinct.size, unique.length, 'no part reached the carrier twice');
    assert.ok(taken.length >= recorded, 'every recorded carrier id was issued by the carrier');
    assert.ok(taken.length - recorded <= inDoubt, `what the carrier took beyond the records (${taken.length - recorded}) is at most what is in doubt (${inDoubt} parts)`);
    // Each lane claims at most twice the free windows (2 binds × 100) ahead of what is on the wire.
    assert.ok(unknown <= 3 * 2 * 2 * 100, `only what the dispatcher had claimed for the windows is in doubt (${unknown})`);
    await verifyCredits(await inspectStore(dataDir), accountId, initialCredits, accepted);
  } finally {
    await sim.close();
  }
});
