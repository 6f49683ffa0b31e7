// Builds the one Config at boot: defaults < JSON file < DAKIYA_* environment < flags, validated
// once against ConfigSchema and deep-frozen. Only the composition root calls this.
import { readFileSync } from 'node:fs';
import Type from 'typebox';
import Value from 'typebox/value';
import { ConfigSchema, type Config } from './config-schema.ts';
import { closest, envNameFor, literalValues, schemaLeaves, type ConfigLeaf } from './config-leaves.ts';

export { envNameFor };

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  /** Path of a JSON config file; when absent, env DAKIYA_CONFIG names it. */
  file?: string;
  /** Dotted paths, e.g. { 'server.port': 9000 }; strings are coerced like environment values. */
  flags?: Record<string, unknown>;
}

/** Names a config file instead of a setting, so it is not an unknown variable. */
export const CONFIG_FILE_ENV = 'DAKIYA_CONFIG';

/** Conventional names platforms set for us (PORT on Heroku, Render, Cloud Run); the DAKIYA_ name wins. */
export const envAliases: Readonly<Record<string, string>> = Object.freeze({ PORT: 'server.port' });

export interface ConfigProblem {
  /** The setting at fault, when the problem is about one. */
  readonly path?: string;
  /** Its environment variable, or the unknown variable itself. */
  readonly env?: string;
  /** Where the bad value came from: 'env PORT', 'config file x.json', 'flag server.port'. */
  readonly source: string;
  readonly message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map((problem) => `  - ${formatProblem(problem)}`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid configuration (${count}); see docs/reference/config.md:\n${lines.join('\n')}`);
    this.problems = Object.freeze(problems.map((problem) => Object.freeze({ ...problem })));
  }
}

function formatProblem({ path, env, source, message }: ConfigProblem): string {
  if (path === undefined) return `${source}: ${message}`;
  return `${path}${env === undefined ? '' : ` (${env})`} from ${source}: ${message}`;
}

export function configLeaves(): Array<{ path: string; env: string; type: string; default: unknown; description: string }> {
  return schemaLeaves().map((leaf) => ({ path: leaf.path, env: leaf.env, type: leaf.type, default: leaf.default, description: leaf.description }));
}

export function loadConfig(sources: ConfigSources): Readonly<Config> {
  const leaves = schemaLeaves();
  const byPath = new Map(leaves.map((leaf) => [leaf.path, leaf]));
  const draft: Record<string, unknown> = {};
  // The layer each leaf's value came from, so a bad value is blamed on the right source.
  const origin = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  const set = (leaf: ConfigLeaf, value: unknown, source: string) => {
    setAt(draft, leaf.path, value);
    origin.set(leaf.path, source);
  };

  for (const leaf of leaves) if (leaf.default !== undefined) set(leaf, structuredClone(leaf.default), 'default');

  const env = sources.env ?? {};
  const file = sources.file ?? nonEmpty(env[CONFIG_FILE_ENV]);
  if (file !== undefined) applyFile(file, byPath, set, problems);

  for (const [alias, path] of Object.entries(envAliases)) {
    const leaf = byPath.get(path);
    const raw = nonEmpty(env[alias]);
    if (leaf !== undefined && raw !== undefined && nonEmpty(env[leaf.env]) === undefined) applyString(leaf, raw, `env ${alias}`, set, problems);
  }
  const byEnv = new Map(leaves.map((leaf) => [leaf.env, leaf]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('DAKIYA_') || name === CONFIG_FILE_ENV) continue;
    const leaf = byEnv.get(name);
    if (leaf === undefined) {
      const suggestion = closest(name, [...byEnv.keys(), CONFIG_FILE_ENV]);
      problems.push({ env: name, source: `env ${name}`, message: `unknown variable${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}` });
      continue;
    }
    const raw = nonEmpty(value);
    if (raw !== undefined) applyString(leaf, raw, `env ${name}`, set, problems);
  }

  for (const [path, value] of Object.entries(sources.flags ?? {})) {
    // A CLI parser reports flags the operator did not pass as undefined.
    if (value === undefined) continue;
    const leaf = byPath.get(path);
    if (leaf === undefined) {
      problems.push({ path, source: `flag ${path}`, message: `unknown setting${suggest(path, byPath)}` });
    } else if (typeof value === 'string') {
      applyString(leaf, value, `flag ${path}`, set, problems);
    } else {
      set(leaf, value, `flag ${path}`);
    }
  }

  problems.push(...validate(draft, leaves, origin));
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(draft as Config);
}

type Setter = (leaf: ConfigLeaf, value: unknown, source: string) => void;

// Docker and compose files often pass FOO= for "not set"; treating it as a value would turn every
// such blank into a type error.
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function suggest(path: string, byPath: ReadonlyMap<string, ConfigLeaf>): string {
  const suggestion = closest(path, [...byPath.keys()]);
  return suggestion === undefined ? '' : `; did you mean ${suggestion}?`;
}

function applyFile(file: string, byPath: ReadonlyMap<string, ConfigLeaf>, set: Setter, problems: ConfigProblem[]): void {
  const source = `config file ${file}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `invalid JSON: ${error.message}` : `cannot be read: ${(error as Error).message}`;
    problems.push({ source, message: reason });
    return;
  }
  // Walk the file against the schema rather than merging blindly, so unknown keys are caught
  // and each value keeps its origin.
  const visit = (value: unknown, prefix: string) => {
    if (!isPlainObject(value)) {
      problems.push(prefix === ''
        ? { source, message: 'must hold a JSON object' }
        : { path: prefix, source, message: 'must be an object' });
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const leaf = byPath.get(path);
      if (leaf !== undefined) set(leaf, child, source);
      else if ([...byPath.keys()].some((known) => known.startsWith(`${path}.`))) visit(child, path);
      else problems.push({ path, source, message: `unknown key${suggest(path, byPath)}` });
    }
  };
  visit(parsed, '');
}

/** Environment values and string flags are text: turn them into the leaf's type, strictly. */
function applyString(leaf: ConfigLeaf, raw: string, source: string, set: Setter, problems: ConfigProblem[]): void {
  const { schema } = leaf;
  const fail = (expected: string) =>
    problems.push({ path: leaf.path, env: leaf.env, source, message: `expected ${expected}, got ${JSON.stringify(raw)}` });
  if (Type.IsInteger(schema)) {
    // Number('') is 0 and parseInt('12abc') is 12; only whole decimal numbers pass.
    if (/^[+-]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw))) set(leaf, Number(raw), source);
    else fail('an integer');
  } else if (Type.IsNumber(schema)) {
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw)) set(leaf, Number(raw), source);
    else fail('a number');
  } else if (Type.IsBoolean(schema)) {
    if (raw === 'true' || raw === '1') set(leaf, true, source);
    else if (raw === 'false' || raw === '0') set(leaf, false, source);
    else fail("true, false, 1 or 0");
  } else {
    // Literals are matched by their text so numeric literals work too; a miss is left for
    // validation, which names the allowed values.
    const match = literalValues(schema)?.find((value) => String(value) === raw);
    set(leaf, match ?? raw, source);
  }
}

/**
 * The single validation pass over the merged draft, one problem per bad setting. Leaves are
 * checked one by one because TypeBox stops collecting at Settings.maxErrors (8), which one bad
 * seven-value log.level alone exhausts, hiding every later problem.
 */
function validate(draft: Record<string, unknown>, leaves: readonly ConfigLeaf[], origin: ReadonlyMap<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const leaf of leaves) {
    const value = getAt(draft, leaf.path);
    if (value === undefined && leaf.optional) continue;
    const errors = [...Value.Errors(leaf.schema, value)];
    if (errors.length === 0) continue;
    // A union reports one 'const' error per member; the allowed values say it better.
    const allowed = literalValues(leaf.schema);
    const message = allowed === undefined
      ? [...new Set(errors.map((error) => error.message))].join('; ')
      : `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    problems.push({ path: leaf.path, env: leaf.env, source: origin.get(leaf.path) ?? 'default', message: `${message}, got ${JSON.stringify(value)}` });
  }
  // Every leaf passed and the walk rejected unknown keys, so the whole must pass; if not, the
  // schema uses a construct config-leaves.ts does not understand, which is a bug here, not bad input.
  if (problems.length === 0 && !Value.Check(ConfigSchema, draft)) {
    throw new Error('config: merged configuration fails ConfigSchema although every leaf is valid; teach config-leaves.ts the new schema construct');
  }
  return problems;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const next = node[key];
    if (isPlainObject(next)) {
      node = next;
    } else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[last] = value;
}

function getAt(target: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), target);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
