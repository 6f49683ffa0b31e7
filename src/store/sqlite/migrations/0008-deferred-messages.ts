// A large batch's messages committed compactly: one row per chunk of up to 1,000 messages, its
// columns stored once when every message shares the value (see ../deferred-chunk.ts). The accept
// transaction writes these instead of message rows; a fan-out pass turns each chunk into message
// rows and deletes it in one transaction, so a chunk is expanded exactly once, whatever crashes.
// SQLite only: PostgreSQL inserts a batch's rows set-wise in its accept, and `store copy` fans
// every chunk out before it reads the source.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE deferred_messages (
      seq INTEGER PRIMARY KEY,
      account_id TEXT NOT NULL,
      batch_id TEXT NOT NULL,
      lane TEXT NOT NULL,
      count INTEGER NOT NULL,
      data TEXT NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX deferred_messages_batch ON deferred_messages (batch_id)`.execute(db);
  await sql`CREATE INDEX deferred_messages_account ON deferred_messages (account_id)`.execute(db);
}
