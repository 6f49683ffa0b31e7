// The content filter of the send pipeline (seed 000's "spam blocked", code 107): the operator's
// patterns, matched case-insensitively against every text, and a velocity rule that caps how many
// recipients one identical text may reach per account within a window. The velocity counter lives
// in memory, per node: with several API nodes each node counts on its own, so the effective cap is
// up to identicalContentMax × nodes. Its entries form a bounded LRU, so memory stays bounded whatever
// the traffic; an evicted entry starts counting afresh (the cap can be exceeded only after
// maxEntries other texts were seen since, which is itself the blast the LRU must survive).
// Patterns come from the config file and from the store (the operator adds them at run time through
// the admin API or the CLI); the stored ones are handed in by useStored(), so matching stays
// synchronous on the send path. `enabled: false` turns off both kinds, and the velocity rule.
import { createHash } from 'node:crypto';
import { DakiyaError } from '../domain/errors.ts';

export interface ContentFilterSettings {
  readonly enabled: boolean;
  /** Regular expression sources, compiled with the `i` and `u` flags. */
  readonly patterns: readonly string[];
  /** Most recipients one identical text may reach per account per window; 0 turns the rule off. */
  readonly identicalContentMax: number;
  readonly identicalContentWindowSeconds: number;
}

export const maxPatternLength = 200;

/**
 * Why an operator pattern is refused, or undefined when it is usable. Beyond compiling, the length
 * cap and the nested-quantifier check keep out the classic catastrophic-backtracking shapes
 * (`(a+)+`, `(\w*)*`, `(x|x?)+`) that would let one message stall the event loop.
 */
export function contentPatternProblem(source: string): string | undefined {
  if (source.length === 0) return 'a pattern must not be empty';
  if (source.length > maxPatternLength) return `a pattern may have at most ${maxPatternLength} characters`;
  try {
    new RegExp(source, 'iu');
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
  if (/\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/.test(source)) {
    return 'a quantified group contains a quantifier (nested repetition can backtrack catastrophically)';
  }
  return undefined;
}

/**
 * Why a pattern the operator stores at run time is refused: contentPatternProblem's reasons, and a
 * pattern that matches the empty string, which would block every text.
 */
export function storedPatternProblem(source: string): string | undefined {
  const problem = contentPatternProblem(source);
  if (problem !== undefined) return problem;
  if (new RegExp(source, 'iu').test('')) return 'matches the empty string, so it would block every text';
  return undefined;
}

/** Texts are counted as identical after case, Unicode compatibility forms and runs of white space are folded. */
export function contentKey(text: string): string {
  const normalised = text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
  return createHash('sha256').update(normalised).digest('base64url').slice(0, 22);
}

interface Window {
  start: number;
  count: number;
}

export class ContentFilter {
  readonly #settings: ContentFilterSettings;
  readonly #patterns: readonly RegExp[];
  /** The store's patterns, by source, so a refresh compiles only what is new. */
  #stored = new Map<string, RegExp>();
  readonly #windowMs: number;
  readonly #maxEntries: number;
  // Map keeps insertion order: re-inserting on use makes the first key the least recently used.
  readonly #windows = new Map<string, Window>();

  constructor(settings: ContentFilterSettings, options: { maxEntries?: number } = {}) {
    this.#settings = settings;
    this.#patterns = settings.patterns.map((source) => {
      const problem = contentPatternProblem(source);
      if (problem !== undefined) throw new Error(`content filter pattern ${JSON.stringify(source)}: ${problem}`);
      return new RegExp(source, 'iu');
    });
    this.#windowMs = settings.identicalContentWindowSeconds * 1000;
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  get enabled(): boolean {
    return this.#settings.enabled;
  }

  /**
   * Replaces the stored patterns with these sources. A source that fails today's rules (stored
   * under older ones) is left out and answered, so the caller can say so; the others still apply.
   */
  useStored(sources: readonly string[]): string[] {
    const next = new Map<string, RegExp>();
    const skipped: string[] = [];
    for (const source of sources) {
      const known = this.#stored.get(source);
      if (known) next.set(source, known);
      else if (storedPatternProblem(source) === undefined) next.set(source, new RegExp(source, 'iu'));
      else skipped.push(source);
    }
    this.#stored = next;
    return skipped;
  }

  get velocityEnabled(): boolean {
    return this.#settings.enabled && this.#settings.identicalContentMax > 0;
  }

  /** Throws ERR_CONTENT_BLOCKED when the text matches an operator pattern (the config file's or a stored one). */
  checkPatterns(text: string): void {
    if (!this.#settings.enabled) return;
    for (const pattern of this.#patterns) {
      if (pattern.test(text)) throw new DakiyaError('ERR_CONTENT_BLOCKED', undefined, { rule: 'pattern' });
    }
    for (const pattern of this.#stored.values()) {
      if (pattern.test(text)) throw new DakiyaError('ERR_CONTENT_BLOCKED', undefined, { rule: 'pattern' });
    }
  }

  /**
   * Whether `total` recipients of the text under `key` (already sent ones not included) still fit
   * the account's window at `now`. Nothing is counted: record() does that once the request is priced.
   */
  fits(accountId: string, key: string, total: number, now: number): boolean {
    const window = this.#current(`${accountId}\u0000${key}`, now);
    return (window?.count ?? 0) + total <= this.#settings.identicalContentMax;
  }

  /** Counts recipients per text key for the account. */
  record(accountId: string, counts: ReadonlyMap<string, number>, now: number): void {
    for (const [key, n] of counts) {
      const id = `${accountId}\u0000${key}`;
      const window = this.#current(id, now) ?? { start: now, count: 0 };
      window.count += n;
      this.#windows.delete(id);
      this.#windows.set(id, window);
      if (this.#windows.size > this.#maxEntries) this.#windows.delete(this.#windows.keys().next().value!);
    }
  }

  /** The refusal of recipients beyond the cap. */
  velocityError(): DakiyaError {
    const { identicalContentMax: max, identicalContentWindowSeconds: seconds } = this.#settings;
    return new DakiyaError('ERR_CONTENT_BLOCKED',
      `The same text may reach at most ${max} recipients of one account within ${seconds} seconds; the operator's content filter refused the rest.`,
      { rule: 'identical_content', max_recipients: max, window_seconds: seconds });
  }

  /** Entries held, for tests of the bound. */
  get size(): number {
    return this.#windows.size;
  }

  #current(id: string, now: number): Window | undefined {
    const window = this.#windows.get(id);
    if (window === undefined) return undefined;
    if (now - window.start >= this.#windowMs) {
      this.#windows.delete(id);
      return undefined;
    }
    return window;
  }
}
