// Acceptance 1: `dakiya serve` on an empty data dir prints a key and a curl line, and that very
// curl line sends an SMS that reaches DELIVERED through the sandbox carrier.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { cliEnv, prepareStore, runCli } from '../fixtures/child-gateway.ts';

const exec = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-first-'));
const bin = join(import.meta.dirname, '..', '..', 'bin', 'dakiya.js');
let child: ReturnType<typeof spawn> | undefined;
let demoKey = '';
let baseUrl = '';
after(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

test('the first start prints a working API key and a curl line that gets an SMS delivered', { timeout: 60_000 }, async () => {
  await prepareStore(dataDir);
  child = spawn(process.execPath, [bin, 'serve'], {
    env: cliEnv(dataDir, { PORT: '0', DAKIYA_SMPP_PORT: '0', DAKIYA_SERVER_HOST: '127.0.0.1', DAKIYA_FIRST_START_DEMO: 'true' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const printed: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child!.stdout! });
    lines.on('line', (line) => {
      printed.push(line);
      if (line.includes('dakiya listening')) resolve();
    });
    child!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const curl = printed.find((l) => l.trim().startsWith('curl -s -X POST'));
  assert.ok(curl, `a curl line is printed:\n${printed.join('\n')}`);
  const apiKey = /demo API key:\s+(\S+)/.exec(printed.join('\n'))?.[1];
  assert.match(apiKey ?? '', /^dk_live_[A-Za-z0-9]{40}$/);
  demoKey = apiKey!;
  baseUrl = /(http:\/\/localhost:\d+)/.exec(curl!)![1]!;
  assert.match(printed.join('\n'), /operator token \(admin API\):\s+dko_/);

  const { stdout } = await exec('sh', ['-c', curl!.trim()]);
  const sent = JSON.parse(stdout) as { status: string; message_id: string };
  assert.equal(sent.status, 'accepted');

  const statusLine = printed.find((l) => l.trim().startsWith('curl -s http'))!.trim().replace('MESSAGE_ID', sent.message_id);
  let status = '';
  for (let i = 0; i < 100 && status !== 'DELIVERED'; i++) {
    status = (JSON.parse((await exec('sh', ['-c', statusLine])).stdout) as { status: string }).status;
    if (status !== 'DELIVERED') await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(status, 'DELIVERED');
  assert.equal(statSync(join(dataDir, 'pepper')).mode & 0o777, 0o600, 'the pepper file is private');
});

test('the CLI changes data under a running server: credits added show in the balance', { timeout: 60_000 }, async () => {
  const accounts = (await runCli(dataDir, ['accounts'])).accounts as Array<{ id: string }>;
  const accountId = accounts[0]!.id;
  const added = await runCli(dataDir, ['credits', 'add', '--account', accountId, '--route', 'otp', '--amount', '5']);
  assert.equal(added.balance, 10_005);
  const res = await fetch(`${baseUrl}/v1/account/balance`, { headers: { authorization: `Bearer ${demoKey}` } });
  const body = await res.json() as { balances: Array<{ route: string; credits: number }> };
  assert.equal(body.balances.find((b) => b.route === 'otp')?.credits, 10_005);
});
