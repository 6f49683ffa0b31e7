// DLT principal entity ids (PE ids): the entity a template is registered under, and the entity a
// message is sent under (its template's, or the request's), which an SMPP connector's PE id TLV
// carries in place of the connector's own. Same columns as PostgreSQL's 0008. The message column
// is appended last, as deferred chunks (0008) require of any new message column.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE templates ADD COLUMN entity_id TEXT`.execute(db);
  await sql`ALTER TABLE messages ADD COLUMN entity_id TEXT`.execute(db);
}
