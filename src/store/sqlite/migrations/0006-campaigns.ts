// Campaigns (seed 002): a per-account grouping of sends, named by the customer. One row per
// campaign, counted in the transaction that accepts each of its shoots, so listing an account's
// campaigns reads this table instead of its messages. Same table as PostgreSQL's 0006.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE campaigns (
      account_id TEXT NOT NULL,
      name TEXT NOT NULL,
      shoots INTEGER NOT NULL,
      messages INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      last_shoot_at INTEGER NOT NULL,
      PRIMARY KEY (account_id, name)
    ) WITHOUT ROWID
  `.execute(db);
}
