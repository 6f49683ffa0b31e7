// Walks ConfigSchema into its leaves (one per setting) and derives each leaf's environment name,
// so the loader, the docs and the drift test never keep a hand-written list of settings.
import Type, { type TSchema } from 'typebox';
import { ConfigSchema } from './config-schema.ts';

export interface ConfigLeaf {
  readonly path: string;
  readonly env: string;
  readonly type: string;
  readonly default: unknown;
  readonly description: string;
  readonly optional: boolean;
  readonly schema: TSchema;
}

/** 'smpp.windowSize' -> 'DAKIYA_SMPP_WINDOW_SIZE': dots and camelCase humps become underscores. */
export function envNameFor(path: string): string {
  const words = path
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replaceAll('.', '_');
  return `DAKIYA_${words.toUpperCase()}`;
}

let cached: readonly ConfigLeaf[] | undefined;

export function schemaLeaves(): readonly ConfigLeaf[] {
  cached ??= Object.freeze(walk(ConfigSchema, ''));
  return cached;
}

function walk(schema: TSchema, prefix: string): ConfigLeaf[] {
  if (!Type.IsObject(schema)) throw new Error(`config schema: ${prefix || 'root'} is not an object`);
  const leaves: ConfigLeaf[] = [];
  for (const [key, child] of Object.entries(schema.properties)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (Type.IsObject(child)) {
      leaves.push(...walk(child, path));
      continue;
    }
    const { description } = child as { description?: unknown };
    // Thrown while walking, so a leaf added without a description fails every config test at once.
    if (typeof description !== 'string' || description === '') throw new Error(`config schema: ${path} has no description`);
    leaves.push({
      path,
      env: envNameFor(path),
      type: describeType(child),
      default: (child as { default?: unknown }).default,
      description,
      optional: Type.IsOptional(child),
      schema: child,
    });
  }
  return leaves;
}

/** A short human type for docs and error messages: "integer 0..65535", "'full' | 'normal'". */
function describeType(schema: TSchema): string {
  const literals = literalValues(schema);
  if (literals !== undefined) return literals.map((value) => JSON.stringify(value).replaceAll('"', "'")).join(' | ');
  const { minimum, maximum, pattern } = schema as { minimum?: number; maximum?: number; pattern?: string };
  let type = Type.IsInteger(schema) ? 'integer' : Type.IsNumber(schema) ? 'number' : Type.IsBoolean(schema) ? 'boolean' : 'string';
  if (minimum !== undefined && maximum !== undefined) type += ` ${minimum}..${maximum}`;
  else if (minimum !== undefined) type += ` ≥ ${minimum}`;
  else if (maximum !== undefined) type += ` ≤ ${maximum}`;
  if (pattern !== undefined) type += ` matching ${pattern}`;
  return Type.IsOptional(schema) ? `${type} (optional)` : type;
}

/** The allowed values when the leaf is a literal or a union of literals, else undefined. */
export function literalValues(schema: TSchema): unknown[] | undefined {
  if (Type.IsLiteral(schema)) return [schema.const];
  if (!Type.IsUnion(schema)) return undefined;
  const values: unknown[] = [];
  for (const member of schema.anyOf) {
    if (!Type.IsLiteral(member)) return undefined;
    values.push(member.const);
  }
  return values;
}

/** The candidate closest to `name` by edit distance, to suggest a fix for a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
