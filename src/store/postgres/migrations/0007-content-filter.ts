// The operator's content patterns, managed at run time (admin API, CLI) and matched by every node
// beside the config file's. The same table as SQLite's 0007 (times in epoch ms as bigint).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE content_patterns (
      id text PRIMARY KEY,
      pattern text NOT NULL UNIQUE,
      description text NOT NULL DEFAULT '',
      created_at bigint NOT NULL
    )
  `.execute(db);
}
