// The folder tree is the architecture (STYLE.md): this test fails when an import points the wrong way.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const src = resolve(import.meta.dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Each import of a source file: a path relative to src/ for our files, the package name otherwise. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1]!;
    out.push(spec.startsWith('.') ? relative(src, resolve(dirname(file), spec)) : spec);
  }
  return out;
}

const all = files(src).map((f) => ({ file: relative(src, f), imports: imports(f) }));
const ours = (spec: string) => spec.endsWith('.ts');

function violations(area: string, allowed: (spec: string, file: string) => boolean): string[] {
  return all.filter((f) => f.file.startsWith(area))
    .flatMap((f) => f.imports.filter((spec) => !allowed(spec, f.file)).map((spec) => `${f.file} imports ${spec}`));
}

test('protocol libraries import only node built-ins and each other', () => {
  assert.deepEqual(violations('protocols/', (spec) => spec.startsWith('node:') || (ours(spec) && spec.startsWith('protocols/'))), []);
});

test('the SMSC simulator is a tool on the protocol libraries, knowing nothing of the gateway', () => {
  assert.deepEqual(violations('simulator/', (spec) => spec.startsWith('node:') || (ours(spec) && (spec.startsWith('protocols/') || spec.startsWith('simulator/')))), []);
});

test('the domain imports only the domain, the GSM library and the phone number library', () => {
  assert.deepEqual(violations('domain/', (spec) => spec.startsWith('node:') || spec.startsWith('libphonenumber-js')
    || (ours(spec) && (spec.startsWith('domain/') || spec.startsWith('protocols/gsm/')))), []);
});

test('services depend on the domain and the ports, never on an adapter', () => {
  const ports = new Set(['store/store.ts', 'channels/channel.ts']);
  assert.deepEqual(violations('services/', (spec) => spec.startsWith('node:')
    || (ours(spec) && (spec.startsWith('domain/') || spec.startsWith('services/') || spec.startsWith('protocols/') || ports.has(spec)))), []);
});

test('adapters import their port and the domain, never a sibling adapter', () => {
  const adapter = (spec: string) => /^(store\/(sqlite|postgres)|channels\/(?!channel\.ts)[^/]+\/)/.test(spec);
  for (const area of ['store/', 'channels/', 'api/', 'workers/']) {
    assert.deepEqual(violations(area, (spec, file) => !ours(spec) || !adapter(spec) || spec.split('/').slice(0, 2).join('/') === file.split('/').slice(0, 2).join('/')), [], area);
  }
});

test('only the composition root names concrete stores and channels', () => {
  const concrete = all.filter((f) => f.file !== 'gateway.ts')
    .flatMap((f) => f.imports.filter((spec) => /^(store\/sqlite|store\/postgres|channels\/sandbox|channels\/smpp)\//.test(spec) && !f.file.startsWith(spec.split('/').slice(0, 2).join('/')))
      .map((spec) => `${f.file} imports ${spec}`));
  assert.deepEqual(concrete, []);
});

test('no source file is over 800 lines', () => {
  const long = files(src).filter((f) => readFileSync(f, 'utf8').split('\n').length > 800).map((f) => relative(src, f));
  assert.deepEqual(long, []);
});
