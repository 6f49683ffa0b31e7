// The operator's content patterns, managed at run time (admin API, CLI) and matched by every node
// beside the config file's. Same table as PostgreSQL's 0007. A pattern is stored once (unique
// source); a pattern is paused by removing it, so there is no enabled flag.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE content_patterns (
      id TEXT PRIMARY KEY,
      pattern TEXT NOT NULL UNIQUE,
      description TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL
    )`.execute(db);
}
