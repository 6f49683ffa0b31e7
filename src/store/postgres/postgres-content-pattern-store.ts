// The operator's stored content patterns on PostgreSQL. An add locks the table against other
// writers (SHARE ROW EXCLUSIVE: reads go on) for its duplicate and cap checks and its insert, so two
// nodes adding at once cannot both take the last place under the cap.
import type pg from 'pg';
import type { ContentPattern } from '../../domain/content-pattern.ts';
import { type AddContentPatternResult, type ContentPatternRow, toContentPattern } from '../content-pattern-rows.ts';
import { query } from './postgres-database.ts';
import { transaction } from './postgres-message-writer.ts';

export class PostgresContentPatternStore {
  #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async list(): Promise<ContentPattern[]> {
    return (await query<ContentPatternRow>(this.#pool, 'SELECT * FROM content_patterns ORDER BY created_at, id', [])).rows.map(toContentPattern);
  }

  add(p: ContentPattern, max: number): Promise<AddContentPatternResult> {
    return transaction(this.#pool, async (client): Promise<AddContentPatternResult> => {
      await client.query('LOCK TABLE content_patterns IN SHARE ROW EXCLUSIVE MODE');
      const existing = (await client.query<ContentPatternRow>('SELECT * FROM content_patterns WHERE pattern = $1', [p.pattern])).rows[0];
      if (existing) return { outcome: 'duplicate', existing: toContentPattern(existing) };
      const n = (await client.query<{ n: number }>('SELECT COUNT(*) AS n FROM content_patterns')).rows[0]!.n;
      if (n >= max) return { outcome: 'full' };
      await client.query('INSERT INTO content_patterns (id, pattern, description, created_at) VALUES ($1, $2, $3, $4)', [p.id, p.pattern, p.description, p.createdAt]);
      return { outcome: 'added' };
    });
  }

  async remove(id: string): Promise<boolean> {
    return ((await query(this.#pool, 'DELETE FROM content_patterns WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }
}
