// The operator's side of the content filter: patterns kept in the store, added and removed at run
// time (admin API, CLI) so a phishing URL can be blocked on every node without a restart. Each node
// refreshes its filter from the store on an interval (the gateway's timer calls refresh()); the
// node that made a change refreshes at once.
import type { Clock } from '../domain/clock.ts';
import { type ContentPattern, maxStoredContentPatterns } from '../domain/content-pattern.ts';
import { DakiyaError } from '../domain/errors.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Store } from '../store/store.ts';
import { type ContentFilter, storedPatternProblem } from './content-filter.ts';

export interface ContentPatternInput {
  pattern: string;
  description?: string;
}

export const maxDescriptionLength = 200;

export class ContentFilterAdminService {
  #store: Store;
  #clock: Clock;
  #ids: IdGenerator;
  #filter: ContentFilter;
  #max: number;
  // Refreshes may overlap (the timer's and one after a change): the list read last is the one that
  // stays, so a slow read that started before a change cannot undo it.
  #started = 0;
  #applied = 0;
  #skipped: string[] = [];

  constructor(deps: { store: Store; clock: Clock; ids: IdGenerator; filter: ContentFilter; maxPatterns?: number }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#filter = deps.filter;
    this.#max = deps.maxPatterns ?? maxStoredContentPatterns;
  }

  /** Whether the filter runs at all (contentFilter.enabled): stored patterns apply only then. */
  get enabled(): boolean {
    return this.#filter.enabled;
  }

  list(): Promise<ContentPattern[]> {
    return this.#store.listContentPatterns();
  }

  /**
   * Stores a pattern after the same checks as the config file's (plus: it must not match every
   * text). A source stored already is a conflict, not a second row: the answer names the stored one.
   */
  async add(input: ContentPatternInput): Promise<ContentPattern> {
    const problem = storedPatternProblem(input.pattern);
    if (problem !== undefined) throw new DakiyaError('ERR_INVALID_REQUEST', `pattern: ${problem}`, { field: 'pattern' });
    const description = (input.description ?? '').trim();
    if (description.length > maxDescriptionLength) {
      throw new DakiyaError('ERR_INVALID_REQUEST', `description: at most ${maxDescriptionLength} characters`, { field: 'description' });
    }
    const pattern: ContentPattern = { id: this.#ids(), pattern: input.pattern, description, createdAt: this.#clock.now() };
    const result = await this.#store.addContentPattern(pattern, this.#max);
    if (result.outcome === 'duplicate') {
      throw new DakiyaError('ERR_CONFLICT', `The pattern is stored already, as ${result.existing.id}.`, { field: 'pattern', id: result.existing.id });
    }
    if (result.outcome === 'full') {
      throw new DakiyaError('ERR_CONFLICT', `At most ${this.#max} content patterns may be stored; remove one first.`, { max_patterns: this.#max });
    }
    await this.#refreshAfterChange();
    return pattern;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.#store.removeContentPattern(id))) throw new DakiyaError('ERR_NOT_FOUND', `No content pattern ${id}.`);
    await this.#refreshAfterChange();
  }

  /**
   * Reads the stored patterns into this node's filter (nothing while the filter is off). Answers
   * the sources left out because they fail today's rules (stored under older ones).
   */
  async refresh(): Promise<string[]> {
    if (!this.#filter.enabled) return [];
    const read = ++this.#started;
    const patterns = await this.#store.listContentPatterns();
    if (read > this.#applied) {
      this.#applied = read;
      this.#skipped = this.#filter.useStored(patterns.map((p) => p.pattern));
    }
    return this.#skipped;
  }

  // The change is committed whatever happens here: a failed read is left to the next timed refresh
  // (which reports its errors) rather than answered as a failure of the change.
  async #refreshAfterChange(): Promise<void> {
    await this.refresh().catch(() => undefined);
  }
}
