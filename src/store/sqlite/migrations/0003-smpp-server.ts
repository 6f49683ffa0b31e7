// The SMPP server for customers: its users, their failed binds (the lockout), and the outbox of
// receipts owed to them. Same tables as PostgreSQL's 0003.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The SMPP system_id a message's receipt goes back to (submitted over SMPP with
  // registered_delivery); null for every other message.
  await sql`ALTER TABLE messages ADD COLUMN receipt_to TEXT`.execute(db);

  await db.schema.createTable('smpp_users')
    .addColumn('system_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('ip_allowlist', 'text', (c) => c.notNull())
    .addColumn('max_binds', 'integer', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX smpp_users_account ON smpp_users (account_id)`.execute(db);

  // Failed binds per system_id, known or not (counting unknown ones too reveals nothing).
  await db.schema.createTable('smpp_bind_failures')
    .addColumn('system_id', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'integer', (c) => c.notNull())
    .execute();

  // The receipt outbox: a row per final state of a message with receipt_to, written in the
  // transaction that finished it, deleted once the customer acknowledged its deliver_sm.
  // claimed_until keeps a row to the session that took it until then (at-least-once delivery).
  await sql`
    CREATE TABLE smpp_receipts (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id TEXT NOT NULL,
      system_id TEXT NOT NULL,
      status TEXT NOT NULL,
      error_code TEXT,
      done_at INTEGER NOT NULL,
      submitted_at INTEGER NOT NULL,
      recipient TEXT NOT NULL,
      sender TEXT NOT NULL,
      claimed_until INTEGER NOT NULL DEFAULT 0
    )`.execute(db);
  await sql`CREATE INDEX smpp_receipts_system ON smpp_receipts (system_id, seq)`.execute(db);

  // The parts of long messages customers submit one submit_sm per segment: each stored before its
  // submit_sm_resp, so an acknowledged part survives a crash; removed once the whole message is
  // accepted, or when its siblings do not come in time. The body is base64 text (portable to
  // PostgreSQL by store copy).
  await sql`
    CREATE TABLE smpp_parts (
      system_id TEXT NOT NULL,
      key TEXT NOT NULL,
      sequence INTEGER NOT NULL,
      total INTEGER NOT NULL,
      body TEXT NOT NULL,
      meta TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      PRIMARY KEY (system_id, key, sequence)
    )`.execute(db);
  await sql`CREATE INDEX smpp_parts_received ON smpp_parts (received_at)`.execute(db);
}
