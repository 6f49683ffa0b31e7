// Starts `dakiya serve` in a child process on a temp data dir and loopback port, so the load
// generator and the gateway never share an event loop; stops it and removes the dir even on failure.
// When run.mjs benches PostgreSQL (--store postgres) it sets BENCH_PG_URL: each gateway start then
// gets a fresh schema in that database (dropped again by stop()), unless it joins another node's
// database (`join`).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/pg-cluster.mjs';
import { request } from './http-json.mjs';
import { log } from './report.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Settings every bench server gets; DAKIYA_* variables in the caller's environment override them. */
const baseEnv = {
  DAKIYA_LOG_LEVEL: 'warn',
  DAKIYA_FIRST_START_DEMO: 'false',
  // Each gateway's customer SMPP server on a free port, so several gateways (--nodes) can start.
  DAKIYA_SMPP_PORT: '0',
};

/** Settings the bench owns: where the server lives and how we reach it. */
const ownedEnv = ['DAKIYA_DATA_DIR', 'DAKIYA_SERVER_HOST', 'DAKIYA_SERVER_PORT', 'PORT', 'DAKIYA_SECURITY_ADMIN_TOKEN', 'DAKIYA_CONFIG', 'DAKIYA_STORE_URL'];

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


/** The node flags between `node` and `bin/dakiya.js` in package.json's start script. */
function startNodeFlags() {
  const start = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.start.split(/\s+/);
  return start.slice(start.indexOf('node') + 1, start.indexOf('bin/dakiya.js'));
}

/** Runs `sql` on the database at `url` over one short-lived connection. */
async function pgExec(url, sql) {
  // pg is the gateway's dependency: resolved from the repo root's node_modules.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The URL of `base` whose connections use `schema` (as test/fixtures/postgres.ts does). */
function withSearchPath(base, schema) {
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A new empty schema in the bench's PostgreSQL database (BENCH_PG_URL), as a URL that selects it. */
async function freshSchema(base) {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await pgExec(base, `CREATE SCHEMA ${schema}`);
  return { schema, url: withSearchPath(base, schema) };
}

/**
 * @param {{ env?: Record<string,string>, cpuProfDir?: string, startTimeoutMs?: number, join?: { storeUrl?: string, adminToken: string, dataDir: string } }} options
 *   `join`: a gateway already started on PostgreSQL; this one becomes another node of that
 *   deployment (its database, admin token and pepper file). Without it, and with BENCH_PG_URL set,
 *   the gateway gets a fresh schema of its own.
 * @returns {Promise<{ url: string, pid: number, adminToken: string, dataDir: string, storeUrl: string | undefined, stop(): Promise<number|null>, exited: Promise<number|null> }>}
 */
export async function startGateway(options = {}) {
  hookExit();
  const parent = process.env.BENCH_TMP ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dataDir = mkdtempSync(join(parent, 'gateway-'));
  const port = await freePort();
  // On an empty database the gateway's first start registers this token; later nodes must reuse it.
  const adminToken = options.join?.adminToken ?? `bench-${randomBytes(16).toString('hex')}`;
  const pgBase = process.env.BENCH_PG_URL;
  let storeUrl = options.join?.storeUrl;
  let ownSchema; // created here, so dropped by stop()
  try {
    if (options.join) {
      if (!storeUrl) throw new Error('only a gateway on PostgreSQL can be joined by another node');
      // Every node on one database needs the same pepper file (the gateway refuses to start otherwise).
      const pepper = process.env.DAKIYA_SECURITY_PEPPER_FILE ?? 'pepper';
      if (!isAbsolute(pepper)) {
        mkdirSync(dirname(join(dataDir, pepper)), { recursive: true });
        copyFileSync(join(options.join.dataDir, pepper), join(dataDir, pepper));
      }
    } else if (pgBase) {
      ({ url: storeUrl, schema: ownSchema } = await freshSchema(pgBase));
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DAKIYA_') && k !== 'PORT'));
  const overrides = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DAKIYA_') && !ownedEnv.includes(k)));
  if (Object.keys(overrides).length > 0) log(`gateway overrides from the environment: ${JSON.stringify(overrides)}`);
  const env = {
    ...inherited, ...baseEnv, ...options.env, ...overrides,
    DAKIYA_DATA_DIR: dataDir, DAKIYA_SERVER_HOST: '127.0.0.1', DAKIYA_SERVER_PORT: String(port), DAKIYA_SECURITY_ADMIN_TOKEN: adminToken,
    ...(storeUrl ? { DAKIYA_STORE_URL: storeUrl } : {}),
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
    url: `http://127.0.0.1:${port}`, pid: child.pid, adminToken, dataDir, storeUrl, exited,
    killNow() {
      if (exitCode === undefined) try { child.kill('SIGKILL'); } catch { /* already gone */ }
      rmSync(dataDir, { recursive: true, force: true });
      live.delete(gateway);
    },
    /**
     * SIGTERM (a clean stop also writes the CPU profile), SIGKILL after 20 s; resolves the exit code.
     * Drops the gateway's own schema (stop the nodes that joined it first). A schema left behind
     * by a killed run goes with the throwaway cluster when run.mjs exits.
     */
    async stop() {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      live.delete(gateway);
      if (ownSchema) {
        const schema = ownSchema;
        ownSchema = undefined;
        try {
          await pgExec(pgBase, `DROP SCHEMA ${schema} CASCADE`);
        } catch (error) {
          log(`could not drop schema ${schema}: ${error.message}`);
        }
      }
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
