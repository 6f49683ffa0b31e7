// Runs the store contract against the PostgreSQL implementation, on a real server (a throwaway
// cluster; see test/fixtures/postgres.ts), each test in a fresh schema.
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { freshSchemaUrl } from '../fixtures/postgres.ts';
import { contentPatternsContract } from './content-patterns.contract.ts';
import { eventsContract } from './events.contract.ts';
import { otpContract } from './otp.contract.ts';
import { storeContract } from './store.contract.ts';

storeContract('postgres', async () => {
  const url = await freshSchemaUrl();
  return () => PostgresStore.open({ url, poolSize: 8, connectTimeoutMs: 5000, groupCommit: { maxBatch: 100, maxInFlight: 4 } });
});

eventsContract('postgres', async () => {
  const url = await freshSchemaUrl();
  return () => PostgresStore.open({ url, poolSize: 8, connectTimeoutMs: 5000, groupCommit: { maxBatch: 100, maxInFlight: 4 } });
});

otpContract('postgres', async () => {
  const url = await freshSchemaUrl();
  return () => PostgresStore.open({ url, poolSize: 8, connectTimeoutMs: 5000, groupCommit: { maxBatch: 100, maxInFlight: 4 } });
});

contentPatternsContract('postgres', async () => {
  const url = await freshSchemaUrl();
  return () => PostgresStore.open({ url, poolSize: 8, connectTimeoutMs: 5000, groupCommit: { maxBatch: 100, maxInFlight: 4 } });
});
