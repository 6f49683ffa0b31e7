// The long SMPP fuzz run: `node scripts/smpp-fuzz.mjs --count 1000000 [--seed N] [--from I]`.
// Each case is a random valid PDU's round trip plus a random or damaged PDU fed to the reader in
// random pieces (test/unit/protocols/smpp/fuzz-cases.ts holds the checks). The cases run in a
// worker; the main thread watches its progress, so a hang (no progress for 10 s) is caught too.
// Prints a summary; exits 1 on any failure or hang, naming the case to replay with --from.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** @typedef {{ count: number, seed: number, from: number, progress: Int32Array }} Job */

if (isMainThread) {
  const args = process.argv.slice(2);
  const flag = (name, fallback) => {
    const i = args.indexOf(name);
    const v = i >= 0 ? Number(args[i + 1]) : fallback;
    if (!Number.isInteger(v) || v < 0) {
      process.stderr.write(`smpp-fuzz: ${name} takes a whole number\n`);
      process.exit(2);
    }
    return v;
  };
  const count = flag('--count', 100_000);
  const seed = flag('--seed', 1);
  const from = flag('--from', 0);
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const started = performance.now();
  const worker = new Worker(new URL(import.meta.url), { workerData: { count, seed, from, progress } });
  let last = -1;
  let ticks = 0;
  let stalledSince = performance.now();
  const watchdog = setInterval(() => {
    const done = Atomics.load(progress, 0);
    if (done !== last) {
      last = done;
      stalledSince = performance.now();
      if (++ticks % 5 === 0) process.stderr.write(`  ${done.toLocaleString('en')} / ${count.toLocaleString('en')}\n`);
    } else if (performance.now() - stalledSince > 10_000) {
      process.stdout.write(`smpp-fuzz: HANG at case ${from + done} (seed ${seed}): no progress for 10 s; replay with --seed ${seed} --from ${from + done} --count 1\n`);
      void worker.terminate();
      process.exit(1);
    }
  }, 1000);
  worker.on('message', (m) => {
    clearInterval(watchdog);
    const seconds = (performance.now() - started) / 1000;
    if (m.ok) {
      process.stdout.write(`smpp-fuzz: ${count.toLocaleString('en')} cases (seed ${seed}) in ${seconds.toFixed(1)} s: OK — ` +
        `${m.pdus.toLocaleString('en')} PDUs decoded, ${m.invalid.toLocaleString('en')} invalid PDUs reported, ${m.fatal.toLocaleString('en')} fatal lengths\n`);
      process.exit(0);
    }
    process.stdout.write(`smpp-fuzz: FAILED at case ${m.at} (seed ${seed}): ${m.failure}\n  replay with --seed ${seed} --from ${m.at} --count 1\n`);
    process.exit(1);
  });
  worker.on('error', (error) => {
    clearInterval(watchdog);
    process.stdout.write(`smpp-fuzz: CRASHED: ${error.stack ?? error}\n`);
    process.exit(1);
  });
} else {
  // The checks are TypeScript: the worker loads them through tsx.
  const { register } = await import('tsx/esm/api');
  register();
  const { checkReader, checkRoundTrip, mutated, seeded } = await import('../test/unit/protocols/smpp/fuzz-cases.ts');
  /** @type {Job} */
  const { count, seed, from, progress } = workerData;
  const totals = { pdus: 0, invalid: 0, fatal: 0 };
  let i = from;
  try {
    for (; i < from + count; i++) {
      const r = seeded((seed * 0x9e3779b1 + i * 2654435761) >>> 0);
      checkRoundTrip(r);
      const o = checkReader(mutated(r), r);
      totals.pdus += o.pdus;
      totals.invalid += o.invalid;
      totals.fatal += o.fatal;
      if ((i & 1023) === 0) Atomics.store(progress, 0, i - from);
    }
    parentPort.postMessage({ ok: true, ...totals });
  } catch (error) {
    parentPort.postMessage({ ok: false, ...totals, at: i, failure: error.stack ?? String(error) });
  }
}
