// Credits under contention, over real HTTP: many clients racing for the last credits of a route.
import assert from 'node:assert/strict';
import { request as httpRequest, Agent } from 'node:http';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { type Gateway, startGateway } from '../../src/gateway.ts';

let gateway: Gateway;
let dataDir: string;
let apiKey: string;
let accountId: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dakiya-credits-'));
  const config = loadConfig({ env: {}, flags: { dataDir, 'server.host': '127.0.0.1', 'server.port': 0, 'smpp.port': 0, 'log.level': 'silent', 'firstStart.demo': false } });
  gateway = await startGateway(config);
  const admin = gateway.core.admin;
  const created = await admin.createAccount({ name: 'race', credits: { transactional: 1000 }, rateLimitPerMinute: 1_000_000 });
  apiKey = created.apiKey;
  accountId = created.account.id;
  await admin.addSender(accountId, 'DAKIYA');
  await admin.addTemplate(accountId, { templateId: 'T1', sender: 'DAKIYA', category: 'transactional', text: 'Code {#num#}' });
});

after(async () => {
  await gateway.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function post(agent: Agent, body: string): Promise<{ status: number; body: any }> {
  const url = new URL('/v1/sms/send', gateway.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('200 concurrent clients sending 2,000 messages against 1,000 credits get exactly 1,000 accepted and the rest 402', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 200 });
  const body = JSON.stringify({ to: '919876543210', sender: 'DAKIYA', template_id: 'T1', message: 'Code 1234', category: 'transactional' });
  const results = await Promise.all(Array.from({ length: 200 }, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await post(agent, body);
      if (r.status === 402) assert.equal(r.body.error_code, 'ERR_INSUFFICIENT_CREDITS');
      statuses.push(r.status);
    }
    return statuses;
  }));
  agent.destroy();
  const all = results.flat();
  assert.equal(all.filter((s) => s === 202).length, 1000);
  assert.equal(all.filter((s) => s === 402).length, 1000);

  const store = gateway.core.store;
  const [balance] = await store.getBalances(accountId);
  assert.deepEqual(balance, { routeId: 'transactional', balance: 0 });
  const ledger = await store.listLedger(accountId, 10_000);
  const sum = ledger.reduce((n, e) => n + e.amount, 0);
  assert.equal(sum, 0, 'top-up minus reserves plus refunds equals the balance');
  assert.equal(ledger.filter((e) => e.kind === 'reserve').length, 1000);
  const stored = await store.listMessages({ accountId, limit: 5000 });
  assert.equal(stored.length, 1000);
});
