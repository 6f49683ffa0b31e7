// How one bench run talks to run.mjs: chatter on stderr, its measurements as one JSON line on
// stdout. runBench bounds the run's duration and turns any failure into a non-zero exit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function log(message) {
  process.stderr.write(`  ${message}\n`);
}

/**
 * Runs `body` (which returns [{ metric, value, unit }]) at most `deadlineMs`, then prints the
 * measurements for run.mjs. Exit hooks (gateway-process.mjs) clean up on every path out.
 */
export async function runBench(name, deadlineMs, body) {
  const timer = setTimeout(() => {
    process.stderr.write(`${name}: FAILED: exceeded its ${Math.round(deadlineMs / 1000)} s deadline\n`);
    process.exit(2);
  }, deadlineMs);
  timer.unref();
  try {
    const metrics = await body();
    for (const m of metrics) {
      if (typeof m.value !== 'number' || !Number.isFinite(m.value)) throw new Error(`metric ${m.metric} has no finite value: ${m.value}`);
    }
    process.stdout.write(`${JSON.stringify({ metrics })}\n`);
    clearTimeout(timer);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${name}: FAILED: ${error?.stack ?? error}\n`);
    process.exit(1);
  }
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Rounds to a few significant digits so the JSON lines stay readable. */
export function round(value, digits = 4) {
  if (value === 0 || !Number.isFinite(value)) return value;
  const scale = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

/** Now on CLOCK_MONOTONIC in µs: the clock V8 stamps .cpuprofile samples with, in every process. */
export function monotonicUs() {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * With --profile, tells the profile summary which stretches of the gateway's life were measured
 * (so start-up, setup and waiting are left out). `windows` is [[startUs, endUs], ...].
 */
export function markProfileWindows(windows) {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  if (dir) writeFileSync(join(dir, 'windows.json'), JSON.stringify(windows));
}
