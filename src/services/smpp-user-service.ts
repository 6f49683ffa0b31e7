// SMPP users: the operator defines them (CLI, admin API); the SMPP server asks here whether a bind
// may proceed. Every refusal answers the same `undefined`, whatever the reason, so the wire cannot
// tell an unknown system_id from a wrong password, a locked one or a disallowed address.
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import { DakiyaError } from '../domain/errors.ts';
import { type BindLockoutRule, type SmppUser, validateSmppPassword, validateSystemId } from '../domain/smpp-user.ts';
import type { Store } from '../store/store.ts';
import { ipAllowed, validateAllowlistEntry } from './ip-allowlist.ts';
import type { SecretHasher } from './secret-hasher.ts';

export interface SmppUserInput {
  accountId: string;
  systemId: string;
  password: string;
  ipAllowlist?: readonly string[];
  maxBinds?: number;
  route?: string;
  enabled?: boolean;
}

export interface SmppUserDefaults {
  maxBinds: number;
  route: string;
}

export class SmppUserService {
  #store: Store;
  #hasher: SecretHasher;
  #clock: Clock;
  #defaults: SmppUserDefaults;
  #lockout: BindLockoutRule;

  constructor(deps: { store: Store; hasher: SecretHasher; clock: Clock; defaults: SmppUserDefaults; lockout: BindLockoutRule }) {
    this.#store = deps.store;
    this.#hasher = deps.hasher;
    this.#clock = deps.clock;
    this.#defaults = deps.defaults;
    this.#lockout = deps.lockout;
  }

  /** Creates the user, or replaces the one of that system_id if it belongs to the same account. */
  async save(input: SmppUserInput): Promise<SmppUser> {
    validateSystemId(input.systemId);
    validateSmppPassword(input.password);
    const ipAllowlist = [...(input.ipAllowlist ?? [])];
    for (const entry of ipAllowlist) {
      const problem = validateAllowlistEntry(entry);
      if (problem) throw new DakiyaError('ERR_INVALID_REQUEST', problem, { field: 'ip_allowlist' });
    }
    const maxBinds = input.maxBinds ?? this.#defaults.maxBinds;
    if (!Number.isInteger(maxBinds) || maxBinds < 1 || maxBinds > 1000) throw new DakiyaError('ERR_INVALID_REQUEST', 'max_binds must be 1-1000', { field: 'max_binds' });
    if (!(await this.#store.getAccount(input.accountId))) throw new DakiyaError('ERR_NOT_FOUND', `No account ${input.accountId}.`);
    const route = input.route ?? this.#defaults.route;
    if (!(await this.#store.listRoutes()).some((r) => r.id === route)) throw new DakiyaError('ERR_ROUTE_NOT_FOUND', `Route ${route} does not exist.`, { route });
    const now = this.#clock.now();
    const previous = await this.#store.getSmppUser(input.systemId);
    const user: SmppUser = {
      systemId: input.systemId, accountId: input.accountId, ipAllowlist, maxBinds, route, enabled: input.enabled ?? true,
      createdAt: previous?.user.createdAt ?? now, updatedAt: now,
    };
    if ((await this.#store.saveSmppUser({ user, passwordHash: this.#hash(user.systemId, input.password) })) === 'taken') {
      throw new DakiyaError('ERR_CONFLICT', `system_id ${input.systemId} belongs to another account; system ids are unique across the deployment.`, { field: 'system_id' });
    }
    // A new password ends a lockout at once.
    await this.#store.clearSmppBindFailures(user.systemId);
    return user;
  }

  list(accountId?: string): Promise<SmppUser[]> {
    return this.#store.listSmppUsers(accountId);
  }

  async remove(systemId: string): Promise<void> {
    if (!(await this.#store.removeSmppUser(systemId))) throw new DakiyaError('ERR_NOT_FOUND', `No SMPP user ${systemId}.`);
  }

  /**
   * The user a bind may proceed as, or undefined. Order: the lockout, the IP allowlist (before the
   * password, so a stranger's guesses are never checked), the password, then the user and its
   * account being enabled. Wrong passwords count towards the lockout, for unknown system_ids too;
   * attempts from outside an allowlist do not, so strangers cannot lock a restricted customer out.
   */
  async authenticate(systemId: string, password: string, ip: string): Promise<SmppUser | undefined> {
    const now = this.#clock.now();
    if ((await this.#store.smppBindLockedUntil(systemId, now)) !== undefined) return undefined;
    const stored = await this.#store.getSmppUser(systemId);
    if (stored && !ipAllowed(stored.user.ipAllowlist, ip)) return undefined;
    // Hashed whether or not the user exists, so both take the same time.
    const given = Buffer.from(this.#hash(systemId, password), 'hex');
    const expected = Buffer.from(stored?.passwordHash ?? '00'.repeat(given.length), 'hex');
    const match = expected.length === given.length && timingSafeEqual(expected, given) && stored !== undefined;
    if (!match) {
      await this.#store.recordSmppBindFailure(systemId, now, this.#lockout);
      return undefined;
    }
    await this.#store.clearSmppBindFailures(systemId);
    if (!stored.user.enabled) return undefined;
    const account = await this.#store.getAccount(stored.user.accountId);
    if (account?.status !== 'active') return undefined;
    return stored.user;
  }

  /** The keyed hash of a password; the system_id is mixed in so two users' equal passwords differ. */
  #hash(systemId: string, password: string): string {
    return this.#hasher.hash(`smpp:${systemId}:${password}`);
  }
}
