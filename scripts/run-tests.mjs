#!/usr/bin/env node
// Runs the whole node:test suite, on both store engines:
//   pass 1, SQLite: every test file (the PostgreSQL store contract included);
//   pass 2, PostgreSQL: every file that runs a gateway or the CLI (all but test/unit,
//   test/contract and test/cluster, which runs on PostgreSQL anyway), with
//   DAKIYA_TEST_STORE=postgres, so each of them runs on PostgreSQL too.
// Both passes share one throwaway PostgreSQL cluster started here (scripts/pg-cluster.mjs); each
// test gets its own schema in it. Node 20's `--test <dir>` finds no .ts files and exits 0, so we
// list the files ourselves.
//
// Arguments: path substrings filter the files; `--store=sqlite` or `--store=postgres` runs one
// pass only; other `--flags` pass through to node --test. The last line is the total,
// 'N passed, N failed, N skipped', which .ci/run reads.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { installHint, startCluster } from './pg-cluster.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--store='))?.slice('--store='.length);
const filters = args.filter((a) => !a.startsWith('-'));
const passthrough = args.filter((a) => a.startsWith('-') && !a.startsWith('--store='));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
// test/cluster runs several nodes on PostgreSQL by design: once, in the first pass.
const gatewayFiles = files.filter((f) => !f.startsWith('test/unit/') && !f.startsWith('test/contract/') && !f.startsWith('test/cluster/'));
const needsPostgres = only !== 'sqlite';

let cluster;
let clusterError;
if (needsPostgres) {
  try {
    cluster = await startCluster();
  } catch (error) {
    clusterError = error;
    console.error(`\nrun-tests: ${error.message}\n`);
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const summaries = mkdtempSync(join(tmpdir(), 'dakiya-test-summary-'));
let exitCode = 0;

// Interrupted (Ctrl-C, a CI timeout): the test run gets the signal too; once it has ended, the
// cluster is stopped and removed and no further pass starts.
let interrupted;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => { interrupted = signal; });

async function pass(name, list, env) {
  if (list.length === 0 || interrupted) return;
  console.log(`\n=== ${name}: ${list.length} files ===\n`);
  const summaryFile = join(summaries, `${name}.txt`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./scripts/summary-reporter.mjs',
      `--test-reporter-destination=${summaryFile}`, '--test-concurrency=2', ...passthrough, ...list],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', ...env } },
  );
  const [status] = await once(child, 'exit');
  if (status !== 0) exitCode = status ?? 1;
  let line = '';
  try { line = readFileSync(summaryFile, 'utf8').trim(); } catch { /* the run died before reporting */ }
  const m = /^(\d+) passed, (\d+) failed, (\d+) skipped$/.exec(line);
  if (!m) {
    exitCode ||= 1;
    console.log(`${name}: no summary (the test run failed to start)`);
    return;
  }
  totals.passed += Number(m[1]);
  totals.failed += Number(m[2]);
  totals.skipped += Number(m[3]);
  console.log(`${name}: ${line}`);
}

try {
  const pgEnv = cluster ? { DAKIYA_TEST_PG_URL: cluster.url } : {};
  if (only !== 'postgres') await pass('sqlite', files, pgEnv);
  if (only !== 'sqlite' && gatewayFiles.length > 0) {
    if (cluster) await pass('postgres', gatewayFiles, { ...pgEnv, DAKIYA_TEST_STORE: 'postgres' });
    else {
      console.log(`postgres: not run. ${clusterError?.message ?? installHint}`);
      totals.failed += gatewayFiles.length;
      exitCode ||= 1;
    }
  }
} finally {
  cluster?.stop();
  rmSync(summaries, { recursive: true, force: true });
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (interrupted) console.log(`run-tests: interrupted by ${interrupted}`);
process.exit(exitCode || (totals.failed > 0 || interrupted ? 1 : 0));
