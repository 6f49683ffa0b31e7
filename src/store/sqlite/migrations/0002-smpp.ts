// SMPP connectors and the parts of messages a carrier answered part by part (one submit_sm, one
// carrier id and one receipt per segment). Same tables as PostgreSQL's 0002.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A row per segment of a message sent as several submissions; single-part messages keep their
  // one carrier id on the message row and have none here.
  await db.schema.createTable('message_parts')
    .addColumn('carrier_id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('error_code', 'text')
    .addColumn('done_at', 'integer')
    .execute();
  await sql`CREATE INDEX message_parts_message ON message_parts (message_id)`.execute(db);

  // Receipts that arrived before their submission was recorded (a carrier may answer the receipt
  // before the submit_sm_resp is committed): parked durably, so acknowledging them to the carrier
  // loses nothing, and applied once the carrier id is known.
  await db.schema.createTable('early_receipts')
    .addColumn('carrier_id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('at', 'integer', (c) => c.notNull())
    .execute();

  // Upstream SMPP connections defined by the operator. `settings` is the connector's JSON (no
  // secret in it); the bind password is sealed with a key derived from the pepper, because it has
  // to be sent to the carrier and so cannot be hashed.
  await db.schema.createTable('connectors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('password_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  // The live state of each connector as the node holding its binds last reported it (once a
  // second), so `dakiya connector list` shows it from any node or the CLI.
  await db.schema.createTable('connector_status')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
}
