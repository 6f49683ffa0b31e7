// The operator CLI against a data dir: the commands of the contract, their --json output,
// and failures that change nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../fixtures/child-gateway.ts';
import { onPostgres } from '../fixtures/postgres.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-cli-'));
let accountId = '';
before(async () => {
  const created = await runCli(dataDir, ['account', 'create', '--name', 'Acme', '--credits', 'transactional=50', '--credits', 'otp=5']);
  assert.match(created.api_key, /^dk_live_/);
  accountId = created.account_id;
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('account create gives the account its initial credits per route', async () => {
  const { balances } = await runCli(dataDir, ['balances', '--account', accountId]);
  assert.deepEqual(balances, [{ route: 'otp', credits: 5 }, { route: 'transactional', credits: 50 }]);
});

test('sender add and template add register a DLT header and its template', async () => {
  assert.deepEqual(await runCli(dataDir, ['sender', 'add', '--account', accountId, '--sender', 'acmein']), { account_id: accountId, sender: 'ACMEIN', kind: 'dlt-header' });
  const t = await runCli(dataDir, ['template', 'add', '--account', accountId, '--template-id', '1007158000001', '--sender', 'ACMEIN', '--category', 'transactional', '--text', 'Order {#str#} ships {#date#}']);
  assert.deepEqual(t, { account_id: accountId, template_id: '1007158000001', entity_id: null });
  const withEntity = await runCli(dataDir, ['template', 'add', '--account', accountId, '--template-id', '1007158000002', '--sender', 'ACMEIN', '--category', 'transactional',
    '--text', 'Order {#str#} packed', '--entity-id', '1201159000000000077']);
  assert.deepEqual(withEntity, { account_id: accountId, template_id: '1007158000002', entity_id: '1201159000000000077' });
});

test('dnd import reads numbers one per line or comma-separated, with comments', async () => {
  const file = join(dataDir, 'dnd.txt');
  writeFileSync(file, '# DND list\n9876543210\n+91 98765 43211, 09876543212\n\n');
  assert.deepEqual(await runCli(dataDir, ['dnd', 'import', file]), { read: 3, added: 3 });
  assert.deepEqual(await runCli(dataDir, ['dnd', 'add', '9876543210']), { added: 0 });
});

test('smpp-user set creates or replaces an SMPP user, list shows it without its password, remove deletes it', async () => {
  const set = await runCli(dataDir, ['smpp-user', 'set', '--account', accountId, '--system-id', 'acme01', '--password', 's3cret', '--allow-ip', '203.0.113.0/24', '--allow-ip', '10.1.2.3', '--max-binds', '4']);
  assert.deepEqual({ ...set.smpp_user, created_at: undefined, updated_at: undefined }, {
    system_id: 'acme01', account_id: accountId, ip_allowlist: ['203.0.113.0/24', '10.1.2.3'], max_binds: 4, route: 'transactional', enabled: true, created_at: undefined, updated_at: undefined,
  });
  await runCli(dataDir, ['smpp-user', 'set', '--account', accountId, '--system-id', 'acme01', '--password', 'other', '--route', 'otp']);
  const { smpp_users: users } = await runCli(dataDir, ['smpp-user', 'list', '--account', accountId]);
  assert.deepEqual(users.map((u: any) => [u.system_id, u.route, u.max_binds, u.ip_allowlist.length]), [['acme01', 'otp', 10, 0]]);
  assert.ok(!JSON.stringify(users).includes('other'));
  await assert.rejects(runCli(dataDir, ['smpp-user', 'set', '--account', accountId, '--system-id', 'acme01', '--password', 'too-long-for-smpp']), /ERR_INVALID_REQUEST/);
  assert.deepEqual(await runCli(dataDir, ['smpp-user', 'remove', '--system-id', 'acme01']), { removed: 'acme01' });
  assert.deepEqual(await runCli(dataDir, ['smpp-user', 'list']), { smpp_users: [] });
});

test('content-filter add stores a pattern, list shows it, remove deletes it; a hostile pattern is refused', async () => {
  const { pattern } = await runCli(dataDir, ['content-filter', 'add', 'verify-kyc\\.example', '--description', 'KYC phishing']);
  assert.deepEqual({ ...pattern, id: undefined, created_at: undefined }, { id: undefined, pattern: 'verify-kyc\\.example', description: 'KYC phishing', created_at: undefined });
  assert.deepEqual(await runCli(dataDir, ['content-filter', 'list']), { patterns: [pattern], filter_enabled: true });
  await assert.rejects(runCli(dataDir, ['content-filter', 'add', '(a+)+$']), /ERR_INVALID_REQUEST: pattern: .*nested repetition/);
  assert.deepEqual(await runCli(dataDir, ['content-filter', 'remove', pattern.id]), { removed: pattern.id });
  await assert.rejects(runCli(dataDir, ['content-filter', 'remove', pattern.id]), /ERR_NOT_FOUND/);
});

test('a command that fails exits non-zero, says why and changes nothing', async () => {
  await assert.rejects(runCli(dataDir, ['dnd', 'add', '9876543213', 'not-a-number']), /ERR_INVALID_MOBILE/);
  assert.deepEqual(await runCli(dataDir, ['dnd', 'add', '9876543213']), { added: 1 });
  await assert.rejects(runCli(dataDir, ['credits', 'add', '--account', accountId, '--route', 'otp', '--amount', '-6']), /ERR_INSUFFICIENT_CREDITS/);
  const { balances } = await runCli(dataDir, ['balances', '--account', accountId]);
  assert.equal(balances.find((b: { route: string }) => b.route === 'otp').credits, 5);
});

test('migrate brings the configured store to the latest schema and says which engine it is', async () => {
  const fresh = mkdtempSync(join(tmpdir(), 'dakiya-cli-migrate-'));
  try {
    const migrated = await runCli(fresh, ['migrate']);
    assert.deepEqual(migrated, { driver: onPostgres ? 'postgres' : 'sqlite', migrated: true });
    // Again: nothing pending, same answer; and the store works afterwards.
    assert.deepEqual(await runCli(fresh, ['migrate']), migrated);
    assert.ok((await runCli(fresh, ['routes'])).routes.length > 0);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});
