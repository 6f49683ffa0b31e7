// Nothing lost: SIGKILL the server while bulk and single sends pour in, restart it, and check that
// every accepted message exists and finishes and that credits add up exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inspectStore, runCli, spawnGateway } from '../fixtures/child-gateway.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-kill-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const initialCredits = 10_000_000;
const magic = ['919999900001', '919999900003', '919999900005', '919999900007'];

function number(i: number): string {
  return `9198${String(i).padStart(8, '0')}`;
}

interface Accepted {
  batches: Array<{ id: string; accepted: number; credits: number }>;
  singles: Array<{ id: string; credits: number }>;
}

async function pour(url: string, apiKey: string, accepted: Accepted, stopAt: () => boolean): Promise<void> {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  let n = 0;
  while (!stopAt()) {
    const bulk = n % 3 !== 2;
    const body = bulk
      ? { recipients: Array.from({ length: 400 }, (_, i) => ({ to: i % 50 === 0 ? magic[i % magic.length]! : number(n * 1000 + i), variables: [`Customer ${i}`] })), sender: 'DAKIYA', template_id: 'T1', category: 'transactional' }
      : { to: number(n), sender: 'DAKIYA', template_id: 'T1', message: `Hello Customer ${n}, here is a long message that needs two segments: ${'x'.repeat(200)}`.slice(0, 6 + 180), category: 'transactional' };
    n++;
    let res: Response;
    try {
      res = await fetch(`${url}/v1/sms/${bulk ? 'bulk' : 'send'}`, { method: 'POST', headers, body: JSON.stringify(body) });
    } catch {
      return; // the server died mid-request: no 2xx, no promise made
    }
    let json: any;
    try {
      json = await res.json();
    } catch {
      return;
    }
    if (res.status !== 202) throw new Error(`unexpected ${res.status}: ${JSON.stringify(json)}`);
    if (bulk) accepted.batches.push({ id: json.batch_id, accepted: json.accepted_recipients, credits: json.estimated_credits });
    else accepted.singles.push({ id: json.message_id, credits: json.credits_debited });
  }
}

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
    const headers = { authorization: `Bearer ${apiKey}` };
    const get = async (path: string) => (await fetch(`${second.url}${path}`, { headers })).json() as Promise<any>;
    const deadline = Date.now() + 120_000;
    for (const b of accepted.batches) {
      for (;;) {
        const batch = await get(`/v1/batches/${b.id}`);
        const total = Object.values(batch.counts as Record<string, number>).reduce((x, y) => x + y, 0);
        assert.equal(total, b.accepted, `batch ${b.id} has every accepted message`);
        if (batch.completed) break;
        assert.ok(Date.now() < deadline, `batch ${b.id} finishes: ${JSON.stringify(batch.counts)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    for (const s of accepted.singles) {
      for (;;) {
        const m = await get(`/v1/messages/${s.id}`);
        assert.equal(m.message_id, s.id, 'an accepted single message exists');
        if (['DELIVERED', 'FAILED', 'EXPIRED', 'REJECTED', 'UNKNOWN'].includes(m.status)) break;
        assert.ok(Date.now() < deadline, `message ${s.id} finishes`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await second.stop();
  }

  const db = await inspectStore(dataDir);
  try {
    const { one } = db;
    const { balance } = await one<'balance'>('SELECT balance FROM balances WHERE account_id = $1', accountId);
    const { reserved } = await one<'reserved'>("SELECT -COALESCE(SUM(amount), 0) AS reserved FROM ledger WHERE account_id = $1 AND kind = 'reserve'", accountId);
    const { refunded } = await one<'refunded'>("SELECT COALESCE(SUM(amount), 0) AS refunded FROM ledger WHERE account_id = $1 AND kind = 'refund'", accountId);
    const { charged, stored, unfinished } = await one<'charged' | 'stored' | 'unfinished'>(
      "SELECT SUM(credits) AS charged, COUNT(*) AS stored, SUM(CASE WHEN status NOT IN ('DELIVERED','FAILED','EXPIRED','REJECTED','UNKNOWN') THEN 1 ELSE 0 END) AS unfinished FROM messages WHERE account_id = $1", accountId);
    const { refund_rows: refundRows, refunded_messages: refundedMessages } = await one<'refund_rows' | 'refunded_messages'>(
      "SELECT COUNT(*) AS refund_rows, COUNT(DISTINCT message_id) AS refunded_messages FROM ledger WHERE account_id = $1 AND kind = 'refund'", accountId);
    const promised = accepted.batches.reduce((n, b) => n + b.credits, 0) + accepted.singles.reduce((n, s) => n + s.credits, 0);

    assert.equal(unfinished, 0, 'every stored message reached a final state');
    assert.equal(reserved, charged, 'reserves equal the credits of the stored messages: nothing charged twice or for a lost row');
    assert.ok(charged >= promised, 'every credit promised in a 2xx belongs to a stored message');
    assert.equal(refundRows, refundedMessages, 'no message was refunded twice');
    assert.equal(initialCredits - balance, charged - refunded, 'credits spent equal accepted segments minus refunds');
    assert.ok(refunded > 0, 'the failing magic numbers were refunded');
    assert.ok(stored >= accepted.batches.reduce((n, b) => n + b.accepted, 0) + accepted.singles.length);
  } finally {
    await db.close();
  }
});
