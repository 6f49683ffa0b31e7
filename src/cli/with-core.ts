// Opens the store and services for one CLI command and closes them afterwards.
import type { Config } from '../config/config-schema.ts';
import { type Core, openCore } from '../gateway.ts';

export async function withCore<T>(config: Readonly<Config>, run: (core: Core) => Promise<T>): Promise<T> {
  const core = await openCore(config);
  try {
    return await run(core);
  } finally {
    await core.store.close();
  }
}
