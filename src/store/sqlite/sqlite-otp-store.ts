// One-time passwords on SQLite: sessions, guards and checks, each one transaction. Writes share
// group commits (one WAL sync for all that arrive together); SQLite's single writer makes each
// transaction's read-judge-write atomic without row locks.
import type Database from 'better-sqlite3';
import type { OtpChannelDefinition, OtpChannelName, OtpPolicy, OtpSession } from '../../domain/otp.ts';
import {
  type CounterRow, judgeCounter, type OtpCheckOptions, type OtpCheckOutcome, type OtpEventType, type OtpGuardSpec, type OtpRefusal,
  type OtpResendResult, type OtpSessionRow, type OtpStartResult, otpBlockedData, otpEventData, otpSessionColumns, otpSessionValues,
  toOtpSession, unjudgeCounter,
} from '../otp-rows.ts';
import { GroupCommit, type GroupCommitOptions } from './sqlite-group-commit.ts';

interface ChannelRow {
  account_id: string; channel_id: string; template_id: string; sender: string; route: string | null; length: number;
  expiry_seconds: number; max_attempts: number; created_at: number;
}

export class SqliteOtpStore {
  #db: Database.Database;
  #s;
  #commit: GroupCommit<() => unknown, unknown>;

  constructor(db: Database.Database, groupCommit: GroupCommitOptions) {
    this.#db = db;
    this.#commit = new GroupCommit<() => unknown, unknown>(db, groupCommit, (work) => work());
    this.#s = {
      session: db.prepare<[string, string], OtpSessionRow>('SELECT * FROM otp_sessions WHERE id = ? AND account_id = ?'),
      insertSession: db.prepare(`INSERT INTO otp_sessions (${otpSessionColumns.join(', ')}) VALUES (${otpSessionColumns.map(() => '?').join(', ')})`),
      deleteSession: db.prepare('DELETE FROM otp_sessions WHERE id = ? AND account_id = ?'),
      counter: db.prepare<[string], CounterRow>('SELECT stamps, count, tripped_at FROM otp_counters WHERE key = ?'),
      writeCounter: db.prepare(`INSERT INTO otp_counters (key, stamps, count, expires_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET stamps = excluded.stamps, count = excluded.count, expires_at = max(otp_counters.expires_at, excluded.expires_at)`),
      trip: db.prepare(`INSERT INTO otp_counters (key, tripped_at, expires_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET tripped_at = excluded.tripped_at`),
      trusted: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM otp_prefixes WHERE account_id = ? AND prefix = ?'),
      trust: db.prepare('INSERT INTO otp_prefixes (account_id, prefix, trusted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      lockedUntil: db.prepare<[string, string, number], { until: number | null }>(
        "SELECT max(locked_until) AS until FROM otp_sessions WHERE account_id = ? AND mobile = ? AND status = 'locked' AND locked_until > ?"),
      event: db.prepare('INSERT INTO events (account_id, type, message_id, batch_id, status, error_code, at, data, callback) VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?, 0)'),
      resend: db.prepare('UPDATE otp_sessions SET sends = sends + 1, last_sent_at = ?, message_id = ? WHERE id = ?'),
      unresend: db.prepare('UPDATE otp_sessions SET sends = sends - 1, last_sent_at = ?, message_id = ? WHERE id = ? AND account_id = ?'),
      sent: db.prepare('UPDATE otp_sessions SET channel_used = ? WHERE id = ? AND account_id = ?'),
      attempt: db.prepare('UPDATE otp_sessions SET attempts = attempts + 1 WHERE id = ?'),
      verified: db.prepare("UPDATE otp_sessions SET status = 'verified', verified_at = ?, sealed_code = NULL WHERE id = ?"),
      locked: db.prepare("UPDATE otp_sessions SET status = 'locked', locked_until = ?, sealed_code = NULL WHERE id = ?"),
      expire: db.prepare("UPDATE otp_sessions SET status = 'expired', sealed_code = NULL WHERE id = ? AND status = 'pending'"),
      expiring: db.prepare<[number, number], OtpSessionRow>("SELECT * FROM otp_sessions WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?"),
      purgeSessions: db.prepare("DELETE FROM otp_sessions WHERE rowid IN (SELECT rowid FROM otp_sessions WHERE created_at < ? AND (status <> 'pending' OR expires_at < ?) LIMIT ?)"),
      purgeCounters: db.prepare('DELETE FROM otp_counters WHERE expires_at < ?'),
      saveChannel: db.prepare(`INSERT INTO otp_channels (account_id, channel_id, template_id, sender, route, length, expiry_seconds, max_attempts, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, channel_id) DO UPDATE SET template_id = excluded.template_id,
        sender = excluded.sender, route = excluded.route, length = excluded.length, expiry_seconds = excluded.expiry_seconds, max_attempts = excluded.max_attempts`),
      channel: db.prepare<[string, string], ChannelRow>('SELECT * FROM otp_channels WHERE account_id = ? AND channel_id = ?'),
      channels: db.prepare<[string], ChannelRow>('SELECT * FROM otp_channels WHERE account_id = ? ORDER BY channel_id'),
      removeChannel: db.prepare('DELETE FROM otp_channels WHERE account_id = ? AND channel_id = ?'),
      policy: db.prepare<[string], { account_id: string; allowed_countries: string; daily_budget: number; updated_at: number }>('SELECT * FROM otp_policies WHERE account_id = ?'),
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

  startOtpSession(session: OtpSession, guards: readonly OtpGuardSpec[], now: number): Promise<OtpStartResult> {
    return this.#run(() => {
      const refusal = this.#pass(session.accountId, session.mobile, guards, now);
      if (refusal) return { ok: false, refusal };
      this.#s.insertSession.run(...otpSessionValues(session, session.test ? 1 : 0));
      return { ok: true };
    });
  }

  reserveOtpResend(accountId: string, sessionId: string, guards: readonly OtpGuardSpec[], cooldownMs: number, messageId: string, now: number): Promise<OtpResendResult> {
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
      this.#s.resend.run(now, messageId, sessionId);
      return { ok: true, session: { ...session, sends: session.sends + 1, lastSentAt: now, messageId }, previousSentAt: session.lastSentAt };
    });
  }

  confirmOtpSend(accountId: string, sessionId: string, channel: OtpChannelName, now: number): Promise<void> {
    return this.#run(() => {
      this.#s.sent.run(channel, sessionId, accountId);
      const row = this.#s.session.get(sessionId, accountId);
      if (row) this.#event(accountId, 'otp.sent', row.message_id, now, otpEventData(toOtpSession(row)));
    });
  }

  undoOtpSend(accountId: string, sessionId: string, guards: readonly OtpGuardSpec[], at: number,
    undo: { created: true } | { created: false; previousSentAt: number; previousMessageId: string | null }): Promise<void> {
    return this.#run(() => {
      const s = this.#s;
      for (const g of guards) {
        if (g.kind === 'locked') continue;
        const row = s.counter.get(g.key);
        if (!row) continue;
        const back = unjudgeCounter(g, row, at);
        s.writeCounter.run(g.key, back.stamps, back.count, 0);
      }
      if (undo.created) s.deleteSession.run(sessionId, accountId);
      else s.unresend.run(undo.previousSentAt, undo.previousMessageId, sessionId, accountId);
    });
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
      if (session.status === 'verified') return { kind: 'checked', result: 'used', session };
      if (session.status === 'locked') return { kind: 'checked', result: 'locked', session };
      if (session.status === 'expired') return { kind: 'checked', result: 'expired', session };
      if (session.expiresAt <= now) {
        s.expire.run(session.id);
        session = { ...session, status: 'expired', sealedCode: null };
        this.#event(accountId, 'otp.expired', session.messageId, now, otpEventData(session));
        return { kind: 'checked', result: 'expired', session };
      }
      const failed = options.failedChecks(session);
      if (failed) {
        const judged = judgeCounter(failed, s.counter.get(failed.key), now);
        if (!judged.ok) {
          if (judged.tripped) {
            s.trip.run(failed.key, now, now + failed.windowMs);
            this.#event(accountId, 'otp.blocked', null, now, otpBlockedData(failed.guard, session.mobile, judged.retryAfterMs));
          }
          return { kind: 'refused', refusal: { guard: failed.guard, retryAfterMs: judged.retryAfterMs, tripped: judged.tripped } };
        }
      }
      s.attempt.run(session.id);
      session = { ...session, attempts: session.attempts + 1 };
      if (judge(session)) {
        s.verified.run(now, session.id);
        s.trust.run(accountId, options.prefixOf(session), now);
        session = { ...session, status: 'verified', verifiedAt: now, sealedCode: null };
        this.#event(accountId, 'otp.verified', session.messageId, now, otpEventData(session));
        return { kind: 'checked', result: 'verified', session };
      }
      if (failed) {
        const judged = judgeCounter(failed, s.counter.get(failed.key), now);
        if (judged.ok) s.writeCounter.run(failed.key, judged.write.stamps, judged.write.count, judged.write.expiresAt);
      }
      this.#event(accountId, 'otp.failed', session.messageId, now, otpEventData(session));
      if (session.attempts >= session.maxAttempts) {
        const until = now + options.lockMs;
        s.locked.run(until, session.id);
        session = { ...session, status: 'locked', lockedUntil: until, sealedCode: null };
        this.#event(accountId, 'otp.locked', session.messageId, now, otpEventData(session));
      }
      return { kind: 'checked', result: 'mismatch', session };
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
    return row && toChannel(row);
  }

  listOtpChannels(accountId: string): OtpChannelDefinition[] {
    return this.#s.channels.all(accountId).map(toChannel);
  }

  removeOtpChannel(accountId: string, channelId: string): boolean {
    return this.#s.removeChannel.run(accountId, channelId).changes > 0;
  }

  getOtpPolicy(accountId: string): OtpPolicy | undefined {
    const row = this.#s.policy.get(accountId);
    return row && { accountId: row.account_id, allowedCountries: JSON.parse(row.allowed_countries) as string[], dailyBudget: row.daily_budget, updatedAt: row.updated_at };
  }

  saveOtpPolicy(p: OtpPolicy): void {
    this.#s.savePolicy.run(p.accountId, JSON.stringify(p.allowedCountries), p.dailyBudget, p.updatedAt);
  }
}

function toChannel(r: ChannelRow): OtpChannelDefinition {
  return {
    accountId: r.account_id, channelId: r.channel_id, templateId: r.template_id, sender: r.sender, route: r.route, length: r.length,
    expirySeconds: r.expiry_seconds, maxAttempts: r.max_attempts, createdAt: Number(r.created_at),
  };
}
