// The Node.js verifiers that docs/reference/webhook-security.md gives customers accept what we sign
// and refuse what was tampered with: the page is run, not just read.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateWebhookSecret, signWebhook, simpleSignature } from '../../../../src/protocols/standard-webhooks/index.ts';

const page = readFileSync(resolve(import.meta.dirname, '../../../../docs/reference/webhook-security.md'), 'utf8');
const blocks = [...page.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), 'dakiya-docs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function load(name: string): Promise<(...args: unknown[]) => boolean> {
  const source = blocks.find((b) => b.includes(`function ${name}(`));
  assert.ok(source, `the page has a js block defining ${name}`);
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  return (await import(pathToFileURL(file).href))[name];
}

const secret = generateWebhookSecret();
const previous = generateWebhookSecret();
const body = Buffer.from('{"event":"message.delivered","message_id":"TN20260530ABC123","status":"DELIVERED"}');

function delivery(secrets: string[]) {
  const timestamp = Math.floor(Date.now() / 1000);
  return { 'webhook-id': 'evt_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook({ id: 'evt_1', timestamp, body, secrets }) };
}

test('the documented Standard Webhooks verifier accepts a delivery we sign', async () => {
  const verify = await load('verifyDakiyaWebhook');
  assert.equal(verify(delivery([secret]), body, secret), true);
});

test('the documented Standard Webhooks verifier accepts either secret during a rotation', async () => {
  const verify = await load('verifyDakiyaWebhook');
  assert.equal(verify(delivery([secret, previous]), body, previous), true);
});

test('the documented Standard Webhooks verifier refuses a tampered body', async () => {
  const verify = await load('verifyDakiyaWebhook');
  assert.equal(verify(delivery([secret]), Buffer.from(body.toString().replace('DELIVERED', 'FAILED')), secret), false);
});

test('the documented simple verifier accepts our X-Dakiya-Signature and refuses another secret', async () => {
  const verify = await load('verifySimple');
  assert.equal(verify(body, simpleSignature(body, secret), secret), true);
  assert.equal(verify(body, simpleSignature(body, previous), secret), false);
});
