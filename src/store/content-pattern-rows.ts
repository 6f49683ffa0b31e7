// What both engines share for the operator's stored content patterns: the port (ContentPatternStore)
// and the row mapping. The table is content_patterns (migration 0007-content-filter).
import type { ContentPattern } from '../domain/content-pattern.ts';

export type AddContentPatternResult =
  | { outcome: 'added' }
  /** The same source is stored already (compared exactly, as written). */
  | { outcome: 'duplicate'; existing: ContentPattern }
  /** `max` patterns are stored already. */
  | { outcome: 'full' };

export interface ContentPatternStore {
  /** Every stored pattern, oldest first. */
  listContentPatterns(): Promise<ContentPattern[]>;
  /**
   * Stores the pattern unless its source is stored already or `max` patterns are; the check and
   * the insert are one step across nodes, so concurrent adds never pass the cap together.
   */
  addContentPattern(pattern: ContentPattern, max: number): Promise<AddContentPatternResult>;
  removeContentPattern(id: string): Promise<boolean>;
}

export interface ContentPatternRow {
  id: string;
  pattern: string;
  description: string;
  created_at: number;
}

export function toContentPattern(row: ContentPatternRow): ContentPattern {
  return { id: row.id, pattern: row.pattern, description: row.description, createdAt: row.created_at };
}
