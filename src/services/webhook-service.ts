// Customers' webhook endpoints and per-request callbacks: registration (the URL checked by the SSRF
// guard), signing secrets (generated here, shown once, sealed at rest, rotated with an overlap in
// which both sign), the event log they can pull, and redelivery. Always scoped to one account:
// another tenant's endpoint or event is simply not found.
import type { Clock } from '../domain/clock.ts';
import { DakiyaError } from '../domain/errors.ts';
import { parseEventId } from '../domain/event.ts';
import type { IdGenerator } from '../domain/ids.ts';
import {
  callbackEndpointId, maxEndpointsPerAccount, maxUrlLength, parseEventList, subscribes, type WebhookEndpoint,
} from '../domain/webhook-endpoint.ts';
import { generateWebhookSecret, parseWebhookSecret, type WebhookSecret } from '../protocols/standard-webhooks/index.ts';
import type { StoredEvent, StoredWebhookEndpoint, WebhookAttempt, WebhookDelivery, DeliveryState } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import type { SecretBox } from './secret-box.ts';
import type { UrlGuard } from './url-guard.ts';

export interface EndpointInput {
  url?: string;
  events?: unknown;
  description?: string;
  enabled?: boolean;
}

/** The secrets that sign one endpoint's deliveries now: the current one, and the previous during an overlap. */
export interface SigningKeys {
  /** The current secret's text (the simple X-Dakiya-Signature scheme is keyed by it). */
  current: string;
  /** Parsed, current first: what the Standard Webhooks signature is computed with. */
  secrets: WebhookSecret[];
}

export interface DeliveryView extends WebhookDelivery {
  attemptsLog: WebhookAttempt[];
}

export class WebhookService {
  #store: Store;
  #box: SecretBox;
  #guard: UrlGuard;
  #clock: Clock;
  #ids: IdGenerator;
  #overlapMs: number;

  constructor(deps: { store: Store; box: SecretBox; guard: UrlGuard; clock: Clock; ids: IdGenerator; secretOverlapMs: number }) {
    this.#store = deps.store;
    this.#box = deps.box;
    this.#guard = deps.guard;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#overlapMs = deps.secretOverlapMs;
  }

  /** Checks a customer's URL (endpoint or callback_url): answers it normalised, or throws ERR_WEBHOOK_URL_NOT_ALLOWED. */
  async checkUrl(url: unknown, field = 'url'): Promise<string> {
    if (typeof url !== 'string' || url.length === 0 || url.length > maxUrlLength) {
      throw new DakiyaError('ERR_INVALID_REQUEST', `${field} must be an http(s) URL of at most ${maxUrlLength} characters`, { field });
    }
    const check = await this.#guard.checkUrl(url);
    if (!check.ok) throw new DakiyaError('ERR_WEBHOOK_URL_NOT_ALLOWED', `${field}: ${check.reason}`, { field, reason: check.code });
    return check.url.href;
  }

  async create(accountId: string, input: EndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const url = await this.checkUrl(input.url);
    const events = parseEventList(input.events ?? '*');
    const existing = await this.#store.listWebhookEndpoints({ accountId });
    if (existing.filter((e) => e.endpoint.kind === 'endpoint').length >= maxEndpointsPerAccount) {
      throw new DakiyaError('ERR_CONFLICT', `An account may register at most ${maxEndpointsPerAccount} webhook endpoints; remove one first.`);
    }
    const now = this.#clock.now();
    const id = this.#ids();
    const secret = generateWebhookSecret();
    const endpoint: WebhookEndpoint = {
      id, accountId, kind: 'endpoint', url, events, description: description(input.description), enabled: input.enabled ?? true,
      failingSince: null, disabledReason: null, createdAt: now, updatedAt: now,
    };
    await this.#store.saveWebhookEndpoint({ endpoint, secretSealed: this.#seal(id, secret), previousSecretSealed: null, previousUntil: null });
    return { endpoint, secret };
  }

  async list(accountId: string): Promise<WebhookEndpoint[]> {
    return (await this.#store.listWebhookEndpoints({ accountId })).filter((e) => e.endpoint.kind === 'endpoint').map((e) => e.endpoint);
  }

  /** The operator's view across accounts: every registered endpoint, or only the disabled (or enabled) ones. */
  async all(filter: { accountId?: string; disabled?: boolean }): Promise<WebhookEndpoint[]> {
    const stored = await this.#store.listWebhookEndpoints(filter.accountId === undefined ? {} : { accountId: filter.accountId });
    return stored.map((e) => e.endpoint).filter((e) => e.kind === 'endpoint' && (filter.disabled === undefined || e.enabled !== filter.disabled));
  }

  async get(accountId: string, id: string): Promise<WebhookEndpoint> {
    return (await this.#stored(accountId, id)).endpoint;
  }

  /** Changes URL, events, description or enabled; enabling clears what disabled it. */
  async update(accountId: string, id: string, input: EndpointInput): Promise<WebhookEndpoint> {
    const stored = await this.#stored(accountId, id);
    const endpoint: WebhookEndpoint = { ...stored.endpoint, updatedAt: this.#clock.now() };
    if (input.url !== undefined) endpoint.url = await this.checkUrl(input.url);
    if (input.events !== undefined) endpoint.events = parseEventList(input.events);
    if (input.description !== undefined) endpoint.description = description(input.description);
    if (input.enabled !== undefined) {
      endpoint.enabled = input.enabled;
      if (input.enabled) {
        endpoint.disabledReason = null;
        endpoint.failingSince = null;
      }
    }
    await this.#store.saveWebhookEndpoint({ ...stored, endpoint });
    return endpoint;
  }

  async remove(accountId: string, id: string): Promise<void> {
    if (!(await this.#store.removeWebhookEndpoint(accountId, id, this.#clock.now()))) throw notFound(id);
  }

  /** A new secret, shown once; the old one keeps signing alongside it for the overlap. */
  async rotateSecret(accountId: string, id: string): Promise<{ secret: string; previousValidUntil: number | null }> {
    return this.#rotate(await this.#stored(accountId, id));
  }

  /** The secret that signs the account's callback_url deliveries: made on first call, rotated on every later one. */
  async rotateCallbackSecret(accountId: string): Promise<{ secret: string; previousValidUntil: number | null }> {
    const stored = await this.#callbackEndpoint(accountId);
    return this.#rotate(stored);
  }

  /** The account's callback endpoint, made (with a secret no one has seen yet) the first time it is needed. */
  async #callbackEndpoint(accountId: string): Promise<StoredWebhookEndpoint> {
    const id = callbackEndpointId(accountId);
    const found = await this.#store.getWebhookEndpoint(id, accountId);
    if (found) return found;
    const now = this.#clock.now();
    return this.#store.ensureWebhookEndpoint({
      endpoint: {
        id, accountId, kind: 'callback', url: null, events: '*', description: 'per-request callback_url deliveries', enabled: true,
        failingSince: null, disabledReason: null, createdAt: now, updatedAt: now,
      },
      secretSealed: this.#seal(id, generateWebhookSecret()), previousSecretSealed: null, previousUntil: null,
    });
  }

  async #rotate(stored: StoredWebhookEndpoint): Promise<{ secret: string; previousValidUntil: number | null }> {
    const now = this.#clock.now();
    const secret = generateWebhookSecret();
    const previousUntil = this.#overlapMs > 0 ? now + this.#overlapMs : null;
    await this.#store.saveWebhookEndpoint({
      endpoint: { ...stored.endpoint, updatedAt: now },
      secretSealed: this.#seal(stored.endpoint.id, secret),
      previousSecretSealed: previousUntil === null ? null : stored.secretSealed,
      previousUntil,
    });
    return { secret, previousValidUntil: previousUntil };
  }

  /** What signs this endpoint's deliveries at `now` (for the delivery worker); undefined when it is gone. */
  async signingKeys(endpointId: string, accountId: string): Promise<{ endpoint: WebhookEndpoint; keys: SigningKeys } | undefined> {
    const stored = endpointId === callbackEndpointId(accountId) ? await this.#callbackEndpoint(accountId) : await this.#store.getWebhookEndpoint(endpointId, accountId);
    if (!stored) return undefined;
    const current = this.#box.open(stored.secretSealed, context(stored.endpoint.id));
    const secrets = [parseWebhookSecret(current)];
    if (stored.previousSecretSealed !== null && stored.previousUntil !== null && stored.previousUntil > this.#clock.now()) {
      secrets.push(parseWebhookSecret(this.#box.open(stored.previousSecretSealed, context(stored.endpoint.id))));
    }
    return { endpoint: stored.endpoint, keys: { current, secrets } };
  }

  /** The account's events after a cursor (or from a time), oldest first. */
  async events(accountId: string, query: { after?: string; since?: number; limit: number }): Promise<StoredEvent[]> {
    if (query.after !== undefined && !/^\d{1,20}(\.\d{1,19})?$/.test(query.after)) {
      throw new DakiyaError('ERR_INVALID_REQUEST', 'after must be the next_cursor of a previous page', { field: 'after' });
    }
    return this.#store.listEvents({ accountId, limit: query.limit, ...(query.after !== undefined && { after: query.after }), ...(query.since !== undefined && { since: query.since }) });
  }

  async event(accountId: string, id: string): Promise<{ event: StoredEvent; deliveries: DeliveryView[] }> {
    const seq = parseEventId(id);
    const event = seq === undefined ? undefined : await this.#store.getEvent(accountId, seq);
    if (!event) throw new DakiyaError('ERR_NOT_FOUND', `No event ${id.slice(0, 64)}.`);
    return { event, deliveries: await this.#withAttempts(() => this.#store.listWebhookDeliveries({ accountId, eventSeq: event.seq, limit: 100 })) };
  }

  /**
   * Delivers an event again, with the same webhook-id: to one endpoint of the account, or to every
   * enabled endpoint subscribed to it (and its callback_url, if it had one).
   */
  async redeliver(accountId: string, id: string, endpointId?: string): Promise<number[]> {
    const { event } = await this.event(accountId, id);
    const targets: Array<{ endpointId: string; url: string | null }> = [];
    if (endpointId !== undefined) {
      const stored = await this.#stored(accountId, endpointId);
      if (!stored.endpoint.enabled) throw new DakiyaError('ERR_CONFLICT', 'The endpoint is disabled; enable it first.');
      targets.push({ endpointId, url: null });
    } else {
      for (const e of await this.#store.listWebhookEndpoints({ accountId, enabledOnly: true })) {
        if (e.endpoint.kind === 'endpoint' && subscribes(e.endpoint, event.type)) targets.push({ endpointId: e.endpoint.id, url: null });
      }
      const callback = event.message?.callbackUrl ?? null;
      if (callback !== null && subscribes({ kind: 'callback', events: '*', enabled: true }, event.type)) {
        targets.push({ endpointId: callbackEndpointId(accountId), url: callback });
      }
    }
    if (targets.length === 0) throw new DakiyaError('ERR_CONFLICT', `No enabled endpoint is subscribed to ${event.type}.`);
    return this.#store.redeliverEvent(accountId, event.seq, targets, this.#clock.now());
  }

  async deliveries(accountId: string, endpointId: string, query: { state?: DeliveryState; before?: number; limit: number }): Promise<DeliveryView[]> {
    if (endpointId !== 'callback') await this.#stored(accountId, endpointId);
    const id = endpointId === 'callback' ? callbackEndpointId(accountId) : endpointId;
    return this.#withAttempts(() => this.#store.listWebhookDeliveries({ accountId, endpointId: id, limit: query.limit,
      ...(query.state !== undefined && { state: query.state }), ...(query.before !== undefined && { before: query.before }) }));
  }

  /** Each delivery with every attempt: the logged (failed) ones, and its last one from its own row when that delivered. */
  async #withAttempts(list: () => Promise<WebhookDelivery[]>): Promise<DeliveryView[]> {
    // Deliveries and their attempts are two reads. An attempt recorded between them would show in
    // the log while its delivery still looked unattempted (next_at, state); so the deliveries are
    // read again after the attempts: each row is then at least as new as its log.
    const first = await list();
    const attempts = await this.#store.listWebhookAttempts(first.map((d) => d.id));
    const byId = new Map((await list()).map((d) => [d.id, d]));
    const deliveries = first.map((d) => byId.get(d.id) ?? d);
    return deliveries.map((d) => {
      const log = attempts.filter((a) => a.deliveryId === d.id);
      if (d.state === 'delivered' && d.lastAt !== null && !log.some((a) => a.at === d.lastAt)) {
        log.push({ deliveryId: d.id, attempt: d.attempts, at: d.lastAt, latencyMs: d.lastLatencyMs ?? 0, statusCode: d.lastStatus, error: null, response: d.lastResponse });
      }
      return { ...d, attemptsLog: log };
    });
  }

  async #stored(accountId: string, id: string): Promise<StoredWebhookEndpoint> {
    const stored = await this.#store.getWebhookEndpoint(id, accountId);
    if (!stored || stored.endpoint.kind !== 'endpoint') throw notFound(id);
    return stored;
  }

  #seal(id: string, secret: string): string {
    return this.#box.seal(secret, context(id));
  }
}

const context = (id: string) => `webhook:${id}`;

function notFound(id: string): DakiyaError {
  return new DakiyaError('ERR_NOT_FOUND', `No webhook endpoint ${id.slice(0, 64)}.`);
}

function description(text: string | undefined): string {
  const d = (text ?? '').trim();
  if (d.length > 200) throw new DakiyaError('ERR_INVALID_REQUEST', 'description must be at most 200 characters', { field: 'description' });
  return d;
}
