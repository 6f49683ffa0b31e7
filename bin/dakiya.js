#!/usr/bin/env node
// The `dakiya` command. Runs the bundle `npm ci` builds (dist/dakiya.mjs, scripts/build.mjs) while
// it is newer than every source file, and the TypeScript sources through tsx otherwise, so an edit
// under src/ takes effect at once without a build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bundle = join(root, 'dist', 'dakiya.mjs');

/** The newest modification time of `dir`, its subdirectories (a file removed or renamed) and its files. */
function newest(dir) {
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

let runCli;
if (existsSync(bundle) && statSync(bundle).mtimeMs >= newest(join(root, 'src'))) {
  ({ runCli } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../src/cli/cli.ts'));
}
await runCli(process.argv);
