// Runs the SMSC simulator (`dakiya smsc-sim`) in its own process, so the gateway, the simulator
// and the load generator never share an event loop; gives its port and stops it on every way out.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './gateway-process.mjs';

/** @returns {Promise<{ port: number, pid: number, stop(): Promise<object|undefined> }>} */
export async function startSmsc({ receiptDelayMs = 10 } = {}) {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'dakiya.js'), 'smsc-sim', '--port', '0', '--receipt-delay-ms', String(receiptDelayMs)], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kill = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', kill);
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await Promise.race([
    iterator.next(),
    new Promise((_, reject) => setTimeout(() => reject(new Error('smsc-sim did not start in 20 s')), 20_000)),
  ]);
  const port = Number(/:(\d+)$/.exec(first.value ?? '')?.[1]);
  if (!port) { kill(); throw new Error(`unexpected smsc-sim output: ${first.value}`); }
  return {
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return undefined;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const stats = await Promise.race([iterator.next().then((r) => (r.value ? JSON.parse(r.value) : undefined)), new Promise((r) => setTimeout(r, 5000))]);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      kill();
      return stats;
    },
  };
}

/** Adds a connector to the simulator through the admin API and waits until its binds are up. */
export async function addSimConnector(gateway, port, { binds = 4, window = 500 } = {}) {
  const { expectStatus, request } = await import('./http-json.mjs');
  const admin = (method, path, body) => request(`${gateway.url}/admin/v1${path}`, { method, body, token: gateway.adminToken });
  expectStatus(await admin('PUT', '/connectors/sim', {
    host: '127.0.0.1', port, system_id: 'bench', password: 'bench', binds, window, routes: [{ route: 'transactional' }], message_ids: { submit: 'hex', receipt: 'hex' },
  }), 200, 'connector add');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { raw } = await request(`${gateway.url}/metrics`);
    if (/^dakiya_smpp_connector_bound_sessions\{connector="sim"\} (\d+)/m.exec(raw)?.[1] === String(binds)) return;
    if (Date.now() > deadline) throw new Error('the connector did not bind in 20 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}
