// One-time passwords: a session's states, how codes are made and kept (only as a keyed hash), and
// the rules a check and a send follow. Pure: the store applies them inside its transactions.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const otpStatuses = ['pending', 'verified', 'expired', 'locked'] as const;
export type OtpStatus = (typeof otpStatuses)[number];

/** Channels a code may travel by, in a session's cascade order. Only those with a delivery channel configured are used. */
export const otpChannelNames = ['sms', 'whatsapp', 'voice', 'email'] as const;
export type OtpChannelName = (typeof otpChannelNames)[number];

export const otpBounds = {
  minLength: 4, maxLength: 10,
  minExpirySeconds: 30, maxExpirySeconds: 1800,
  minAttempts: 1, maxAttempts: 10,
} as const;

/** A session as stored. The code itself is never stored: only its keyed hash, and (while the session is pending) a sealed copy to re-send. */
export interface OtpSession {
  id: string;
  accountId: string;
  mobile: string;
  /** The account's OTP channel (seed 002 `channel_id`) the session was started with, if any. */
  channelId: string | null;
  templateId: string | null;
  sender: string;
  routeId: string;
  codeHash: string;
  /** Sealed under a key derived from the pepper; erased when the session ends. */
  sealedCode: string | null;
  length: number;
  expiresAt: number;
  maxAttempts: number;
  /** Checks evaluated so far. */
  attempts: number;
  sends: number;
  maxSends: number;
  lastSentAt: number;
  status: OtpStatus;
  lockedUntil: number | null;
  channels: OtpChannelName[];
  channelUsed: OtpChannelName | null;
  messageId: string | null;
  purpose: string | null;
  /** What the text is made of besides the code, so a resend builds the same text. */
  content: OtpContent | null;
  /** test_mode: nothing sent, nothing charged; the code was shown to the caller. */
  test: boolean;
  createdAt: number;
  verifiedAt: number | null;
}

/** A session's text apart from the code: the template's other variables, or a message with the `{{otp}}` placeholder. */
export interface OtpContent {
  variables?: string[];
  message?: string;
}

/** An operator-defined OTP channel of an account (seed 002 `channel_id`): what a send uses by default. */
export interface OtpChannelDefinition {
  accountId: string;
  channelId: string;
  templateId: string;
  sender: string;
  route: string | null;
  length: number;
  expirySeconds: number;
  maxAttempts: number;
  createdAt: number;
}

/** An account's OTP policy (defaults come from config). */
export interface OtpPolicy {
  accountId: string;
  /** ISO 3166-1 alpha-2 codes a code may be sent to. */
  allowedCountries: string[];
  /** Sends per day (Asia/Kolkata); 0 = no budget. */
  dailyBudget: number;
  updatedAt: number;
}

/** A uniformly random code of `length` digits (leading zeros kept). */
export function generateCode(length: number): string {
  if (!Number.isInteger(length) || length < otpBounds.minLength || length > otpBounds.maxLength) throw new RangeError(`OTP length must be ${otpBounds.minLength}-${otpBounds.maxLength}`);
  // randomInt's range must stay below 2^48; 10^10 does.
  return String(randomInt(0, 10 ** length)).padStart(length, '0');
}

/** The key codes are hashed with: derived from the pepper, so it never lives in the database. */
export function otpHashKey(pepper: Buffer): Buffer {
  return createHmac('sha256', pepper).update('dakiya otp code v1').digest();
}

/** HMAC-SHA256(key, session id + code): binds a code to its session, so one hash says nothing about another session. */
export function hashCode(key: Buffer, sessionId: string, code: string): string {
  return createHmac('sha256', key).update(`${sessionId}\n${code}`).digest('hex');
}

/** Constant-time comparison of a candidate against the stored hash. */
export function codeMatches(key: Buffer, sessionId: string, candidate: string, storedHash: string): boolean {
  const a = Buffer.from(hashCode(key, sessionId, candidate), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What a check of a code came to. `used`: the session was already verified (codes are single use). */
export type OtpCheckResult = 'verified' | 'mismatch' | 'expired' | 'locked' | 'used';

/**
 * What a check of a session that is no longer pending (or has run out of time) answers, without
 * an attempt: `used` after a verification (codes are single use), `locked`, `expired`; undefined
 * while the session is pending and in time.
 */
export function endedCheck(session: Pick<OtpSession, 'status' | 'expiresAt'>, now: number): Exclude<OtpCheckResult, 'verified' | 'mismatch'> | undefined {
  switch (session.status) {
    case 'verified': return 'used';
    case 'locked': return 'locked';
    case 'expired': return 'expired';
    default: return session.expiresAt <= now ? 'expired' : undefined;
  }
}

/** The session after one more evaluated check: verified, locked (its last attempt failed, for lockMs) or still pending. */
export function checkedSession(session: OtpSession, matched: boolean, now: number, lockMs: number): OtpSession {
  const attempts = session.attempts + 1;
  if (matched) return { ...session, attempts, status: 'verified', verifiedAt: now, sealedCode: null };
  if (attempts >= session.maxAttempts) return { ...session, attempts, status: 'locked', lockedUntil: now + lockMs, sealedCode: null };
  return { ...session, attempts };
}

/**
 * A sliding window of event times: admits a new one while fewer than `max` fall inside
 * `windowMs`; otherwise says when the oldest leaves the window.
 */
export function slideWindow(stamps: readonly number[], now: number, max: number, windowMs: number):
  { ok: true; stamps: number[] } | { ok: false; retryAfterMs: number } {
  const recent = stamps.filter((t) => t > now - windowMs && t <= now + windowMs);
  if (recent.length >= max) {
    const oldest = Math.min(...recent.slice(-max));
    return { ok: false, retryAfterMs: Math.max(1000, oldest + windowMs - now) };
  }
  recent.push(now);
  return { ok: true, stamps: recent.slice(-max) };
}

/** The names of the anti-abuse guards, as 429 details and the alert metric/event name them. */
export const otpGuards = ['number_sends', 'number_failed_checks', 'number_locked', 'daily_budget', 'new_prefix', 'resend_cooldown'] as const;
export type OtpGuard = (typeof otpGuards)[number];

/** The day (Asia/Kolkata, UTC+05:30, no DST) a time falls in, for the daily budget: `2026-11-22`. */
export function istDay(at: number): string {
  return new Date(at + 330 * 60_000).toISOString().slice(0, 10);
}

/** Milliseconds from `at` to the next midnight in Asia/Kolkata. */
export function untilNextIstDay(at: number): number {
  const day = 86_400_000;
  const shifted = at + 330 * 60_000;
  return day - (((shifted % day) + day) % day);
}

/** The number's prefix the new-prefix guard counts by: its first `digits` digits. */
export function numberPrefix(msisdn: string, digits: number): string {
  return msisdn.slice(0, Math.min(digits, msisdn.length));
}
