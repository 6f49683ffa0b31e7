// Events and webhooks: the event log (one row per real state change, written in the transaction
// that made it), webhook endpoints, the delivery outbox and its attempt log, a batch's count of
// messages not yet final (for campaign.completed), and each message's callback_url.
// Same tables as PostgreSQL's 0004.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The per-request callback (native callback_url, seed 002's dlr_url): where the message's final
  // event is pushed, signed with the account's callback secret.
  await sql`ALTER TABLE messages ADD COLUMN callback_url TEXT`.execute(db);
  // Messages of the batch not final yet: counted down by every final transition, in its
  // transaction; the one that reaches 0 writes campaign.completed. Batches from before this
  // migration are counted now (those already complete get no event: they completed before).
  await sql`ALTER TABLE batches ADD COLUMN open INTEGER NOT NULL DEFAULT 0`.execute(db);
  await sql`UPDATE batches SET open = (SELECT count(*) FROM messages m WHERE m.batch_id = batches.id
    AND m.status NOT IN ('DELIVERED', 'FAILED', 'EXPIRED', 'REJECTED', 'UNKNOWN'))`.execute(db);
  // Paging a batch's messages by id (reports) without sorting the whole batch.
  await sql`DROP INDEX messages_batch`.execute(db);
  await sql`CREATE INDEX messages_batch ON messages (batch_id, id) WHERE batch_id IS NOT NULL`.execute(db);

  // The event log. seq orders it: SQLite has one writer, so rows commit in seq order and a
  // reader's cursor never skips a row that commits later. `data` holds what a row of its own
  // columns cannot (a campaign's counts); `callback` marks a final event whose message has a
  // callback_url, so the fan-out reads messages only for those.
  await sql`
    CREATE TABLE events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      account_id TEXT NOT NULL,
      type TEXT NOT NULL,
      message_id TEXT,
      batch_id TEXT,
      status TEXT,
      error_code TEXT,
      at INTEGER NOT NULL,
      data TEXT,
      callback INTEGER NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`CREATE INDEX events_account ON events (account_id, seq)`.execute(db);
  // While no endpoint is registered anywhere, the fan-out reads only the events owed to callback URLs.
  await sql`CREATE INDEX events_callback ON events (seq) WHERE callback = 1`.execute(db);

  // Endpoints: `kind` 'endpoint' (registered URL, events subscribed) or 'callback' (one per
  // account: holds the secret that signs per-request callback_url deliveries; its URL is the
  // message's). Secrets are sealed (they must be usable to sign, so they cannot be hashed).
  await sql`
    CREATE TABLE webhook_endpoints (
      id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      url TEXT,
      events TEXT NOT NULL,
      description TEXT NOT NULL,
      enabled INTEGER NOT NULL,
      secret_sealed TEXT NOT NULL,
      previous_secret_sealed TEXT,
      previous_until INTEGER,
      failing_since INTEGER,
      disabled_reason TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id)`.execute(db);

  // Where the fan-out has read the event log up to.
  await sql`
    CREATE TABLE event_cursors (
      name TEXT PRIMARY KEY,
      seq INTEGER NOT NULL
    )`.execute(db);

  // The delivery outbox: one row per (event, endpoint) or (event, callback_url). A claim moves
  // next_at past the attempt's deadline, so a claim whose holder died falls due again.
  await sql`
    CREATE TABLE webhook_deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      event_seq INTEGER NOT NULL,
      account_id TEXT NOT NULL,
      endpoint_id TEXT NOT NULL,
      url TEXT,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      step INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      done_at INTEGER,
      last_status INTEGER,
      last_error TEXT,
      last_at INTEGER,
      last_latency_ms INTEGER,
      last_response TEXT
    )`.execute(db);
  // Claims take due deliveries in next_at order; when the first due rows belong to endpoints the
  // node cannot take more of, they go endpoint by endpoint instead (see the store's claim).
  await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending'`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, next_at) WHERE state = 'pending'`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_seq)`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id)`.execute(db);

  // The log of failed attempts (a delivery's last attempt, successful or not, is on its row too).
  await sql`
    CREATE TABLE webhook_attempts (
      delivery_id INTEGER NOT NULL,
      attempt INTEGER NOT NULL,
      at INTEGER NOT NULL,
      latency_ms INTEGER NOT NULL,
      status_code INTEGER,
      error TEXT,
      response TEXT,
      PRIMARY KEY (delivery_id, attempt)
    )`.execute(db);
}
