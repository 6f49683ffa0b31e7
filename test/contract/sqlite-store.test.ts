// Runs the store contract against the SQLite implementation, on a real database file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { contentPatternsContract } from './content-patterns.contract.ts';
import { eventsContract } from './events.contract.ts';
import { otpContract } from './otp.contract.ts';
import { storeContract } from './store.contract.ts';

// Batches of 1,000 messages or more are deferred (as `serve` does from 2,000), so the contract's large-batch cases run deferred.
storeContract('sqlite', async () => {
  const filename = join(mkdtempSync(join(tmpdir(), 'dakiya-store-')), 'test.db');
  return () => SqliteStore.open({ filename, synchronous: 'normal', groupCommit: { maxBatch: 100, maxDelayMs: 0 }, deferFrom: 1000 });
});

eventsContract('sqlite', async () => {
  const filename = join(mkdtempSync(join(tmpdir(), 'dakiya-store-')), 'test.db');
  return () => SqliteStore.open({ filename, synchronous: 'normal', groupCommit: { maxBatch: 100, maxDelayMs: 0 } });
});

otpContract('sqlite', async () => {
  const filename = join(mkdtempSync(join(tmpdir(), 'dakiya-store-')), 'test.db');
  return () => SqliteStore.open({ filename, synchronous: 'normal', groupCommit: { maxBatch: 100, maxDelayMs: 0 } });
});

contentPatternsContract('sqlite', async () => {
  const filename = join(mkdtempSync(join(tmpdir(), 'dakiya-store-')), 'test.db');
  return () => SqliteStore.open({ filename, synchronous: 'normal', groupCommit: { maxBatch: 100, maxDelayMs: 0 } });
});
