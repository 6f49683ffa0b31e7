// Content patterns the operator stores at run time (/admin/v1/content-filter/patterns): a stored
// pattern blocks matching sends at once on the node that stored it and within
// contentFilter.refreshMs on another node of the same database, storing and charging nothing;
// removing it lifts the block; hostile, duplicate and surplus patterns are refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { maxStoredContentPatterns } from '../../src/domain/content-pattern.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

let t: TestGateway;
/** A second, API-only node on the same database (and data dir, so the same pepper). */
let other: TestGateway;
const refreshMs = 200;

before(async () => {
  t = await startTestGateway({ flags: { 'contentFilter.patterns': ['lottery'] } });
  other = await startTestGateway({
    flags: { dataDir: t.dataDir, 'store.url': t.config.store.url, 'node.role': 'api', 'node.id': 'second', 'contentFilter.refreshMs': refreshMs },
  });
});
after(async () => {
  await other?.stop();
  await t?.stop();
});

async function ledger(accountId = t.account.id) {
  const store = t.gateway.core.store;
  return {
    balances: (await store.getBalances(accountId)).map((b) => [b.routeId, b.balance]),
    messages: (await store.listMessages({ accountId, limit: 10_000 })).length,
  };
}

// T-PLAIN-1 is '{#var#}': a text of at most dlt.maxVariableLength (30) characters.
const send = (gateway: TestGateway, message: string) =>
  gateway.request('POST', '/v1/sms/send', { to: '9876543210', sender: 'DAKIYA', template_id: 'T-PLAIN-1', message, category: 'transactional' });

async function addPattern(pattern: string, description?: string) {
  return t.admin('POST', '/content-filter/patterns', { pattern, ...(description !== undefined && { description }) });
}

test('stores a pattern and answers 201 with its row', async () => {
  const res = await addPattern('win\\s+a\\s+car', 'car prize scam');
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const { id, pattern, description, created_at } = res.body.pattern;
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  assert.deepEqual({ pattern, description }, { pattern: 'win\\s+a\\s+car', description: 'car prize scam' });
  assert.match(created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const list = await t.admin('GET', '/content-filter/patterns');
  assert.equal(list.status, 200);
  assert.equal(list.body.filter_enabled, true);
  assert.deepEqual(list.body.patterns.find((p: { id: string }) => p.id === id), res.body.pattern);
  assert.equal((await t.admin('DELETE', `/content-filter/patterns/${id}`)).status, 204);
});

test('refuses a matching send at once with ERR_CONTENT_BLOCKED, storing and charging nothing, and accepts others', async () => {
  const added = await addPattern('phish\\.example/login', 'phishing page');
  assert.equal(added.status, 201, JSON.stringify(added.body));
  const before = await ledger();
  const blocked = await send(t, 'Verify at PHISH.example/login');
  assert.equal(blocked.status, 422, blocked.raw);
  assert.equal(blocked.body.error_code, 'ERR_CONTENT_BLOCKED');
  assert.deepEqual(await ledger(), before);
  assert.equal((await send(t, 'Your parcel is out')).status, 202);
  assert.equal((await send(t, 'You won the lottery')).status, 422, 'the config file\'s patterns still apply');
  await t.admin('DELETE', `/content-filter/patterns/${added.body.pattern.id}`);
});

test('lifts the block when the pattern is removed, and answers 404 for it afterwards', async () => {
  const added = await addPattern('cheap\\s+loans');
  assert.equal((await send(t, 'Cheap  loans today')).status, 422);
  assert.equal((await t.admin('DELETE', `/content-filter/patterns/${added.body.pattern.id}`)).status, 204);
  assert.equal((await send(t, 'Cheap  loans today')).status, 202);
  const again = await t.admin('DELETE', `/content-filter/patterns/${added.body.pattern.id}`);
  assert.equal(again.status, 404);
  assert.equal(again.body.error_code, 'ERR_NOT_FOUND');
});

test('another node of the same database applies an added pattern, and its removal, within the refresh interval', async () => {
  const text = 'Claim at refund-desk.example';
  assert.equal((await send(other, text)).status, 202);
  const added = await addPattern('refund-desk\\.example');
  const start = Date.now();
  await other.until(async () => (await send(other, text)).status === 422, 10 * refreshMs);
  assert.ok(Date.now() - start < 10 * refreshMs);
  await t.admin('DELETE', `/content-filter/patterns/${added.body.pattern.id}`);
  await other.until(async () => (await send(other, text)).status === 202, 10 * refreshMs);
});

test('refuses hostile patterns with 400 ERR_INVALID_REQUEST naming pattern, storing nothing', async () => {
  const before = (await t.admin('GET', '/content-filter/patterns')).body.patterns.length;
  const hostile: Array<[string, RegExp]> = [
    ['(a+)+$', /nested repetition/],
    ['x'.repeat(10_240), /at most 200 characters/],
    ['([a-z', /does not compile/],
    ['', /must not be empty/],
    ['.*', /every text/],
  ];
  for (const [pattern, problem] of hostile) {
    const res = await addPattern(pattern);
    assert.equal(res.status, 400, pattern.slice(0, 20));
    assert.equal(res.body.error_code, 'ERR_INVALID_REQUEST');
    assert.equal(res.body.details.field, 'pattern');
    assert.match(res.body.message, problem);
  }
  assert.equal((await t.admin('GET', '/content-filter/patterns')).body.patterns.length, before);
});

test('refuses a description longer than 200 characters', async () => {
  const res = await addPattern('long-description', 'd'.repeat(201));
  assert.equal(res.status, 400);
  assert.equal(res.body.details.field, 'description');
});

test('answers 409 ERR_CONFLICT naming the stored pattern when the same source is added again', async () => {
  const first = await addPattern('duplicate-me');
  const second = await addPattern('duplicate-me', 'again');
  assert.equal(second.status, 409);
  assert.equal(second.body.error_code, 'ERR_CONFLICT');
  assert.equal(second.body.details.id, first.body.pattern.id);
  await t.admin('DELETE', `/content-filter/patterns/${first.body.pattern.id}`);
});

test('refuses the pattern beyond the cap with 409 ERR_CONFLICT', async () => {
  const store = t.gateway.core.store;
  const held = (await store.listContentPatterns()).length;
  for (let i = held; i < maxStoredContentPatterns; i++) {
    await store.addContentPattern({ id: t.gateway.core.ids(), pattern: `filler-${i}`, description: '', createdAt: Date.now() }, maxStoredContentPatterns);
  }
  const res = await addPattern('one-too-many');
  assert.equal(res.status, 409);
  assert.equal(res.body.error_code, 'ERR_CONFLICT');
  assert.equal(res.body.details.max_patterns, maxStoredContentPatterns);
  for (const p of await store.listContentPatterns()) if (p.pattern.startsWith('filler-')) await store.removeContentPattern(p.id);
});

test('answers 401 without the operator token, and to a customer\'s API key', async () => {
  const res = await t.request('GET', '/admin/v1/content-filter/patterns', undefined, { key: null });
  assert.equal(res.status, 401);
  assert.equal((await t.request('POST', '/admin/v1/content-filter/patterns', { pattern: 'x' })).status, 401);
});

test('applies no stored pattern when contentFilter.enabled is false, and says so in the list', async () => {
  const added = await addPattern('switched-off');
  const off = await startTestGateway({
    flags: { dataDir: t.dataDir, 'store.url': t.config.store.url, 'node.role': 'api', 'node.id': 'off', 'contentFilter.enabled': false },
  });
  try {
    assert.equal((await send(off, 'this is switched-off text')).status, 202);
    assert.equal((await off.admin('GET', '/content-filter/patterns')).body.filter_enabled, false);
  } finally {
    await off.stop();
    await t.admin('DELETE', `/content-filter/patterns/${added.body.pattern.id}`);
  }
});
