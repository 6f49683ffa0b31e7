// Nodes on one database must share the pepper: a node (or CLI) with another pepper file refuses to
// start instead of answering 401 to keys that work on the other nodes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.ts';
import { openCore } from '../../src/gateway.ts';
import { freshSchemaUrl, onPostgres } from '../fixtures/postgres.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

test('a node whose pepper differs from the database\'s refuses to start; the same pepper file elsewhere works', async () => {
  const first = mkdtempSync(join(tmpdir(), 'dakiya-pepper-'));
  const other = mkdtempSync(join(tmpdir(), 'dakiya-pepper-'));
  dirs.push(first, other);
  const url = onPostgres ? await freshSchemaUrl() : undefined;
  // On SQLite both "nodes" open the first data dir's database file by its absolute path.
  const flags = (dataDir: string, pepperFile?: string) => ({
    dataDir, 'log.level': 'silent', ...(url ? { 'store.url': url } : { 'store.sqlite.filename': join(first, 'dakiya.db') }),
    ...(pepperFile && { 'security.pepperFile': pepperFile }),
  });
  const core = await openCore(loadConfig({ env: {}, flags: flags(first) }));
  const { apiKey } = await core.admin.createAccount({ name: 'a' });
  await core.store.close();

  writeFileSync(join(other, 'pepper'), 'ab'.repeat(32));
  await assert.rejects(openCore(loadConfig({ env: {}, flags: flags(other) })), /pepper file .* is not the one this database was set up with/);

  const shared = await openCore(loadConfig({ env: {}, flags: flags(other, join(first, 'pepper')) }));
  try {
    const principal = await shared.auth.authenticate(apiKey, '127.0.0.1');
    assert.equal(principal.key.mode, 'live');
  } finally {
    await shared.store.close();
  }
});
