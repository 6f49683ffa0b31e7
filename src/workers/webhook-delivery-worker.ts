// Sends due webhook deliveries: claims them (a claim lapses, so a dead node's deliveries fall due
// again: at-least-once), signs each body (Standard Webhooks + the simple X-Dakiya-Signature),
// POSTs it through the transport (SSRF-guarded, no redirects, one deadline), decides what the
// answer means (domain/webhook-retry.ts) and records attempts in batches. The same event keeps its
// webhook-id on every attempt and every endpoint.
import type { Clock } from '../domain/clock.ts';
import { eventId } from '../domain/event.ts';
import { decideAttempt } from '../domain/webhook-retry.ts';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.ts';
import { signWebhook, simpleSignature } from '../protocols/standard-webhooks/index.ts';
import { eventPayload } from '../services/event-payload.ts';
import type { GuardedPostResult } from '../services/guarded-http-post.ts';
import type { SigningKeys } from '../services/webhook-service.ts';
import type { ClaimedDelivery, DeliveryResult, Store } from '../store/store.ts';
import { WakeLoop } from './wake-loop.ts';

/** One HTTP attempt; never throws (every failure is in the result). */
export interface WebhookTransport {
  send(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<GuardedPostResult>;
}

export type KeysLookup = (endpointId: string, accountId: string) => Promise<{ endpoint: WebhookEndpoint; keys: SigningKeys } | undefined>;

export interface DeliveryOptions {
  concurrency: number;
  perEndpointConcurrency: number;
  pollMs: number;
  timeoutMs: number;
  maxResponseBytes: number;
  disableAfterMs: number;
  /** How long a claim holds a delivery; past the attempt's deadline, so only a dead holder's lapse. */
  claimMs?: number;
}

export interface DeliveryEvents {
  /** A quarter of the node's capacity is free again (a paced fan-out reads more events then). */
  onRoom?: () => void;
  onResult?: (result: DeliveryResult, latencyMs: number | null) => void;
  onDisabled?: (endpoint: { id: string; accountId: string; reason: string }) => void;
  onError?: (error: unknown) => void;
}

interface Slot {
  active: number;
  queue: ClaimedDelivery[];
  /** The queue filled up: claims leave this endpoint out until it drains by half. */
  full: boolean;
}

/** Signing keys are re-read this often, so a rotation or a disabled endpoint takes effect within it. */
const keysTtlMs = 1000;

export class WebhookDeliveryWorker {
  #store: Store;
  #clock: Clock;
  #transport: WebhookTransport;
  #keys: KeysLookup;
  #options: Required<DeliveryOptions>;
  #events: DeliveryEvents;
  #random: () => number;
  /** Deliveries this node holds: being attempted or waiting for their endpoint's slot. */
  #held = 0;
  /** Per endpoint (or callback origin): attempts running and claimed deliveries waiting for one to end. */
  #slots = new Map<string, Slot>();
  /** The last claim found fewer due deliveries than it asked for: finishing attempts need not claim again at once. */
  #starved = false;
  #keyCache = new Map<string, { at: number; value: Awaited<ReturnType<KeysLookup>> }>();
  #results: Array<{ result: DeliveryResult; latencyMs: number | null }> = [];
  #flushing: Promise<void> | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #loop: WakeLoop;
  #idle: Array<() => void> = [];

  constructor(deps: { store: Store; clock: Clock; transport: WebhookTransport; keys: KeysLookup; options: DeliveryOptions; events?: DeliveryEvents; random?: () => number }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#transport = deps.transport;
    this.#keys = deps.keys;
    // A claimed delivery may wait behind its endpoint's attempts: at most concurrency / per-endpoint
    // rounds of a full deadline each. Its claim must outlast that, or another holder would send it too.
    const rounds = Math.ceil(deps.options.concurrency / deps.options.perEndpointConcurrency) + 2;
    this.#options = { claimMs: deps.options.timeoutMs * rounds + 30_000, ...deps.options };
    this.#events = deps.events ?? {};
    this.#random = deps.random ?? Math.random;
    this.#loop = new WakeLoop(() => this.#claim(), this.#options.pollMs);
  }

  start(): void {
    this.#loop.start();
  }

  /** New deliveries may be due: claim now. */
  wake(): void {
    this.#loop.wake();
  }

  /** How long a claim holds a delivery. */
  get claimMs(): number {
    return this.#options.claimMs;
  }

  /** How many more deliveries this node can take now: in all, and to one endpoint (queue included). */
  free(): number {
    return this.#loop.stopped ? 0 : Math.max(0, this.#options.concurrency - this.#held);
  }

  /**
   * One endpoint may hold all but perEndpointConcurrency of the node's capacity (so another
   * endpoint always finds room); the claim time covers the wait of a delivery queued that deep.
   */
  freeFor(endpointId: string): number {
    const slot = this.#slots.get(endpointId);
    const cap = Math.max(this.#options.perEndpointConcurrency, this.#options.concurrency - this.#options.perEndpointConcurrency);
    return Math.max(0, cap - (slot ? slot.active + slot.queue.length : 0));
  }

  /** Deliveries claimed for this node elsewhere (the fan-out claims new ones at birth): sent like claimed ones. */
  adopt(claimed: readonly ClaimedDelivery[]): void {
    for (const d of claimed) this.#take(d);
  }

  /** Stops claiming, lets attempts in flight finish and records them. */
  async stop(): Promise<void> {
    await this.#loop.stop();
    if (this.#held > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await this.#flush();
  }

  async #claim(): Promise<void> {
    try {
      while (!this.#loop.stopped) {
        // Small claims, so one endpoint's backlog cannot fill every slot of this node at once.
        const want = Math.min(this.#options.concurrency - this.#held, Math.max(64, this.#options.perEndpointConcurrency));
        if (want <= 0) return;
        // Endpoints with a full queue are left out: their deliveries wait in the store.
        const full = [...this.#slots].filter(([, slot]) => slot.full).map(([key]) => key);
        const claimed = await this.#store.claimWebhookDeliveries(this.#clock.now(), want, this.#options.claimMs, full);
        for (const d of claimed) this.#take(d);
        this.#starved = claimed.length < want;
        if (this.#starved) return;
      }
    } catch (error) {
      this.#events.onError?.(error);
    }
  }

  /**
   * A claimed delivery: attempted now if its endpoint has a free slot, else queued behind the
   * endpoint's running attempts. Once a queue holds perEndpointConcurrency deliveries, claims leave
   * that endpoint out until it drains by half. (An account's callback URLs share its callback
   * endpoint's slots.)
   */
  #take(d: ClaimedDelivery): void {
    const key = d.endpointId;
    let slot = this.#slots.get(key);
    if (!slot) this.#slots.set(key, slot = { active: 0, queue: [], full: false });
    this.#held++;
    if (slot.active < this.#options.perEndpointConcurrency) {
      void this.#run(key, slot, d);
    } else {
      slot.queue.push(d);
      if (slot.queue.length >= this.#options.perEndpointConcurrency) slot.full = true;
    }
  }

  async #run(key: string, slot: Slot, first: ClaimedDelivery): Promise<void> {
    slot.active++;
    for (let d: ClaimedDelivery | undefined = first; d; d = slot.queue.shift()) {
      try {
        this.#push(...await this.#attempt(d));
      } catch (error) {
        // Keys that do not open (pepper replaced), a payload that cannot be built: the claim lapses
        // and the delivery is tried again later; the operator sees the error.
        this.#events.onError?.(error);
      }
      this.#held--;
      // Claim more once a quarter of the capacity is free — not after every attempt (a claim is a
      // query), and after a claim that found too little only when this endpoint's full queue has
      // drained by half (its deliveries were left out of claims while it was full).
      const drained = slot.full && slot.queue.length <= this.#options.perEndpointConcurrency >> 1;
      if (drained) slot.full = false;
      if (!this.#loop.stopped && this.#options.concurrency - this.#held >= Math.max(1, this.#options.concurrency >> 2)) {
        if (!this.#starved || drained) this.wake();
        this.#events.onRoom?.();
      }
    }
    slot.active--;
    if (slot.active === 0) this.#slots.delete(key);
    if (this.#held === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #attempt(d: ClaimedDelivery): Promise<[DeliveryResult, number | null]> {
    const found = await this.#keysFor(d.endpointId, d.accountId);
    const url = d.url ?? found?.endpoint.url ?? null;
    if (!found || !found.endpoint.enabled || url === null) {
      const why = !found ? 'endpoint removed' : 'endpoint disabled';
      return [{ deliveryId: d.id, endpointId: d.endpointId, attempt: null, next: { state: 'failed', at: this.#clock.now() }, lastStatus: d.lastStatus,
        lastError: why, endpointHealth: 'unchanged' }, null];
    }
    const body = JSON.stringify(eventPayload(d.event));
    const id = eventId(d.event.seq);
    const startedAt = this.#clock.now();
    const timestamp = Math.floor(startedAt / 1000);
    const headers = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ id, timestamp, body, secrets: found.keys.secrets }),
      'x-dakiya-signature': simpleSignature(body, found.keys.current),
      'x-dakiya-event': d.event.type,
    };
    const answer = await this.#transport.send(url, headers, body);
    const now = this.#clock.now();
    const decision = decideAttempt(
      { status: answer.status, ...(answer.retryAfterSeconds !== undefined && { retryAfterSeconds: answer.retryAfterSeconds }) },
      { step: d.step, createdAt: d.createdAt, now, random: this.#random() });
    const error = answer.error !== undefined ? `${answer.error}: ${answer.errorDetail ?? ''}`.slice(0, 500)
      : answer.status !== null && (answer.status < 200 || answer.status >= 300) ? `HTTP ${answer.status}` : null;
    const callback = found.endpoint.kind === 'callback';
    const health: DeliveryResult['endpointHealth'] = decision.state === 'delivered' ? 'ok'
      : callback ? 'unchanged' : decision.disableEndpoint !== undefined ? { disable: decision.disableEndpoint } : 'failed';
    const next: DeliveryResult['next'] = decision.state === 'pending' ? decision : { state: decision.state, at: now };
    return [{
      deliveryId: d.id, endpointId: d.endpointId, next, lastStatus: answer.status,
      lastError: decision.state === 'failed' ? `${error ?? ''}; ${decision.reason}`.replace(/^; /, '') : error,
      endpointHealth: health,
      attempt: {
        deliveryId: d.id, attempt: d.attempts, at: startedAt, latencyMs: answer.latencyMs, statusCode: answer.status, error,
        response: answer.bodyExcerpt === '' ? null : answer.bodyExcerpt.slice(0, this.#options.maxResponseBytes),
      },
    }, answer.latencyMs];
  }

  async #keysFor(endpointId: string, accountId: string): ReturnType<KeysLookup> {
    const now = Date.now();
    const cached = this.#keyCache.get(endpointId);
    if (cached && now - cached.at < keysTtlMs) return cached.value;
    const value = await this.#keys(endpointId, accountId);
    this.#keyCache.set(endpointId, { at: now, value });
    if (this.#keyCache.size > 10_000) this.#keyCache.delete(this.#keyCache.keys().next().value!);
    return value;
  }

  #push(result: DeliveryResult, latencyMs: number | null): void {
    this.#results.push({ result, latencyMs });
    if (this.#results.length >= 256) void this.#flush();
    else this.#flushTimer ??= setTimeout(() => { void this.#flush(); }, 5);
  }

  /** Records what is buffered, one batch at a time; a failed write is retried (the claims outlive it). */
  async #flush(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    while (this.#flushing) await this.#flushing;
    if (this.#results.length === 0) return;
    const batch = this.#results.splice(0);
    this.#flushing = (async () => {
      try {
        const disabled = await this.#store.recordWebhookResults(batch.map((b) => b.result), this.#clock.now(), this.#options.disableAfterMs);
        for (const b of batch) this.#events.onResult?.(b.result, b.latencyMs);
        for (const e of disabled) {
          this.#keyCache.delete(e.id);
          this.#events.onDisabled?.(e);
        }
      } catch (error) {
        this.#events.onError?.(error);
        this.#results.unshift(...batch);
        this.#flushTimer ??= setTimeout(() => { void this.#flush(); }, 1000);
      }
    })();
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }
}
