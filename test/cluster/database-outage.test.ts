// Acceptance (issue 7, item 4): PostgreSQL stops for 30 s under load. Meanwhile the API answers
// 503 with Retry-After (never a 2xx without persistence, never a 500) and /readyz says not ready;
// when the database returns, work resumes by itself; nothing accepted is lost or charged twice.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type ChildGateway, inspectStore, spawnGateway } from '../fixtures/child-gateway.ts';
import { type Accepted, verifyCredits, waitAllFinal } from '../fixtures/load.ts';
import { operatorToken } from '../fixtures/node-cluster.ts';
// @ts-expect-error: a plain-JS script shared with the test runner and the benchmarks.
import { startCluster } from '../../scripts/pg-cluster.mjs';

const outageMs = 30_000;
const initialCredits = 1_000_000;
const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-outage-'));
let server: { url: string; pause(): void; resume(): void; stop(): void } | undefined;
let node: ChildGateway | undefined;
after(async () => {
  await node?.kill().catch(() => {});
  server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Seen { ok: number; unavailable: number; withoutRetryAfter: number; other: string[] }
type Phase = 'before' | 'down' | 'after';

test('a 30 s database outage under load: 503s with Retry-After, no loss, recovery by itself', { timeout: 240_000 }, async (t) => {
  // A cluster of its own: this test stops and starts it.
  const pg = await startCluster() as NonNullable<typeof server>;
  server = pg;
  node = await spawnGateway(dataDir, {
    DAKIYA_STORE_URL: pg.url, DAKIYA_SECURITY_ADMIN_TOKEN: operatorToken, DAKIYA_SANDBOX_RECEIPT_DELAY_MS: '100',
    DAKIYA_STORE_POSTGRES_CONNECT_TIMEOUT_MS: '1000', DAKIYA_NODE_LEASE_TTL_MS: '3000', DAKIYA_NODE_LEASE_RENEW_MS: '500',
  });
  const url = node.url;
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${url}/admin/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.ok(res.status < 300, `${path}: ${res.status}`);
    return res.json() as Promise<any>;
  };
  const created = await admin('/accounts', { name: 'outage', credits: { transactional: initialCredits }, rate_limit_per_minute: 100_000_000 });
  await admin(`/accounts/${created.account_id}/senders`, { sender: 'DAKIYA' });
  await admin(`/accounts/${created.account_id}/templates`, { template_id: 'T1', sender: 'DAKIYA', category: 'transactional', text: 'Hello {#var#}' });

  // Each logical send carries its own Idempotency-Key and is retried until it gets a 2xx, as a
  // careful client would; what it was told in between is recorded by phase.
  const accepted: Accepted = { batches: [], singles: [] };
  let phase = 'before' as Phase;
  const seen: Record<Phase, Seen> = {
    before: { ok: 0, unavailable: 0, withoutRetryAfter: 0, other: [] },
    down: { ok: 0, unavailable: 0, withoutRetryAfter: 0, other: [] },
    after: { ok: 0, unavailable: 0, withoutRetryAfter: 0, other: [] },
  };
  let stop = false;
  let n = 0;
  const client = async () => {
    while (!stop) {
      const key = randomUUID();
      const body = JSON.stringify({ to: `9198${String(n++).padStart(8, '0')}`, sender: 'DAKIYA', template_id: 'T1', message: 'Hello there', category: 'transactional' });
      for (;;) {
        const p = phase;
        const res = await fetch(`${url}/v1/sms/send`, {
          method: 'POST', body,
          headers: { authorization: `Bearer ${created.api_key}`, 'content-type': 'application/json', 'idempotency-key': key },
        });
        const json = await res.json() as any;
        if (res.status === 202) {
          seen[p].ok++;
          if (!accepted.singles.some((s) => s.id === json.message_id)) accepted.singles.push({ id: json.message_id, credits: json.credits_debited });
          break;
        }
        if (res.status === 503) {
          seen[p].unavailable++;
          if (!res.headers.get('retry-after')) seen[p].withoutRetryAfter++;
        } else seen[p].other.push(`${res.status} ${JSON.stringify(json)}`);
        if (stop) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const clients = [0, 1, 2, 3].map(client);
  await new Promise((r) => setTimeout(r, 2000));

  pg.pause();
  phase = 'down';
  const downAt = Date.now();
  let readyWhileDown = true;
  // Let the gateway notice (its health check runs every second), then watch readiness.
  await new Promise((r) => setTimeout(r, 3000));
  const readyz = await fetch(`${url}/readyz`);
  readyWhileDown = readyz.status === 200;
  const readyBody = await readyz.json() as { reason?: string };
  assert.match(readyBody.reason ?? '', /database is unreachable/, '/readyz says why');
  const refused = await fetch(`${url}/v1/account/balance`, { headers: { authorization: `Bearer ${created.api_key}` } });
  const refusedBody = await refused.json() as { error_code: string; message: string };
  assert.equal(refused.status, 503);
  assert.equal(refusedBody.error_code, 'ERR_SERVICE_UNAVAILABLE');
  assert.match(refusedBody.message, /database is unreachable/, 'the client is told why');
  await new Promise((r) => setTimeout(r, outageMs - (Date.now() - downAt)));
  const okWhileDown = seen.down.ok;
  pg.resume();
  phase = 'after';
  const upAt = Date.now();
  let recoveredMs = -1;
  while (Date.now() - upAt < 30_000) {
    if (seen.after.ok > 0 && (await fetch(`${url}/readyz`)).status === 200) {
      recoveredMs = Date.now() - upAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 2000));
  stop = true;
  await Promise.all(clients);
  t.diagnostic(`before: ${JSON.stringify(seen.before)}; down: ${JSON.stringify({ ...seen.down, other: seen.down.other.length })}; after: ${JSON.stringify({ ...seen.after, other: seen.after.other.length })}; recovered in ${recoveredMs} ms`);

  assert.ok(seen.before.ok > 0, 'traffic was accepted before the outage');
  assert.deepEqual([...seen.before.other, ...seen.down.other, ...seen.after.other], [], 'no answer but 202 or 503, ever');
  assert.equal(readyWhileDown, false, '/readyz reports the outage');
  assert.ok(seen.down.unavailable > 0, 'requests during the outage were refused with 503');
  assert.equal(seen.down.withoutRetryAfter + seen.after.withoutRetryAfter, 0, 'every 503 carries Retry-After');
  // A request that reached the database just before it stopped may still have been accepted.
  assert.ok(okWhileDown <= 8, `at most the requests in flight at the stop were accepted during the outage (${okWhileDown})`);
  assert.ok(recoveredMs >= 0, 'the gateway took requests again by itself within 30 s of the database returning');

  await waitAllFinal(url, created.api_key, accepted);
  const db = await inspectStore(dataDir, pg.url);
  const { stored } = await db.one<'stored'>('SELECT COUNT(*) AS stored FROM messages WHERE account_id = $1', created.account_id);
  assert.equal(stored, accepted.singles.length, 'one message per accepted request: retries with the same key were not stored twice');
  await verifyCredits(db, created.account_id, initialCredits, accepted, { refunds: false });
});
