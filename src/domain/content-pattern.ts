// A content pattern the operator manages at run time (admin API, CLI): kept in the store and
// matched by every node's content filter alongside the config file's `contentFilter.patterns`.

export interface ContentPattern {
  /** UUIDv7. */
  id: string;
  /** A regular expression source, matched case-insensitively with the u flag (checked by contentPatternProblem before it is stored). */
  pattern: string;
  /** Why it is blocked (the operator's note, e.g. the phishing campaign it stops); may be empty. */
  description: string;
  createdAt: number;
}

/**
 * Most patterns the store keeps. Every text is matched against every pattern, so an operator
 * script gone wrong must not be able to make each send walk tens of thousands of them.
 */
export const maxStoredContentPatterns = 1000;
