// The operator's stored content patterns on SQLite. An immediate transaction takes the write lock
// first, so the duplicate and cap checks and the insert see no concurrent writer (the CLI included).
import type Database from 'better-sqlite3';
import type { ContentPattern } from '../../domain/content-pattern.ts';
import { type AddContentPatternResult, type ContentPatternRow, toContentPattern } from '../content-pattern-rows.ts';
import type { PrepareCached } from './sqlite-rows.ts';

export class SqliteContentPatternStore {
  #db: Database.Database;
  #prepare: PrepareCached;

  constructor(db: Database.Database, prepare: PrepareCached) {
    this.#db = db;
    this.#prepare = prepare;
  }

  list(): ContentPattern[] {
    return (this.#prepare('SELECT * FROM content_patterns ORDER BY created_at, id').all() as ContentPatternRow[]).map(toContentPattern);
  }

  add(p: ContentPattern, max: number): AddContentPatternResult {
    return this.#db.transaction((): AddContentPatternResult => {
      const existing = this.#prepare('SELECT * FROM content_patterns WHERE pattern = ?').get(p.pattern) as ContentPatternRow | undefined;
      if (existing) return { outcome: 'duplicate', existing: toContentPattern(existing) };
      const { n } = this.#prepare('SELECT COUNT(*) AS n FROM content_patterns').get() as { n: number };
      if (n >= max) return { outcome: 'full' };
      this.#prepare('INSERT INTO content_patterns (id, pattern, description, created_at) VALUES (?, ?, ?, ?)').run(p.id, p.pattern, p.description, p.createdAt);
      return { outcome: 'added' };
    }).immediate();
  }

  remove(id: string): boolean {
    return this.#prepare('DELETE FROM content_patterns WHERE id = ?').run(id).changes > 0;
  }
}
