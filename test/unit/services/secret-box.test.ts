// Sealed secrets: they open only under the same pepper and context, any change to them is caught,
// and no two seals share a GCM nonce (the nonces come from a pooled CSPRNG buffer, refilled as it runs out).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretBox } from '../../../src/services/secret-box.ts';

const box = new SecretBox(Buffer.alloc(32, 1));

test('a sealed secret opens with the same pepper and context, and only then', () => {
  const sealed = box.seal('bind password', 'connector:airtel-1');
  assert.match(sealed, /^v1\.[A-Za-z0-9_-]+$/);
  assert.equal(box.open(sealed, 'connector:airtel-1'), 'bind password');
  assert.throws(() => box.open(sealed, 'connector:airtel-2'), /does not open/);
  assert.throws(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed, 'connector:airtel-1'), /does not open/);
  assert.equal(box.open(box.seal('', 'empty'), 'empty'), '');
  assert.equal(box.open(box.seal('नमस्ते €', 'unicode'), 'unicode'), 'नमस्ते €');
});

test('any altered byte of a sealed secret is refused', () => {
  const sealed = box.seal('webhook secret', 'endpoint:e1');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  for (let i = 0; i < raw.length; i++) {
    const altered = Buffer.from(raw);
    altered[i]! ^= 0x01;
    assert.throws(() => box.open(`v1.${altered.toString('base64url')}`, 'endpoint:e1'), `byte ${i}`);
  }
  assert.throws(() => box.open('v2.' + sealed.slice(3), 'endpoint:e1'), /not a sealed secret/);
  assert.throws(() => box.open('v1.' + raw.subarray(0, 27).toString('base64url'), 'endpoint:e1'), /too short/);
});

test('10,000 seals use 10,000 different nonces, across many refills of the nonce pool', () => {
  const nonces = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const raw = Buffer.from(box.seal('x', 'c').slice(3), 'base64url');
    nonces.add(raw.subarray(0, 12).toString('hex'));
  }
  assert.equal(nonces.size, 10_000);
  assert.ok(!nonces.has('00'.repeat(12)), 'no nonce is the pool\'s unfilled zeroes');
  // Two boxes (two processes, or a box made after a restart) draw their own nonces.
  const other = new SecretBox(Buffer.alloc(32, 1));
  const first = Buffer.from(other.seal('x', 'c').slice(3), 'base64url').subarray(0, 12).toString('hex');
  assert.ok(!nonces.has(first));
});
