// Checks a message text against a parsed DLT template the way operators' scrubbers do: literal
// text exactly (case and whitespace included), each variable by its type.
//
// Dynamic programming over (part index, text position) instead of backtracking: each reachable
// pair is visited once, so hostile templates or texts cost at most O(parts × text × maxVariable-
// Length) steps, plus one url/date/amount format check per (start, length), shared across parts.
import type { TemplateMatch, TemplateMatchOptions, TemplatePart } from './dlt-template.ts';
import { dltVariableTypes, fitsVariableClass, hasVariableFormat, mayHaveVariableFormat, validateVariable, type DltVariableType } from './dlt-variable.ts';

/** Where a variable starting at one position may end (ascending), and why it may not go further. */
interface VariableEnds {
  readonly ends: readonly number[];
  /** Characters of the variable's class continue past maxVariableLength. */
  readonly capped: boolean;
  /** End of the longest run of class characters, for explaining a format failure. */
  readonly scanned: number;
}

// A mismatch is kept as numbers while matching and only turned into words if the whole match
// fails. detail >= 0 is how far into a literal part the text agreed.
const variableRejected = -1;
const variableTooLong = -2;
const textContinues = -3;

/**
 * Of all ways the text fits the template, returns the one whose variables are leftmost-shortest:
 * the first variable as short as the rest still allows, then the second, and so on. Adjacent
 * variables ({#num#}{#num#}) are inherently ambiguous; this makes the split deterministic.
 */
export function matchTemplate(parts: readonly TemplatePart[], text: string, options: TemplateMatchOptions): TemplateMatch {
  const max = options.maxVariableLength;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxVariableLength must be a positive integer');
  return new TemplateMatcher(parts, text, max).run();
}

class TemplateMatcher {
  readonly #parts: readonly TemplatePart[];
  readonly #text: string;
  readonly #max: number;
  // One lazily filled slot per (type, start): adjacent variables of one type share the work.
  readonly #ends: ((VariableEnds | undefined)[] | undefined)[] = [];
  #failPosition = -1;
  #failPart = 0;
  #failDetail = 0;

  constructor(parts: readonly TemplatePart[], text: string, max: number) {
    this.#parts = parts;
    this.#text = text;
    this.#max = max;
  }

  run(): TemplateMatch {
    const reach = this.#reachable();
    const last = reach[this.#parts.length]!;
    if (last[last.length - 1] !== this.#text.length) return this.#describeFailure();
    return { ok: true, variables: this.#shortestSplit(reach) };
  }

  /** reach[p]: the sorted text positions at which part p can start, recording dead ends. */
  #reachable(): number[][] {
    const parts = this.#parts;
    const text = this.#text;
    const n = text.length;
    // Sparse lists rather than a parts × text table: in real templates each literal collapses
    // the set back to a handful of positions.
    const reach: number[][] = [[0]];
    const mark = zeroedScratch(0, n + 1);
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!;
      let low = n + 1;
      let high = -1;
      for (const pos of reach[p]!) {
        if (part.kind === 'literal') {
          const k = commonPrefixLength(text, pos, part.text);
          if (k < part.text.length) {
            this.#fail(pos + k, p, k);
            continue;
          }
          mark[pos + k] = 1;
          low = Math.min(low, pos + k);
          high = Math.max(high, pos + k);
          continue;
        }
        const entry = this.#endsAt(part.type, pos);
        if (entry.ends.length === 0) this.#fail(pos, p, variableRejected);
        // Capping only explains a failure when some shorter value was acceptable: 40 digits
        // where a {#date#} was expected are wrong because they are no date, not for their length.
        else if (entry.capped) this.#fail(pos + this.#max, p, variableTooLong);
        for (const end of entry.ends) mark[end] = 1;
        if (entry.ends.length > 0) {
          low = Math.min(low, entry.ends[0]!);
          high = Math.max(high, entry.ends[entry.ends.length - 1]!);
        }
      }
      const next: number[] = [];
      for (let pos = low; pos <= high; pos++) {
        if (mark[pos] === 1) {
          next.push(pos);
          mark[pos] = 0;
        }
      }
      reach.push(next);
    }
    for (const pos of reach[parts.length]!) if (pos < n) this.#fail(pos, parts.length, textContinues);
    return reach;
  }

  /**
   * Walks back marking, for each part, the start positions from which the rest of the template
   * still reaches the end of the text, with the shortest step that does; then walks forward
   * along those steps.
   */
  #shortestSplit(reach: readonly number[][]): string[] {
    const parts = this.#parts;
    const text = this.#text;
    const steps: number[][] = [];
    let after = zeroedScratch(0, text.length + 1);
    let here = zeroedScratch(1, text.length + 1);
    after[text.length] = 1;
    for (let p = parts.length - 1; p >= 0; p--) {
      const part = parts[p]!;
      const starts = reach[p]!;
      const step = new Array<number>(starts.length).fill(-1);
      for (let i = 0; i < starts.length; i++) {
        const pos = starts[i]!;
        if (part.kind === 'literal') {
          const end = pos + part.text.length;
          if (after[end] === 1 && text.startsWith(part.text, pos)) step[i] = end;
        } else {
          for (const end of this.#endsAt(part.type, pos).ends) {
            if (after[end] === 1) {
              step[i] = end;
              break;
            }
          }
        }
        if (step[i] !== -1) here[pos] = 1;
      }
      steps[p] = step;
      for (const pos of reach[p + 1]!) after[pos] = 0;
      const swap = after;
      after = here;
      here = swap;
    }
    for (const pos of reach[0]!) after[pos] = 0;
    const variables: string[] = [];
    let pos = 0;
    for (let p = 0; p < parts.length; p++) {
      const end = steps[p]![sortedIndexOf(reach[p]!, pos)]!;
      if (parts[p]!.kind === 'variable') variables.push(text.slice(pos, end));
      pos = end;
    }
    return variables;
  }

  #endsAt(type: DltVariableType, start: number): VariableEnds {
    const t = dltVariableTypes.indexOf(type);
    const byStart = (this.#ends[t] ??= new Array<VariableEnds | undefined>(this.#text.length + 1));
    return (byStart[start] ??= variableEnds(type, this.#text, start, this.#max));
  }

  #fail(position: number, part: number, detail: number): void {
    // The furthest point any attempt reached is where the text most plausibly went wrong; on a
    // tie, "variable too long" explains more than the literal that failed right after it.
    if (position > this.#failPosition || (position === this.#failPosition && detail === variableTooLong)) {
      this.#failPosition = position;
      this.#failPart = part;
      this.#failDetail = detail;
    }
  }

  #describeFailure(): TemplateMatch {
    const text = this.#text;
    const position = this.#failPosition;
    const found = text.slice(position, position + foundLength);
    const atEnd = position >= text.length;
    const part = this.#parts[this.#failPart];
    if (part === undefined) {
      return { ok: false, position, expected: 'end of text', found, reason: 'The text continues after the end of the template.' };
    }
    if (part.kind === 'literal') {
      const rest = part.text.slice(this.#failDetail);
      const shown = JSON.stringify(rest.length > expectedLiteralLength ? `${rest.slice(0, expectedLiteralLength)}…` : rest);
      const reason = atEnd
        ? `The text ends where the template continues with ${shown}.`
        : `The text differs from the template here, which continues with ${shown}.`;
      return { ok: false, position, expected: `literal ${shown}`, found, reason };
    }
    const expected = `{#${part.type}#}`;
    let reason: string;
    if (this.#failDetail === variableTooLong) {
      reason = `A ${expected} variable may be at most ${this.#max} characters.`;
    } else if (atEnd) {
      reason = `The text ends where the template expects a ${expected} variable.`;
    } else {
      // Either the first character is outside the type's class, or no prefix of the longest run
      // of class characters has the type's format; validateVariable says which, in words.
      const { scanned } = this.#endsAt(part.type, position);
      const candidate = text.slice(position, Math.max(scanned, position + 1));
      reason = validateVariable(part.type, candidate, this.#max) ?? `No ${expected} variable fits here.`;
    }
    return { ok: false, position, expected, found, reason };
  }
}

const foundLength = 20;
const expectedLiteralLength = 40;

function variableEnds(type: DltVariableType, text: string, start: number, max: number): VariableEnds {
  const limit = Math.min(text.length, start + max);
  const checksFormat = type === 'url' || type === 'date' || type === 'amount';
  const ends: number[] = [];
  let at = start;
  while (at < limit) {
    const c = text.charCodeAt(at);
    if (!fitsVariableClass(type, c)) break;
    at++;
    // Never end a variable between the halves of a surrogate pair (an emoji in {#var#}).
    if (c >= 0xd800 && c <= 0xdbff && at < text.length) {
      const low = text.charCodeAt(at);
      if (low >= 0xdc00 && low <= 0xdfff) {
        if (at === limit) {
          at--;
          break;
        }
        at++;
      }
    }
    if (
      !checksFormat ||
      (mayHaveVariableFormat(type, at - start, text.charCodeAt(at - 1)) && hasVariableFormat(type, text.slice(start, at)))
    ) {
      ends.push(at);
    }
  }
  const capped = at === start + max && at < text.length && fitsVariableClass(type, text.charCodeAt(at));
  return { ends, capped, scanned: at };
}

// Two reusable mark arrays, kept all-zero between calls (every user clears what it set), because
// allocating typed arrays per match cost more than the matching itself for ordinary templates.
// Matching is synchronous and never re-entered, so sharing them is safe.
const scratch: Uint8Array[] = [];

function zeroedScratch(which: 0 | 1, size: number): Uint8Array {
  let buffer = scratch[which];
  if (buffer === undefined || buffer.length < size) {
    buffer = new Uint8Array(Math.max(size, 256, (buffer?.length ?? 0) * 2));
    scratch[which] = buffer;
  }
  return buffer;
}

function commonPrefixLength(text: string, at: number, literal: string): number {
  const limit = Math.min(literal.length, text.length - at);
  let k = 0;
  while (k < limit && text.charCodeAt(at + k) === literal.charCodeAt(k)) k++;
  return k;
}

function sortedIndexOf(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
