// One-time passwords on PostgreSQL: the same semantics as SQLite's (sqlite-otp-store.ts), each
// call one transaction. Several connections and nodes run at once, so every transaction locks what
// it judges: the session row (FOR UPDATE) first, then the guards' counter rows. A counter row is
// first made to exist (a placeholder, which judges as an absent row; a refusal may leave one) and
// then locked, both in key order, so concurrent transactions take their locks in one order and
// never deadlock. Housekeeping skips what is locked (SKIP LOCKED) and so never waits on a send.
import type pg from 'pg';
import { checkedSession, endedCheck, type OtpChannelDefinition, type OtpChannelName, type OtpPolicy, type OtpSession } from '../../domain/otp.ts';
import {
  type CounterRow, judgeCounter, type OtpCheckOptions, type OtpCheckOutcome, type OtpEventType, type OtpGuardSpec, type OtpRefusal,
  type OtpResendResult, type OtpSessionRow, type OtpStartResult, otpBlockedData, otpEventData, otpSessionColumns, otpSessionValues,
  toOtpSession, OtpRollback, type OtpChannelRow, type OtpPolicyRow, toOtpChannel, toOtpPolicy, unpaid,
} from '../otp-rows.ts';
import type { AcceptRequest } from '../store.ts';
import { acceptOnClient } from './postgres-accept.ts';
import { query } from './postgres-database.ts';
import { transaction } from './postgres-message-writer.ts';

type CounterSpec = Extract<OtpGuardSpec, { kind: 'window' | 'count' }>;

const insertSession = `INSERT INTO otp_sessions (${otpSessionColumns.join(', ')}) VALUES (${otpSessionColumns.map((_, i) => `$${i + 1}`).join(', ')})`;
const writeCounter = `INSERT INTO otp_counters (key, stamps, count, expires_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (key) DO UPDATE SET stamps = excluded.stamps, count = excluded.count, expires_at = greatest(otp_counters.expires_at, excluded.expires_at)`;
const trip = `INSERT INTO otp_counters (key, tripped_at, expires_at) VALUES ($1, $2, $3)
  ON CONFLICT (key) DO UPDATE SET tripped_at = excluded.tripped_at`;

export class PostgresOtpStore {
  #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** One transaction; run again from the start (all its locks let go) when a counter row it needed was purged under it. */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(this.#pool, work);
      } catch (error) {
        if (!(error instanceof CounterPurged) || attempt >= 10) throw error;
      }
    }
  }

  async #event(client: pg.PoolClient, accountId: string, type: OtpEventType, messageId: string | null, at: number, data: string): Promise<void> {
    await client.query('INSERT INTO events (account_id, type, message_id, batch_id, status, error_code, at, data, callback) VALUES ($1, $2, $3, NULL, NULL, NULL, $4, $5, false)',
      [accountId, type, messageId, at, data]);
  }

  /** The session row, locked for the rest of the transaction. */
  async #lockSession(client: pg.PoolClient, accountId: string, sessionId: string): Promise<OtpSession | undefined> {
    const { rows } = await client.query<OtpSessionRow>('SELECT * FROM otp_sessions WHERE id = $1 AND account_id = $2 FOR UPDATE', [sessionId, accountId]);
    return rows[0] && toOtpSession(rows[0]);
  }

  /**
   * Makes a counter row exist for each key (placeholders: '[]', 0, never tripped — judged as an
   * absent row) and locks them all, in key order. Answers the rows by key. A row purged between
   * the insert and the lock (its window was over) fails the transaction with CounterPurged, to be
   * run again: two transactions must never both judge a counter without one seeing the other's
   * write, and making the row again here, with other rows locked, could deadlock.
   */
  async #lockCounters(client: pg.PoolClient, keys: ReadonlyMap<string, number>): Promise<Map<string, CounterRow>> {
    if (keys.size === 0) return new Map();
    const names = [...keys.keys()];
    await client.query(
      'INSERT INTO otp_counters (key, expires_at) SELECT k, e FROM unnest($1::text[], $2::bigint[]) AS u(k, e) ORDER BY k ON CONFLICT (key) DO NOTHING',
      [names, names.map((k) => keys.get(k)!)]);
    const rows = await this.#lockExisting(client, names);
    if (rows.size < keys.size) throw new CounterPurged();
    return rows;
  }

  /** Locks the counter rows of these keys that exist, in key order. */
  async #lockExisting(client: pg.PoolClient, keys: readonly string[]): Promise<Map<string, CounterRow>> {
    if (keys.length === 0) return new Map();
    const { rows } = await client.query<CounterRow & { key: string }>(
      'SELECT key, stamps, count, tripped_at FROM otp_counters WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE', [[...new Set(keys)]]);
    return new Map(rows.map((r) => [r.key, { stamps: r.stamps, count: r.count, tripped_at: r.tripped_at }]));
  }

  /** Judges every guard; on a refusal records its alert and answers it, else counts the send on each. */
  async #pass(client: pg.PoolClient, accountId: string, mobile: string, guards: readonly OtpGuardSpec[], now: number): Promise<OtpRefusal | undefined> {
    // Every counter a guard may judge is locked first (a placeholder's expiry is what a trip of it would set).
    const keys = new Map<string, number>();
    for (const g of guards) {
      if (g.kind !== 'locked' && !keys.has(g.key)) keys.set(g.key, now + (g.kind === 'window' ? g.windowMs : Math.max(0, g.resetsAt - now)));
    }
    const counters = await this.#lockCounters(client, keys);
    const writes: Array<[string, string, number, number]> = [];
    for (const g of guards) {
      if (g.kind === 'locked') {
        const { rows } = await client.query<{ until: number | string | null }>(
          "SELECT max(locked_until) AS until FROM otp_sessions WHERE account_id = $1 AND mobile = $2 AND status = 'locked' AND locked_until > $3", [g.accountId, g.mobile, now]);
        const until = rows[0]?.until ?? null;
        if (until !== null) return { guard: g.guard, retryAfterMs: Math.max(1000, Number(until) - now), tripped: false };
        continue;
      }
      if (g.kind === 'window' && g.unlessTrusted) {
        const { rowCount } = await client.query('SELECT 1 FROM otp_prefixes WHERE account_id = $1 AND prefix = $2', [g.unlessTrusted.accountId, g.unlessTrusted.prefix]);
        if ((rowCount ?? 0) > 0) continue;
      }
      const judged = judgeCounter(g, counters.get(g.key), now);
      if (!judged.ok) {
        if (judged.tripped) {
          await client.query(trip, [g.key, now, now + (g.kind === 'window' ? g.windowMs : Math.max(0, g.resetsAt - now))]);
          await this.#event(client, accountId, 'otp.blocked', null, now, otpBlockedData(g.guard, mobile, judged.retryAfterMs));
        }
        return { guard: g.guard, retryAfterMs: judged.retryAfterMs, tripped: judged.tripped };
      }
      writes.push([g.key, judged.write.stamps, judged.write.count, judged.write.expiresAt]);
    }
    for (const w of writes) await client.query(writeCounter, w);
    return undefined;
  }

  /** Commits the message that carries a code, and otp.sent, in the running transaction; rolls it all back when unpaid. */
  async #send(client: pg.PoolClient, session: OtpSession, accept: AcceptRequest, now: number): Promise<void> {
    const r = await acceptOnClient(client, accept);
    if (!r.ok) {
      if (r.reason === 'insufficient_credits') throw new OtpRollback(r.balance);
      throw new Error('an OTP message cannot be an idempotent replay');
    }
    await this.#event(client, session.accountId, 'otp.sent', session.messageId, now, otpEventData(session));
  }

  startOtpSession(session: OtpSession, guards: readonly OtpGuardSpec[], now: number, accept?: AcceptRequest): Promise<OtpStartResult> {
    return this.#transaction(async (client): Promise<OtpStartResult> => {
      const refusal = await this.#pass(client, session.accountId, session.mobile, guards, now);
      if (refusal) return { ok: false, refusal };
      await client.query(insertSession, otpSessionValues(session, session.test));
      if (accept) await this.#send(client, session, accept, now);
      return { ok: true };
    }).catch(unpaid);
  }

  reserveOtpResend(accountId: string, sessionId: string, guards: readonly OtpGuardSpec[], cooldownMs: number, now: number,
    send?: { accept: AcceptRequest; channel: OtpChannelName }): Promise<OtpResendResult> {
    return this.#transaction(async (client): Promise<OtpResendResult> => {
      const session = await this.#lockSession(client, accountId, sessionId);
      if (!session) return { ok: false, reason: 'not_found' };
      if (session.status !== 'pending' || session.expiresAt <= now) return { ok: false, reason: 'ended', session };
      if (session.sends >= session.maxSends) return { ok: false, reason: 'max_sends', session };
      if (now - session.lastSentAt < cooldownMs) {
        return { ok: false, refusal: { guard: 'resend_cooldown', retryAfterMs: Math.max(1000, session.lastSentAt + cooldownMs - now), tripped: false } };
      }
      const refusal = await this.#pass(client, accountId, session.mobile, guards, now);
      if (refusal) return { ok: false, refusal };
      const messageId = send?.accept.messages[0]?.id ?? session.messageId;
      const channel = send?.channel ?? session.channelUsed;
      await client.query('UPDATE otp_sessions SET sends = sends + 1, last_sent_at = $1, message_id = $2, channel_used = $3 WHERE id = $4', [now, messageId, channel, sessionId]);
      const after: OtpSession = { ...session, sends: session.sends + 1, lastSentAt: now, messageId, channelUsed: channel };
      if (send) await this.#send(client, after, send.accept, now);
      return { ok: true, session: after };
    }).catch(unpaid);
  }

  async checkOtp(accountId: string, sessionId: string, now: number, options: OtpCheckOptions): Promise<OtpCheckOutcome | undefined> {
    // An ended session never becomes pending again, so it is answered from a plain read: a flood
    // of guesses at a locked session costs one query each, not a wait in line for the row lock.
    const seen = await this.getOtpSession(accountId, sessionId);
    if (!seen) return undefined;
    const over = seen.status === 'pending' ? undefined : endedCheck(seen, now);
    if (over) return { kind: 'checked', result: over, session: seen };
    return this.#transaction(async (client): Promise<OtpCheckOutcome | undefined> => {
      let session = await this.#lockSession(client, accountId, sessionId);
      if (!session) return undefined;
      const ended = endedCheck(session, now);
      if (ended) {
        if (session.status === 'pending') {
          await client.query("UPDATE otp_sessions SET status = 'expired', sealed_code = NULL WHERE id = $1 AND status = 'pending'", [session.id]);
          session = { ...session, status: 'expired', sealedCode: null };
          await this.#event(client, accountId, 'otp.expired', session.messageId, now, otpEventData(session));
        }
        return { kind: 'checked', result: ended, session };
      }
      const failed = options.failedChecks(session);
      let counted: { stamps: string; count: number; expiresAt: number } | undefined;
      if (failed) {
        const tripExpiry = now + failed.windowMs;
        const counters = await this.#lockCounters(client, new Map([[failed.key, tripExpiry]]));
        const judged = judgeCounter(failed, counters.get(failed.key), now);
        if (!judged.ok) {
          if (judged.tripped) {
            await client.query(trip, [failed.key, now, tripExpiry]);
            await this.#event(client, accountId, 'otp.blocked', null, now, otpBlockedData(failed.guard, session.mobile, judged.retryAfterMs));
          }
          return { kind: 'refused', refusal: { guard: failed.guard, retryAfterMs: judged.retryAfterMs, tripped: judged.tripped } };
        }
        counted = judged.write;
      }
      // The attempt and what it decided are one UPDATE.
      const next = checkedSession(session, options.judge(session), now, options.lockMs);
      await client.query('UPDATE otp_sessions SET attempts = $1, status = $2, verified_at = $3, locked_until = $4, sealed_code = $5 WHERE id = $6',
        [next.attempts, next.status, next.verifiedAt, next.lockedUntil, next.sealedCode, next.id]);
      if (next.status === 'verified') {
        await client.query('INSERT INTO otp_prefixes (account_id, prefix, trusted_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [accountId, options.prefixOf(next), now]);
        await this.#event(client, accountId, 'otp.verified', next.messageId, now, otpEventData(next));
        return { kind: 'checked', result: 'verified', session: next };
      }
      if (failed && counted) await client.query(writeCounter, [failed.key, counted.stamps, counted.count, counted.expiresAt]);
      await this.#event(client, accountId, 'otp.failed', next.messageId, now, otpEventData({ ...session, attempts: next.attempts }));
      if (next.status === 'locked') await this.#event(client, accountId, 'otp.locked', next.messageId, now, otpEventData(next));
      return { kind: 'checked', result: 'mismatch', session: next };
    });
  }

  async getOtpSession(accountId: string, sessionId: string): Promise<OtpSession | undefined> {
    const { rows } = await query<OtpSessionRow>(this.#pool, 'SELECT * FROM otp_sessions WHERE id = $1 AND account_id = $2', [sessionId, accountId]);
    return rows[0] && toOtpSession(rows[0]);
  }

  expireOtpSessions(now: number, limit: number): Promise<number> {
    return this.#transaction(async (client) => {
      // SKIP LOCKED: a session a check holds is that check's to expire. Picked in a statement of
      // its own: as a subquery of the UPDATE it may be run again per row, and go past the limit.
      const due = await client.query<{ id: string }>(
        "SELECT id FROM otp_sessions WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED", [now, limit]);
      if (due.rows.length === 0) return 0;
      const { rows } = await client.query<OtpSessionRow>(
        "UPDATE otp_sessions SET status = 'expired', sealed_code = NULL WHERE id = ANY($1::text[]) AND status = 'pending' RETURNING *", [due.rows.map((r) => r.id)]);
      const sessions = rows.map(toOtpSession).sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (sessions.length > 0) {
        await client.query(
          `INSERT INTO events (account_id, type, message_id, batch_id, status, error_code, at, data, callback)
           SELECT a, 'otp.expired', m, NULL, NULL, NULL, $4, d, false FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(a, m, d, n) ORDER BY n`,
          [sessions.map((s) => s.accountId), sessions.map((s) => s.messageId), sessions.map((s) => otpEventData(s)), now]);
      }
      return sessions.length;
    });
  }

  purgeOtp(before: number, now: number, limit: number): Promise<number> {
    return this.#transaction(async (client) => {
      // Picked first (as for expireOtpSessions), so the limit holds.
      const ended = await client.query<{ id: string }>(
        "SELECT id FROM otp_sessions WHERE created_at < $1 AND (status <> 'pending' OR expires_at < $1) LIMIT $2 FOR UPDATE SKIP LOCKED", [before, limit]);
      const { rowCount } = ended.rows.length === 0 ? { rowCount: 0 }
        : await client.query('DELETE FROM otp_sessions WHERE id = ANY($1::text[])', [ended.rows.map((r) => r.id)]);
      // SKIP LOCKED: a counter some send holds is not waited for (nor deadlocked on).
      await client.query('DELETE FROM otp_counters WHERE key IN (SELECT key FROM otp_counters WHERE expires_at < $1 FOR UPDATE SKIP LOCKED)', [now]);
      return rowCount ?? 0;
    });
  }

  async saveOtpChannel(d: OtpChannelDefinition): Promise<void> {
    await query(this.#pool,
      `INSERT INTO otp_channels (account_id, channel_id, template_id, sender, route, length, expiry_seconds, max_attempts, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (account_id, channel_id) DO UPDATE SET template_id = excluded.template_id,
       sender = excluded.sender, route = excluded.route, length = excluded.length, expiry_seconds = excluded.expiry_seconds, max_attempts = excluded.max_attempts`,
      [d.accountId, d.channelId, d.templateId, d.sender, d.route, d.length, d.expirySeconds, d.maxAttempts, d.createdAt]);
  }

  async getOtpChannel(accountId: string, channelId: string): Promise<OtpChannelDefinition | undefined> {
    const { rows } = await query<OtpChannelRow>(this.#pool, 'SELECT * FROM otp_channels WHERE account_id = $1 AND channel_id = $2', [accountId, channelId]);
    return rows[0] && toOtpChannel(rows[0]);
  }

  async listOtpChannels(accountId: string): Promise<OtpChannelDefinition[]> {
    // COLLATE "C": byte order, as SQLite sorts.
    const { rows } = await query<OtpChannelRow>(this.#pool, 'SELECT * FROM otp_channels WHERE account_id = $1 ORDER BY channel_id COLLATE "C"', [accountId]);
    return rows.map(toOtpChannel);
  }

  async removeOtpChannel(accountId: string, channelId: string): Promise<boolean> {
    return ((await query(this.#pool, 'DELETE FROM otp_channels WHERE account_id = $1 AND channel_id = $2', [accountId, channelId])).rowCount ?? 0) > 0;
  }

  async getOtpPolicy(accountId: string): Promise<OtpPolicy | undefined> {
    const row = (await query<OtpPolicyRow>(this.#pool, 'SELECT * FROM otp_policies WHERE account_id = $1', [accountId])).rows[0];
    return row && toOtpPolicy(row);
  }

  async saveOtpPolicy(p: OtpPolicy): Promise<void> {
    await query(this.#pool,
      `INSERT INTO otp_policies (account_id, allowed_countries, daily_budget, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE SET allowed_countries = excluded.allowed_countries, daily_budget = excluded.daily_budget, updated_at = excluded.updated_at`,
      [p.accountId, JSON.stringify(p.allowedCountries), p.dailyBudget, p.updatedAt]);
  }
}

/** A counter row was purged between its insert and its lock: the transaction is run again. */
class CounterPurged extends Error {
  override name = 'CounterPurged';
}
