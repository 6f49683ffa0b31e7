// Starts `dakiya serve` in a child process on a temp data dir and loopback port, so the load
// generator and the gateway never share an event loop; stops it and removes the dir even on failure.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from './http-json.mjs';
import { log } from './report.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Settings every bench server gets; DAKIYA_* variables in the caller's environment override them. */
const baseEnv = {
  DAKIYA_LOG_LEVEL: 'warn',
  DAKIYA_FIRST_START_DEMO: 'false',
};

/** Settings the bench owns: where the server lives and how we reach it. */
const ownedEnv = ['DAKIYA_DATA_DIR', 'DAKIYA_SERVER_HOST', 'DAKIYA_SERVER_PORT', 'PORT', 'DAKIYA_SECURITY_ADMIN_TOKEN', 'DAKIYA_CONFIG'];

const live = new Set();
let hooked = false;

// A bench that throws, is interrupted or is told to stop by run.mjs still leaves no server behind.
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => { for (const g of live) g.killNow(); });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      for (const g of live) g.killNow();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * @param {{ env?: Record<string,string>, cpuProfDir?: string, startTimeoutMs?: number }} options
 * @returns {Promise<{ url: string, pid: number, adminToken: string, dataDir: string, stop(): Promise<number|null>, exited: Promise<number|null> }>}
 */
/** The node flags between `node` and `bin/dakiya.js` in package.json's start script. */
function startNodeFlags() {
  const start = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.start.split(/\s+/);
  return start.slice(start.indexOf('node') + 1, start.indexOf('bin/dakiya.js'));
}

export async function startGateway(options = {}) {
  hookExit();
  const parent = process.env.BENCH_TMP ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dataDir = mkdtempSync(join(parent, 'gateway-'));
  const port = await freePort();
  const adminToken = `bench-${randomBytes(16).toString('hex')}`;

  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DAKIYA_') && k !== 'PORT'));
  const overrides = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DAKIYA_') && !ownedEnv.includes(k)));
  if (Object.keys(overrides).length > 0) log(`gateway overrides from the environment: ${JSON.stringify(overrides)}`);
  const env = {
    ...inherited, ...baseEnv, ...options.env, ...overrides,
    DAKIYA_DATA_DIR: dataDir, DAKIYA_SERVER_HOST: '127.0.0.1', DAKIYA_SERVER_PORT: String(port), DAKIYA_SECURITY_ADMIN_TOKEN: adminToken,
  };
  // run.mjs --profile sets BENCH_CPU_PROF_DIR: V8 writes a .cpuprofile there when the server exits.
  const cpuProfDir = options.cpuProfDir ?? process.env.BENCH_CPU_PROF_DIR;
  // The server runs with the node flags of `npm start` (the heap cap), so the bench measures what operators run.
  const nodeArgs = startNodeFlags();
  if (cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
  const child = spawn(process.execPath, [...nodeArgs, join(repoRoot, 'bin', 'dakiya.js'), 'serve'], {
    cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Only pino's JSON lines (warnings, errors) are worth showing; the first-start banner is not.
  const forward = (chunk) => {
    for (const line of chunk.toString().split('\n')) if (line.startsWith('{') || /error/i.test(line)) process.stderr.write(`[gateway] ${line}\n`);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', (c) => process.stderr.write(`[gateway] ${c}`));

  let exitCode;
  const exited = new Promise((res) => child.once('exit', (code, signal) => { exitCode = code ?? signal; res(code); }));
  const gateway = {
    url: `http://127.0.0.1:${port}`, pid: child.pid, adminToken, dataDir, exited,
    killNow() {
      if (exitCode === undefined) try { child.kill('SIGKILL'); } catch { /* already gone */ }
      rmSync(dataDir, { recursive: true, force: true });
      live.delete(gateway);
    },
    /** SIGTERM (a clean stop also writes the CPU profile), SIGKILL after 20 s; resolves the exit code. */
    async stop() {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      live.delete(gateway);
      return exitCode;
    },
  };
  live.add(gateway);

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) {
      gateway.killNow();
      throw new Error(`gateway exited during start (code ${exitCode})`);
    }
    try {
      const r = await request(`${gateway.url}/readyz`, { method: 'GET' });
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      gateway.killNow();
      throw new Error('gateway did not become ready in time');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return gateway;
}
