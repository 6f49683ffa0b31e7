// `npm run bench -- [name ...] [--runs N] [--store sqlite|postgres] [--nodes N] [--profile] [--wait-idle]`:
// runs each bench N times, every run in its own process group (and each load bench's gateway in a
// further child), and prints one JSON line per metric with the median over the runs. Everything
// else goes to stderr. With --store postgres one throwaway durable PostgreSQL cluster serves the
// whole invocation (each gateway start gets a fresh schema in it) and is removed on every way out.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summariseProfile } from './lib/profile-summary.mjs';
import { postmasterPid } from './lib/proc-stats.mjs';
import { median } from './lib/report.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);

/** Each bench file bounds itself; `timeoutMs` is the runner's backstop for a hung run. */
const benches = [
  { name: 'send', file: 'load/send.mjs', timeoutMs: 120_000 },
  { name: 'bulk', file: 'load/bulk.mjs', timeoutMs: 180_000 },
  { name: 'drain', file: 'load/drain.mjs', timeoutMs: 270_000 },
  { name: 'memory', file: 'load/memory.mjs', timeoutMs: 450_000 },
  { name: 'smpp-drain', file: 'load/smpp-drain.mjs', timeoutMs: 270_000 },
  { name: 'smpp-send', file: 'load/smpp-send.mjs', timeoutMs: 150_000 },
  { name: 'smpp-server', file: 'load/smpp-server.mjs', tsx: true, timeoutMs: 150_000 },
  { name: 'webhooks', file: 'load/webhooks.mjs', timeoutMs: 300_000 },
  { name: 'otp', file: 'load/otp.mjs', timeoutMs: 480_000 },
  { name: 'smsapi', file: 'load/smsapi.mjs', timeoutMs: 150_000 },
  { name: 'micro/segments', file: 'micro/segments.mjs', tsx: true, timeoutMs: 90_000 },
  { name: 'micro/recipient', file: 'micro/recipient.mjs', tsx: true, timeoutMs: 90_000 },
  { name: 'micro/dlt-template-detect', file: 'micro/dlt-template-detect.mjs', tsx: true, timeoutMs: 90_000 },
  { name: 'micro/group-commit', file: 'micro/group-commit.mjs', tsx: true, timeoutMs: 150_000 },
  { name: 'micro/store-lifecycle', file: 'micro/store-lifecycle.mjs', tsx: true, timeoutMs: 300_000 },
  { name: 'micro/smpp-codec', file: 'micro/smpp-codec.mjs', tsx: true, timeoutMs: 90_000 },
  { name: 'micro/webhook-sender', file: 'micro/webhook-sender.mjs', tsx: true, timeoutMs: 120_000 },
];

/** Cores used by other processes during a run above which the run counts as disturbed. */
const contended = 0.2;

/** Load benches take --store; only these take --nodes > 1. */
const multiNode = new Set(['send']);

const usage = `usage: npm run bench -- [name ...] [--runs N] [--store sqlite|postgres] [--nodes N] [--profile] [--wait-idle]
  names: ${benches.map((b) => b.name).join(', ')} (micro/ may be omitted; 'load' and 'micro' select a group; none = all)
  --runs N      runs per bench (default 3); each JSON line carries every sample and their median
  --store S     the load benches' gateway store: sqlite (default) or postgres, a throwaway cluster with
                durable commits (fsync, synchronous_commit on) started for this invocation, a fresh
                schema per gateway start; with DAKIYA_STORE_URL set, schemas in that database instead
  --nodes N     send only, --store postgres only: N gateways on one database, the load's connections
                split across them (default 1)
  --profile     CPU-profile the gateway child of load benches (node --cpu-prof) and print its top functions;
                profiled numbers are not comparable, so no JSON lines are printed
  --wait-idle   before each run, wait (up to 10 min) until other processes use < 15 % of the CPUs, and
                repeat (at most twice) a run during which they used more than ${contended} cores`;

function parseArgs(argv) {
  const options = { names: [], runs: 3, store: 'sqlite', nodes: 1, profile: false, waitIdle: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') options.runs = Number(argv[++i]);
    else if (a.startsWith('--runs=')) options.runs = Number(a.slice(7));
    else if (a === '--store') options.store = argv[++i];
    else if (a.startsWith('--store=')) options.store = a.slice(8);
    else if (a === '--nodes') options.nodes = Number(argv[++i]);
    else if (a.startsWith('--nodes=')) options.nodes = Number(a.slice(8));
    else if (a === '--profile') options.profile = true;
    else if (a === '--wait-idle') options.waitIdle = true;
    else if (a === '--help' || a === '-h') { process.stderr.write(`${usage}\n`); process.exit(0); }
    else if (a.startsWith('-')) fail(`unknown option ${a}`);
    else options.names.push(a);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) fail('--runs needs a whole number ≥ 1');
  if (options.store !== 'sqlite' && options.store !== 'postgres') fail('--store is sqlite or postgres');
  if (!Number.isInteger(options.nodes) || options.nodes < 1) fail('--nodes needs a whole number ≥ 1');
  if (options.nodes > 1 && options.store !== 'postgres') fail('--nodes > 1 needs --store postgres: a SQLite database belongs to one node');
  if (process.env.DAKIYA_STORE_URL && options.store !== 'postgres') {
    fail('DAKIYA_STORE_URL is set, but --store is sqlite: unset it, or pass --store postgres to bench in that database (one fresh schema per gateway start)');
  }
  return options;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n${usage}\n`);
  process.exit(2);
}

function select(names) {
  if (names.length === 0) return benches;
  const picked = new Set();
  for (const n of names) {
    const found = n === 'load' || n === 'micro'
      ? benches.filter((b) => b.file.startsWith(`${n}/`))
      : benches.filter((b) => b.name === n || b.name === `micro/${n}`);
    if (found.length === 0) fail(`no bench named ${n}`);
    for (const b of found) picked.add(b);
  }
  return benches.filter((b) => picked.has(b));
}

function git(...args) {
  try {
    return execFileSync('git', ['--no-optional-locks', ...args], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Share of all CPUs busy over `ms` (from /proc/stat), 0..1. */
async function cpuBusy(ms = 1000) {
  const read = () => {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = f[3] + f[4];
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

async function checkIdle(waitIdle) {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const busy = await cpuBusy();
    if (busy < 0.15) return;
    if (!waitIdle || Date.now() > deadline) {
      process.stderr.write(`  WARNING: other processes keep ${(busy * 100).toFixed(0)} % of the CPUs busy; this run's numbers will be low\n`);
      return;
    }
    process.stderr.write(`  waiting for an idle machine (${(busy * 100).toFixed(0)} % busy)\n`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

/**
 * CPU seconds used so far by each live process of a run: those in process group `pgid`, and the
 * PostgreSQL server (`postmaster` and its children) when the bench runs on the runner's cluster:
 * pg_ctl starts it in its own session, but its work is the run's.
 */
function groupCpu(pgid, postmaster) {
  const out = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const p = Number(pid);
      if (Number(f[2]) === pgid || (postmaster !== undefined && (p === postmaster || Number(f[1]) === postmaster))) {
        out.set(pid, (Number(f[11]) + Number(f[12])) / 100);
      }
    } catch { /* exited meanwhile */ }
  }
  return out;
}

// user + nice + system only: interrupt and softirq time (loopback TCP, disk completions) belongs
// to no process, and would count the bench's own traffic as someone else's.
function machineCpu() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return { busy: (f[0] + f[1] + f[2]) / 100, at: performance.now() };
}

/**
 * Watches a run: CPU the machine spent outside the run's process group (and the runner's
 * PostgreSQL cluster, which works for the run), in cores on average.
 * Sampled every 500 ms, so a process that lives less than that is missed.
 */
function watchOthers(pgid, postmaster) {
  const first = new Map();
  const last = new Map();
  const start = machineCpu();
  const sample = () => {
    for (const [pid, cpu] of groupCpu(pgid, postmaster)) {
      if (!first.has(pid)) first.set(pid, cpu);
      last.set(pid, cpu);
    }
  };
  sample();
  const timer = setInterval(sample, 500);
  return () => {
    clearInterval(timer);
    const end = machineCpu();
    let ours = 0;
    for (const [pid, cpu] of last) ours += cpu - (first.get(pid) ?? cpu);
    return Math.max(0, (end.busy - start.busy - ours) / ((end.at - start.at) / 1000));
  };
}

let current; // the running bench child, for signal handling
let scratch;
let cluster; // --store postgres: the invocation's PostgreSQL cluster (scripts/pg-cluster.mjs)

/** Synchronous, so it also serves as the 'exit' hook: the bench child's group, the cluster, the scratch dir. */
function cleanup() {
  if (current?.exitCode === null && current.signalCode === null) {
    try { process.kill(-current.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  if (cluster) {
    const c = cluster;
    cluster = undefined;
    try { c.stop(); } catch (error) { process.stderr.write(`bench: stopping the PostgreSQL cluster failed: ${error.message}\n`); }
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

/**
 * The database the load benches' gateways use with --store postgres: DAKIYA_STORE_URL when set,
 * else a throwaway durable cluster started now (fsync and synchronous_commit on, as the README's
 * figures assume). Returns the env the bench children get.
 */
async function startDatabase() {
  if (process.env.DAKIYA_STORE_URL) {
    process.stderr.write('bench: --store postgres in DAKIYA_STORE_URL\'s database (one fresh schema per gateway start); its CPU is not measured\n');
    return { BENCH_PG_URL: process.env.DAKIYA_STORE_URL };
  }
  const { startCluster } = await import('../scripts/pg-cluster.mjs');
  const started = Date.now();
  cluster = await startCluster({ durable: true });
  process.stderr.write(`bench: PostgreSQL cluster (durable) at ${cluster.url}, started in ${((Date.now() - started) / 1000).toFixed(1)} s; removed on exit\n`);
  return { BENCH_PG_URL: cluster.url, BENCH_PG_DATA: join(cluster.dir, 'data') };
}

/** One run of one bench in its own process group; resolves its metrics or rejects. */
function runOnce(bench, env, postmaster) {
  return new Promise((resolve, reject) => {
    const args = [...(bench.tsx ? ['--import', 'tsx'] : []), join(benchDir, bench.file)];
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    current = child;
    const others = watchOthers(child.pid, postmaster);
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    // The bench's own deadline fires first; this catches a run that is stuck beyond it.
    const timer = setTimeout(() => {
      process.stderr.write(`  ${bench.name}: no result after ${bench.timeoutMs / 1000} s, killing it\n`);
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 10_000).unref();
    }, bench.timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const busy = others();
      if (process.env.BENCH_DEBUG) process.stderr.write(`  others: ${busy.toFixed(2)} cores\n`);
      // Whatever the run left in its group (a gateway whose parent died) goes with it.
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group already empty */ }
      current = undefined;
      if (code !== 0) return reject(new Error(`${bench.name} exited with ${code ?? signal}`));
      const line = out.trim().split('\n').at(-1);
      try {
        resolve({ metrics: JSON.parse(line).metrics, busy });
      } catch {
        reject(new Error(`${bench.name} printed no result line: ${out.slice(0, 300)}`));
      }
    });
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const selected = select(options.names);
  const isLoad = (b) => b.file.startsWith('load/');
  if (options.nodes > 1) {
    const single = selected.filter((b) => !multiNode.has(b.name));
    if (single.length > 0) fail(`--nodes applies to ${[...multiNode].join(', ')} only, not ${single.map((b) => b.name).join(', ')}: name the bench`);
  }
  const commit = git('rev-parse', '--short', 'HEAD') ?? 'unknown';
  if (git('status', '--porcelain', '--untracked-files=no')) {
    process.stderr.write(`bench: the working tree has uncommitted changes; results are labelled ${commit} but measure the tree as it is\n`);
  }
  scratch = mkdtempSync(join(tmpdir(), 'dakiya-bench-'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => { cleanup(); process.exit(130); });
  // A throw anywhere below still stops the cluster.
  process.once('exit', cleanup);
  const dbEnv = options.store === 'postgres' && selected.some(isLoad) ? await startDatabase() : {};
  const postmaster = dbEnv.BENCH_PG_DATA ? postmasterPid(dbEnv.BENCH_PG_DATA) : undefined;

  let failed = 0;
  for (const bench of selected) {
    const at = new Date().toISOString();
    const samples = new Map(); // metric -> { unit, values[] }
    process.stderr.write(`${bench.name}: ${options.runs} run(s)\n`);
    try {
      for (let run = 1; run <= options.runs; run++) {
        await checkIdle(options.waitIdle);
        const env = { ...process.env, BENCH_TMP: join(scratch, `${bench.name.replace('/', '-')}-${run}`) };
        if (isLoad(bench)) Object.assign(env, dbEnv, { BENCH_STORE: options.store, BENCH_NODES: String(options.nodes) });
        let profDir;
        if (options.profile && bench.file.startsWith('load/')) {
          profDir = join(benchDir, 'profiles', `${bench.name}-${at.replace(/[:.]/g, '-')}-run${run}`);
          mkdirSync(profDir, { recursive: true });
          env.BENCH_CPU_PROF_DIR = profDir;
        }
        process.stderr.write(` run ${run}/${options.runs}\n`);
        let { metrics, busy } = await runOnce(bench, env, postmaster);
        // With --wait-idle a run that other processes disturbed is repeated (twice at most).
        for (let retry = 1; busy > contended && options.waitIdle && retry <= 2; retry++) {
          process.stderr.write(`  other processes used ${busy.toFixed(2)} cores during the run; repeating it (${retry}/2)\n`);
          await checkIdle(true);
          rmSync(env.BENCH_TMP, { recursive: true, force: true });
          ({ metrics, busy } = await runOnce(bench, env, postmaster));
        }
        if (busy > contended) process.stderr.write(`  WARNING: other processes used ${busy.toFixed(2)} cores on average during this run; its numbers are suspect\n`);
        for (const m of metrics) {
          const s = samples.get(m.metric) ?? { unit: m.unit, values: [] };
          s.values.push(m.value);
          samples.set(m.metric, s);
        }
        process.stderr.write(`  ${metrics.map((m) => `${m.metric}=${m.value} ${m.unit}`).join(', ')}\n`);
        if (profDir) {
          for (const f of readdirSync(profDir).filter((n) => n.endsWith('.cpuprofile'))) {
            process.stderr.write(`${summariseProfile(join(profDir, f))}\n`);
          }
        }
      }
    } catch (error) {
      failed++;
      process.stderr.write(`${bench.name}: FAILED: ${error.message}\n`);
      continue;
    }
    if (options.profile) continue;
    // Load benches say which store (and send how many nodes) they measured; compare.mjs keys on both.
    const setup = isLoad(bench) ? { store: options.store, ...(multiNode.has(bench.name) ? { nodes: options.nodes } : {}) } : {};
    for (const [metric, { unit, values }] of samples) {
      const m = median(values);
      process.stdout.write(`${JSON.stringify({ bench: bench.name, ...setup, metric, value: m, unit, runs: values.length, median: m, samples: values, node: process.version, commit, at })}\n`);
    }
  }
  cleanup();
  if (failed > 0) {
    process.stderr.write(`bench: ${failed} bench(es) failed\n`);
    process.exitCode = 1;
  }
}

await main();
