// SMPP connectors and the parts of messages a carrier answered part by part: the same tables as
// SQLite's 0002 (times in epoch milliseconds as bigint).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE message_parts (
      carrier_id text PRIMARY KEY,
      message_id text NOT NULL,
      part integer NOT NULL,
      status text,
      error_code text,
      done_at bigint
    );
    CREATE INDEX message_parts_message ON message_parts (message_id);
    CREATE TABLE early_receipts (
      carrier_id text PRIMARY KEY,
      status text NOT NULL,
      error_code text,
      at bigint NOT NULL
    );
    CREATE TABLE connectors (
      name text PRIMARY KEY,
      settings text NOT NULL,
      password_sealed text NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL
    );
    CREATE TABLE connector_status (
      name text PRIMARY KEY,
      node_id text NOT NULL,
      state text NOT NULL,
      updated_at bigint NOT NULL
    );
  `.execute(db);
}
