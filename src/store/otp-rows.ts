// What both engines share for one-time passwords: the port (OtpStore) and its types, session rows and their
// columns, how an anti-abuse guard judges its counter row, and the data an otp.* event carries
// (never the code).
import type { OtpChannelDefinition, OtpChannelName, OtpContent, OtpGuard, OtpPolicy, OtpSession, OtpStatus } from '../domain/otp.ts';
import type { AcceptRequest } from './store.ts';
import { slideWindow } from '../domain/otp.ts';

/**
 * One anti-abuse limit a send must pass. `window`: at most `max` in any `windowMs` (a sliding
 * window of the times, kept on the counter row); `count`: at most `max` under `key` (which names
 * its period, e.g. the day) until `resetsAt`; `locked`: the number has a session locked until later.
 */
export type OtpGuardSpec =
  | { kind: 'window'; guard: OtpGuard; key: string; max: number; windowMs: number;
    /** The guard does not apply once this prefix is trusted (a code sent there was verified). */
    unlessTrusted?: { accountId: string; prefix: string } }
  | { kind: 'count'; guard: OtpGuard; key: string; max: number; resetsAt: number }
  | { kind: 'locked'; guard: 'number_locked'; accountId: string; mobile: string };

export interface OtpRefusal {
  guard: OtpGuard;
  retryAfterMs: number;
  /** First refusal of this guard in its window: the alert (metric, otp.blocked event) fires now. */
  tripped: boolean;
}

/** The message carrying the code could not be paid for: nothing of the send was kept. */
export type OtpUnpaid = { ok: false; reason: 'insufficient_credits'; balance: number };

export type OtpStartResult = { ok: true } | { ok: false; refusal: OtpRefusal } | OtpUnpaid;

export type OtpResendResult =
  | { ok: true; session: OtpSession }
  | { ok: false; refusal: OtpRefusal }
  | { ok: false; reason: 'not_found' | 'ended' | 'max_sends'; session?: OtpSession }
  | OtpUnpaid;

/** Thrown inside a transaction to roll it back with an answer (the message was not paid for). */
export class OtpRollback extends Error {
  readonly result: OtpUnpaid;
  constructor(balance: number) {
    super('the OTP message could not be paid for');
    this.result = { ok: false, reason: 'insufficient_credits', balance };
  }
}

export interface OtpCheckOptions {
  /** Whether the candidate matches (constant-time, on the session's hash); called at most once, inside the transaction. */
  judge: (session: OtpSession) => boolean;
  /** Failed checks per number across sessions: refused before the attempt is counted (undefined: no such limit). */
  failedChecks: (session: OtpSession) => Extract<OtpGuardSpec, { kind: 'window' }> | undefined;
  /** How long the number stays locked once a session runs out of attempts. */
  lockMs: number;
  /** The prefix a verification proves real (see OtpGuardSpec.unlessTrusted). */
  prefixOf: (session: OtpSession) => string;
}

export type OtpCheckOutcome =
  | { kind: 'checked'; result: 'verified' | 'mismatch' | 'expired' | 'locked' | 'used'; session: OtpSession }
  | { kind: 'refused'; refusal: OtpRefusal };

/** The store port's part for one-time passwords (Store extends it). */
export interface OtpStore {
  /**
   * Starts a session, in one transaction with the message that carries its code (`accept`; none in
   * test mode): judges every guard on its counter row (locked, so concurrent sends on any node cannot
   * both take the last place); if one refuses, nothing but its alert changes (the first refusal in a
   * window writes otp.blocked); otherwise counts the send on each, inserts the session, accepts the
   * message and writes otp.sent. A message the account cannot pay for undoes all of it.
   */
  startOtpSession(session: OtpSession, guards: readonly OtpGuardSpec[], now: number, accept?: AcceptRequest): Promise<OtpStartResult>;
  /**
   * Resends a pending session's code, atomically as for a start: refused while the cooldown runs or
   * once the session has made maxSends sends; the session's message becomes the accepted one's.
   */
  reserveOtpResend(accountId: string, sessionId: string, guards: readonly OtpGuardSpec[], cooldownMs: number, now: number,
    send?: { accept: AcceptRequest; channel: OtpChannelName }): Promise<OtpResendResult>;
  /**
   * One check of a code, atomic with the session row locked: at most maxAttempts checks are ever
   * evaluated, however many arrive at once. Writes otp.verified, otp.failed, otp.locked or
   * otp.expired with the change. undefined: no such session for this account.
   */
  checkOtp(accountId: string, sessionId: string, now: number, options: OtpCheckOptions): Promise<OtpCheckOutcome | undefined>;
  getOtpSession(accountId: string, sessionId: string): Promise<OtpSession | undefined>;
  /** Pending sessions whose time ran out become expired (otp.expired; their sealed code erased); answers how many. */
  expireOtpSessions(now: number, limit: number): Promise<number>;
  /** Forgets sessions created before `before` that have ended, and counters whose window is over; answers how many sessions. */
  purgeOtp(before: number, now: number, limit: number): Promise<number>;
  saveOtpChannel(definition: OtpChannelDefinition): Promise<void>;
  getOtpChannel(accountId: string, channelId: string): Promise<OtpChannelDefinition | undefined>;
  listOtpChannels(accountId: string): Promise<OtpChannelDefinition[]>;
  removeOtpChannel(accountId: string, channelId: string): Promise<boolean>;
  getOtpPolicy(accountId: string): Promise<OtpPolicy | undefined>;
  saveOtpPolicy(policy: OtpPolicy): Promise<void>;
}

export interface OtpSessionRow {
  id: string; account_id: string; mobile: string; channel_id: string | null; template_id: string | null; sender: string; route_id: string;
  code_hash: string; sealed_code: string | null; length: number; expires_at: number | string; max_attempts: number; attempts: number;
  sends: number; max_sends: number; last_sent_at: number | string; status: string; locked_until: number | string | null; channels: string;
  channel_used: string | null; message_id: string | null; purpose: string | null; content: string | null; test: number | boolean; created_at: number | string;
  verified_at: number | string | null;
}

export const otpSessionColumns = [
  'id', 'account_id', 'mobile', 'channel_id', 'template_id', 'sender', 'route_id', 'code_hash', 'sealed_code', 'length', 'expires_at',
  'max_attempts', 'attempts', 'sends', 'max_sends', 'last_sent_at', 'status', 'locked_until', 'channels', 'channel_used', 'message_id',
  'purpose', 'content', 'test', 'created_at', 'verified_at',
] as const;

const num = (v: number | string): number => Number(v);
const numOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toOtpSession(r: OtpSessionRow): OtpSession {
  return {
    id: r.id, accountId: r.account_id, mobile: r.mobile, channelId: r.channel_id, templateId: r.template_id, sender: r.sender,
    routeId: r.route_id, codeHash: r.code_hash, sealedCode: r.sealed_code, length: r.length, expiresAt: num(r.expires_at),
    maxAttempts: r.max_attempts, attempts: r.attempts, sends: r.sends, maxSends: r.max_sends, lastSentAt: num(r.last_sent_at),
    status: r.status as OtpStatus, lockedUntil: numOrNull(r.locked_until), channels: JSON.parse(r.channels) as OtpChannelName[],
    channelUsed: r.channel_used as OtpChannelName | null, messageId: r.message_id, purpose: r.purpose, content: r.content === null ? null : JSON.parse(r.content) as OtpContent, test: r.test === 1 || r.test === true,
    createdAt: num(r.created_at), verifiedAt: numOrNull(r.verified_at),
  };
}

/** The session's values in otpSessionColumns order (test as the engine stores booleans). */
export function otpSessionValues(s: OtpSession, test: number | boolean): unknown[] {
  return [s.id, s.accountId, s.mobile, s.channelId, s.templateId, s.sender, s.routeId, s.codeHash, s.sealedCode, s.length, s.expiresAt,
    s.maxAttempts, s.attempts, s.sends, s.maxSends, s.lastSentAt, s.status, s.lockedUntil, JSON.stringify(s.channels), s.channelUsed,
    s.messageId, s.purpose, s.content === null ? null : JSON.stringify(s.content), test, s.createdAt, s.verifiedAt];
}

export interface CounterRow {
  stamps: string;
  count: number;
  tripped_at: number | string | null;
}

export type GuardJudgement =
  | { ok: true; write: { stamps: string; count: number; expiresAt: number } }
  | { ok: false; retryAfterMs: number; tripped: boolean; windowStart: number };

/** How a window or count guard judges one more send against its counter row (absent = empty). */
export function judgeCounter(spec: Extract<OtpGuardSpec, { kind: 'window' | 'count' }>, row: CounterRow | undefined, now: number): GuardJudgement {
  const trippedAt = row?.tripped_at === null || row?.tripped_at === undefined ? null : Number(row.tripped_at);
  if (spec.kind === 'window') {
    const stamps = row ? JSON.parse(row.stamps) as number[] : [];
    const slid = slideWindow(stamps, now, spec.max, spec.windowMs);
    if (!slid.ok) return { ok: false, retryAfterMs: slid.retryAfterMs, tripped: trippedAt === null || trippedAt <= now - spec.windowMs, windowStart: now - spec.windowMs };
    return { ok: true, write: { stamps: JSON.stringify(slid.stamps), count: slid.stamps.length, expiresAt: now + spec.windowMs } };
  }
  const count = row?.count ?? 0;
  if (count >= spec.max) return { ok: false, retryAfterMs: Math.max(1000, spec.resetsAt - now), tripped: trippedAt === null, windowStart: 0 };
  return { ok: true, write: { stamps: '[]', count: count + 1, expiresAt: spec.resetsAt } };
}

export type OtpEventType = 'otp.sent' | 'otp.verified' | 'otp.failed' | 'otp.expired' | 'otp.locked' | 'otp.blocked';

/** An otp.* event's `data`: the session's public facts. Never the code, its hash or its sealed copy. */
export function otpEventData(s: OtpSession, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    session_id: s.id, to: s.mobile, channel: s.channelUsed ?? s.channels[0] ?? null, otp_channel_id: s.channelId, purpose: s.purpose,
    status: s.status, attempts: s.attempts, max_attempts: s.maxAttempts, sends: s.sends, expires_at: s.expiresAt,
    locked_until: s.lockedUntil, ...extra,
  });
}

/** An otp.blocked event's `data`: which guard refused, for which number. */
export function otpBlockedData(guard: OtpGuard, mobile: string, retryAfterMs: number): string {
  return JSON.stringify({ guard, to: mobile, retry_after: Math.ceil(retryAfterMs / 1000) });
}

export interface OtpChannelRow {
  account_id: string; channel_id: string; template_id: string; sender: string; route: string | null; length: number;
  expiry_seconds: number; max_attempts: number; created_at: number | string;
}

export function toOtpChannel(r: OtpChannelRow): OtpChannelDefinition {
  return {
    accountId: r.account_id, channelId: r.channel_id, templateId: r.template_id, sender: r.sender, route: r.route, length: r.length,
    expirySeconds: r.expiry_seconds, maxAttempts: r.max_attempts, createdAt: Number(r.created_at),
  };
}

export interface OtpPolicyRow { account_id: string; allowed_countries: string; daily_budget: number; updated_at: number | string }

export function toOtpPolicy(r: OtpPolicyRow): OtpPolicy {
  return { accountId: r.account_id, allowedCountries: JSON.parse(r.allowed_countries) as string[], dailyBudget: r.daily_budget, updatedAt: Number(r.updated_at) };
}

/** A transaction rolled back because its message was not paid for answers that; anything else is an error. */
export function unpaid(error: unknown): OtpUnpaid {
  if (error instanceof OtpRollback) return error.result;
  throw error;
}
