// `dakiya store copy`: a SQLite deployment with messages in every state moves to PostgreSQL, and a
// gateway started on the same data dir (same pepper) with DAKIYA_STORE_URL carries on where the
// SQLite one stopped. The source is SQLite on both passes of the suite; the target is always a
// fresh schema in the test cluster. Schedules and retries run on a TestClock shared by both gateways.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.ts';
import { type Gateway, startGateway } from '../../src/gateway.ts';
import { createPool, migratePostgres } from '../../src/store/postgres/postgres-database.ts';
import { copySqliteToPostgres, type StoreCopyProgress } from '../../src/store/store-copy.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { defaultRoutes } from '../../src/domain/route.ts';
import { uuidv7Generator } from '../../src/domain/ids.ts';
import { cliEnv } from '../fixtures/child-gateway.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';
import { TestClock } from '../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';
import { bulk, promotional, sandbox, transactional } from '../dialects/native-v1/sample-requests.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'dakiya.js');
const copiedTables = ['operator_tokens', 'accounts', 'api_keys', 'routes', 'balances', 'ledger', 'sender_ids', 'templates', 'dnd', 'batches', 'messages', 'idempotency_keys', 'settings', 'message_parts', 'early_receipts', 'connectors', 'smpp_users', 'smpp_bind_failures', 'smpp_receipts', 'smpp_parts',
  'events', 'webhook_endpoints', 'event_cursors', 'webhook_deliveries', 'webhook_attempts', 'otp_sessions', 'otp_channels', 'otp_policies', 'otp_counters', 'otp_prefixes', 'campaigns', 'content_patterns'];

/** Runs the CLI on a data dir with no DAKIYA_STORE_URL (unless `env` gives one), so the store is the SQLite file. */
function dakiya(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: cliEnv(dataDir, env) }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Rows per copied table in a PostgreSQL schema. */
async function targetCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, number> = {};
    for (const table of copiedTables) out[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return out;
  } finally {
    await client.end();
  }
}

interface Res { status: number; body: any; headers: Record<string, unknown> }

/** Requests to a gateway in-process, with an API key or the operator token. */
function clientOf(gateway: Gateway, apiKey: string, operatorToken: string) {
  const inject = async (method: string, url: string, authorization: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> => {
    const res = await gateway.http.inject({
      method: method as 'GET', url,
      headers: { authorization: `Bearer ${authorization}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers };
  };
  return {
    api: (method: string, url: string, body?: unknown, headers?: Record<string, string>) => inject(method, url, apiKey, body, headers),
    admin: (method: string, url: string, body?: unknown) => inject(method, `/admin/v1${url}`, operatorToken, body),
    async send(body: unknown, headers?: Record<string, string>): Promise<string> {
      const res = await inject('POST', '/v1/sms/send', apiKey, body, headers);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      return res.body.message_id;
    },
    async until(check: () => Promise<unknown>, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

const clock = new TestClock('2026-05-30T10:00:00+05:30');
let source: TestGateway;
let target: Gateway;
let targetUrl: string;
let copy: any;
const ids = {} as Record<'delivered' | 'failed' | 'scheduled' | 'retrying' | 'submitted' | 'idempotent', string>;
const seen = {} as { contentPatterns: Res; routes: Res; balances: Res; ledger: Res; delivered: Res; batch: Res; idempotent: Res; events: Res; batchId: string; otpChannels: Res; otpPolicy: Res };
/** A pending OTP session started with a test key (whose answer shows the code) before the copy. */
const otp = {} as { testKey: string; sessionId: string; code: string };
const idempotencyKey = { 'idempotency-key': 'order-42' };
/** The stored row: its internal status and attempts, which the API folds into public states. */
const stored = (g: Gateway, id: string) => g.core.store.getMessage(source.account.id, id);
let old: ReturnType<typeof clientOf>;
let now: ReturnType<typeof clientOf>;

before(async () => {
  // An undefined flag is no flag: this drops the store URL the PostgreSQL pass would give, so the
  // source is the SQLite file in the data dir on both passes.
  source = await startTestGateway({ clock, flags: { 'store.url': undefined } });
  assert.equal(source.gateway.core.store.driver, 'sqlite');
  old = clientOf(source.gateway, source.account.apiKey, source.operatorToken);

  assert.equal((await old.admin('POST', `/accounts/${source.account.id}/credits`, { route: 'transactional', amount: 500, note: 'top-up' })).status, 200);
  assert.equal((await old.admin('POST', '/dnd', { numbers: ['9800000001'] })).status, 200);
  const route = await old.admin('PUT', '/routes/txn-refund', { category: 'transactional', price_per_segment: 2, refund_on_undelivered: true, description: 'Refunding route' });
  assert.equal(route.status, 200, JSON.stringify(route.body));
  // A connector whose carrier is not there: its definition and sealed password travel all the same.
  const connector = await old.admin('PUT', '/connectors/upstream-1', { host: '127.0.0.1', port: 1, system_id: 'dakiya', password: 'pw', routes: [{ route: 'promotional' }] });
  assert.equal(connector.status, 200, JSON.stringify(connector.body));
  const smppUser = await old.admin('PUT', '/smpp-users/copied', { account_id: source.account.id, password: 'pw' });
  assert.equal(smppUser.status, 200, JSON.stringify(smppUser.body));
  ids.delivered = await old.send(transactional('Hello', '9876543210'));
  ids.failed = await old.send(transactional('Hello', sandbox.numberInactive));
  ids.scheduled = await old.send({ ...transactional('Later'), schedule_at: new Date(clock.now() + 30 * 60_000).toISOString() });
  ids.retrying = await old.send(transactional('Hello', sandbox.carrierDownOnce));
  ids.submitted = await old.send(transactional('Hello', sandbox.noReceipt));
  ids.idempotent = await old.send(transactional('Once'), idempotencyKey);
  const batch = await old.api('POST', '/v1/sms/bulk', bulk(['9876543211', '9876543212']));
  assert.equal(batch.status, 202);
  seen.batchId = batch.body.batch_id;
  // OTP: an operator-defined channel and policy, and a session still pending when the copy runs.
  assert.equal((await old.admin('PUT', `/accounts/${source.account.id}/otp-channels/login`, { template_id: 'T-OTP-1', sender: 'DAKIYA', length: 8 })).status, 200);
  assert.equal((await old.admin('PUT', `/accounts/${source.account.id}/otp-policy`, { allowed_countries: ['IN', 'NP'], daily_budget: 777 })).status, 200);
  otp.testKey = (await old.admin('POST', `/accounts/${source.account.id}/keys`, { mode: 'test' })).body.api_key;
  const session = await source.request('POST', '/v1/otp/send', { mobile: '9876500001', channel_id: 'login', variables: ['10'] }, { key: otp.testKey });
  assert.equal(session.status, 200, session.raw);
  otp.sessionId = session.body.session_id;
  otp.code = session.body.otp;
  // A content pattern the operator stored at run time.
  assert.equal((await old.admin('POST', '/content-filter/patterns', { pattern: 'copied-scam\\.example', description: 'stored before the copy' })).status, 201);

  // Finished, refunded, retrying (QUEUED with its next attempt two seconds away on the stopped
  // clock), awaiting a receipt, and scheduled: the states a copy must carry over.
  await old.until(async () => {
    const states = await Promise.all([ids.delivered, ids.failed, ids.scheduled, ids.retrying, ids.submitted, ids.idempotent].map((id) => stored(source.gateway, id)));
    const batchDone = (await old.api('GET', `/v1/batches/${seen.batchId}`)).body.counts.DELIVERED === 2;
    return batchDone && states[3]!.attempts === 1
      && states.map((m) => m?.status).join(' ') === 'DELIVERED FAILED SCHEDULED QUEUED SUBMITTED DELIVERED';
  });
  seen.routes = await old.admin('GET', '/routes');
  seen.balances = await old.api('GET', '/v1/account/balance');
  seen.events = await old.api('GET', '/v1/events?limit=1000');
  seen.ledger = await old.admin('GET', `/accounts/${source.account.id}/ledger?limit=1000`);
  seen.delivered = await old.api('GET', `/v1/messages/${ids.delivered}`);
  seen.batch = await old.api('GET', `/v1/batches/${seen.batchId}`);
  seen.idempotent = await old.api('GET', `/v1/messages/${ids.idempotent}`);
  seen.otpChannels = await old.admin('GET', `/accounts/${source.account.id}/otp-channels`);
  seen.otpPolicy = await old.admin('GET', `/accounts/${source.account.id}/otp-policy`);
  seen.contentPatterns = await old.admin('GET', '/content-filter/patterns');
  await source.gateway.stop();

  targetUrl = await freshSchemaUrl();
  const copied = await dakiya(source.dataDir, ['store', 'copy', '--to', targetUrl, '--json']);
  assert.equal(copied.code, 0, copied.stderr);
  copy = JSON.parse(copied.stdout);

  const config = loadConfig({
    env: {},
    flags: {
      dataDir: source.dataDir, 'store.url': targetUrl, 'log.level': 'silent', 'sandbox.receiptDelayMs': 1, 'dispatch.pollIntervalMs': 20, 'firstStart.demo': false, 'smpp.enabled': false,
    },
  });
  target = await startGateway(config, { listen: false, clock });
  now = clientOf(target, source.account.apiKey, source.operatorToken);
});

after(async () => {
  await target?.stop();
  rmSync(source.dataDir, { recursive: true, force: true });
});

test('reports the rows it copied per table, equal to the source', () => {
  const db = new Database(join(source.dataDir, 'dakiya.db'), { readonly: true });
  try {
    const expected = Object.fromEntries(copiedTables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
    assert.deepEqual(copy.tables, expected);
  } finally {
    db.close();
  }
  assert.equal(copy.verified, true);
  assert.equal(copy.tables.messages, 8);
});

test('reports messages per status, pending work included', () => {
  assert.deepEqual(Object.fromEntries(Object.entries(copy.messages as Record<string, { count: number }>).map(([s, m]) => [s, m.count])),
    { DELIVERED: 4, FAILED: 1, QUEUED: 1, SCHEDULED: 1, SUBMITTED: 1 });
});

test('writes exactly the reported rows into PostgreSQL', async () => {
  assert.deepEqual(await targetCounts(targetUrl), copy.tables);
});

test('authenticates an API key of the SQLite deployment and shows the same balances', async () => {
  const balances = await now.api('GET', '/v1/account/balance');
  assert.equal(balances.status, 200);
  assert.deepEqual(balances.body, seen.balances.body);
});

test('keeps the operator token and the ledger entry for entry, ids included', async () => {
  const ledger = await now.admin('GET', `/accounts/${source.account.id}/ledger?limit=1000`);
  assert.equal(ledger.status, 200);
  assert.deepEqual(ledger.body, seen.ledger.body);
  assert.ok(seen.ledger.body.entries.some((e: { kind: string }) => e.kind === 'refund'));
});

test('keeps the SMPP users, whose passwords still verify with the same pepper', async () => {
  assert.equal((await target.core.smppUsers.authenticate('copied', 'pw', '127.0.0.1'))?.accountId, source.account.id);
});

test('keeps the upstream connectors, whose passwords still open with the same pepper', async () => {
  const [c] = await target.core.connectors.forDispatch();
  assert.deepEqual([c?.connector.name, c?.connector.host, c?.connector.routes, c?.password], ['upstream-1', '127.0.0.1', [{ routeId: 'promotional', priority: 0, weight: 1 }], 'pw']);
});

test('keeps routes with their prices and policies', async () => {
  const routes = await now.admin('GET', '/routes');
  assert.deepEqual(routes.body, seen.routes.body);
  assert.ok(routes.body.routes.some((r: { id: string; refund_on_undelivered: boolean }) => r.id === 'txn-refund' && r.refund_on_undelivered === true));
});

test('reads a delivered message the same through GET /v1/messages/{id}', async () => {
  const message = await now.api('GET', `/v1/messages/${ids.delivered}`);
  assert.equal(message.status, 200);
  assert.deepEqual(message.body, seen.delivered.body);
});

test('serves the same event log (the events customers pull and webhooks push)', async () => {
  assert.ok(seen.events.body.events.length >= 8, 'the source had events to copy');
  // PostgreSQL lists an event once every write transaction older than it has ended in the whole
  // cluster, which this suite shares with files that freeze a node mid-transaction for up to 5 s
  // (docs/reference/postgres.md): wait for the copy's events to be listed, then compare them all.
  let events = await now.api('GET', '/v1/events?limit=1000');
  for (const deadline = Date.now() + 15_000; events.body.events?.length < seen.events.body.events.length && Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 100));
    events = await now.api('GET', '/v1/events?limit=1000');
  }
  assert.equal(events.status, 200);
  assert.deepEqual(events.body.events, seen.events.body.events);
});

test('reads a batch with the same counts', async () => {
  const batch = await now.api('GET', `/v1/batches/${seen.batchId}`);
  assert.deepEqual(batch.body, seen.batch.body);
});

test('replays the stored response for an Idempotency-Key used before the copy, charging nothing', async () => {
  const again = await now.api('POST', '/v1/sms/send', transactional('Once'), idempotencyKey);
  assert.equal(again.status, 202);
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(again.body.message_id, ids.idempotent);
  assert.deepEqual((await now.api('GET', '/v1/account/balance')).body, seen.balances.body);
});

test('still refuses promotional messages to a number on the DND registry', async () => {
  const res = await now.api('POST', '/v1/sms/send', promotional('Priya', '9800000001'));
  assert.equal(res.status, 422);
  assert.equal(res.body.error_code, 'ERR_DND_SUBSCRIBER');
});

test('keeps the stored content patterns, which still block matching sends', async () => {
  assert.deepEqual((await now.admin('GET', '/content-filter/patterns')).body, seen.contentPatterns.body);
  const res = await now.api('POST', '/v1/sms/send', transactional('see copied-scam.example'));
  assert.equal(res.status, 422);
  assert.equal(res.body.error_code, 'ERR_CONTENT_BLOCKED');
});

test('keeps a submitted message waiting for its receipt', async () => {
  assert.equal((await stored(target, ids.submitted))?.status, 'SUBMITTED');
});

// Before the clock moves on (the session expires in 10 minutes).
test('keeps OTP channels, policies and a pending session, whose code still verifies with the same pepper', async () => {
  assert.deepEqual((await now.admin('GET', `/accounts/${source.account.id}/otp-channels`)).body, seen.otpChannels.body);
  assert.deepEqual((await now.admin('GET', `/accounts/${source.account.id}/otp-policy`)).body, seen.otpPolicy.body);
  const verify = (otpCode: string) => target.http.inject({
    method: 'POST', url: '/v1/otp/verify', headers: { authorization: `Bearer ${otp.testKey}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ session_id: otp.sessionId, otp: otpCode }),
  });
  assert.equal((await verify(otp.code === '00000000' ? '11111111' : '00000000')).json().result, 'mismatch');
  const right = (await verify(otp.code)).json();
  assert.deepEqual([right.verified, right.attempts_remaining], [true, 3]);
});

test('dispatches the scheduled and the retrying message when they fall due', async () => {
  assert.equal((await stored(target, ids.scheduled))?.status, 'SCHEDULED');
  assert.equal((await stored(target, ids.retrying))?.status, 'QUEUED');
  clock.advance(30 * 60_000);
  await now.until(async () => (await stored(target, ids.scheduled))?.status === 'DELIVERED');
  // The sandbox remembers "down once" per process, so the new node's first try fails again and
  // the retry waits for the next backoff (attempt 2: four seconds).
  await now.until(async () => {
    const m = await stored(target, ids.retrying);
    return m?.status === 'DELIVERED' || (m?.status === 'QUEUED' && m.attempts === 2);
  });
  clock.advance(60_000);
  await now.until(async () => (await stored(target, ids.retrying))?.status === 'DELIVERED');
  const scheduled = await now.api('GET', `/v1/messages/${ids.scheduled}`);
  assert.deepEqual(scheduled.body.timeline.map((s: { status: string }) => s.status), ['SCHEDULED', 'SUBMITTED', 'DELIVERED']);
});

test('charges a new send with a ledger entry numbered after the copied ones', async () => {
  const copiedIds = seen.ledger.body.entries.map((e: { id: number }) => e.id);
  const id = await now.send(transactional('After the move'));
  const ledger = await now.admin('GET', `/accounts/${source.account.id}/ledger?limit=1000`);
  const entry = ledger.body.entries.find((e: { message_id: string | null }) => e.message_id === id);
  assert.equal(entry.kind, 'reserve');
  assert.equal(entry.id, copy.next_ids['ledger.id']);
  assert.ok(entry.id > Math.max(...copiedIds));
});

test('refuses to copy into a database that holds a deployment, and changes nothing there', async () => {
  // The target gateway is stopped first: while it runs, its workers may still finish the message
  // the test above sent (or apply a receipt the source had parked), and every such step writes rows
  // and an event. With it stopped, any change in the counts is the command's.
  await target.stop();
  const before = await targetCounts(targetUrl);
  const again = await dakiya(source.dataDir, ['store', 'copy', '--to', targetUrl]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /ERR_STORE_COPY_TARGET_NOT_EMPTY: the target database already holds rows in accounts, api_keys, balances/);
  assert.deepEqual(await targetCounts(targetUrl), before);
});

test('replaces the default routes and settings a command seeded into an otherwise empty target', async () => {
  const url = await freshSchemaUrl();
  const seeded = await dakiya(source.dataDir, ['routes', '--json'], { DAKIYA_STORE_URL: url });
  assert.equal(seeded.code, 0, seeded.stderr);
  const copied = await dakiya(source.dataDir, ['store', 'copy', '--to', url, '--json']);
  assert.equal(copied.code, 0, copied.stderr);
  assert.equal(JSON.parse(copied.stdout).replaced_routes, JSON.parse(seeded.stdout).routes.length);
  assert.deepEqual(await targetCounts(url), copy.tables);
});

test('rolls back a copy whose sums do not match the source and names what differs', async () => {
  const url = await freshSchemaUrl();
  assert.equal((await dakiya(source.dataDir, ['migrate'], { DAKIYA_STORE_URL: url })).code, 0);
  // A trigger on the target that skims one credit off every ledger entry: the rows all arrive,
  // so only the sums can tell.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    CREATE FUNCTION skim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.amount := NEW.amount - 1; RETURN NEW; END $$;
    CREATE TRIGGER skim BEFORE INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION skim();
  `);
  await client.end();

  const copied = await dakiya(source.dataDir, ['store', 'copy', '--to', url]);
  assert.equal(copied.code, 1);
  assert.match(copied.stderr, /ERR_STORE_COPY_VERIFICATION_FAILED/);
  assert.match(copied.stderr, new RegExp(`ledger of ${source.account.id}/transactional: source \\d+ entries summing to \\d+, target`));
  assert.doesNotMatch(copied.stderr, /rows in/);
  assert.deepEqual(Object.values(await targetCounts(url)).filter((n) => n !== 0), []);
});

test('reads and writes a table a chunk at a time, reporting progress after each chunk', async () => {
  const url = await freshSchemaUrl();
  const sqlite = new Database(join(source.dataDir, 'dakiya.db'), { readonly: true });
  const pool = createPool({ url, poolSize: 2, connectTimeoutMs: 5000 });
  const progress: StoreCopyProgress[] = [];
  try {
    const report = await copySqliteToPostgres({ sqlite, pool, migrate: () => migratePostgres(pool), chunkSize: 3, onProgress: (p) => progress.push(p) });
    assert.deepEqual(progress.filter((p) => p.table === 'messages').map((p) => p.copied), [3, 6, 8]);
    assert.deepEqual(progress.filter((p) => p.table === 'operator_tokens').map((p) => [p.copied, p.total]), [[1, 1]]);
    assert.deepEqual(report.tables, copy.tables);
  } finally {
    sqlite.close();
    await pool.end();
  }
  assert.deepEqual(await targetCounts(url), copy.tables);
});

test('refuses a source that is already PostgreSQL', async () => {
  const res = await dakiya(source.dataDir, ['store', 'copy', '--to', targetUrl], { DAKIYA_STORE_URL: targetUrl });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /already PostgreSQL/);
});

test('refuses a --to that is not a PostgreSQL URL', async () => {
  const res = await dakiya(source.dataDir, ['store', 'copy', '--to', 'mysql://db.example/dakiya']);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /--to expects a PostgreSQL URL/);
});

test('makes a large batch still held as deferred chunks into rows before it copies; the copy alone refuses such a source', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-copy-deferred-'));
  try {
    // A deployment whose node died right after accepting a large batch: its messages are chunks.
    const newId = uuidv7Generator(clock);
    const store = await SqliteStore.open({ filename: join(dataDir, 'dakiya.db'), synchronous: 'normal', groupCommit: { maxBatch: 100, maxDelayMs: 0 }, deferFrom: 10 });
    const accountId = newId();
    const batchId = newId();
    for (const r of defaultRoutes) await store.upsertRoute(r);
    await store.createAccount({ id: accountId, name: 'deferred', status: 'active', rateLimitPerMinute: null, createdAt: clock.now() });
    await store.addCredits(accountId, 'transactional', 100, 'topup', 'test', clock.now());
    const messages = Array.from({ length: 25 }, (_, i) => ({
      id: newId(), accountId, batchId, routeId: 'transactional', category: 'transactional' as const, lane: 'transactional' as const, recipient: `9198${String(i).padStart(8, '0')}`,
      sender: 'DAKIYA', body: 'hi', templateId: 'T1', encoding: 'GSM7' as const, segments: 1, flash: false, credits: 1, status: 'QUEUED' as const, correlationId: null,
      dueAt: clock.now(), scheduledAt: null, expiresAt: clock.now() + 86_400_000, createdAt: clock.now(),
    }));
    const batch = { id: batchId, accountId, routeId: 'transactional', totalRecipients: 25, acceptedRecipients: 25, createdAt: clock.now(), scheduledAt: null };
    assert.deepEqual(await store.accept({ accountId, routeId: 'transactional', debit: 25, messages, batch }), { ok: true });
    await store.close();

    const refusedUrl = await freshSchemaUrl();
    const sqlite = new Database(join(dataDir, 'dakiya.db'), { readonly: true });
    const pool = createPool({ url: refusedUrl, poolSize: 2, connectTimeoutMs: 5000 });
    try {
      await assert.rejects(copySqliteToPostgres({ sqlite, pool, migrate: () => migratePostgres(pool) }),
        (e: any) => e.code === 'ERR_STORE_COPY_SOURCE_IN_USE' && /25 accepted message\(s\)/.test(e.message));
    } finally {
      sqlite.close();
      await pool.end();
    }
    assert.equal((await targetCounts(refusedUrl)).messages, 0, 'nothing was written');

    const url = await freshSchemaUrl();
    const copied = await dakiya(dataDir, ['store', 'copy', '--to', url, '--json']);
    assert.equal(copied.code, 0, copied.stderr);
    assert.equal(JSON.parse(copied.stdout).tables.messages, 25);
    assert.equal((await targetCounts(url)).messages, 25);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
