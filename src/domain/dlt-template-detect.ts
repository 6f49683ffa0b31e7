// Template auto-detection (seed 002 has no template id): finds the one DLT template of the
// account's that a text was written from, so the message can carry that template's id.
//
// Rules (docs/reference/dlt-template-detection.md has an example of each):
// - Eligible: the account's templates with status active, registered for the resolved sender and
//   for exactly the request's category: the same test resolveTemplate applies to a given
//   template_id, so detection never picks a template that a customer naming it would be refused.
// - A template matches when matchTemplate accepts the whole text (literals exactly, each variable
//   by its type: a {#num#} given letters does not match, though another template may).
// - One match: that template. Several: the most specific, ranked by (1) most literal characters
//   (code points), (2) fewest variables, (3) fewest untyped {#var#} variables. Matches still tied
//   on all three are ambiguous and refused, naming every tied template: the carrier is told ONE
//   template id and a guess between equals is a compliance risk, not a convenience.
// - No match: the closest eligible template, with matchTemplate's position, expected and found,
//   so the customer can fix the text. Closest = most literal text shared with the message (the
//   agreeing start of its opening literal, plus each further literal found in order after it),
//   then the furthest failure position, then the lowest template id. Position alone would favour
//   templates opening with a broad variable ({#str#} runs over most of any sentence). No eligible
//   template at all: nothing to detect (ERR_TEMPLATE_REQUIRED).
//
// Speed (hundreds of templates, 50,000 personalised texts per request): the eligible templates of
// one (sender, category) are parsed once into an index cached per profile templates array; a text
// is walked once through a trie of the templates' first literal parts, so only templates whose
// opening fits (and those opening with a variable whose class fits the first character) remain;
// length bounds, the last literal as suffix and the literals' order prune further before the
// dynamic-programming match. TemplateDetector memoises per distinct text within one request.
import type { DltTemplate } from './account.ts';
import { matchTemplate, parseTemplate, type TemplateMatch, type TemplateMatchOptions, type TemplatePart } from './dlt-template.ts';
import { fitsVariableClass, type DltVariableType } from './dlt-variable.ts';
import { DakiyaError } from './errors.ts';
import type { MessageCategory } from './message.ts';

export type TemplateDetection =
  /** matches: how many eligible templates the text fits (1 = unique). */
  | { kind: 'matched'; template: DltTemplate; matches: number }
  /** The tied most-specific templates, sorted by id. */
  | { kind: 'ambiguous'; candidates: DltTemplate[] }
  | { kind: 'mismatch'; closest: DltTemplate; position: number; expected: string; found: string; reason: string; eligible: number }
  | { kind: 'none' };

interface Candidate {
  readonly template: DltTemplate;
  readonly parts: readonly TemplatePart[];
  /** Literal parts in order. */
  readonly literals: readonly string[];
  /** The type of the opening variable, when the template opens with one. */
  readonly openingType: DltVariableType | undefined;
  /** The closing literal, '' when the template ends with a variable. */
  readonly closing: string;
  /** The longest literal after the opening one ('' when none): the text must contain it, the most telling cheap test. */
  readonly distinctive: string;
  readonly literalCodeUnits: number;
  readonly literalChars: number;
  readonly variables: number;
  readonly untyped: number;
}

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  /** Templates whose opening literal ends here. */
  readonly ending: Candidate[];
}

interface Index {
  readonly all: readonly Candidate[];
  readonly root: TrieNode;
  readonly opensWithVariable: readonly Candidate[];
}

const candidates = new WeakMap<DltTemplate, Candidate>();
const indexes = new WeakMap<readonly DltTemplate[], Map<string, Index>>();

function candidateOf(template: DltTemplate): Candidate {
  let candidate = candidates.get(template);
  if (candidate) return candidate;
  const parts = parseTemplate(template.text);
  const literals: string[] = [];
  let literalCodeUnits = 0;
  let literalChars = 0;
  let variables = 0;
  let untyped = 0;
  for (const part of parts) {
    if (part.kind === 'literal') {
      literals.push(part.text);
      literalCodeUnits += part.text.length;
      for (const _ of part.text) literalChars++;
    } else {
      variables++;
      if (part.type === 'var') untyped++;
    }
  }
  const first = parts[0];
  const last = parts[parts.length - 1];
  let distinctive = '';
  for (let i = first?.kind === 'literal' ? 1 : 0; i < literals.length; i++) {
    if (literals[i]!.length > distinctive.length) distinctive = literals[i]!;
  }
  candidate = {
    template, parts, literals, literalCodeUnits, literalChars, variables, untyped, distinctive,
    openingType: first?.kind === 'variable' ? first.type : undefined,
    closing: last?.kind === 'literal' ? last.text : '',
  };
  candidates.set(template, candidate);
  return candidate;
}

function indexFor(templates: readonly DltTemplate[], sender: string, category: MessageCategory): Index {
  let byKey = indexes.get(templates);
  if (!byKey) {
    byKey = new Map();
    indexes.set(templates, byKey);
  }
  const key = `${sender}\u0000${category}`;
  let index = byKey.get(key);
  if (index) return index;
  const root: TrieNode = { children: new Map(), ending: [] };
  const all: Candidate[] = [];
  const opensWithVariable: Candidate[] = [];
  for (const template of templates) {
    if (template.status !== 'active' || template.sender !== sender || template.category !== category) continue;
    const candidate = candidateOf(template);
    if (candidate.parts.length === 0) continue; // an empty template fits no message (texts are never empty)
    all.push(candidate);
    if (candidate.openingType !== undefined) {
      opensWithVariable.push(candidate);
      continue;
    }
    const opening = candidate.literals[0]!;
    let node = root;
    for (let i = 0; i < opening.length; i++) {
      const c = opening.charCodeAt(i);
      let child = node.children.get(c);
      if (!child) {
        child = { children: new Map(), ending: [] };
        node.children.set(c, child);
      }
      node = child;
    }
    node.ending.push(candidate);
  }
  index = { all, root, opensWithVariable };
  byKey.set(key, index);
  return index;
}

function byId(a: Candidate, b: Candidate): number {
  return a.template.templateId < b.template.templateId ? -1 : a.template.templateId > b.template.templateId ? 1 : 0;
}

/** < 0 when a is more specific than b, 0 when they are equally specific. */
function bySpecificity(a: Candidate, b: Candidate): number {
  return b.literalChars - a.literalChars || a.variables - b.variables || a.untyped - b.untyped;
}

/** Necessary conditions for a match, far cheaper than matching: fails fast on most templates. */
function mayMatch(candidate: Candidate, text: string, maxVariableLength: number): boolean {
  const n = text.length;
  if (n < candidate.literalCodeUnits + candidate.variables) return false;
  if (n > candidate.literalCodeUnits + candidate.variables * maxVariableLength) return false;
  if (candidate.closing.length > 0 && !text.endsWith(candidate.closing)) return false;
  if (!text.includes(candidate.distinctive)) return false;
  let at = 0;
  for (const literal of candidate.literals) {
    const found = text.indexOf(literal, at);
    if (found === -1) return false;
    at = found + literal.length;
  }
  return true;
}

/** Finds the eligible template the text matches (see the rules above). */
export function detectTemplate(
  templates: readonly DltTemplate[],
  sender: string,
  category: MessageCategory,
  text: string,
  options: TemplateMatchOptions,
): TemplateDetection {
  const index = indexFor(templates, sender, category);
  if (index.all.length === 0) return { kind: 'none' };

  // Templates whose opening fits the text: opening literals along the trie walk, and those that
  // open with a variable whose class admits the first character.
  const hits: Candidate[] = [];
  let node = index.root;
  for (let at = 0; at < text.length; at++) {
    const child = node.children.get(text.charCodeAt(at));
    if (!child) break;
    node = child;
    for (const candidate of node.ending) hits.push(candidate);
  }
  const first = text.charCodeAt(0);
  for (const candidate of index.opensWithVariable) {
    if (text.length > 0 && fitsVariableClass(candidate.openingType!, first)) hits.push(candidate);
  }

  const matched: Candidate[] = [];
  for (const candidate of hits) {
    if (!mayMatch(candidate, text, options.maxVariableLength)) continue;
    if (matchTemplate(candidate.parts, text, options).ok) matched.push(candidate);
  }
  if (matched.length > 0) {
    matched.sort((a, b) => bySpecificity(a, b) || byId(a, b));
    const best = matched[0]!;
    const tied = matched.filter((c) => bySpecificity(c, best) === 0);
    if (tied.length > 1) return { kind: 'ambiguous', candidates: tied.map((c) => c.template) };
    return { kind: 'matched', template: best.template, matches: matched.length };
  }
  return closest(index, text, options);
}

/** The failure path: every eligible template is scored, only the best-scored are matched again. */
function closest(index: Index, text: string, options: TemplateMatchOptions): TemplateDetection {
  let bestScore = -1;
  let tied: Candidate[] = [];
  for (const candidate of index.all) {
    const score = sharedLiteral(candidate, text);
    if (score > bestScore) {
      bestScore = score;
      tied = [candidate];
    } else if (score === bestScore) {
      tied.push(candidate);
    }
  }
  let best: Candidate | undefined;
  let bestMatch: Extract<TemplateMatch, { ok: false }> | undefined;
  for (const candidate of tied) {
    const match = matchTemplate(candidate.parts, text, options);
    if (match.ok) continue; // cannot happen: the caller found no match
    if (!bestMatch || match.position > bestMatch.position || (match.position === bestMatch.position && byId(candidate, best!) < 0)) {
      best = candidate;
      bestMatch = match;
    }
  }
  const { position, expected, found, reason } = bestMatch!;
  return { kind: 'mismatch', closest: best!.template, position, expected, found, reason, eligible: index.all.length };
}

/** Literal code units of the template the text shares: the agreeing start of the opening literal, then whole literals in order. */
function sharedLiteral(candidate: Candidate, text: string): number {
  let shared = 0;
  let at = 0;
  let i = 0;
  if (candidate.openingType === undefined) {
    const opening = candidate.literals[0]!;
    const limit = Math.min(opening.length, text.length);
    while (at < limit && text.charCodeAt(at) === opening.charCodeAt(at)) at++;
    shared = at;
    i = 1;
  }
  for (; i < candidate.literals.length; i++) {
    const literal = candidate.literals[i]!;
    const found = text.indexOf(literal, at);
    if (found === -1) continue;
    shared += literal.length;
    at = found + literal.length;
  }
  return shared;
}

/** The error a failed detection answers with, for a recipient that needs a template. */
export function detectionError(detection: Exclude<TemplateDetection, { kind: 'matched' }>, sender: string, category: MessageCategory): DakiyaError {
  switch (detection.kind) {
    case 'none':
      return new DakiyaError('ERR_TEMPLATE_REQUIRED',
        `No active ${category} DLT template is registered for sender ${sender}, so none can be detected; register one, or give template_id.`,
        { reason: 'no_template', sender, category });
    case 'ambiguous': {
      const ids = detection.candidates.map((t) => t.templateId);
      return new DakiyaError('ERR_DLT_TEMPLATE_MISMATCH',
        `Message content matches ${ids.length} DLT templates of sender ${sender} equally well (${ids.join(', ')}); give template_id, or ask the operator to suspend the duplicates.`,
        { reason: 'ambiguous', sender, category, candidates: ids });
    }
    case 'mismatch': {
      const id = detection.closest.templateId;
      return new DakiyaError('ERR_DLT_TEMPLATE_MISMATCH',
        `Message content matches none of the ${detection.eligible} ${category} DLT templates of sender ${sender}; the closest, ${id}, differs at character ${detection.position}: expected ${detection.expected}, found "${detection.found}". ${detection.reason}`,
        { reason: 'no_match', sender, category, template_id: id, position: detection.position, expected: detection.expected, found: detection.found });
    }
  }
}

/**
 * Detection for one request: the eligible templates of one sender and category, memoised per
 * distinct text (bounded, since personalised bulk texts rarely repeat).
 */
export class TemplateDetector {
  readonly #templates: readonly DltTemplate[];
  readonly #sender: string;
  readonly #category: MessageCategory;
  readonly #options: TemplateMatchOptions;
  readonly #seen = new Map<string, TemplateDetection>();

  constructor(templates: readonly DltTemplate[], sender: string, category: MessageCategory, options: TemplateMatchOptions) {
    this.#templates = templates;
    this.#sender = sender;
    this.#category = category;
    this.#options = { maxVariableLength: options.maxVariableLength };
  }

  detect(text: string): TemplateDetection {
    let detection = this.#seen.get(text);
    if (!detection) {
      detection = detectTemplate(this.#templates, this.#sender, this.#category, text, this.#options);
      if (this.#seen.size < memoLimit) this.#seen.set(text, detection);
    }
    return detection;
  }

  /**
   * The id of the template the text matches. When none does (or several tie): throws the
   * detection's error if the recipient needs a template, else null (sent without one, as a
   * request without template_id would be).
   */
  templateIdFor(text: string, required: boolean): string | null {
    return this.templateFor(text, required)?.templateId ?? null;
  }

  /** As templateIdFor, answering the template itself. */
  templateFor(text: string, required: boolean): DltTemplate | null {
    const detection = this.detect(text);
    if (detection.kind === 'matched') return detection.template;
    if (required) throw detectionError(detection, this.#sender, this.#category);
    return null;
  }
}

const memoLimit = 4096;
