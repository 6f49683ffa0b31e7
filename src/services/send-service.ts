// The send use case: validates a request against the account's routes, senders, templates, DND and
// the sending window, prices it, and commits it durably before anyone is told it was accepted.
import type { DltTemplate, KeyMode, SenderId } from '../domain/account.ts';
import type { Clock } from '../domain/clock.ts';
import { creditsFor } from '../domain/credit.ts';
import { TemplateDetector } from '../domain/dlt-template-detect.ts';
import { DakiyaError, type ErrorCode } from '../domain/errors.ts';
import type { IdGenerator } from '../domain/ids.ts';
import { buildText, checkAgainstTemplate, type Content, planContent } from '../domain/message-content.ts';
import { type Lane, laneFor, type MessageCategory, type NewMessage } from '../domain/message.ts';
import { promotionalHold } from '../domain/promotional-window.ts';
import { normaliseRecipient } from '../domain/recipient.ts';
import { type Route, routeAccepts } from '../domain/route.ts';
import { normaliseSenderId } from '../domain/sender-id.ts';
import type { AcceptRequest, SendingProfile, Store, StoredResponse } from '../store/store.ts';
import { type ContentFilter, contentKey } from './content-filter.ts';
import type { SendingProfileCache } from './sending-profile-cache.ts';
import type { SendPolicy } from './send-policy.ts';

export type Variables = readonly string[] | Readonly<Record<string, string>>;

export interface Recipient {
  to: string;
  message?: string;
  variables?: Variables;
}

export interface SendRequest {
  recipients: readonly Recipient[];
  sender: string;
  message?: string;
  templateId?: string;
  /** No template_id: find the account's template for this sender that the text matches (seed 002; rules in dlt-template-detect.ts). */
  detectTemplate?: boolean;
  /**
   * The DLT principal entity (PE) id the request sends under (seed 000's `peid`). A template
   * registered under another entity is refused; without it, each message takes its template's.
   */
  entityId?: string;
  variables?: Variables;
  category: MessageCategory;
  route?: string;
  unicode?: boolean;
  flash?: boolean;
  correlationId?: string;
  /** Epoch ms. */
  scheduleAt?: number;
  queueUntilWindowOpens?: boolean;
  validitySeconds?: number;
  /** The SMPP system_id owed a receipt (as deliver_sm) when each message reaches a final state. */
  receiptTo?: string;
  /** Where each message's final event (its delivery report) is pushed, signed with the account's callback secret. */
  callbackUrl?: string;
  /**
   * A secret the text carries (an OTP code): stored masked in the message body, with the real text
   * sealed beside it and opened only when the message is handed to a channel.
   */
  secret?: string;
  /** The account's campaign (seed 002) this request is a shoot of, counted with it when accepted. */
  campaign?: string;
  /** Validate and price only: nothing is stored, charged or sent (a test key always is). */
  testMode?: boolean;
}

export interface Caller {
  accountId: string;
  keyId: string;
  keyMode: KeyMode;
}

export interface Rejection {
  index: number;
  to: string;
  error: DakiyaError;
}

export interface Prepared {
  route: Route;
  /** Every message of one request travels in the same lane. */
  lane: Lane;
  messages: NewMessage[];
  rejected: Rejection[];
  debit: number;
  dueAt: number;
  scheduled: boolean;
  createdAt: number;
  batchId: string | null;
  /** The campaign the request names, if any. */
  campaign: string | null;
  /** The route's balance when estimated (estimate and test_mode only). */
  availableCredits?: number;
}

export interface IdempotencyOptions {
  key: string;
  requestHash: string;
  /** The dialect's response for this result, stored with it and replayed for a repeat. */
  render: (prepared: Prepared) => { statusCode: number; body: string };
}

/**
 * `accepted`: stored and charged; `replay`: an idempotency key's stored answer; `estimated`: a test
 * key's (or test mode's) request, validated and priced, with nothing stored, charged or sent.
 */
export type SendOutcome = { kind: 'accepted'; prepared: Prepared } | { kind: 'replay'; stored: StoredResponse } | { kind: 'estimated'; prepared: Prepared };

export class SendService {
  #store: Store;
  #profiles: SendingProfileCache;
  #clock: Clock;
  #ids: IdGenerator;
  #policy: SendPolicy;
  #onAccepted: (lane: Lane, count: number) => void;
  #checkCallbackUrl: (url: string) => Promise<string>;
  #sealSecret: ((text: string, messageId: string) => string) | undefined;
  #contentFilter: ContentFilter | undefined;

  constructor(deps: {
    store: Store; profiles: SendingProfileCache; clock: Clock; ids: IdGenerator; policy: SendPolicy;
    /** Messages were committed: `count` of them, in `lane` (wake its dispatcher, count them). */
    onAccepted?: (lane: Lane, count: number) => void;
    /** The SSRF guard's check of a callback_url: answers it normalised or throws ERR_WEBHOOK_URL_NOT_ALLOWED. */
    checkCallbackUrl?: (url: string) => Promise<string>;
    /** Seals a message's real text (SecretBox, context `message:<id>`); needed for requests with a secret. */
    sealSecret?: (text: string, messageId: string) => string;
    /** The operator's content filter (ERR_CONTENT_BLOCKED); none, no filtering. */
    contentFilter?: ContentFilter;
  }) {
    this.#store = deps.store;
    this.#profiles = deps.profiles;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#policy = deps.policy;
    this.#onAccepted = deps.onAccepted ?? (() => {});
    this.#sealSecret = deps.sealSecret;
    this.#contentFilter = deps.contentFilter;
    this.#checkCallbackUrl = deps.checkCallbackUrl ?? (async () => {
      throw new DakiyaError('ERR_WEBHOOK_URL_NOT_ALLOWED', 'callback_url is not available here', { field: 'callback_url' });
    });
  }

  /** Validates and prices without storing or charging anything (estimate and test_mode). */
  async estimate(caller: Caller, request: SendRequest, bulk: boolean): Promise<Prepared> {
    const prepared = await this.prepare(caller, request, bulk, false);
    const balance = (await this.#store.getBalances(caller.accountId)).find((b) => b.routeId === prepared.route.id);
    return { ...prepared, availableCredits: balance?.balance ?? 0 };
  }

  /**
   * Accepts a request. A single send (bulk = false) fails as a whole on its one recipient's error;
   * a bulk send accepts the valid recipients and lists the others, failing only when none is valid.
   */
  async send(caller: Caller, request: SendRequest, bulk: boolean, idempotency?: IdempotencyOptions): Promise<SendOutcome> {
    // A test key never sends or charges, whatever the request says; test mode asks the same of a live key.
    if (caller.keyMode === 'test' || request.testMode === true) return { kind: 'estimated', prepared: await this.estimate(caller, request, bulk) };
    if (idempotency) {
      const stored = await this.#store.findIdempotentResponse(caller.accountId, idempotency.key);
      if (stored) return this.#replay(stored, idempotency);
    }
    const prepared = await this.prepare(caller, request, bulk);
    return this.commit(caller, prepared, request.recipients.length, idempotency);
  }

  /**
   * Commits what prepare() validated and priced: the messages are durable when this resolves.
   * Throws ERR_INSUFFICIENT_CREDITS (nothing stored) when the route's balance is too low.
   */
  async commit(caller: Caller, prepared: Prepared, totalRecipients: number, idempotency?: IdempotencyOptions): Promise<SendOutcome> {
    const result = await this.#store.accept(this.acceptRequest(caller, prepared, totalRecipients, idempotency));
    if (!result.ok) {
      if (result.reason === 'idempotent_replay') return this.#replay(result.stored, idempotency!);
      throw insufficientCredits(prepared, result.balance);
    }
    this.accepted(prepared);
    return { kind: 'accepted', prepared };
  }

  /** What the store commits for a prepared request (for a use case that commits more with it, like an OTP session). */
  acceptRequest(caller: Caller, prepared: Prepared, totalRecipients: number, idempotency?: IdempotencyOptions): AcceptRequest {
    const response = idempotency && { key: idempotency.key, response: { requestHash: idempotency.requestHash, ...idempotency.render(prepared) } };
    return {
      accountId: caller.accountId,
      routeId: prepared.route.id,
      debit: prepared.debit,
      messages: prepared.messages,
      ...(prepared.batchId !== null && {
        batch: {
          id: prepared.batchId, accountId: caller.accountId, routeId: prepared.route.id, totalRecipients,
          acceptedRecipients: prepared.messages.length, createdAt: prepared.createdAt, scheduledAt: prepared.scheduled ? prepared.dueAt : null,
        },
      }),
      ...(response && { idempotency: response }),
      ...(prepared.campaign !== null && { campaign: prepared.campaign }),
    };
  }

  /** The request's messages are committed: wake its lane's dispatcher and count them. */
  accepted(prepared: Prepared): void {
    this.#onAccepted(prepared.lane, prepared.messages.length);
  }

  /** Cancels a message of the caller's still waiting to be sent (QUEUED or SCHEDULED), refunding it; false when it is not (any more). */
  async cancel(caller: Caller, messageId: string): Promise<boolean> {
    return (await this.#store.cancelMessage(caller.accountId, messageId, this.#clock.now())) !== undefined;
  }

  #replay(stored: StoredResponse, idempotency: IdempotencyOptions): SendOutcome {
    if (stored.requestHash !== idempotency.requestHash) throw new DakiyaError('ERR_IDEMPOTENCY_KEY_REUSED');
    return { kind: 'replay', stored };
  }

  /**
   * Validates and prices a request (every rule but the balance), storing nothing. `counted`: the
   * request is on its way to commit, so its recipients count against the content filter's velocity
   * rule (an estimate is not counted; a commit refused for its balance afterwards stays counted).
   */
  async prepare(caller: Caller, request: SendRequest, bulk: boolean, counted = true): Promise<Prepared> {
    const policy = this.#policy;
    const now = this.#clock.now();
    if (request.recipients.length === 0) throw new DakiyaError('ERR_INVALID_REQUEST', 'at least one recipient is required', { field: 'to' });
    if (request.recipients.length > policy.maxRecipients) {
      throw new DakiyaError('ERR_TOO_MANY_RECIPIENTS', `At most ${policy.maxRecipients} recipients per request; this one has ${request.recipients.length}.`, {
        max_recipients: policy.maxRecipients, recipients: request.recipients.length,
      });
    }
    const callbackUrl = request.callbackUrl === undefined ? null : await this.#checkCallbackUrl(request.callbackUrl);
    const profile = await this.#profiles.get(caller.accountId);
    if (!profile) throw new DakiyaError('ERR_UNAUTHORIZED');
    if (profile.account.status !== 'active') throw new DakiyaError('ERR_ACCOUNT_SUSPENDED');

    const route = resolveRoute(profile, request);
    const sender = resolveSender(profile, request.sender);
    const template = request.templateId === undefined ? undefined : resolveTemplate(profile, request.templateId, request.category, sender.sender);
    const detector = request.detectTemplate === true && !template ? new TemplateDetector(profile.templates, sender.sender, request.category, policy) : undefined;
    // The entity the messages go under: a given template's is checked against the request's once.
    const requestEntity = template ? entityFor(template, request.entityId) : request.entityId ?? null;
    const { dueAt, scheduled } = this.#dueTime(request, now);
    const validity = request.validitySeconds ?? policy.defaultValiditySeconds;
    const expiresAt = dueAt + validity * 1000;
    const lane = laneFor(request.category, bulk);
    const allowInternational = route.category === 'international';

    // Content shared by every recipient is planned once; per-recipient text only when it differs.
    const shared = new Map<string, Content>();
    const contentFor = (r: Recipient): Content => {
      let text = r.message ?? request.message;
      const variables = r.variables ?? request.variables;
      // Text built from the template is a match by construction (each variable was type-checked),
      // so only a given text is matched against it.
      let built = false;
      if (template && text === undefined) {
        if (variables === undefined) throw new DakiyaError('ERR_INVALID_REQUEST', 'give message or variables with template_id', { field: 'message' });
        text = buildText(template, variables, policy);
        built = true;
      }
      if (text === undefined) throw new DakiyaError('ERR_INVALID_REQUEST', 'message is required', { field: 'message' });
      let content = shared.get(text);
      if (!content) {
        if (template && !built) checkAgainstTemplate(template, text, policy);
        this.#contentFilter?.checkPatterns(text);
        content = planContent(text, request.unicode, policy);
        if (shared.size < 1024) shared.set(text, content);
      }
      return content;
    };

    const batchId = bulk ? this.#ids() : null;
    const messages: NewMessage[] = [];
    const rejected: Rejection[] = [];
    const recipients = request.recipients;
    const normalised: string[] = new Array(recipients.length);
    // With detection, which recipients need a template: their text is detected below, per recipient.
    const needsTemplate = detector ? new Uint8Array(recipients.length) : undefined;
    for (let i = 0; i < recipients.length; i++) {
      const r = recipients[i]!;
      const number = normaliseRecipient(r.to, { allowInternational });
      if (!number.ok) {
        rejected.push({ index: i, to: r.to, error: new DakiyaError('ERR_INVALID_MOBILE', `${number.reason}`, { to: r.to }) });
        continue;
      }
      if (number.domestic && !template && policy.dltEnforce) {
        if (needsTemplate) needsTemplate[i] = 1;
        else {
          rejected.push({ index: i, to: r.to, error: new DakiyaError('ERR_TEMPLATE_REQUIRED') });
          continue;
        }
      }
      normalised[i] = number.msisdn;
    }
    const dnd = request.category === 'promotional'
      ? await this.#store.findDnd(normalised.filter((n) => n !== undefined))
      : undefined;

    // The velocity rule (content-filter.ts) counts recipients per identical text; OTPs are exempt.
    const velocity = this.#contentFilter?.velocityEnabled === true && request.category !== 'otp' ? this.#contentFilter : undefined;
    const textKeys = new Map<string, string>();
    const perText = new Map<string, number>();
    let debit = 0;
    for (let i = 0; i < recipients.length; i++) {
      const msisdn = normalised[i];
      if (msisdn === undefined) continue;
      const r = recipients[i]!;
      if (dnd?.has(msisdn)) {
        rejected.push({ index: i, to: r.to, error: new DakiyaError('ERR_DND_SUBSCRIBER', undefined, { to: r.to }) });
        continue;
      }
      let content: Content;
      let templateId = template?.templateId ?? null;
      let entityId = requestEntity;
      try {
        content = contentFor(r);
        if (detector) {
          const detected = detector.templateFor(content.text, needsTemplate?.[i] === 1);
          templateId = detected?.templateId ?? null;
          if (detected) entityId = entityFor(detected, request.entityId);
        }
      } catch (error) {
        if (!(error instanceof DakiyaError) || !bulk) throw error;
        rejected.push({ index: i, to: r.to, error });
        continue;
      }
      if (velocity) {
        const key = textKeys.get(content.text) ?? contentKey(content.text);
        if (textKeys.size < 1024) textKeys.set(content.text, key);
        const n = (perText.get(key) ?? 0) + 1;
        if (!velocity.fits(caller.accountId, key, n, now)) {
          if (!bulk) throw velocity.velocityError();
          rejected.push({ index: i, to: r.to, error: velocity.velocityError() });
          continue;
        }
        perText.set(key, n);
      }
      const credits = creditsFor(content.segments, route.pricePerSegment);
      debit += credits;
      const id = this.#ids();
      let body = content.text;
      let secret: string | null = null;
      if (request.secret !== undefined) {
        if (request.secret.length === 0 || !body.includes(request.secret)) throw new DakiyaError('ERR_OTP_TEMPLATE_INVALID', undefined, { template_id: templateId });
        if (!this.#sealSecret) throw new Error('a request with a secret needs sealSecret');
        secret = this.#sealSecret(body, id);
        body = body.replaceAll(request.secret, '*'.repeat(request.secret.length));
      }
      messages.push({
        id, accountId: caller.accountId, batchId, routeId: route.id, category: request.category, lane,
        recipient: msisdn, sender: sender.sender, body, secret, templateId,
        encoding: content.encoding, segments: content.segments, flash: request.flash === true, credits,
        status: scheduled ? 'SCHEDULED' : 'QUEUED', correlationId: request.correlationId ?? null,
        dueAt, scheduledAt: scheduled ? dueAt : null, expiresAt, createdAt: now, receiptTo: request.receiptTo ?? null, callbackUrl, entityId,
      });
    }
    rejected.sort((a, b) => a.index - b.index);
    if (messages.length === 0) throw noneValid(rejected, bulk);
    // Counted once priced, with no await since the checks above, so concurrent requests cannot both fit.
    if (counted) velocity?.record(caller.accountId, perText, now);
    return { route, lane, messages, rejected, debit, dueAt, scheduled, createdAt: now, batchId, campaign: request.campaign ?? null };
  }

  #dueTime(request: SendRequest, now: number): { dueAt: number; scheduled: boolean } {
    const policy = this.#policy;
    let dueAt = now;
    if (request.scheduleAt !== undefined) {
      // A minute of grace for clients whose clock runs slightly ahead of ours.
      if (!Number.isFinite(request.scheduleAt) || request.scheduleAt < now - 60_000 || request.scheduleAt > now + policy.maxScheduleDays * 86_400_000) {
        throw new DakiyaError('ERR_INVALID_SCHEDULE', `The schedule time must be in the future and within ${policy.maxScheduleDays} days.`, { field: 'schedule_at' });
      }
      dueAt = Math.max(now, request.scheduleAt);
    }
    const opening = promotionalHold(request.category, policy.promotionalWindow, dueAt);
    if (opening !== undefined) {
      if (!request.queueUntilWindowOpens) {
        const w = policy.promotionalWindow;
        throw new DakiyaError('ERR_PROMOTIONAL_WINDOW_CLOSED',
          `Promotional messages may only be sent ${w.start}-${w.end} ${w.timeZone}; schedule it inside the window or set queue_until_window_opens.`,
          { window_start: w.start, window_end: w.end, time_zone: w.timeZone, next_opening: new Date(opening).toISOString() });
      }
      dueAt = opening;
    }
    return { dueAt, scheduled: dueAt > now };
  }
}

/** The route's balance was too low for the request: nothing of it was stored. */
export function insufficientCredits(prepared: Prepared, balance: number): DakiyaError {
  return new DakiyaError('ERR_INSUFFICIENT_CREDITS',
    `Account balance on route ${prepared.route.id} is too low: ${prepared.debit} credits needed, ${balance} available. Recharge credits.`,
    { route: prepared.route.id, required: prepared.debit, balance });
}

function noneValid(rejected: Rejection[], bulk: boolean): DakiyaError {
  const first = rejected[0]!.error;
  if (!bulk) return first;
  const codes = new Set<ErrorCode>(rejected.map((r) => r.error.code));
  const list = rejected.map((r) => ({ index: r.index, to: r.to, error_code: r.error.code, message: r.error.message }));
  if (codes.size === 1) return new DakiyaError(first.code, first.message, { ...first.details, rejected: list });
  return new DakiyaError('ERR_NO_VALID_RECIPIENTS', undefined, { rejected: list });
}

function resolveRoute(profile: SendingProfile, request: SendRequest): Route {
  const wanted = request.route ?? request.category;
  const route = profile.routes.find((r) => r.id === wanted) ?? (request.route === undefined ? profile.routes.find((r) => r.category === request.category && r.enabled) : undefined);
  if (!route || !route.enabled || !profile.enabledRouteIds.includes(route.id)) {
    throw new DakiyaError('ERR_ROUTE_NOT_FOUND', `Route ${wanted} does not exist or is not enabled for this account.`, { route: wanted });
  }
  if (!routeAccepts(route, request.category)) {
    throw new DakiyaError('ERR_ROUTE_NOT_FOUND', `Route ${route.id} carries ${route.category} traffic, not ${request.category}.`, { route: route.id });
  }
  return route;
}

function resolveSender(profile: SendingProfile, raw: string): SenderId {
  const name = normaliseSenderId(raw);
  const sender = profile.senders.find((s) => s.sender === name);
  if (!sender) throw new DakiyaError('ERR_SENDER_NOT_REGISTERED', `Sender ID ${name} is not registered for this account.`, { sender: name });
  if (sender.status !== 'active') throw new DakiyaError('ERR_SENDER_SUSPENDED', undefined, { sender: name });
  return sender;
}

/** The entity a message on `template` is sent under: the template's own, unless the request names another (refused). */
function entityFor(template: DltTemplate, requested: string | undefined): string | null {
  const registered = template.entityId ?? null;
  if (requested !== undefined && registered !== null && requested !== registered) {
    throw new DakiyaError('ERR_TEMPLATE_CATEGORY_MISMATCH', `Template ${template.templateId} is registered under DLT principal entity ${registered}, not ${requested}.`,
      { template_id: template.templateId, entity_id: requested });
  }
  return requested ?? registered;
}

function resolveTemplate(profile: SendingProfile, templateId: string, category: MessageCategory, sender: string): DltTemplate {
  const template = profile.templates.find((t) => t.templateId === templateId);
  if (!template) throw new DakiyaError('ERR_TEMPLATE_NOT_FOUND', `Template ID ${templateId} does not exist for this account.`, { template_id: templateId });
  if (template.status !== 'active') throw new DakiyaError('ERR_DLT_TEMPLATE_SUSPENDED', undefined, { template_id: templateId });
  if (template.category !== category) {
    throw new DakiyaError('ERR_TEMPLATE_CATEGORY_MISMATCH', `Template ${templateId} is registered as ${template.category}, not ${category}.`, { template_id: templateId });
  }
  if (template.sender !== sender) {
    throw new DakiyaError('ERR_TEMPLATE_CATEGORY_MISMATCH', `Template ${templateId} is registered for sender ${template.sender}, not ${sender}.`, { template_id: templateId });
  }
  return template;
}
