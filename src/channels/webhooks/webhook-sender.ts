// Webhook POSTs at high rates with guardedPost's safety: every send runs the URL guard (an answer
// is reused for dnsCacheMs per scheme, host and port), new connections go only to the addresses the
// guard checked, over an undici keep-alive pool; redirects are returned, never followed; one
// deadline per attempt; at most maxResponseBytes of each answer are read.
//
// Pooled sockets outlive checks. One opened to an address an earlier check allowed may carry later
// sends after the name's answer changed: that address was checked, and only new connections need
// the new answer (the pool's lookup always gives the latest). Sockets to an address a later check
// *refuses* are not hunted down: a refused check ends the send before anything is dispatched, so
// once that refusal is seen (at the latest dnsCacheMs after the answer changed), no send of that
// origin reaches the pool, and its idle sockets time out unused.
import { performance } from 'node:perf_hooks';
import type { Agent, Dispatcher } from 'undici';
import type { GuardedPostResult } from '../../services/guarded-http-post.ts';
import type { UrlCheck, UrlGuard } from '../../services/url-guard.ts';
import { WebhookAttempt, type AttemptLimits } from './webhook-sender-attempt.ts';
import { createPinnedAgent, PinnedAddresses } from './webhook-sender-pool.ts';

export interface WebhookSenderOptions {
  readonly guard: UrlGuard;
  /** One deadline for the whole attempt: resolving, waiting for a connection, sending, reading. */
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly connectionsPerOrigin?: number;
  /** Above 1, POSTs are pipelined, which makes them replayable after a broken connection (see send). */
  readonly pipelining?: number;
  /** How long a guard answer for a scheme, host and port is reused; 0 checks every send. */
  readonly dnsCacheMs?: number;
  readonly userAgent?: string;
  /** Wall clock in ms, for a Retry-After given as a date; Date.now unless told. */
  readonly now?: () => number;
}

// Framing and routing are ours to set: a caller's Host would defeat the pinning, a wrong
// Content-Length would desynchronise a pooled connection, and the last three undici refuses anyway.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect']);
// Beyond this many remembered checks, expired ones are swept before another is added.
const MAX_CACHED_CHECKS = 10_000;

interface CachedCheck {
  readonly check: Promise<UrlCheck>;
  /** performance.now() after which the answer is stale; Infinity while the check is running. */
  expiresAt: number;
}

export class WebhookSender {
  readonly #guard: UrlGuard;
  readonly #dnsCacheMs: number;
  readonly #userAgent: string;
  readonly #pipelined: boolean;
  readonly #limits: AttemptLimits;
  readonly #pins = new PinnedAddresses();
  readonly #agent: Agent;
  readonly #checks = new Map<string, CachedCheck>();
  #closed: Promise<void> | undefined;

  constructor(options: WebhookSenderOptions) {
    this.#guard = options.guard;
    this.#dnsCacheMs = options.dnsCacheMs ?? 5000;
    this.#userAgent = options.userAgent ?? 'Dakiya-Webhooks/1';
    const timeoutMs = options.timeoutMs ?? 15_000;
    this.#limits = { timeoutMs, maxResponseBytes: options.maxResponseBytes ?? 4096, now: options.now ?? Date.now };
    const pipelining = options.pipelining ?? 1;
    this.#pipelined = pipelining > 1;
    this.#agent = createPinnedAgent({
      pins: this.#pins,
      connectionsPerOrigin: options.connectionsPerOrigin ?? 64,
      pipelining,
      connectTimeoutMs: timeoutMs,
    });
  }

  /** One attempt. Never throws: every failure is in the result. */
  send(url: string, headers: Readonly<Record<string, string>>, body: string | Uint8Array): Promise<GuardedPostResult> {
    const attempt = new WebhookAttempt(this.#limits);
    this.#check(url).then((check) => {
      if (attempt.settled) return; // the deadline passed while the guard was resolving
      if (!check.ok) {
        attempt.refuse(check);
        return;
      }
      const remaining = attempt.remainingMs();
      const options: Dispatcher.DispatchOptions = {
        origin: check.url.origin,
        path: `${check.url.pathname}${check.url.search}`,
        method: 'POST',
        headers: this.#requestHeaders(headers),
        body,
        headersTimeout: remaining,
        bodyTimeout: remaining,
        // undici pipelines only requests it may replay. A webhook may be delivered twice anyway
        // (deliveries are at-least-once and carry webhook-id), so with pipelining asked for, say so.
        ...(this.#pipelined ? { idempotent: true, blocking: false } : {}),
      };
      attempt.dispatch(this.#agent, options);
    }, (error: unknown) => attempt.fail(error));
    return attempt.result;
  }

  /** Waits for the attempts under way (each ends by its deadline), then closes every connection. */
  close(): Promise<void> {
    this.#checks.clear();
    this.#closed ??= this.#agent.close();
    return this.#closed;
  }

  #requestHeaders(headers: Readonly<Record<string, string>>): string[] {
    const flat: string[] = [];
    let userAgent = false;
    let contentType = false;
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (RESERVED_HEADERS.has(lower)) continue;
      if (lower === 'user-agent') userAgent = true;
      else if (lower === 'content-type') contentType = true;
      flat.push(name, headers[name]!);
    }
    if (!userAgent) flat.push('user-agent', this.#userAgent);
    if (!contentType) flat.push('content-type', 'application/json');
    return flat;
  }

  /**
   * The guard's answer for this URL. The guard's verdict depends on the scheme, user info, host
   * and port only, so an answer for those is reused, with this URL's own path, until it is stale;
   * concurrent sends to a host share one resolution.
   */
  async #check(input: string): Promise<UrlCheck> {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      return this.#guard.checkUrl(input); // the guard says what is wrong with it
    }
    if (this.#dnsCacheMs <= 0) return this.#checkNow(url);
    const key = `${url.protocol}//${url.username}:${url.password}@${url.host}`;
    let entry = this.#checks.get(key);
    if (entry === undefined || entry.expiresAt <= performance.now()) {
      if (this.#checks.size >= MAX_CACHED_CHECKS) this.#sweep();
      const fresh: CachedCheck = { check: this.#checkNow(url), expiresAt: Number.POSITIVE_INFINITY };
      fresh.check.then(
        () => { fresh.expiresAt = performance.now() + this.#dnsCacheMs; },
        () => { if (this.#checks.get(key) === fresh) this.#checks.delete(key); },
      );
      this.#checks.set(key, fresh);
      entry = fresh;
    }
    const check = await entry.check;
    return check.ok ? { ok: true, url, addresses: check.addresses } : check;
  }

  /** Runs the guard and points the pool's lookup at what it found. */
  async #checkNow(url: URL): Promise<UrlCheck> {
    const check = await this.#guard.checkUrl(url);
    if (check.ok) this.#pins.pin(check.url.hostname, check.addresses);
    else if (check.code === 'URL_ADDRESS_BLOCKED') this.#pins.unpin(url.hostname);
    return check;
  }

  #sweep(): void {
    const now = performance.now();
    for (const [key, entry] of this.#checks) if (entry.expiresAt <= now) this.#checks.delete(key);
    // Still full of live answers: the oldest goes, so memory stays bounded under any URL mix.
    const oldest = this.#checks.size >= MAX_CACHED_CHECKS ? this.#checks.keys().next().value : undefined;
    if (oldest !== undefined) this.#checks.delete(oldest);
  }
}
