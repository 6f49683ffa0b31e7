// The store contract for one-time passwords: sessions, the anti-abuse guards, checks and their
// events, on every engine. Concurrency matters most here: however many sends or checks arrive at
// once (on one handle or several, as several nodes would), a guard admits at most its limit and a
// session evaluates at most maxAttempts checks. Called next to storeContract().
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { uuidv7Generator } from '../../src/domain/ids.ts';
import { codeMatches, hashCode, otpHashKey, type OtpSession } from '../../src/domain/otp.ts';
import { defaultRoutes } from '../../src/domain/route.ts';
import type { OtpCheckOptions, OtpCheckOutcome, OtpGuardSpec, OtpStartResult } from '../../src/store/otp-rows.ts';
import type { NewMessage } from '../../src/domain/message.ts';
import type { AcceptRequest, StoredEvent, Store } from '../../src/store/store.ts';

const clock = { now: () => 1_800_000_000_000 };
const ids = uuidv7Generator(clock);
const now = clock.now();
const hashKey = otpHashKey(Buffer.alloc(32, 7));
const code = '482913';
const wrong = '000000';
const mobile = '919800000001';
const lockMs = 900_000;
const windowMs = 600_000;

type FailedGuard = Extract<OtpGuardSpec, { kind: 'window' }>;

export function otpContract(name: string, fresh: () => Promise<() => Promise<Store>>): void {
  describe(`one-time passwords contract: ${name}`, () => {
    let store: Store;
    let open: () => Promise<Store>;
    let accountId: string;
    let other: string;
    /** Every session a test made, for the scan of its events for secrets. */
    let made: OtpSession[];

    beforeEach(async () => {
      open = await fresh();
      store = await open();
      for (const r of defaultRoutes) await store.upsertRoute(r);
      accountId = ids();
      other = ids();
      for (const id of [accountId, other]) await store.createAccount({ id, name: id, status: 'active', rateLimitPerMinute: null, createdAt: now });
      made = [];
    });
    afterEach(async () => { await store.close(); });

    function session(overrides: Partial<OtpSession> = {}): OtpSession {
      const id = overrides.id ?? ids();
      const s: OtpSession = {
        id, accountId, mobile, channelId: null, templateId: 'tpl-login', sender: 'DAKIYA', routeId: 'transactional',
        codeHash: hashCode(hashKey, id, code), sealedCode: `sealed.${id}.v1`, length: 6, expiresAt: now + 300_000, maxAttempts: 5,
        attempts: 0, sends: 1, maxSends: 3, lastSentAt: now, status: 'pending', lockedUntil: null, channels: ['sms', 'whatsapp'],
        channelUsed: null, messageId: ids(), purpose: 'login', content: { variables: ['Acme'] }, test: false, createdAt: now, verifiedAt: null, ...overrides,
      };
      made.push(s);
      return s;
    }

    async function started(overrides: Partial<OtpSession> = {}, guards: readonly OtpGuardSpec[] = [], at = now): Promise<OtpSession> {
      const s = session(overrides);
      assert.deepEqual(await store.startOtpSession(s, guards, at), { ok: true });
      return s;
    }

    const sendsGuard = (max = 5): OtpGuardSpec => ({ kind: 'window', guard: 'number_sends', key: `n:${accountId}:${mobile}`, max, windowMs });
    const failedGuard = (max = 1000): FailedGuard => ({ kind: 'window', guard: 'number_failed_checks', key: `f:${accountId}:${mobile}`, max, windowMs });

    /** Check options for `candidate`; `calls.n` counts the judge's calls. */
    function checking(candidate: string, calls = { n: 0 }, failed: FailedGuard | null = failedGuard()): OtpCheckOptions {
      return {
        judge: (s) => { calls.n++; return codeMatches(hashKey, s.id, candidate, s.codeHash); },
        failedChecks: () => failed ?? undefined,
        lockMs,
        prefixOf: (s) => s.mobile.slice(0, 7),
      };
    }

    async function allEvents(account = accountId): Promise<StoredEvent[]> {
      const out: StoredEvent[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.listEvents({ accountId: account, limit: 50, ...(after !== undefined && { after }) });
        out.push(...page);
        if (page.length < 50) return out;
        after = page.at(-1)!.cursor;
      }
    }

    async function eventsOf(type: string): Promise<StoredEvent[]> {
      return (await allEvents()).filter((e) => e.type === type);
    }

    /** No otp.* event carries a code, a code hash or a sealed code, as any value or inside one. */
    async function assertNoSecrets(): Promise<number> {
      const events = (await allEvents()).filter((e) => e.type.startsWith('otp.'));
      const secrets = made.flatMap((s) => [s.codeHash, s.sealedCode ?? s.codeHash]);
      const values = (v: unknown): unknown[] => (v !== null && typeof v === 'object' ? Object.values(v).flatMap(values) : [v]);
      for (const e of events) {
        assert.ok(e.data, `${e.type} has data`);
        for (const v of values(JSON.parse(e.data))) {
          assert.notEqual(String(v), code, `${e.type} carries the code`);
          assert.notEqual(String(v), wrong, `${e.type} carries a candidate`);
        }
        for (const secret of secrets) assert.ok(!e.data.includes(secret), `${e.type} carries a hash or sealed code`);
      }
      return events.length;
    }

    /** The message that carries a session's code, as the send service would hand it over (1 credit on route otp). */
    function carrying(s: OtpSession, messageId = s.messageId!): AcceptRequest {
      const m: NewMessage = {
        id: messageId, accountId: s.accountId, batchId: null, routeId: 'otp', category: 'otp', lane: 'otp', recipient: s.mobile, sender: 'DAKIYA',
        body: 'Your code is ******', secret: 'v1.sealed', templateId: null, encoding: 'GSM7', segments: 1, flash: false, credits: 1, status: 'QUEUED',
        correlationId: null, dueAt: now, scheduledAt: null, expiresAt: now + 86_400_000, createdAt: now,
      };
      return { accountId: s.accountId, routeId: 'otp', debit: 1, messages: [m] };
    }

    async function otpBalance(account = accountId): Promise<number> {
      return (await store.getBalances(account)).find((b) => b.routeId === 'otp')?.balance ?? -1;
    }

    function checked(o: OtpCheckOutcome | undefined): Extract<OtpCheckOutcome, { kind: 'checked' }> {
      assert.equal(o?.kind, 'checked', JSON.stringify(o));
      return o as Extract<OtpCheckOutcome, { kind: 'checked' }>;
    }

    test('a started session reads back field for field, only for its own account', async () => {
      const s = await started({ channelId: 'login', test: true, channels: ['whatsapp', 'sms', 'voice'], purpose: null, content: { message: 'Your code is {{otp}}' } });
      const t = await started({ templateId: null, content: null, sealedCode: null, lockedUntil: now + 5, verifiedAt: now + 6, status: 'verified', attempts: 2, sends: 3 });
      assert.deepEqual(await store.getOtpSession(accountId, s.id), s);
      assert.deepEqual(await store.getOtpSession(accountId, t.id), t);
      const got = (await store.getOtpSession(accountId, s.id))!;
      assert.equal(typeof got.expiresAt, 'number');
      assert.equal(typeof got.createdAt, 'number');
      assert.equal(got.test, true);
      assert.equal((await store.getOtpSession(accountId, t.id))!.test, false);
      assert.equal(await store.getOtpSession(other, s.id), undefined);
      assert.equal(await store.getOtpSession(accountId, 'nope'), undefined);
      assert.equal(await store.checkOtp(other, s.id, now, checking(code)), undefined);
    });

    test('50 concurrent starts from three handles under a window guard: exactly its limit pass, one alert', async () => {
      const handles = [store, ...await Promise.all([open(), open()])];
      try {
        const sessions = Array.from({ length: 50 }, () => session());
        const results = await Promise.all(sessions.map((s, i) => handles[i % 3]!.startOtpSession(s, [sendsGuard()], now)));
        const refused = results.filter((r): r is Extract<OtpStartResult, { refusal: unknown }> => !r.ok && 'refusal' in r);
        assert.equal(refused.length, results.filter((r) => !r.ok).length, 'every failure is a refusal');
        assert.equal(results.filter((r) => r.ok).length, 5);
        assert.equal(refused.length, 45);
        for (const r of refused) {
          assert.equal(r.refusal.guard, 'number_sends');
          assert.ok(r.refusal.retryAfterMs > 0);
          assert.equal(r.refusal.retryAfterMs, windowMs);
        }
        assert.equal(refused.filter((r) => r.refusal.tripped).length, 1, 'the alert fires once');
        const stored = await Promise.all(sessions.map((s) => store.getOtpSession(accountId, s.id)));
        assert.equal(stored.filter((s) => s !== undefined).length, 5, 'a refused start stores no session');
        const blocked = await eventsOf('otp.blocked');
        assert.equal(blocked.length, 1);
        assert.deepEqual(JSON.parse(blocked[0]!.data!), { guard: 'number_sends', to: mobile, retry_after: 600 });
        assert.equal(blocked[0]!.messageId, null);
        assert.equal((await allEvents(other)).length, 0);
        // Still inside the window: refused, no second alert.
        const again = await store.startOtpSession(session(), [sendsGuard()], now + windowMs - 1);
        assert.deepEqual(again, { ok: false, refusal: { guard: 'number_sends', retryAfterMs: 1000, tripped: false } });
        assert.equal((await eventsOf('otp.blocked')).length, 1);
        // Once the window has passed the number may receive codes again.
        assert.deepEqual(await store.startOtpSession(session(), [sendsGuard()], now + windowMs + 1), { ok: true });
        await assertNoSecrets();
      } finally {
        await Promise.all(handles.slice(1).map((h) => h.close()));
      }
    });

    test('a daily budget admits its count, then refuses until it resets', async () => {
      const budget: OtpGuardSpec = { kind: 'count', guard: 'daily_budget', key: `b:${accountId}:2027-01-15`, max: 3, resetsAt: now + 3_600_000 };
      for (let i = 0; i < 3; i++) await started({}, [budget], now + i);
      const r = await store.startOtpSession(session(), [budget], now + 10_000);
      assert.deepEqual(r, { ok: false, refusal: { guard: 'daily_budget', retryAfterMs: 3_600_000 - 10_000, tripped: true } });
      const r2 = await store.startOtpSession(session(), [budget], now + 20_000);
      assert.deepEqual(r2, { ok: false, refusal: { guard: 'daily_budget', retryAfterMs: 3_600_000 - 20_000, tripped: false } });
      assert.equal((await eventsOf('otp.blocked')).length, 1);
      // The next day's key is a new count.
      await started({}, [{ ...budget, key: `b:${accountId}:2027-01-16`, resetsAt: now + 90_000_000 }], now + 3_600_000);
    });

    test('a refusal by a later guard counts nothing on the earlier ones', async () => {
      const budget: OtpGuardSpec = { kind: 'count', guard: 'daily_budget', key: `b:${accountId}:day`, max: 1, resetsAt: now + 3_600_000 };
      await started({}, [budget]);
      for (let i = 0; i < 5; i++) {
        const r = await store.startOtpSession(session(), [sendsGuard(2), budget], now + i);
        assert.equal(!r.ok && 'refusal' in r && r.refusal.guard, 'daily_budget');
      }
      // Nothing was stamped on the sends window by those refusals: two still pass.
      await started({}, [sendsGuard(2)], now + 10);
      await started({}, [sendsGuard(2)], now + 11);
      const r = await store.startOtpSession(session(), [sendsGuard(2)], now + 12);
      assert.equal(!r.ok && 'refusal' in r && r.refusal.guard, 'number_sends');
    });

    test('the new-prefix guard stops applying once a code sent to the prefix is verified', async () => {
      const prefix: OtpGuardSpec = { kind: 'window', guard: 'new_prefix', key: `p:${accountId}:9198000`, max: 2, windowMs, unlessTrusted: { accountId, prefix: '9198000' } };
      const first = await started({}, [prefix]);
      await started({ mobile: '919800000002' }, [prefix]);
      const r = await store.startOtpSession(session({ mobile: '919800000003' }), [prefix], now + 1);
      assert.equal(!r.ok && 'refusal' in r && r.refusal.guard, 'new_prefix');
      assert.equal(checked(await store.checkOtp(accountId, first.id, now + 2, checking(code))).result, 'verified');
      for (let i = 0; i < 4; i++) await started({ mobile: `91980000001${i}` }, [prefix], now + 3);
      // Trust is per account: another account's prefix guard still applies.
      const theirs: OtpGuardSpec = { ...prefix, key: `p:${other}:9198000`, unlessTrusted: { accountId: other, prefix: '9198000' } };
      for (let i = 0; i < 2; i++) assert.deepEqual(await store.startOtpSession(session({ accountId: other }), [theirs], now), { ok: true });
      const t = await store.startOtpSession(session({ accountId: other }), [theirs], now);
      assert.equal(!t.ok && 'refusal' in t && t.refusal.guard, 'new_prefix');
    });

    test('a locked session holds its number until lockedUntil', async () => {
      const s = await started({ maxAttempts: 2 });
      const locked: OtpGuardSpec = { kind: 'locked', guard: 'number_locked', accountId, mobile };
      assert.deepEqual(await store.startOtpSession(session(), [locked], now), { ok: true }, 'nothing is locked yet');
      assert.equal(checked(await store.checkOtp(accountId, s.id, now, checking(wrong))).result, 'mismatch');
      const last = checked(await store.checkOtp(accountId, s.id, now, checking(wrong)));
      assert.equal(last.result, 'mismatch');
      assert.equal(last.session.status, 'locked');
      assert.equal(last.session.lockedUntil, now + lockMs);
      const r = await store.startOtpSession(session(), [locked], now + 1000);
      assert.deepEqual(r, { ok: false, refusal: { guard: 'number_locked', retryAfterMs: lockMs - 1000, tripped: false } });
      assert.deepEqual(await store.startOtpSession(session({ mobile: '919800000009' }), [{ ...locked, mobile: '919800000009' }], now + 1000), { ok: true });
      assert.deepEqual(await store.startOtpSession(session(), [{ ...locked, accountId: other }], now + 1000), { ok: true });
      assert.deepEqual(await store.startOtpSession(session(), [locked], now + lockMs), { ok: true });
    });

    test('200 concurrent wrong checks from four handles: exactly maxAttempts are judged, then the session is locked', async () => {
      const s = await started();
      const handles = [store, ...await Promise.all([open(), open(), open()])];
      try {
        const calls = { n: 0 };
        const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => handles[i % 4]!.checkOtp(accountId, s.id, now, checking(wrong, calls))));
        assert.equal(calls.n, 5, 'the judge ran exactly maxAttempts times');
        const results = outcomes.map((o) => checked(o).result);
        assert.equal(results.filter((r) => r === 'mismatch').length, 5);
        assert.equal(results.filter((r) => r === 'locked').length, 195);
        const stored = (await store.getOtpSession(accountId, s.id))!;
        assert.deepEqual([stored.status, stored.attempts, stored.lockedUntil, stored.sealedCode], ['locked', 5, now + lockMs, null]);
        const right = { n: 0 };
        assert.equal(checked(await store.checkOtp(accountId, s.id, now + 1, checking(code, right))).result, 'locked');
        assert.equal(right.n, 0);
        const failed = await eventsOf('otp.failed');
        assert.equal(failed.length, 5);
        assert.deepEqual(failed.map((e) => JSON.parse(e.data!).attempts).sort(), [1, 2, 3, 4, 5]);
        const lockedEvents = await eventsOf('otp.locked');
        assert.equal(lockedEvents.length, 1);
        assert.deepEqual(JSON.parse(lockedEvents[0]!.data!).locked_until, now + lockMs);
        assert.equal(lockedEvents[0]!.messageId, s.messageId);
        const all = await allEvents();
        // The lock comes with the last failure, right after it (on PostgreSQL, the log's order across
        // transactions is not the order they ran in, so only the order within one is asserted).
        const at = all.findIndex((e) => e.type === 'otp.locked');
        assert.equal(all[at - 1]?.type, 'otp.failed');
        assert.equal(JSON.parse(all[at - 1]!.data!).attempts, 5);
        assert.equal(await assertNoSecrets(), 6);
      } finally {
        await Promise.all(handles.slice(1).map((h) => h.close()));
      }
    });

    test('the right code verifies once; again it is used, without a judgement', async () => {
      const s = await started();
      const calls = { n: 0 };
      assert.equal(checked(await store.checkOtp(accountId, s.id, now + 5, checking(wrong, calls))).result, 'mismatch');
      // Without a failed-checks limit (null: none) a check is judged all the same.
      const v = checked(await store.checkOtp(accountId, s.id, now + 10, checking(code, calls, null)));
      assert.equal(v.result, 'verified');
      assert.equal(calls.n, 2);
      assert.deepEqual([v.session.status, v.session.sealedCode, v.session.verifiedAt, v.session.attempts], ['verified', null, now + 10, 2]);
      assert.deepEqual(await store.getOtpSession(accountId, s.id), v.session);
      const verified = await eventsOf('otp.verified');
      assert.equal(verified.length, 1);
      assert.equal(verified[0]!.at, now + 10);
      assert.equal(verified[0]!.messageId, s.messageId);
      assert.deepEqual(JSON.parse(verified[0]!.data!).session_id, s.id);
      const again = { n: 0 };
      const used = checked(await store.checkOtp(accountId, s.id, now + 20, checking(code, again)));
      assert.equal(used.result, 'used');
      assert.equal(again.n, 0);
      assert.equal((await store.getOtpSession(accountId, s.id))!.attempts, 2);
      assert.equal((await eventsOf('otp.verified')).length, 1);
      await assertNoSecrets();
    });

    test('a session past its time is expired by a check or by housekeeping, once', async () => {
      const s = await started({ expiresAt: now + 1000 });
      const calls = { n: 0 };
      const e = checked(await store.checkOtp(accountId, s.id, now + 1000, checking(code, calls)));
      assert.deepEqual([e.result, e.session.status, e.session.sealedCode], ['expired', 'expired', null]);
      assert.equal(calls.n, 0);
      assert.equal((await eventsOf('otp.expired')).length, 1);
      assert.equal(checked(await store.checkOtp(accountId, s.id, now + 2000, checking(code, calls))).result, 'expired');
      assert.equal((await eventsOf('otp.expired')).length, 1);
      assert.equal((await store.getOtpSession(accountId, s.id))!.status, 'expired');

      const t = await started({ expiresAt: now + 2000 });
      const u = await started({ expiresAt: now + 1_000_000 });
      const v = await started({ expiresAt: now + 3000, status: 'verified', sealedCode: null });
      assert.equal(await store.expireOtpSessions(now + 5000, 100), 1);
      const expired = await eventsOf('otp.expired');
      assert.equal(expired.length, 2);
      assert.equal(JSON.parse(expired[1]!.data!).session_id, t.id);
      assert.equal(JSON.parse(expired[1]!.data!).status, 'expired');
      assert.equal(expired[1]!.at, now + 5000);
      assert.deepEqual([(await store.getOtpSession(accountId, t.id))!.status, (await store.getOtpSession(accountId, t.id))!.sealedCode], ['expired', null]);
      assert.equal((await store.getOtpSession(accountId, u.id))!.status, 'pending');
      assert.equal((await store.getOtpSession(accountId, v.id))!.status, 'verified');
      assert.equal(await store.expireOtpSessions(now + 5000, 100), 0);
      assert.equal((await eventsOf('otp.expired')).length, 2);
      // The limit bounds one pass.
      for (let i = 0; i < 3; i++) await started({ expiresAt: now + 2000 + i });
      assert.equal(await store.expireOtpSessions(now + 5000, 2), 2);
      assert.equal(await store.expireOtpSessions(now + 5000, 2), 1);
      await assertNoSecrets();
    });

    test('failed checks across a number\'s sessions are capped: the next check is refused without an attempt', async () => {
      const a = await started({ expiresAt: now + 2 * windowMs });
      const b = await started({ expiresAt: now + 2 * windowMs });
      const guard = failedGuard(2);
      assert.equal(checked(await store.checkOtp(accountId, a.id, now, checking(wrong, undefined, guard))).result, 'mismatch');
      assert.equal(checked(await store.checkOtp(accountId, b.id, now + 1, checking(wrong, undefined, guard))).result, 'mismatch');
      const calls = { n: 0 };
      const r = await store.checkOtp(accountId, a.id, now + 2, checking(code, calls, guard));
      assert.deepEqual(r, { kind: 'refused', refusal: { guard: 'number_failed_checks', retryAfterMs: windowMs - 2, tripped: true } });
      assert.equal(calls.n, 0);
      assert.equal((await store.getOtpSession(accountId, a.id))!.attempts, 1, 'a refused check is no attempt');
      const r2 = await store.checkOtp(accountId, b.id, now + 3, checking(code, calls, guard));
      assert.deepEqual(r2, { kind: 'refused', refusal: { guard: 'number_failed_checks', retryAfterMs: windowMs - 3, tripped: false } });
      assert.equal((await store.getOtpSession(accountId, b.id))!.attempts, 1);
      const blocked = await eventsOf('otp.blocked');
      assert.equal(blocked.length, 1);
      assert.equal(JSON.parse(blocked[0]!.data!).guard, 'number_failed_checks');
      // A verification is not a failure: it does not count on the guard.
      const c = await started({ mobile: '919800000005' });
      const cGuard: FailedGuard = { ...guard, key: `f:${accountId}:919800000005` };
      for (let i = 0; i < 3; i++) checked(await store.checkOtp(accountId, c.id, now, checking(code, undefined, cGuard)));
      const d = await started({ mobile: '919800000005' });
      assert.equal(checked(await store.checkOtp(accountId, d.id, now, checking(wrong, undefined, cGuard))).result, 'mismatch');
      // Once the window has passed, checks are evaluated again.
      assert.equal(checked(await store.checkOtp(accountId, a.id, now + windowMs + 1, checking(code, undefined, guard))).result, 'verified');
      await assertNoSecrets();
    });

    test('a resend is refused during the cooldown, after maxSends, on an ended session and for another account', async () => {
      const s = await started();
      const cooldown = 30_000;
      assert.deepEqual(await store.reserveOtpResend(accountId, s.id, [], cooldown, now + 1000),
        { ok: false, refusal: { guard: 'resend_cooldown', retryAfterMs: 29_000, tripped: false } });
      assert.deepEqual(await store.reserveOtpResend(other, s.id, [], cooldown, now + cooldown), { ok: false, reason: 'not_found' });
      const full = await started({ sends: 3, maxSends: 3 });
      const r = await store.reserveOtpResend(accountId, full.id, [], cooldown, now + cooldown);
      assert.equal(!r.ok && 'reason' in r && r.reason, 'max_sends');
      await store.checkOtp(accountId, s.id, now + 5, checking(code));
      const ended = await store.reserveOtpResend(accountId, s.id, [], cooldown, now + cooldown);
      assert.equal(!ended.ok && 'reason' in ended && ended.reason, 'ended');
      const late = await started({ expiresAt: now + 10_000 });
      const timedOut = await store.reserveOtpResend(accountId, late.id, [], cooldown, now + 10_000);
      assert.equal(!timedOut.ok && 'reason' in timedOut && timedOut.reason, 'ended');
      assert.equal((await store.getOtpSession(accountId, full.id))!.sends, 3);
    });

    test('a start commits its session, the message carrying the code and otp.sent together', async () => {
      await store.addCredits(accountId, 'otp', 5, 'topup', 'test', now);
      const s = session({ channelUsed: 'sms' });
      assert.deepEqual(await store.startOtpSession(s, [sendsGuard(2)], now + 5, carrying(s)), { ok: true });
      assert.equal((await store.getMessage(accountId, s.messageId!))?.body, 'Your code is ******');
      assert.equal(await otpBalance(), 4);
      const sent = await eventsOf('otp.sent');
      assert.equal(sent.length, 1);
      assert.deepEqual([sent[0]!.messageId, sent[0]!.at], [s.messageId, now + 5]);
      const data = JSON.parse(sent[0]!.data!) as Record<string, unknown>;
      assert.deepEqual([data.session_id, data.channel, data.to], [s.id, 'sms', mobile]);
      assert.equal(await assertNoSecrets(), 1);
    });

    test('a start whose message cannot be paid for keeps nothing: no session, no count, no message, no event', async () => {
      const s = session();
      const budget: OtpGuardSpec = { kind: 'count', guard: 'daily_budget', key: `b:${accountId}:day`, max: 1, resetsAt: now + 3_600_000 };
      assert.deepEqual(await store.startOtpSession(s, [sendsGuard(1), budget], now, carrying(s)), { ok: false, reason: 'insufficient_credits', balance: 0 });
      assert.equal(await store.getOtpSession(accountId, s.id), undefined);
      assert.equal(await store.getMessage(accountId, s.messageId!), undefined);
      assert.deepEqual(await allEvents(), []);
      // Nothing was counted: with credits, the same guards admit the next send.
      await store.addCredits(accountId, 'otp', 1, 'topup', 'test', now);
      const t = session();
      assert.deepEqual(await store.startOtpSession(t, [sendsGuard(1), budget], now + 1, carrying(t)), { ok: true });
      assert.equal(await otpBalance(), 0);
    });

    test('a resend counts on its session and guards with its message; unpaid, it changes nothing', async () => {
      await store.addCredits(accountId, 'otp', 1, 'topup', 'test', now);
      const guard = sendsGuard(3);
      const s = await started({ channelUsed: 'sms' }, [guard]);
      const messageId = ids();
      const r = await store.reserveOtpResend(accountId, s.id, [guard], 30_000, now + 30_000, { accept: carrying(s, messageId), channel: 'sms' });
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.session, { ...s, sends: 2, lastSentAt: now + 30_000, messageId });
      assert.deepEqual(await store.getOtpSession(accountId, s.id), r.session);
      assert.equal((await store.getMessage(accountId, messageId))?.lane, 'otp');
      assert.equal((await eventsOf('otp.sent')).length, 1);
      // The balance is spent now: the next resend is refused whole.
      const unpaid = await store.reserveOtpResend(accountId, s.id, [guard], 30_000, now + 60_000, { accept: carrying(s, ids()), channel: 'sms' });
      assert.deepEqual(unpaid, { ok: false, reason: 'insufficient_credits', balance: 0 });
      assert.deepEqual(await store.getOtpSession(accountId, s.id), r.session);
      // Its count was not kept either: the window (3) still has room for one send.
      await started({}, [guard], now + 60_000);
      const full = await store.startOtpSession(session(), [guard], now + 60_000);
      assert.equal(!full.ok && 'refusal' in full && full.refusal.guard, 'number_sends');
      // A test-mode resend (no message) counts on the session only.
      const t = await started({ test: true, messageId: null, mobile: '919800000077' });
      const tr = await store.reserveOtpResend(accountId, t.id, [], 30_000, now + 30_000);
      assert.ok(tr.ok);
      assert.deepEqual([tr.session.sends, tr.session.messageId], [2, null]);
    });

    test('no otp event carries a code, its hash or its sealed copy', async () => {
      const guard = sendsGuard(1);
      await store.addCredits(accountId, 'otp', 1, 'topup', 'test', now);
      const a = session({ channelUsed: 'sms' });
      assert.deepEqual(await store.startOtpSession(a, [guard], now, carrying(a)), { ok: true });
      await store.startOtpSession(session(), [guard], now);
      await store.checkOtp(accountId, a.id, now, checking(wrong));
      await store.checkOtp(accountId, a.id, now, checking(code));
      const b = await started({ maxAttempts: 1, mobile: '919800000002' });
      await store.checkOtp(accountId, b.id, now, checking(wrong));
      await started({ expiresAt: now + 1, mobile: '919800000003' });
      await store.expireOtpSessions(now + 10, 10);
      const types = new Set((await allEvents()).map((e) => e.type));
      assert.deepEqual([...types].sort(), ['otp.blocked', 'otp.expired', 'otp.failed', 'otp.locked', 'otp.sent', 'otp.verified']);
      assert.ok(await assertNoSecrets() >= 7);
    });

    test('OTP channels are kept per account, listed by id, upserted and removed', async () => {
      const login = { accountId, channelId: 'login', templateId: 'tpl-1', sender: 'DAKIYA', route: null, length: 6, expirySeconds: 300, maxAttempts: 5, createdAt: now };
      const alerts = { ...login, channelId: 'Alerts', templateId: 'tpl-2', route: 'transactional', length: 4, expirySeconds: 60, maxAttempts: 3 };
      const b = { ...login, channelId: 'b-2' };
      for (const c of [login, alerts, b]) await store.saveOtpChannel(c);
      assert.deepEqual(await store.getOtpChannel(accountId, 'login'), login);
      assert.equal(await store.getOtpChannel(other, 'login'), undefined);
      assert.deepEqual((await store.listOtpChannels(accountId)).map((c) => c.channelId), ['Alerts', 'b-2', 'login']);
      assert.deepEqual(await store.listOtpChannels(other), []);
      const changed = { ...login, templateId: 'tpl-9', sender: 'OTPSMS', route: 'promotional', length: 8, expirySeconds: 600, maxAttempts: 7, createdAt: now + 99 };
      await store.saveOtpChannel(changed);
      assert.deepEqual(await store.getOtpChannel(accountId, 'login'), { ...changed, createdAt: now }, 'an update keeps createdAt');
      assert.equal(await store.removeOtpChannel(other, 'login'), false);
      assert.equal(await store.removeOtpChannel(accountId, 'login'), true);
      assert.equal(await store.removeOtpChannel(accountId, 'login'), false);
      assert.equal(await store.getOtpChannel(accountId, 'login'), undefined);
      assert.deepEqual(await store.listOtpChannels(accountId), [alerts, b]);
    });

    test('an OTP policy is absent until saved; saving again replaces it', async () => {
      assert.equal(await store.getOtpPolicy(accountId), undefined);
      const p = { accountId, allowedCountries: ['IN', 'AE'], dailyBudget: 500, updatedAt: now };
      await store.saveOtpPolicy(p);
      assert.deepEqual(await store.getOtpPolicy(accountId), p);
      assert.equal(await store.getOtpPolicy(other), undefined);
      const q = { accountId, allowedCountries: [], dailyBudget: 0, updatedAt: now + 1 };
      await store.saveOtpPolicy(q);
      assert.deepEqual(await store.getOtpPolicy(accountId), q);
    });

    test('purging forgets ended sessions created before the cut, and keeps pending ones', async () => {
      const old = { createdAt: now - 1000 };
      const verified = await started({ ...old, status: 'verified', sealedCode: null, verifiedAt: now - 900 });
      const locked = await started({ ...old, status: 'locked', sealedCode: null, lockedUntil: now - 1 });
      const expired = await started({ ...old, status: 'expired', sealedCode: null });
      const ranOut = await started({ ...old, expiresAt: now - 500 });
      const pending = await started({ ...old, expiresAt: now + 300_000 });
      const recent = await started({ createdAt: now + 10, status: 'verified', sealedCode: null });
      assert.equal(await store.purgeOtp(now, now, 2), 2, 'the limit bounds one pass');
      assert.equal(await store.purgeOtp(now, now, 100), 2);
      assert.equal(await store.purgeOtp(now, now, 100), 0);
      for (const s of [verified, locked, expired, ranOut]) assert.equal(await store.getOtpSession(accountId, s.id), undefined);
      assert.deepEqual(await store.getOtpSession(accountId, pending.id), pending);
      assert.deepEqual(await store.getOtpSession(accountId, recent.id), recent);
    });

    test('purging forgets counters whose window is over, and only those', async () => {
      const budget = (key: string, resetsAt: number): OtpGuardSpec => ({ kind: 'count', guard: 'daily_budget', key, max: 1, resetsAt });
      await started({}, [budget('b:old', now + 1000), budget('b:live', now + 3_600_000)]);
      await store.purgeOtp(now, now + 2000, 100);
      // The over one counts afresh (were it kept, its count would still refuse); the live one still refuses.
      assert.deepEqual(await store.startOtpSession(session(), [budget('b:old', now + 1000)], now + 2000), { ok: true });
      const r = await store.startOtpSession(session(), [budget('b:live', now + 3_600_000)], now + 2000);
      assert.equal(!r.ok && 'refusal' in r && r.refusal.guard, 'daily_budget');
    });
  });
}
