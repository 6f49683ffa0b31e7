// One-time passwords: sessions (the code only as a keyed hash, plus a sealed copy while pending),
// the operator's OTP channels and per-account policies, the anti-abuse counters, prefixes proven
// real by a verification, and a message's sealed secret. Same tables as PostgreSQL's 0005.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A message whose text holds a secret (an OTP) is stored with the secret masked in `body`; the
  // real text is sealed here (AES-GCM under a key derived from the pepper) and opened only when
  // the message is handed to a channel.
  await sql`ALTER TABLE messages ADD COLUMN secret TEXT`.execute(db);

  await sql`
    CREATE TABLE otp_sessions (
      id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      mobile TEXT NOT NULL,
      channel_id TEXT,
      template_id TEXT,
      sender TEXT NOT NULL,
      route_id TEXT NOT NULL,
      code_hash TEXT NOT NULL,
      sealed_code TEXT,
      length INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      max_attempts INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      sends INTEGER NOT NULL,
      max_sends INTEGER NOT NULL,
      last_sent_at INTEGER NOT NULL,
      status TEXT NOT NULL,
      locked_until INTEGER,
      channels TEXT NOT NULL,
      channel_used TEXT,
      message_id TEXT,
      purpose TEXT,
      content TEXT,
      test INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      verified_at INTEGER
    )`.execute(db);
  // A number's sessions (its lock), and the pending ones by expiry (housekeeping writes otp.expired).
  await sql`CREATE INDEX otp_sessions_mobile ON otp_sessions (account_id, mobile, created_at)`.execute(db);
  await sql`CREATE INDEX otp_sessions_pending ON otp_sessions (expires_at) WHERE status = 'pending'`.execute(db);

  await sql`
    CREATE TABLE otp_channels (
      account_id TEXT NOT NULL,
      channel_id TEXT NOT NULL,
      template_id TEXT NOT NULL,
      sender TEXT NOT NULL,
      route TEXT,
      length INTEGER NOT NULL,
      expiry_seconds INTEGER NOT NULL,
      max_attempts INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (account_id, channel_id)
    )`.execute(db);

  await sql`
    CREATE TABLE otp_policies (
      account_id TEXT PRIMARY KEY,
      allowed_countries TEXT NOT NULL,
      daily_budget INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`.execute(db);

  // Anti-abuse counters, one row per guard and key: a sliding window keeps the times inside it
  // (`stamps`, at most the limit), a daily budget a count under a key naming the day. `tripped_at`
  // says when the guard last refused, so the alert fires once per window, not once per request.
  await sql`
    CREATE TABLE otp_counters (
      key TEXT PRIMARY KEY,
      stamps TEXT NOT NULL DEFAULT '[]',
      count INTEGER NOT NULL DEFAULT 0,
      tripped_at INTEGER,
      expires_at INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX otp_counters_expiry ON otp_counters (expires_at)`.execute(db);

  // Number prefixes where a code was verified: real subscribers, so no longer held to the
  // new-prefix burst limit.
  await sql`
    CREATE TABLE otp_prefixes (
      account_id TEXT NOT NULL,
      prefix TEXT NOT NULL,
      trusted_at INTEGER NOT NULL,
      PRIMARY KEY (account_id, prefix)
    )`.execute(db);
}
