// Runs the seeds' own sample programs (test/fixtures/seed-programs, listed in its manifest.json) as
// child processes against a gateway listening on 127.0.0.1: each language's runner, what a program
// needs substituted before it runs, how its fixes are undone to check provenance, and how each
// language prints a value, so a test can compare a program's output with what the gateway holds.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

export const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'seed-programs');

export type Language = 'python' | 'node' | 'java' | 'php' | 'curl' | 'go' | 'csharp';

export interface Fix { name: string; why: string; from?: string; to?: string }

export interface Program {
  file: string;
  seed: string;
  lines: [number, number];
  sha256: string;
  language: Language;
  endpoint: string;
  fixes?: Fix[];
  not_run?: string;
  /** The seed's sample is not what its heading says (the tests say how they work around it). */
  seed_mistake?: string;
}

export const programs: Program[] = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8')).programs;

export function program(file: string): Program {
  const found = programs.find((p) => p.file === file);
  if (!found) throw new Error(`${file} is not in the manifest`);
  return found;
}

export const source = (p: Program): string => readFileSync(join(fixtures, p.file), 'utf8');

/** The seed's own text of a program: its file with every fix undone, less the file's final newline. */
export function unfixed(p: Program): string {
  let text = source(p).replace(/\n$/, '');
  for (const fix of [...(p.fixes ?? [])].reverse()) {
    if (fix.name === 'indentation') text = text.split('\n').map((line) => line.trimStart()).join('\n');
    else text = text.replace(fix.to!, fix.from!);
  }
  return text;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Replaces each literal `from` (or pattern) with `to`, failing if one is absent: a substitution that does nothing hides a stale sample. */
export function substitute(text: string, pairs: Array<[string | RegExp, string]>): string {
  let out = text;
  for (const [from, to] of pairs) {
    const next = typeof from === 'string' ? out.replaceAll(from, to) : out.replace(from, to);
    if (next === out) throw new Error(`substitution ${String(from)} matched nothing`);
    out = next;
  }
  return out;
}

export interface Outcome { code: number | null; stdout: string; stderr: string }

const timeoutMs = 30_000;
const pythonShim = join(fixtures, 'python-shim');
const nodeShim = join(fixtures, 'node-shim');

/** The machine's environment less its proxies (127.0.0.1 must be reached directly) and PYTHONPATH. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k) && k !== 'PYTHONPATH' && k !== 'NODE_PATH' && k !== 'NODE_OPTIONS'));
  return { ...env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

function spawnProgram(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, env: childEnv(options.env ?? {}), ...(options.cwd && { cwd: options.cwd }), maxBuffer: 4 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr: error && code === null ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

async function has(command: string, args: string[], env: Record<string, string> = {}): Promise<boolean> {
  return (await spawnProgram(command, args, { env })).code === 0;
}

/** Python with the standard-library `requests` shim first on the path, or with the real package. */
export type PythonRequests = 'shim' | 'real';

/**
 * The languages the dialects issue requires to run ("curl, Node fetch, Python urllib"): missing, they
 * fail the test with how to install them. The others are skipped with the reason printed.
 */
const required = new Set<string>(['python', 'curl', 'node']);

/**
 * Why a language cannot run here (undefined when it can). A missing optional tool is a skip with
 * this reason, never a silent pass; a missing required one throws it.
 */
export async function unavailable(language: Language | 'python-real-requests'): Promise<string | undefined> {
  const reason = await whyUnavailable(language);
  if (reason !== undefined && required.has(language)) throw new Error(`required to run the seeds' samples: ${reason}`);
  return reason;
}

async function whyUnavailable(language: Language | 'python-real-requests'): Promise<string | undefined> {
  switch (language) {
    case 'python': return (await has('python3', ['--version'])) ? undefined : 'python3 not installed: apt-get install -y python3';
    case 'python-real-requests': return (await has('python3', ['-c', 'import requests'])) ? undefined : 'the real requests package is not importable by this python3 (the run with the stdlib shim covers the sample)';
    case 'node': return undefined;
    case 'java': return (await has('java', ['-version'])) ? undefined : 'java not installed: apt-get install -y default-jdk-headless';
    case 'php': return (await has('php', ['--version'])) ? undefined : 'php not installed: apt-get install -y php-cli';
    case 'curl': return (await has('curl', ['--version'])) ? undefined : 'curl not installed: apt-get install -y curl';
    case 'go': return (await has('go', ['version'])) ? undefined : 'go not installed: apt-get install -y golang-go';
    case 'csharp': return 'C# needs a .NET SDK and a project file, which neither Debian\'s archive nor npm provides';
  }
}

/**
 * Runs a program's (substituted) text in its language, in a directory of its own. `call` is for
 * seed 001's Python samples, which only define functions: drivers/call-sample.py runs them.
 */
export async function run(language: Language, text: string, options: { requests?: PythonRequests; call?: { apiKey: string; expression: string } } = {}): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'dakiya-seed-program-'));
  try {
    const write = (name: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };
    switch (language) {
      case 'python': {
        const env = options.requests === 'real' ? {} : { PYTHONPATH: pythonShim };
        const file = write('sample.py');
        if (options.call) return await spawnProgram('python3', [join(fixtures, 'drivers', 'call-sample.py'), file, options.call.apiKey, options.call.expression], { env });
        return await spawnProgram('python3', [file], { env });
      }
      case 'node': return await spawnProgram(process.execPath, [write('sample.cjs')], { env: { NODE_PATH: nodeShim } });
      // Source-file mode (JEP 330): compiles and runs the one file, no build step.
      case 'java': write('Main.java'); return await spawnProgram('java', ['Main.java'], { cwd: dir });
      case 'php': return await spawnProgram('php', [write('sample.php')]);
      case 'curl': return await spawnProgram('/bin/sh', ['-c', text]);
      case 'go': return await spawnProgram('go', ['run', write('main.go')], { env: { GOCACHE: join(dir, 'go-cache'), GOPATH: join(dir, 'go'), GO111MODULE: 'off' } });
      case 'csharp': throw new Error('C# samples are not run');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Value = string | Value[] | { [key: string]: Value };

/** Python's repr() of a dict/list/str, as print() writes it (strings without quotes or backslashes). */
export function pythonRepr(value: Value): string {
  if (typeof value === 'string') {
    if (/['\\]/.test(value)) throw new Error('pythonRepr: quoting not modelled');
    return `'${value}'`;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
}

/** PHP's print_r() of a decoded JSON value (json_decode(..., true)). */
export function phpPrintR(value: Value, indent = ''): string {
  if (typeof value === 'string') return value;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const inner = `${indent}    `;
  // A nested array's own closing ")\n" is followed by one blank line.
  const rows = entries.map(([k, v]) => `${inner}[${k}] => ${typeof v === 'string' ? v : phpPrintR(v, `${inner}    `)}\n`).join('');
  return `Array\n${indent}(\n${rows}${indent})\n`;
}

/** What each seed-002 sample prints for a JSON body the gateway answered with `value`. */
export function printed(language: Language, value: Value): string {
  switch (language) {
    case 'python': return `${pythonRepr(value)}\n`;
    case 'node': return `${inspect(value)}\n`;
    case 'php': return phpPrintR(value);
    // These print the body as it came: one JSON line, then a newline (Java's println, Go's Println, C#'s WriteLine).
    case 'java': case 'go': case 'csharp': return `${JSON.stringify(value)}\n`;
    case 'curl': return JSON.stringify(value);
  }
}
