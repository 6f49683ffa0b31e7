// The OTP lifecycle through the native API on a whole gateway: send (the code reaches the carrier,
// never the database in clear, the logs, the events or an answer), verify (atomic, single use,
// exact expiry), resend (the same code), brute force (10,000 concurrent guesses, at most
// max_attempts evaluated), SMS pumping (per-number limit, disallowed countries, a new number range
// cut at its threshold), test mode, tenant isolation and bad input that changes nothing.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { OutboundMessage } from '../../src/channels/channel.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { onPostgres } from '../fixtures/postgres.ts';
import { TestClock } from '../fixtures/test-clock.ts';
import { startTestGateway, type TestAccount, type TestGateway } from '../fixtures/test-gateway.ts';

/** Every row of every table of the gateway's database as text (SQLite file or PostgreSQL schema). */
async function dumpAllTables(t: TestGateway): Promise<string> {
  if (!onPostgres) {
    const db = new Database(join(t.dataDir, 'dakiya.db'), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
      return JSON.stringify(tables.map(({ name }) => db.prepare(`SELECT * FROM "${name}"`).all()));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: t.config.store.url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
    const parts: string[] = [];
    for (const { table_name: name } of tables) parts.push(JSON.stringify((await client.query(`SELECT * FROM "${name}"`)).rows));
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

/** The OTP template of the fixture account: the code fills the first {#num#}, the validity the second. */
const otpTemplate = { template_id: 'T-OTP-1', sender: 'DAKIYA', variables: ['10'] };
const codeIn = (text: string): string => /Your OTP is (\d+)\./.exec(text)?.[1] ?? '';

describe('OTP through the native API', () => {
  let t: TestGateway;
  const clock = new TestClock('2026-11-22T10:00:00Z');
  const carrier: OutboundMessage[] = [];
  const logLines: string[] = [];
  let testKey: string;

  before(async () => {
    const logger = createLogger({
      level: 'trace', redact: true,
      destination: new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } }) as never,
    });
    t = await startTestGateway({ clock, logger });
    // What the carrier is handed (the channel sees the real text; everything else sees it masked).
    const channel = t.gateway.channel;
    const submit = channel.submit.bind(channel);
    channel.submit = async (messages) => {
      carrier.push(...messages);
      return submit(messages);
    };
    const key = await t.admin('POST', `/accounts/${t.account.id}/keys`, { label: 'dev', mode: 'test' });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    testKey = key.body.api_key;
  });
  after(async () => t.stop());

  const sent = (mobile: string) => carrier.filter((m) => m.recipient === mobile);
  const send = (body: Record<string, unknown>, key?: string) => t.request('POST', '/v1/otp/send', { ...otpTemplate, ...body }, key === undefined ? {} : { key });
  const verify = (sessionId: string, otp: string, key?: string) => t.request('POST', '/v1/otp/verify', { session_id: sessionId, otp }, key === undefined ? {} : { key });
  const deliveredCode = async (mobile: string, count = 1): Promise<string> => {
    const list = await t.until(async () => sent(mobile).length >= count && sent(mobile));
    return codeIn(list[count - 1]!.body);
  };
  const events = async (type: string) => (await t.request('GET', '/v1/events?limit=1000')).body.events.filter((e: { event: string }) => e.event === type);
  // On PostgreSQL an event is listed once every write transaction older than it has ended, in the
  // whole cluster — which the suite shares with test files that freeze a node mid-transaction for
  // up to 5 s (docs/reference/postgres.md): wait for it rather than read once.
  const eventually = async (type: string, match: (e: Record<string, unknown>) => boolean) => {
    await t.until(async () => (await events(type)).some(match), 15_000);
    return (await events(type)).filter(match);
  };

  test('a live send reaches the carrier with the code, and verifying it once succeeds', async () => {
    const res = await send({ mobile: '9810000001', purpose: 'login' });
    assert.equal(res.status, 202, res.raw);
    assert.equal(res.body.channel_used, 'sms');
    assert.equal(res.body.otp_status, 'pending');
    assert.equal(res.body.attempts_remaining, 5);
    assert.equal(res.body.expires_at, new Date(clock.now() + 600_000).toISOString());
    assert.equal(res.body.otp, undefined);
    const code = await deliveredCode('919810000001');
    assert.match(code, /^\d{6}$/);
    assert.equal(sent('919810000001')[0]!.body, `Your OTP is ${code}. Valid for 10 minutes. - DAKIYA`);
    // The message was sent on the OTP lane, under its template.
    const message = await t.gateway.core.store.getMessage(t.account.id, res.body.message_id);
    assert.equal(message?.lane, 'otp');
    assert.equal(message?.body, 'Your OTP is ******. Valid for 10 minutes. - DAKIYA');

    const wrong = await verify(res.body.session_id, code === '000000' ? '111111' : '000000');
    assert.deepEqual([wrong.status, wrong.body.verified, wrong.body.result, wrong.body.attempts_remaining], [200, false, 'mismatch', 4]);
    const right = await verify(res.body.session_id, code);
    assert.deepEqual([right.body.verified, right.body.result, right.body.otp_status], [true, 'verified', 'verified']);
    const again = await verify(res.body.session_id, code);
    assert.deepEqual([again.body.verified, again.body.result], [false, 'used'], 'a code is single use');

    const status = await t.request('GET', `/v1/otp/${res.body.session_id}`);
    assert.equal(status.body.otp_status, 'verified');
    assert.equal(status.body.attempts, 2);
    assert.ok(!status.raw.includes(code), 'the status never carries the code');
    assert.ok(!/code_hash|sealed/.test(status.raw));
    await eventually('otp.verified', () => true);
    assert.equal((await events('otp.sent')).length >= 1, true);
  });

  test('no code appears in the database, its events, webhooks payloads or the logs', async () => {
    const res = await send({ mobile: '9810000002' });
    const code = await deliveredCode('919810000002');
    await verify(res.body.session_id, code);
    const all = (await t.request('GET', '/v1/events?limit=1000')).raw;
    assert.ok(!all.includes(`"${code}"`) && !all.includes(` ${code}.`), 'events');
    const logs = logLines.join('');
    assert.ok(logLines.length > 0, 'the gateway logged (at trace level) while the code travelled');
    assert.ok(!logs.includes(code), 'logs');
    // Every row of every table, as a dump would see them.
    const dump = await dumpAllTables(t);
    assert.ok(dump.length > 10_000, 'the dump holds the data');
    assert.ok(dump.includes(res.body.session_id), 'the dump holds the session');
    assert.ok(!dump.includes(code), 'no table holds the code');
    if (!onPostgres) {
      // Every byte of the SQLite files (database and WAL), as a dump would see them.
      const dir = t.dataDir;
      for (const file of readdirSync(dir).filter((f) => f.startsWith('dakiya.db'))) {
        assert.ok(!readFileSync(join(dir, file)).includes(Buffer.from(code)), `${file} holds the code`);
      }
    }
  });

  test('expiry is exact to the second on the injected clock', async () => {
    const a = await send({ mobile: '9810000003', expiry: 30 });
    const codeA = await deliveredCode('919810000003');
    clock.advance(29_999);
    assert.equal((await verify(a.body.session_id, codeA)).body.verified, true, 'valid 1 ms before expiry');
    const b = await send({ mobile: '9810000004', expiry: 30 });
    const codeB = await deliveredCode('919810000004');
    clock.advance(30_000);
    const late = await verify(b.body.session_id, codeB);
    assert.deepEqual([late.body.verified, late.body.result, late.body.otp_status], [false, 'expired', 'expired']);
    assert.equal((await t.request('GET', `/v1/otp/${b.body.session_id}`)).body.otp_status, 'expired');
    assert.equal((await eventually('otp.expired', (e) => e['session_id'] === b.body.session_id)).length, 1);
  });

  test('a resend carries the same code, after its cooldown, up to the session\'s sends', async () => {
    const res = await send({ mobile: '9810000005' });
    const first = await deliveredCode('919810000005');
    const early = await t.request('POST', '/v1/otp/resend', { session_id: res.body.session_id });
    assert.equal(early.status, 429, early.raw);
    assert.equal(early.body.details.guard, 'resend_cooldown');
    assert.equal(early.headers['retry-after'], '30');
    clock.advance(30_000);
    const again = await t.request('POST', '/v1/otp/resend', { session_id: res.body.session_id, channel: 'sms' });
    assert.equal(again.status, 202, again.raw);
    assert.equal(again.body.sends, 2);
    assert.notEqual(again.body.message_id, res.body.message_id);
    assert.equal(await deliveredCode('919810000005', 2), first, 'the same code while it is valid');
    clock.advance(30_000);
    assert.equal((await t.request('POST', '/v1/otp/resend', { session_id: res.body.session_id })).status, 202);
    clock.advance(30_000);
    const over = await t.request('POST', '/v1/otp/resend', { session_id: res.body.session_id });
    assert.equal(over.status, 409);
    assert.equal(over.body.error_code, 'ERR_OTP_RESEND_NOT_ALLOWED');
    assert.equal(over.body.details.reason, 'max_sends');
    assert.equal(sent('919810000005').length, 3);
    const other = await t.request('POST', '/v1/otp/resend', { session_id: res.body.session_id, channel: 'voice' });
    assert.equal(other.body.error_code, 'ERR_OTP_CHANNEL_UNAVAILABLE');
  });

  test('10,000 concurrent guesses: at most max_attempts are evaluated, then the session is locked', async () => {
    const res = await send({ mobile: '9810000006', test_mode: true, max_attempts: 5 }, testKey);
    assert.equal(res.status, 200, res.raw);
    const code: string = res.body.otp;
    const guesses = Array.from({ length: 10_000 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(guesses.map((g) => verify(res.body.session_id, g, testKey)));
    const byResult = new Map<string, number>();
    for (const a of answers) byResult.set(a.body.result, (byResult.get(a.body.result) ?? 0) + 1);
    assert.equal(byResult.get('mismatch'), 5, JSON.stringify([...byResult]));
    assert.equal(byResult.get('locked'), 9_995);
    assert.equal(byResult.get('verified'), undefined);
    const right = await verify(res.body.session_id, code, testKey);
    assert.deepEqual([right.body.verified, right.body.result, right.body.attempts_remaining], [false, 'locked', 0]);
    assert.ok(right.body.locked_until !== null);
    const status = await t.request('GET', `/v1/otp/${res.body.session_id}`, undefined, { key: testKey });
    assert.deepEqual([status.body.otp_status, status.body.attempts], ['locked', 5]);
    // The number may not start a new session while it is locked.
    const blocked = await send({ mobile: '9810000006' });
    assert.equal(blocked.status, 429, blocked.raw);
    assert.equal(blocked.body.details.guard, 'number_locked');
  });

  test('pumping: 1,000 sends to one number in 10 minutes send at most the limit; the rest are 429 with Retry-After', async () => {
    const mobile = '9820000001';
    const results: number[] = [];
    for (let round = 0; round < 20; round++) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => send({ mobile })));
      results.push(...batch.map((r) => r.status));
      clock.advance(500);
    }
    assert.equal(results.filter((s) => s === 202).length, 5);
    assert.equal(results.filter((s) => s === 429).length, 995);
    const refused = await send({ mobile });
    assert.equal(refused.body.error_code, 'ERR_OTP_LIMIT_EXCEEDED');
    assert.equal(refused.body.details.guard, 'number_sends');
    assert.ok(Number(refused.headers['retry-after']) > 0);
    await t.until(async () => sent('919820000001').length === 5);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(sent('919820000001').length, 5, 'only the allowed sends reached the carrier');
    const alerts = await eventually('otp.blocked', (e) => e['guard'] === 'number_sends' && e['to'] === '919820000001');
    assert.equal(alerts.length, 1, 'one alert per window, not one per refusal');
    const metrics = await t.gateway.metrics.registry.metrics();
    assert.match(metrics, /dakiya_otp_guard_refusals_total\{guard="number_sends",tripped="true"\} 1/);
  });

  test('sends to a country the account may not reach send nothing', async () => {
    for (const mobile of ['+447911123456', '+14155550123', '+8613800138000']) {
      const res = await send({ mobile, message: 'Code {{otp}}', template_id: undefined });
      assert.equal(res.status, 403, res.raw);
      assert.equal(res.body.error_code, 'ERR_OTP_COUNTRY_NOT_ALLOWED');
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(carrier.filter((m) => ['447911123456', '14155550123', '8613800138000'].includes(m.recipient)), []);
  });

  test('a burst to a never-seen number range is cut at its threshold, until a code there is verified', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await send({ mobile: `98300${String(i).padStart(5, '0')}` })).status);
    assert.equal(statuses.filter((s) => s === 202).length, 20);
    assert.deepEqual(statuses.slice(20), new Array(40).fill(429));
    const refused = await send({ mobile: '9830099999' });
    assert.equal(refused.body.details.guard, 'new_prefix');
    // A real subscriber in that range verifies: the range is trusted from then on.
    const first = await t.until(async () => sent('919830000000').length > 0 && sent('919830000000'));
    const session = (await t.request('GET', `/v1/events?limit=1000`)).body.events
      .find((e: { event: string; to: string }) => e.event === 'otp.sent' && e.to === '919830000000').session_id;
    assert.equal((await verify(session, codeIn(first[0]!.body))).body.verified, true);
    assert.equal((await send({ mobile: '9830099999' })).status, 202);
  });

  test('test mode: a test key gets the code and sends nothing; a live key may not ask for it', async () => {
    const res = await send({ mobile: '9840000001' }, testKey);
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.test_mode, true);
    assert.match(res.body.otp, /^\d{6}$/);
    assert.equal(res.body.message_id, null);
    assert.equal((await verify(res.body.session_id, res.body.otp, testKey)).body.verified, true);
    const live = await send({ mobile: '9840000002', test_mode: true });
    assert.equal(live.status, 403);
    assert.equal(live.body.error_code, 'ERR_OTP_TEST_MODE_LIVE_KEY');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([...sent('919840000001'), ...sent('919840000002')], []);
  });

  test('another tenant sees none of it: a plain 404 for a session that exists', async () => {
    const other: TestAccount = await t.createAccount();
    const res = await send({ mobile: '9850000001' });
    for (const [method, url, body] of [
      ['GET', `/v1/otp/${res.body.session_id}`, undefined],
      ['POST', '/v1/otp/verify', { session_id: res.body.session_id, otp: '123456' }],
      ['POST', '/v1/otp/resend', { session_id: res.body.session_id }],
    ] as const) {
      const r = await t.request(method, url, body, { key: other.apiKey });
      assert.equal(r.status, 404, `${method} ${url}: ${r.raw}`);
      assert.equal(r.body.error_code, 'ERR_NOT_FOUND');
    }
    assert.equal((await t.request('GET', `/v1/otp/${res.body.session_id}`)).body.attempts, 0, 'the other tenant\'s check used no attempt');
  });

  test('bad input is refused precisely and changes nothing', async () => {
    const store = t.gateway.core.store;
    const balance = async () => (await store.getBalances(t.account.id)).find((b) => b.routeId === 'otp')!.balance;
    const before = { balance: await balance() };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ mobile: '98100' }, 422, 'ERR_INVALID_MOBILE'],
      [{ mobile: '9860000001', length: 3 }, 400, 'ERR_INVALID_REQUEST'],
      [{ mobile: '9860000001', length: 11 }, 400, 'ERR_INVALID_REQUEST'],
      [{ mobile: '9860000001', expiry: 29 }, 400, 'ERR_INVALID_REQUEST'],
      [{ mobile: '9860000001', expiry: 1801 }, 400, 'ERR_INVALID_REQUEST'],
      [{ mobile: '9860000001', max_attempts: 0 }, 400, 'ERR_INVALID_REQUEST'],
      [{ mobile: '9860000001', channels: ['pigeon'] }, 400, 'ERR_INVALID_REQUEST'],
      [{ mobile: '9860000001', channels: ['whatsapp', 'voice'] }, 422, 'ERR_OTP_CHANNEL_UNAVAILABLE'],
      [{ mobile: '9860000001', channel_id: 'nope' }, 422, 'ERR_OTP_CHANNEL_NOT_FOUND'],
      [{ mobile: '9860000001', template_id: 'T-PLAIN-1', variables: [] }, 422, 'ERR_TEMPLATE_CATEGORY_MISMATCH'],
      [{ mobile: '9860000001', template_id: 'T-NOPE' }, 422, 'ERR_TEMPLATE_NOT_FOUND'],
      [{ mobile: '9860000001', variables: [] }, 422, 'ERR_DLT_TEMPLATE_MISMATCH'],
      [{ mobile: '9860000001', sender: 'NOPE12' }, 422, 'ERR_SENDER_NOT_REGISTERED'],
      [{ mobile: '9860000001', unknown_field: 1 }, 400, 'ERR_INVALID_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const res = await send(body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.raw}`);
      assert.equal(res.body.error_code, code, JSON.stringify(body));
    }
    const ok = await send({ mobile: '9860000001' });
    assert.equal(ok.status, 202, 'the number was not counted by the refused requests');
    const code = await deliveredCode('919860000001');
    for (const otp of ['12a456', '', '１２３４５６', '1'.repeat(21)]) {
      const res = await verify(ok.body.session_id, otp);
      assert.ok(res.status === 400, `${otp}: ${res.raw}`);
    }
    assert.equal((await t.request('GET', `/v1/otp/${ok.body.session_id}`)).body.attempts, 0, 'malformed codes use no attempt');
    assert.equal((await verify(ok.body.session_id, code)).body.verified, true);
    assert.equal(await balance(), before.balance - 1);
    assert.equal(sent('919860000001').length, 1, 'one message reached the carrier: the accepted one');
  });

  test('a send the account cannot pay for is refused whole: no session, no count against the number', async () => {
    const poor = await t.createAccount({ otp: 0, transactional: 10 });
    const res = await t.request('POST', '/v1/otp/send', { ...otpTemplate, mobile: '9870000001' }, { key: poor.apiKey });
    assert.equal(res.status, 402, res.raw);
    assert.equal(res.body.error_code, 'ERR_INSUFFICIENT_CREDITS');
    assert.equal(await t.gateway.core.store.getOtpSession(poor.id, 'x'), undefined);
    assert.equal((await t.admin('POST', `/accounts/${poor.id}/credits`, { route: 'otp', amount: 100, note: 'top-up' })).status, 200);
    for (let i = 0; i < 5; i++) {
      assert.equal((await t.request('POST', '/v1/otp/send', { ...otpTemplate, mobile: '9870000001' }, { key: poor.apiKey })).status, 202, `send ${i + 1}`);
    }
  });

  test('the seed 001 name generate-and-send and expiry_seconds work the same', async () => {
    const res = await t.request('POST', '/v1/otp/generate-and-send', {
      mobile: '919880000001', purpose: 'login', expiry_seconds: 90, max_attempts: 3, channels: ['sms', 'whatsapp', 'voice'], language: 'en',
      sender: 'DAKIYA', template_id: 'T-OTP-1', variables: ['10'],
    });
    assert.equal(res.status, 202, res.raw);
    assert.equal(res.body.channel_used, 'sms');
    assert.deepEqual(res.body.channels, ['sms', 'whatsapp', 'voice']);
    assert.equal(res.body.max_attempts, 3);
    assert.equal(res.body.expires_at, new Date(clock.now() + 90_000).toISOString());
  });
});
