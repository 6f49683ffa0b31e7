// Keeps each account's routes, senders and templates in memory for a few seconds, so the send path
// reads no admin tables per request; changes (also from the CLI in another process) show within the TTL.
import type { Clock } from '../domain/clock.ts';
import type { SendingProfile, Store } from '../store/store.ts';

export class SendingProfileCache {
  #store: Store;
  #clock: Clock;
  #ttlMs: number;
  #entries = new Map<string, { at: number; profile: Promise<SendingProfile | undefined> }>();

  constructor(store: Store, clock: Clock, ttlMs = 2000) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  get(accountId: string): Promise<SendingProfile | undefined> {
    const now = this.#clock.now();
    const hit = this.#entries.get(accountId);
    if (hit && now - hit.at < this.#ttlMs) return hit.profile;
    const profile = this.#store.loadSendingProfile(accountId);
    this.#entries.set(accountId, { at: now, profile });
    profile.catch(() => this.#entries.delete(accountId));
    return profile;
  }

  /** Called after an admin change made in this process, so it applies at once. */
  invalidate(accountId?: string): void {
    if (accountId === undefined) this.#entries.clear();
    else this.#entries.delete(accountId);
  }
}
