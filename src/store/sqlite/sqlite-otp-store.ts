// One-time passwords on SQLite: sessions, guards and checks, each one transaction. Writes share
// group commits (one WAL sync for all that arrive together); SQLite's single writer makes each
// transaction's read-judge-write atomic without row locks.
import type Database from 'better-sqlite3';
import { checkedSession, endedCheck, type OtpChannelDefinition, type OtpChannelName, type OtpPolicy, type OtpSession } from '../../domain/otp.ts';
import {
  type CounterRow, judgeCounter, type OtpCheckOptions, type OtpCheckOutcome, type OtpEventType, type OtpGuardSpec, type OtpRefusal,
  type OtpResendResult, type OtpSessionRow, type OtpStartResult, otpBlockedData, otpEventData, otpSessionColumns, otpSessionValues,
  toOtpSession, OtpRollback, type OtpChannelRow, type OtpPolicyRow, toOtpChannel, toOtpPolicy, unpaid,
} from '../otp-rows.ts';
import type { AcceptRequest, AcceptResult } from '../store.ts';
import { GroupCommit, type GroupCommitOptions } from './sqlite-group-commit.ts';
import { objectRows } from './sqlite-rows.ts';

export class SqliteOtpStore {
  #db: Database.Database;
  #s;
  #commit: GroupCommit<() => unknown, unknown>;
  #accept: (request: AcceptRequest) => AcceptResult;

  /** `accept` commits a message inside the caller's transaction (the message writer's accept, without a transaction of its own). */
  constructor(db: Database.Database, groupCommit: GroupCommitOptions, accept: (request: AcceptRequest) => AcceptResult) {
    this.#db = db;
    this.#accept = accept;
    this.#commit = new GroupCommit<() => unknown, unknown>(db, groupCommit, (work) => work());
    this.#s = {
      session: objectRows(db.prepare<[string, string], OtpSessionRow>('SELECT * FROM otp_sessions WHERE id = ? AND account_id = ?')),
      insertSession: db.prepare(`INSERT INTO otp_sessions (${otpSessionColumns.join(', ')}) VALUES (${otpSessionColumns.map(() => '?').join(', ')})`),
      counter: objectRows(db.prepare<[string], CounterRow>('SELECT stamps, count, tripped_at FROM otp_counters WHERE key = ?')),
      writeCounter: db.prepare(`INSERT INTO otp_counters (key, stamps, count, expires_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET stamps = excluded.stamps, count = excluded.count, expires_at = max(otp_counters.expires_at, excluded.expires_at)`),
      trip: db.prepare(`INSERT INTO otp_counters (key, tripped_at, expires_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET tripped_at = excluded.tripped_at`),
      trusted: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM otp_prefixes WHERE account_id = ? AND prefix = ?'),
      trust: db.prepare('INSERT INTO otp_prefixes (account_id, prefix, trusted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      lockedUntil: db.prepare<[string, string, number], { until: number | null }>(
        "SELECT max(locked_until) AS until FROM otp_sessions WHERE account_id = ? AND mobile = ? AND status = 'locked' AND locked_until > ?"),
      event: db.prepare('INSERT INTO events (account_id, type, message_id, batch_id, status, error_code, at, data, callback) VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?, 0)'),
      resend: db.prepare('UPDATE otp_sessions SET sends = sends + 1, last_sent_at = ?, message_id = ?, channel_used = ? WHERE id = ?'),
      checked: db.prepare('UPDATE otp_sessions SET attempts = ?, status = ?, verified_at = ?, locked_until = ?, sealed_code = ? WHERE id = ?'),
      expire: db.prepare("UPDATE otp_sessions SET status = 'expired', sealed_code = NULL WHERE id = ? AND status = 'pending'"),
      expiring: db.prepare<[number, number], OtpSessionRow>("SELECT * FROM otp_sessions WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?"),
      purgeSessions: db.prepare("DELETE FROM otp_sessions WHERE rowid IN (SELECT rowid FROM otp_sessions WHERE created_at < ? AND (status <> 'pending' OR expires_at < ?) LIMIT ?)"),
      purgeCounters: db.prepare('DELETE FROM otp_counters WHERE expires_at < ?'),
      saveChannel: db.prepare(`INSERT INTO otp_channels (account_id, channel_id, template_id, sender, route, length, expiry_seconds, max_attempts, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, channel_id) DO UPDATE SET template_id = excluded.template_id,
        sender = excluded.sender, route = excluded.route, length = excluded.length, expiry_seconds = excluded.expiry_seconds, max_attempts = excluded.max_attempts`),
      channel: db.prepare<[string, string], OtpChannelRow>('SELECT * FROM otp_channels WHERE account_id = ? AND channel_id = ?'),
      channels: db.prepare<[string], OtpChannelRow>('SELECT * FROM otp_channels WHERE account_id = ? ORDER BY channel_id'),
      removeChannel: db.prepare('DELETE FROM otp_channels WHERE account_id = ? AND channel_id = ?'),
      policy: db.prepare<[string], OtpPolicyRow>('SELECT * FROM otp_policies WHERE account_id = ?'),
      savePolicy: db.prepare(`INSERT INTO otp_policies (account_id, allowed_countries, daily_budget, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (account_id) DO UPDATE SET allowed_countries = excluded.allowed_countries, daily_budget = excluded.daily_budget, updated_at = excluded.updated_at`),
    };
  }

  #run<T>(work: () => T): Promise<T> {
    return this.#commit.submit(work) as Promise<T>;
  }

  #event(accountId: string, type: OtpEventType, messageId: string | null, at: number, data: string): void {
    this.#s.event.run(accountId, type, messageId, at, data);
  }

  /** Judges every guard; on a refusal records its alert and answers it, else counts the send on each. */
  #pass(accountId: string, mobile: string, guards: readonly OtpGuardSpec[], now: number): OtpRefusal | undefined {
    const s = this.#s;
    const writes: Array<[string, string, number, number]> = [];
    for (const g of guards) {
      if (g.kind === 'locked') {
        const until = s.lockedUntil.get(g.accountId, g.mobile, now)?.until ?? null;
        if (until !== null) return { guard: g.guard, retryAfterMs: Math.max(1000, until - now), tripped: false };
        continue;
      }
      if (g.kind === 'window' && g.unlessTrusted && s.trusted.get(g.unlessTrusted.accountId, g.unlessTrusted.prefix)) continue;
      const judged = judgeCounter(g, s.counter.get(g.key), now);
      if (!judged.ok) {
        if (judged.tripped) {
          s.trip.run(g.key, now, now + (g.kind === 'window' ? g.windowMs : Math.max(0, g.resetsAt - now)));
          this.#event(accountId, 'otp.blocked', null, now, otpBlockedData(g.guard, mobile, judged.retryAfterMs));
        }
        return { guard: g.guard, retryAfterMs: judged.retryAfterMs, tripped: judged.tripped };
      }
      writes.push([g.key, judged.write.stamps, judged.write.count, judged.write.expiresAt]);
    }
    for (const w of writes) s.writeCounter.run(...w);
    return undefined;
  }

  /** Commits the message that carries a code, and otp.sent, in the running transaction; rolls it all back when unpaid. */
  #send(session: OtpSession, accept: AcceptRequest, now: number): void {
    const r = this.#accept(accept);
    if (!r.ok) {
      if (r.reason === 'insufficient_credits') throw new OtpRollback(r.balance);
      throw new Error('an OTP message cannot be an idempotent replay');
    }
    this.#event(session.accountId, 'otp.sent', session.messageId, now, otpEventData(session));
  }

  startOtpSession(session: OtpSession, guards: readonly OtpGuardSpec[], now: number, accept?: AcceptRequest): Promise<OtpStartResult> {
    return this.#run((): OtpStartResult => {
      const refusal = this.#pass(session.accountId, session.mobile, guards, now);
      if (refusal) return { ok: false, refusal };
      this.#s.insertSession.run(...otpSessionValues(session, session.test ? 1 : 0));
      if (accept) this.#send(session, accept, now);
      return { ok: true };
    }).catch(unpaid);
  }

  reserveOtpResend(accountId: string, sessionId: string, guards: readonly OtpGuardSpec[], cooldownMs: number, now: number,
    send?: { accept: AcceptRequest; channel: OtpChannelName }): Promise<OtpResendResult> {
    return this.#run((): OtpResendResult => {
      const row = this.#s.session.get(sessionId, accountId);
      if (!row) return { ok: false, reason: 'not_found' };
      const session = toOtpSession(row);
      if (session.status !== 'pending' || session.expiresAt <= now) return { ok: false, reason: 'ended', session };
      if (session.sends >= session.maxSends) return { ok: false, reason: 'max_sends', session };
      if (now - session.lastSentAt < cooldownMs) {
        return { ok: false, refusal: { guard: 'resend_cooldown', retryAfterMs: Math.max(1000, session.lastSentAt + cooldownMs - now), tripped: false } };
      }
      const refusal = this.#pass(accountId, session.mobile, guards, now);
      if (refusal) return { ok: false, refusal };
      const messageId = send?.accept.messages[0]?.id ?? session.messageId;
      const channel = send?.channel ?? session.channelUsed;
      this.#s.resend.run(now, messageId, channel, sessionId);
      const after: OtpSession = { ...session, sends: session.sends + 1, lastSentAt: now, messageId, channelUsed: channel };
      if (send) this.#send(after, send.accept, now);
      return { ok: true, session: after };
    }).catch(unpaid);
  }

  checkOtp(accountId: string, sessionId: string, now: number, options: OtpCheckOptions): Promise<OtpCheckOutcome | undefined> {
    // A group whose other work failed is rolled back and run again: judge the candidate once, whatever happens.
    let verdict: boolean | undefined;
    const judge = (session: OtpSession) => (verdict ??= options.judge(session));
    return this.#run((): OtpCheckOutcome | undefined => {
      const s = this.#s;
      const row = s.session.get(sessionId, accountId);
      if (!row) return undefined;
      let session = toOtpSession(row);
      const ended = endedCheck(session, now);
      if (ended) {
        if (session.status === 'pending') {
          s.expire.run(session.id);
          session = { ...session, status: 'expired', sealedCode: null };
          this.#event(accountId, 'otp.expired', session.messageId, now, otpEventData(session));
        }
        return { kind: 'checked', result: ended, session };
      }
      const failed = options.failedChecks(session);
      const counter = failed && s.counter.get(failed.key);
      const judged = failed && judgeCounter(failed, counter, now);
      if (failed && judged && !judged.ok) {
        if (judged.tripped) {
          s.trip.run(failed.key, now, now + failed.windowMs);
          this.#event(accountId, 'otp.blocked', null, now, otpBlockedData(failed.guard, session.mobile, judged.retryAfterMs));
        }
        return { kind: 'refused', refusal: { guard: failed.guard, retryAfterMs: judged.retryAfterMs, tripped: judged.tripped } };
      }
      // The attempt and what it decided are one UPDATE.
      const next = checkedSession(session, judge(session), now, options.lockMs);
      s.checked.run(next.attempts, next.status, next.verifiedAt, next.lockedUntil, next.sealedCode, next.id);
      if (next.status === 'verified') {
        s.trust.run(accountId, options.prefixOf(next), now);
        this.#event(accountId, 'otp.verified', next.messageId, now, otpEventData(next));
        return { kind: 'checked', result: 'verified', session: next };
      }
      if (failed && judged?.ok) s.writeCounter.run(failed.key, judged.write.stamps, judged.write.count, judged.write.expiresAt);
      this.#event(accountId, 'otp.failed', next.messageId, now, otpEventData({ ...session, attempts: next.attempts }));
      if (next.status === 'locked') this.#event(accountId, 'otp.locked', next.messageId, now, otpEventData(next));
      return { kind: 'checked', result: 'mismatch', session: next };
    });
  }

  getOtpSession(accountId: string, sessionId: string): OtpSession | undefined {
    const row = this.#s.session.get(sessionId, accountId);
    return row ? toOtpSession(row) : undefined;
  }

  expireOtpSessions(now: number, limit: number): Promise<number> {
    return this.#run(() => {
      let n = 0;
      for (const row of this.#s.expiring.all(now, limit)) {
        if (this.#s.expire.run(row.id).changes === 0) continue;
        const session: OtpSession = { ...toOtpSession(row), status: 'expired', sealedCode: null };
        this.#event(session.accountId, 'otp.expired', session.messageId, now, otpEventData(session));
        n++;
      }
      return n;
    });
  }

  purgeOtp(before: number, now: number, limit: number): number {
    return this.#db.transaction(() => {
      const n = this.#s.purgeSessions.run(before, before, limit).changes;
      this.#s.purgeCounters.run(now);
      return n;
    }).immediate();
  }

  saveOtpChannel(d: OtpChannelDefinition): void {
    this.#s.saveChannel.run(d.accountId, d.channelId, d.templateId, d.sender, d.route, d.length, d.expirySeconds, d.maxAttempts, d.createdAt);
  }

  getOtpChannel(accountId: string, channelId: string): OtpChannelDefinition | undefined {
    const row = this.#s.channel.get(accountId, channelId);
    return row && toOtpChannel(row);
  }

  listOtpChannels(accountId: string): OtpChannelDefinition[] {
    return this.#s.channels.all(accountId).map(toOtpChannel);
  }

  removeOtpChannel(accountId: string, channelId: string): boolean {
    return this.#s.removeChannel.run(accountId, channelId).changes > 0;
  }

  getOtpPolicy(accountId: string): OtpPolicy | undefined {
    const row = this.#s.policy.get(accountId);
    return row && toOtpPolicy(row);
  }

  saveOtpPolicy(p: OtpPolicy): void {
    this.#s.savePolicy.run(p.accountId, JSON.stringify(p.allowedCountries), p.dailyBudget, p.updatedAt);
  }
}
