// The OTP use case: generate a code, send it through the send pipeline (OTP lane, its template,
// the code masked at rest), verify it atomically, resend the same code, and keep SMS pumping out
// with per-number, per-range, per-day and per-country limits. The code never leaves this file
// except inside the sealed message text, and in test mode's answer.
import { parseTemplate } from '../domain/dlt-template.ts';
import type { Clock } from '../domain/clock.ts';
import { DakiyaError } from '../domain/errors.ts';
import type { IdGenerator } from '../domain/ids.ts';
import {
  codeMatches, endedCheck, generateCode, hashCode, istDay, numberPrefix, type OtpChannelDefinition, type OtpChannelName, otpBounds, otpChannelNames,
  type OtpContent, type OtpGuard, type OtpPolicy, type OtpSession, untilNextIstDay,
} from '../domain/otp.ts';
import { normaliseRecipient } from '../domain/recipient.ts';
import type { OtpCheckOutcome, OtpGuardSpec, OtpRefusal, Store } from '../store/store.ts';
import type { SecretBox } from './secret-box.ts';
import { type Caller, insufficientCredits, type Prepared, type SendRequest, type SendService } from './send-service.ts';
import type { SendingProfileCache } from './sending-profile-cache.ts';

export interface OtpSettings {
  length: number;
  expirySeconds: number;
  maxAttempts: number;
  maxSendsPerSession: number;
  resendCooldownSeconds: number;
  lockSeconds: number;
  allowedCountries: string[];
  dailyBudget: number;
  limits: {
    perNumberSends: number; perNumberWindowSeconds: number;
    failedChecksPerNumber: number; failedChecksWindowSeconds: number;
    newPrefixSends: number; newPrefixWindowSeconds: number; prefixDigits: number;
  };
}

export interface OtpSendRequest {
  mobile: string;
  /** The account's OTP channel (seed 002 `channel_id`): template, sender, length, expiry and attempts by default. */
  channelId?: string;
  templateId?: string;
  sender?: string;
  /** Without a template (where DLT does not require one): the text, with `{{otp}}` where the code goes. */
  message?: string;
  /** The template's other variables, in order (the code takes the first {#num#}, else the first {#var#}). */
  variables?: string[];
  route?: string;
  length?: number;
  expirySeconds?: number;
  maxAttempts?: number;
  /** Delivery channels in cascade order; default ["sms"]. */
  channels?: string[];
  purpose?: string;
  correlationId?: string;
  testMode?: boolean;
}

export interface OtpSendResult {
  session: OtpSession;
  messageId: string | null;
  /** Only in test mode. */
  code?: string;
}

export interface OtpVerifyRequest {
  sessionId: string;
  otp: string;
  /** When given, must be the session's number (session binding): another number is a wrong code. */
  mobile?: string;
}

/** How long an account's OTP policy and OTP channels are reused before they are read again, in ms (an operator's change applies within it). */
const policyCacheMs = 5000;

/** Delivery channels that can carry a code on this gateway now; whatsapp, voice and email plug in here. */
const availableChannels: ReadonlySet<OtpChannelName> = new Set<OtpChannelName>(['sms']);

export class OtpService {
  #store: Store;
  #send: SendService;
  #profiles: SendingProfileCache;
  #clock: Clock;
  #ids: IdGenerator;
  #box: SecretBox;
  #hashKey: Buffer;
  #settings: OtpSettings;
  #onGuard: (guard: OtpGuard, tripped: boolean) => void;
  /** The last check of each session in progress on this node (see verify). */
  #checks = new Map<string, Promise<OtpCheckOutcome | undefined>>();
  #policies = new Map<string, { at: number; policy: OtpPolicy }>();
  #definitions = new Map<string, { at: number; definition: OtpChannelDefinition }>();

  constructor(deps: {
    store: Store; send: SendService; profiles: SendingProfileCache; clock: Clock; ids: IdGenerator; box: SecretBox; hashKey: Buffer; settings: OtpSettings;
    /** A guard refused (tripped: the first refusal in its window, which also wrote otp.blocked). */
    onGuard?: (guard: OtpGuard, tripped: boolean) => void;
  }) {
    this.#store = deps.store;
    this.#send = deps.send;
    this.#profiles = deps.profiles;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#box = deps.box;
    this.#hashKey = deps.hashKey;
    this.#settings = deps.settings;
    this.#onGuard = deps.onGuard ?? (() => {});
  }

  async send(caller: Caller, request: OtpSendRequest): Promise<OtpSendResult> {
    const test = this.#testMode(caller, request.testMode);
    const channel = pickChannel(request.channels);
    const definition = request.channelId === undefined ? undefined : await this.#definition(caller.accountId, request.channelId);
    const length = bounded('length', request.length ?? definition?.length ?? this.#settings.length, otpBounds.minLength, otpBounds.maxLength);
    const expirySeconds = bounded('expiry', request.expirySeconds ?? definition?.expirySeconds ?? this.#settings.expirySeconds, otpBounds.minExpirySeconds, otpBounds.maxExpirySeconds);
    const maxAttempts = bounded('max_attempts', request.maxAttempts ?? definition?.maxAttempts ?? this.#settings.maxAttempts, otpBounds.minAttempts, otpBounds.maxAttempts);
    const sender = request.sender ?? definition?.sender;
    if (sender === undefined) throw new DakiyaError('ERR_INVALID_REQUEST', 'sender is required (or a channel_id whose OTP channel has one)', { field: 'sender' });
    const templateId = request.templateId ?? definition?.templateId;
    const route = request.route ?? definition?.route ?? undefined;
    const policy = await this.policy(caller.accountId);
    const mobile = this.#checkMobile(request.mobile, policy);
    const content: OtpContent = {
      ...(request.variables !== undefined && { variables: request.variables }),
      ...(request.message !== undefined && templateId === undefined && { message: request.message }),
    };

    const now = this.#clock.now();
    const id = this.#ids();
    const code = generateCode(length);
    const prepared = await this.#prepare(caller, { mobile, sender, templateId, route, content, code, correlationId: request.correlationId });
    const session: OtpSession = {
      id, accountId: caller.accountId, mobile, channelId: definition?.channelId ?? null, templateId: templateId ?? null,
      sender: prepared.messages[0]!.sender, routeId: prepared.route.id, codeHash: hashCode(this.#hashKey, id, code),
      sealedCode: this.#box.seal(code, `otp:${id}`), length, expiresAt: now + expirySeconds * 1000, maxAttempts, attempts: 0,
      sends: 1, maxSends: this.#settings.maxSendsPerSession, lastSentAt: now, status: 'pending', lockedUntil: null,
      channels: channelList(request.channels), channelUsed: test ? null : channel, messageId: test ? null : prepared.messages[0]!.id,
      purpose: request.purpose ?? null, content: Object.keys(content).length > 0 ? content : null, test, createdAt: now, verifiedAt: null,
    };
    // Test mode sends nothing, so no limit protects anyone from it.
    const guards = test ? [] : this.#sendGuards(caller.accountId, mobile, policy, now);
    // The session, its counts, the message that carries the code and otp.sent: one commit.
    const started = await this.#store.startOtpSession(session, guards, now, test ? undefined : this.#send.acceptRequest(caller, prepared, 1));
    if (!started.ok) throw 'refusal' in started ? this.#refused(started.refusal) : insufficientCredits(prepared, started.balance);
    if (test) return { session, messageId: null, code };
    this.#send.accepted(prepared);
    return { session, messageId: session.messageId };
  }

  /** Sends the session's code again (the same code, while it is valid), as a new message. */
  async resend(caller: Caller, sessionId: string, channelName?: string): Promise<OtpSendResult> {
    const channel = pickChannel(channelName === undefined ? undefined : [channelName]);
    const session = await this.#store.getOtpSession(caller.accountId, sessionId);
    if (!session) throw notFound(sessionId);
    const now = this.#clock.now();
    if (session.status !== 'pending' || session.expiresAt <= now || session.sealedCode === null) {
      throw new DakiyaError('ERR_OTP_RESEND_NOT_ALLOWED', undefined, { reason: session.expiresAt <= now ? 'expired' : session.status, session_id: sessionId });
    }
    const code = this.#box.open(session.sealedCode, `otp:${session.id}`);
    const test = session.test;
    const prepared = test ? undefined : await this.#prepare(caller, {
      mobile: session.mobile, sender: session.sender, templateId: session.templateId ?? undefined, route: session.routeId,
      content: session.content ?? {}, code, correlationId: undefined,
    });
    const policy = test ? undefined : await this.policy(caller.accountId);
    const guards = policy ? this.#sendGuards(caller.accountId, session.mobile, policy, now) : [];
    const reserved = await this.#store.reserveOtpResend(caller.accountId, sessionId, guards, this.#settings.resendCooldownSeconds * 1000, now,
      prepared && { accept: this.#send.acceptRequest(caller, prepared, 1), channel });
    if (!reserved.ok) {
      if ('refusal' in reserved) throw this.#refused(reserved.refusal);
      if (reserved.reason === 'insufficient_credits') throw insufficientCredits(prepared!, reserved.balance);
      if (reserved.reason === 'not_found') throw notFound(sessionId);
      throw new DakiyaError('ERR_OTP_RESEND_NOT_ALLOWED', undefined, { reason: reserved.reason === 'max_sends' ? 'max_sends' : reserved.session?.status ?? 'ended', session_id: sessionId });
    }
    if (!prepared) return { session: reserved.session, messageId: null, code };
    this.#send.accepted(prepared);
    return { session: reserved.session, messageId: reserved.session.messageId };
  }

  /** One check of a code. At most maxAttempts checks of a session are ever evaluated. */
  async verify(caller: Caller, request: OtpVerifyRequest): Promise<Extract<OtpCheckOutcome, { kind: 'checked' }>> {
    if (!/^[0-9]{1,10}$/.test(request.otp)) throw new DakiyaError('ERR_INVALID_REQUEST', 'otp must be 1-10 digits', { field: 'otp' });
    let claimed: string | undefined;
    if (request.mobile !== undefined) {
      const n = normaliseRecipient(request.mobile, { allowInternational: true });
      if (!n.ok) throw new DakiyaError('ERR_INVALID_MOBILE', n.reason, { field: 'mobile' });
      claimed = n.msisdn;
    }
    // Checks of one session on this node run one after another, and once one finds the session
    // ended, those queued behind it are answered from it: a flood of guesses costs the store a
    // handful of transactions instead of a line of them at the session's row lock.
    const key = `${caller.accountId}\n${request.sessionId}`;
    const previous = this.#checks.get(key);
    const run = (async (): Promise<OtpCheckOutcome | undefined> => {
      const before = await previous?.catch(() => undefined);
      if (before?.kind === 'checked' && before.session.status !== 'pending') {
        return { kind: 'checked', result: endedCheck(before.session, this.#clock.now())!, session: before.session };
      }
      return this.#check(caller, request, claimed);
    })();
    this.#checks.set(key, run);
    let outcome: OtpCheckOutcome | undefined;
    try {
      outcome = await run;
    } finally {
      if (this.#checks.get(key) === run) this.#checks.delete(key);
    }
    if (!outcome) throw notFound(request.sessionId);
    if (outcome.kind === 'refused') throw this.#refused(outcome.refusal);
    return outcome;
  }

  #check(caller: Caller, request: OtpVerifyRequest, claimed: string | undefined): Promise<OtpCheckOutcome | undefined> {
    const limits = this.#settings.limits;
    return this.#store.checkOtp(caller.accountId, request.sessionId, this.#clock.now(), {
      judge: (s) => codeMatches(this.#hashKey, s.id, request.otp, s.codeHash) && (claimed === undefined || claimed === s.mobile),
      failedChecks: (s) => (limits.failedChecksPerNumber === 0 ? undefined : {
        kind: 'window', guard: 'number_failed_checks', key: `otp:fail:${caller.accountId}:${s.mobile}`,
        max: limits.failedChecksPerNumber, windowMs: limits.failedChecksWindowSeconds * 1000,
      }),
      lockMs: this.#settings.lockSeconds * 1000,
      prefixOf: (s) => numberPrefix(s.mobile, limits.prefixDigits),
    });
  }

  async session(caller: Caller, sessionId: string): Promise<OtpSession> {
    const session = await this.#store.getOtpSession(caller.accountId, sessionId);
    if (!session) throw notFound(sessionId);
    // A pending session past its expiry is expired, whether or not housekeeping has written it yet.
    if (session.status === 'pending' && session.expiresAt <= this.#clock.now()) return { ...session, status: 'expired' };
    return session;
  }

  /** The account's policy, or the configured defaults; read again at most every policyCacheMs (a change applies within that). */
  async policy(accountId: string): Promise<OtpPolicy> {
    const now = Date.now();
    const hit = this.#policies.get(accountId);
    if (hit && now - hit.at < policyCacheMs) return hit.policy;
    const policy = await this.#store.getOtpPolicy(accountId)
      ?? { accountId, allowedCountries: this.#settings.allowedCountries, dailyBudget: this.#settings.dailyBudget, updatedAt: 0 };
    if (this.#policies.size >= 10_000) this.#policies.clear();
    this.#policies.set(accountId, { at: now, policy });
    return policy;
  }

  #testMode(caller: Caller, asked: boolean | undefined): boolean {
    if (caller.keyMode === 'test') return true;
    if (asked === true) throw new DakiyaError('ERR_OTP_TEST_MODE_LIVE_KEY');
    return false;
  }

  async #definition(accountId: string, channelId: string): Promise<OtpChannelDefinition> {
    const key = `${accountId}\n${channelId}`;
    const now = Date.now();
    const hit = this.#definitions.get(key);
    if (hit && now - hit.at < policyCacheMs) return hit.definition;
    const definition = await this.#store.getOtpChannel(accountId, channelId);
    if (!definition) throw new DakiyaError('ERR_OTP_CHANNEL_NOT_FOUND', `No OTP channel ${channelId} for this account.`, { channel_id: channelId });
    if (this.#definitions.size >= 10_000) this.#definitions.clear();
    this.#definitions.set(key, { at: now, definition });
    return definition;
  }

  #checkMobile(raw: string, policy: OtpPolicy): string {
    const n = normaliseRecipient(raw, { allowInternational: true });
    if (!n.ok) throw new DakiyaError('ERR_INVALID_MOBILE', n.reason, { field: 'mobile' });
    if (!policy.allowedCountries.includes(n.country)) {
      throw new DakiyaError('ERR_OTP_COUNTRY_NOT_ALLOWED', `OTPs to ${n.country} are not allowed for this account.`, { country: n.country });
    }
    return n.msisdn;
  }

  /** Validates and prices the message that carries the code (the code masked at rest). */
  async #prepare(caller: Caller, o: {
    mobile: string; sender: string; templateId: string | undefined; route: string | undefined; content: OtpContent; code: string; correlationId: string | undefined;
  }): Promise<Prepared> {
    const request: SendRequest = {
      recipients: [{ to: o.mobile }], sender: o.sender, category: 'otp', secret: o.code,
      ...(o.route !== undefined && { route: o.route }),
      ...(o.correlationId !== undefined && { correlationId: o.correlationId }),
    };
    if (o.templateId !== undefined) {
      const profile = await this.#profiles.get(caller.accountId);
      const template = profile?.templates.find((t) => t.templateId === o.templateId);
      // An unknown template is the send pipeline's to refuse, with its own error.
      const slot = template ? codeSlot(template.text) : 0;
      if (slot === undefined) throw new DakiyaError('ERR_OTP_TEMPLATE_INVALID', undefined, { template_id: o.templateId });
      const variables = [...(o.content.variables ?? [])];
      variables.splice(slot, 0, o.code);
      request.templateId = o.templateId;
      request.variables = variables;
    } else {
      if (o.content.message === undefined) throw new DakiyaError('ERR_INVALID_REQUEST', 'template_id is required (or a channel_id whose OTP channel has one)', { field: 'template_id' });
      if (!o.content.message.includes('{{otp}}')) throw new DakiyaError('ERR_OTP_TEMPLATE_INVALID', 'message must hold {{otp}} where the code goes', { field: 'message' });
      request.message = o.content.message.replaceAll('{{otp}}', o.code);
    }
    return this.#send.prepare(caller, request, false);
  }

  #sendGuards(accountId: string, mobile: string, policy: OtpPolicy, now: number): OtpGuardSpec[] {
    const l = this.#settings.limits;
    const guards: OtpGuardSpec[] = [{ kind: 'locked', guard: 'number_locked', accountId, mobile }];
    if (l.perNumberSends > 0) {
      guards.push({ kind: 'window', guard: 'number_sends', key: `otp:sends:${accountId}:${mobile}`, max: l.perNumberSends, windowMs: l.perNumberWindowSeconds * 1000 });
    }
    if (l.newPrefixSends > 0) {
      const prefix = numberPrefix(mobile, l.prefixDigits);
      guards.push({
        kind: 'window', guard: 'new_prefix', key: `otp:prefix:${accountId}:${prefix}`, max: l.newPrefixSends, windowMs: l.newPrefixWindowSeconds * 1000,
        unlessTrusted: { accountId, prefix },
      });
    }
    if (policy.dailyBudget > 0) {
      guards.push({ kind: 'count', guard: 'daily_budget', key: `otp:day:${accountId}:${istDay(now)}`, max: policy.dailyBudget, resetsAt: now + untilNextIstDay(now) });
    }
    return guards;
  }

  #refused(refusal: OtpRefusal): DakiyaError {
    this.#onGuard(refusal.guard, refusal.tripped);
    const seconds = Math.ceil(refusal.retryAfterMs / 1000);
    return new DakiyaError('ERR_OTP_LIMIT_EXCEEDED', `OTP limit ${refusal.guard} reached; retry in ${seconds} s.`, { guard: refusal.guard, retry_after: seconds });
  }
}

/** Where the code goes in a template: the first {#num#}, else the first {#var#}; undefined when neither exists. */
export function codeSlot(templateText: string): number | undefined {
  let index = 0;
  let firstVar: number | undefined;
  for (const part of parseTemplate(templateText)) {
    if (part.kind !== 'variable') continue;
    if (part.type === 'num') return index;
    if (part.type === 'var' && firstVar === undefined) firstVar = index;
    index++;
  }
  return firstVar;
}

function channelList(channels: readonly string[] | undefined): OtpChannelName[] {
  return (channels ?? ['sms']) as OtpChannelName[];
}

/** The first channel of the cascade this gateway can deliver by; the others wait for their channel adapters. */
function pickChannel(channels: readonly string[] | undefined): OtpChannelName {
  const list = channels ?? ['sms'];
  if (list.length === 0) throw new DakiyaError('ERR_INVALID_REQUEST', 'channels must not be empty', { field: 'channels' });
  for (const name of list) {
    if (!(otpChannelNames as readonly string[]).includes(name)) {
      throw new DakiyaError('ERR_INVALID_REQUEST', `unknown channel ${name}: use ${otpChannelNames.join(', ')}`, { field: 'channels' });
    }
  }
  const usable = list.find((name) => availableChannels.has(name as OtpChannelName));
  if (usable === undefined) throw new DakiyaError('ERR_OTP_CHANNEL_UNAVAILABLE', undefined, { channels: list });
  return usable as OtpChannelName;
}

export function bounded(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new DakiyaError('ERR_INVALID_REQUEST', `${field} must be an integer from ${min} to ${max}`, { field });
  return value;
}

function notFound(sessionId: string): DakiyaError {
  return new DakiyaError('ERR_NOT_FOUND', `No OTP session ${sessionId}.`, { session_id: sessionId });
}
