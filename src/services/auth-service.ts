// Who is calling: API keys (customers) and operator tokens (admin), checked by keyed hash,
// with a short cache so authentication costs one HMAC per request.
import type { Account, ApiKey } from '../domain/account.ts';
import type { Clock } from '../domain/clock.ts';
import { DakiyaError } from '../domain/errors.ts';
import type { Store } from '../store/store.ts';
import { ipAllowed } from './ip-allowlist.ts';
import type { SecretHasher } from './secret-hasher.ts';

export interface Principal {
  account: Account;
  key: ApiKey;
}

interface Entry {
  at: number;
  value: Promise<Principal | undefined>;
}

export class AuthService {
  #store: Store;
  #hasher: SecretHasher;
  #clock: Clock;
  #ttlMs: number;
  #cache = new Map<string, Entry>();

  constructor(deps: { store: Store; hasher: SecretHasher; clock: Clock; cacheTtlMs?: number }) {
    this.#store = deps.store;
    this.#hasher = deps.hasher;
    this.#clock = deps.clock;
    this.#ttlMs = deps.cacheTtlMs ?? 2000;
  }

  /** Resolves an API key; order of checks: key, then IP allowlist, then account state. */
  async authenticate(rawKey: string | undefined, ip: string): Promise<Principal> {
    if (!rawKey || rawKey.length > 200) throw new DakiyaError('ERR_UNAUTHORIZED');
    const hash = this.#hasher.hash(rawKey);
    const now = this.#clock.now();
    let entry = this.#cache.get(hash);
    if (!entry || now - entry.at >= this.#ttlMs) {
      entry = { at: now, value: this.#load(hash) };
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(hash, entry);
    }
    const principal = await entry.value;
    if (!principal || principal.key.status !== 'active') throw new DakiyaError('ERR_UNAUTHORIZED');
    if (!ipAllowed(principal.key.ipAllowlist, ip)) {
      throw new DakiyaError('ERR_IP_NOT_ALLOWED', `This key may not be used from ${ip}; add it to the key's allowlist.`);
    }
    if (principal.account.status !== 'active') throw new DakiyaError('ERR_ACCOUNT_SUSPENDED');
    return principal;
  }

  async #load(hash: string): Promise<Principal | undefined> {
    const key = await this.#store.findApiKeyByHash(hash);
    if (!key) return undefined;
    const account = await this.#store.getAccount(key.accountId);
    return account && { account, key };
  }

  async authenticateOperator(token: string | undefined): Promise<void> {
    if (!token || token.length > 200 || !(await this.#store.hasOperatorToken(this.#hasher.hash(token)))) {
      throw new DakiyaError('ERR_UNAUTHORIZED', 'Missing or invalid operator token: send Authorization: Bearer <operator token>.');
    }
  }

  /** Forget cached keys after a revocation or account change made in this process. */
  invalidate(): void {
    this.#cache.clear();
  }
}
