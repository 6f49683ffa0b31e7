// What we sign passes a verifier written here from the Standard Webhooks spec text alone (WebCrypto,
// none of our code): "{msg_id}.{timestamp}.{payload}" signed with HMAC-SHA256 under the
// base64-decoded whsec_ secret, `v1,<base64>` entries space-delimited, timestamp within tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signWebhook, generateWebhookSecret } from '../../../../src/protocols/standard-webhooks/index.ts';

async function specVerify(headers: Record<string, string>, payload: Uint8Array, secret: string, nowSeconds: number): Promise<boolean> {
  const msgId = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatureList = headers['webhook-signature'];
  if (msgId === undefined || timestamp === undefined || signatureList === undefined) return false;
  if (!/^[0-9]+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 5 * 60) return false;
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const prefix = new TextEncoder().encode(`${msgId}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + payload.length);
  content.set(prefix);
  content.set(payload, prefix.length);
  for (const versioned of signatureList.split(' ')) {
    const comma = versioned.indexOf(',');
    if (versioned.slice(0, comma) !== 'v1') continue;
    let mac: Uint8Array;
    try {
      mac = Uint8Array.from(atob(versioned.slice(comma + 1)), (c) => c.charCodeAt(0));
    } catch {
      continue;
    }
    // crypto.subtle.verify compares in constant time, as the spec asks.
    if (await crypto.subtle.verify('HMAC', key, mac, content)) return true;
  }
  return false;
}

const SECRET = generateWebhookSecret();
const PREVIOUS = generateWebhookSecret();
const ID = 'evt_01J2ZK8Q5Y4T3N6W';
const NOW = 1780136582;
const BODY = new TextEncoder().encode(JSON.stringify({
  event: 'message.delivered', message_id: 'TN20260530ABC123', channel: 'sms', to: '919876543210',
  sender: 'TECHTO', status: 'DELIVERED', text: 'आपका OTP 4821 है', delivered_at: '2026-05-30T10:23:02.401Z',
}));

function deliver(secrets: string[], id = ID, timestamp = NOW) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook({ id, timestamp, body: Buffer.from(BODY), secrets }) };
}

test('a delivery we sign passes the verifier written from the spec', async () => {
  assert.equal(await specVerify(deliver([SECRET]), BODY, SECRET, NOW), true);
});

test('the spec verifier rejects our delivery when one byte of the body changes', async () => {
  const tampered = BODY.slice();
  tampered[10] = tampered[10]! ^ 1;
  assert.equal(await specVerify(deliver([SECRET]), tampered, SECRET, NOW), false);
});

test('the spec verifier rejects our delivery with another webhook-id', async () => {
  assert.equal(await specVerify({ ...deliver([SECRET]), 'webhook-id': 'evt_other' }, BODY, SECRET, NOW), false);
});

test('the spec verifier rejects our delivery with another webhook-timestamp', async () => {
  assert.equal(await specVerify({ ...deliver([SECRET]), 'webhook-timestamp': String(NOW - 60) }, BODY, SECRET, NOW), false);
});

test('the spec verifier rejects our delivery replayed after the tolerance', async () => {
  assert.equal(await specVerify(deliver([SECRET]), BODY, SECRET, NOW + 301), false);
});

test('during a rotation the spec verifier accepts our delivery under either secret', async () => {
  const headers = deliver([SECRET, PREVIOUS]);
  assert.equal(await specVerify(headers, BODY, SECRET, NOW), true);
  assert.equal(await specVerify(headers, BODY, PREVIOUS, NOW), true);
});

test('after a rotation the retired secret no longer verifies', async () => {
  assert.equal(await specVerify(deliver([SECRET]), BODY, PREVIOUS, NOW), false);
});
