#!/usr/bin/env node
// A throwaway PostgreSQL cluster on a loopback port, for the tests and the benchmarks: initdb into
// a temporary directory, pg_ctl start, and stop + remove on request. initdb refuses to run as root,
// so as root the cluster belongs to the `postgres` user (Debian's package creates it).
//
// As a command: `node scripts/pg-cluster.mjs [--durable]` starts one, prints its URL and keeps it
// running until Ctrl-C. Without --durable the cluster runs with fsync off (tests need a real
// server, not a power-loss-proof one); --durable keeps PostgreSQL's defaults (fsync on,
// synchronous_commit on) for benchmarks.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const installHint =
  'PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with `apt-get install -y postgresql` ' +
  '(Debian/Ubuntu), or point DAKIYA_PG_BIN at the directory that holds them.';

/** The directory holding initdb and pg_ctl: DAKIYA_PG_BIN, Debian's versioned dirs, then pg_config. */
export function findPgBin() {
  const candidates = [];
  if (process.env.DAKIYA_PG_BIN) candidates.push(process.env.DAKIYA_PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, v, 'bin'));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** A TCP port free on loopback right now (also used by the benchmarks for their gateways). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a cluster and returns { url, dir, stop(), pgCtl(...args) }. The superuser is `dakiya`
 * with trust authentication on loopback only.
 */
export async function startCluster({ durable = false, maxConnections = 400, settings: extra = [] } = {}) {
  const bin = findPgBin();
  if (!bin) throw new Error(installHint);
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'dakiya-pg-'));
  if (root) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const data = join(dir, 'data');
  const run = (tool, args) => {
    const cmd = root ? 'runuser' : join(bin, tool);
    const argv = root ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  };
  try {
    run('initdb', ['-D', data, '-U', 'dakiya', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${error.stderr || error.message}`);
  }
  const port = await freePort();
  const settings = [
    `-p ${port}`, '-c listen_addresses=127.0.0.1', `-k ${dir}`, `-c max_connections=${maxConnections}`,
    '-c shared_buffers=128MB', '-c max_wal_size=2GB',
    ...(durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    // Further server settings, e.g. ['-c shared_preload_libraries=pg_stat_statements'] to study one.
    ...extra,
  ];
  const pgCtl = (...args) => run('pg_ctl', ['-D', data, ...args]);
  const startArgs = ['-w', '-t', '30', '-l', join(dir, 'server.log'), '-o', settings.join(' '), 'start'];
  try {
    pgCtl(...startArgs);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pg_ctl start failed: ${error.stderr || error.message}`);
  }
  let stopped = false;
  return {
    url: `postgres://dakiya@127.0.0.1:${port}/postgres`,
    port,
    dir,
    /** Stops the server (fast shutdown) without removing it: for outage tests. */
    pause() { pgCtl('-m', 'fast', '-w', 'stop'); },
    /** Starts it again on the same port after pause(). */
    resume() { pgCtl(...startArgs); },
    stop() {
      if (stopped) return;
      stopped = true;
      try { pgCtl('-m', 'immediate', '-w', 'stop'); } catch { /* already down */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function uidOf(user) { return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()); }
function gidOf(user) { return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim()); }

if (import.meta.url === `file://${process.argv[1]}`) {
  const cluster = await startCluster({ durable: process.argv.includes('--durable') });
  console.log(cluster.url);
  const stop = () => { cluster.stop(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}
