// The first schema: accounts, keys, routes, credits (balance + append-only ledger), sender IDs,
// DLT templates, DND, batches, messages (the message row is the dispatch job) and idempotency.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('operator_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rate_limit_per_minute', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ip_allowlist', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('revoked_at', 'integer')
    .execute();
  await db.schema.createIndex('api_keys_account').on('api_keys').column('account_id').execute();

  await db.schema.createTable('routes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('price_per_segment', 'integer', (c) => c.notNull())
    .addColumn('refund_on_undelivered', 'integer', (c) => c.notNull())
    .addColumn('resend_in_doubt', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('balances')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('route_id', 'text', (c) => c.notNull())
    .addColumn('balance', 'integer', (c) => c.notNull().check(sql`balance >= 0`))
    .addPrimaryKeyConstraint('balances_pk', ['account_id', 'route_id'])
    .execute();

  await db.schema.createTable('ledger')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('route_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('batch_id', 'text')
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_account').on('ledger').columns(['account_id', 'route_id']).execute();

  await db.schema.createTable('sender_ids')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sender_ids_pk', ['account_id', 'sender'])
    .execute();

  await db.schema.createTable('templates')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('templates_pk', ['account_id', 'template_id'])
    .execute();

  await db.schema.createTable('dnd')
    .addColumn('msisdn', 'text', (c) => c.primaryKey())
    .addColumn('added_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.createTable('batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('route_id', 'text', (c) => c.notNull())
    .addColumn('total_recipients', 'integer', (c) => c.notNull())
    .addColumn('accepted_recipients', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('scheduled_at', 'integer')
    .execute();

  await db.schema.createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('route_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('lane', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('encoding', 'text', (c) => c.notNull())
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('flash', 'integer', (c) => c.notNull())
    .addColumn('credits', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('correlation_id', 'text')
    .addColumn('due_at', 'integer', (c) => c.notNull())
    .addColumn('scheduled_at', 'integer')
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('submitted_at', 'integer')
    .addColumn('done_at', 'integer')
    .addColumn('carrier_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Partial index: only waiting rows, so claiming stays fast however many finished rows pile up.
  await sql`CREATE INDEX messages_due ON messages (lane, due_at) WHERE status IN ('QUEUED', 'SCHEDULED')`.execute(db);
  await sql`CREATE INDEX messages_carrier ON messages (carrier_id) WHERE carrier_id IS NOT NULL`.execute(db);
  // Indexes that a state change would have to update are kept to the two that need the state:
  // batch counts read the status from the row, and recovery after a crash scans the table once.
  await sql`CREATE INDEX messages_batch ON messages (batch_id) WHERE batch_id IS NOT NULL`.execute(db);
  await db.schema.createIndex('messages_account').on('messages').columns(['account_id', 'id']).execute();
  await sql`CREATE INDEX messages_correlation ON messages (account_id, correlation_id) WHERE correlation_id IS NOT NULL`.execute(db);

  await db.schema.createTable('idempotency_keys')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
    .execute();

  // Leases: which node holds a channel's dispatch (or another singleton job); the token fences a
  // holder that lost the lease.
  await db.schema.createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('token', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .execute();

  // Facts about the deployment itself, e.g. the fingerprint of the pepper its keys were hashed with.
  await db.schema.createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  // Request counts per API key and rate-limit window, shared by every node on the database.
  await db.schema.createTable('rate_windows')
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('window_start', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_windows_pk', ['key_id', 'window_start'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('the initial migration cannot be reverted');
}
