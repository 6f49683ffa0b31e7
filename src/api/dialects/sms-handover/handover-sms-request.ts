// /smsapi/index's parameters (seed 002) → one SendRequest: contacts and bulk_campaign become the
// recipients, routeid the route and its category, type the encoding and flash flag, time a schedule
// in Asia/Kolkata, campaign the messages' correlation id. Parsing only: every rule is the send service's.
import type { FastifyRequest } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import type { MessageCategory } from '../../../domain/message.ts';
import type { Route } from '../../../domain/route.ts';
import type { Recipient, SendRequest } from '../../../services/send-service.ts';
import { optionalParameter, requiredParameter, structuredParameter } from '../../http/form-params.ts';
import { wallClockTime } from '../../http/ist-time.ts';

/** The seed: "Must be limited to 720 characters". */
export const maxTextLength = 720;
/** Campaign n's messages carry this correlation id; `campaign:0` is the default campaign. */
export const campaignPrefix = 'campaign:';

const types = {
  text: {},
  unicode: { unicode: true },
  flash: { flash: true },
} as const satisfies Record<string, Pick<SendRequest, 'unicode' | 'flash'>>;

/** What the request needs from outside the parameters: the operator's routes (only when routeid is given) and the time. */
export interface SmsRequestContext {
  routes: () => Promise<readonly Route[]>;
  now: number;
}

export async function toSendRequest(request: FastifyRequest, context: SmsRequestContext): Promise<SendRequest> {
  // Checked in the seed's table order: contacts, senderid, msg.
  const contacts = optionalParameter(request, 'contacts', { maxLength: Number.POSITIVE_INFINITY });
  // The seed's own table spells it bulk_campaigm; both spellings are the one parameter.
  const bulk = structuredParameter(request, 'bulk_campaign', ['bulk_campaigm']);
  const hasBulk = bulk !== undefined && bulk !== '';
  if (contacts === undefined && !hasBulk) throw missing('contacts');
  const sender = requiredParameter(request, 'senderid');
  const msg = optionalParameter(request, 'msg', { maxLength: Number.POSITIVE_INFINITY });
  if (msg !== undefined) checkTextLength(msg);
  const recipients: Recipient[] = [];
  if (contacts !== undefined) {
    if (msg === undefined) throw missing('msg');
    // "919887XXXXXX,919567XXXXXX": empty items (a trailing comma) are skipped, spaces are the
    // number normaliser's to ignore.
    for (const to of contacts.split(',')) if (to.trim() !== '') recipients.push({ to });
  }
  if (hasBulk) recipients.push(...personalised(bulk, msg));
  if (recipients.length === 0) throw missing('contacts');

  const { category, route } = await routeOf(optionalParameter(request, 'routeid'), context);
  const type = (optionalParameter(request, 'type') ?? 'text').toLowerCase();
  if (!Object.hasOwn(types, type)) throw invalid('type', 'type must be text, unicode or flash');
  const campaign = campaignOf(request);
  const scheduleAt = scheduleOf(optionalParameter(request, 'time'), context.now);
  const dlrUrl = optionalParameter(request, 'dlr_url', { maxLength: 2048 });
  return {
    recipients, sender, category,
    ...(msg !== undefined && { message: msg }),
    // The seed has no template id: the text picks the account's registered DLT template itself.
    detectTemplate: true,
    ...types[type as keyof typeof types],
    campaign,
    correlationId: `${campaignPrefix}${campaign}`,
    ...(route !== undefined && { route }),
    ...(scheduleAt !== undefined && { scheduleAt }),
    ...(dlrUrl !== undefined && { callbackUrl: dlrUrl }),
  };
}

/** `campaign`: 0 or absent is the default campaign; otherwise an id of up to 50 letters, digits, `-`, `_` or `.`. */
export function campaignOf(request: FastifyRequest): string {
  const campaign = optionalParameter(request, 'campaign') ?? '0';
  if (!/^[A-Za-z0-9_.-]{1,50}$/.test(campaign)) throw invalid('campaign', 'campaign must be 1-50 letters, digits, -, _ or .');
  return /^0+$/.test(campaign) ? '0' : campaign;
}

/**
 * `routeid` is the route's id as the operator named it (`transactional`, `promotional`, `otp`, …;
 * the seed shows no numbers). The message category follows from the route; an international route
 * carries any category, and is asked for transactional traffic. Without routeid: transactional.
 */
async function routeOf(routeId: string | undefined, context: SmsRequestContext): Promise<{ category: MessageCategory; route?: string }> {
  if (routeId === undefined) return { category: 'transactional' };
  const route = (await context.routes()).find((r) => r.id === routeId);
  if (!route) throw new DakiyaError('ERR_ROUTE_NOT_FOUND', `Route ${routeId.slice(0, 64)} does not exist.`, { route: routeId });
  return { category: route.category === 'international' ? 'transactional' : route.category, route: route.id };
}

/**
 * `time`: "YYYY-MM-DD H:I" in India Standard Time. A time that has already passed (the seed's own
 * sample is from 2023) sends at once, as a blank time does; the service bounds how far ahead.
 */
function scheduleOf(time: string | undefined, now: number): number | undefined {
  if (time === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/.exec(time.trim());
  const bad = () => new DakiyaError('ERR_INVALID_SCHEDULE', 'time must be YYYY-MM-DD H:I in India Standard Time, e.g. 2013-03-19 14:30', { field: 'time' });
  if (!m) throw bad();
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const at = wallClockTime(year, month, day, hour, minute);
  if (at === undefined) throw bad();
  return at > now ? at : undefined;
}

/** bulk_campaign: `[{"mobile":9887xxxxxx,"msg":"hiPeter"}, …]` (an entry without msg takes `msg`). */
function personalised(raw: unknown, fallback: string | undefined): Recipient[] {
  let list = raw;
  if (typeof raw === 'string') {
    try { list = JSON.parse(raw); } catch { throw invalid('bulk_campaign', 'bulk_campaign must be a JSON list of {"mobile","msg"}'); }
  }
  if (!Array.isArray(list)) throw invalid('bulk_campaign', 'bulk_campaign must be a JSON list of {"mobile","msg"}');
  return list.map((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalid('bulk_campaign', `bulk_campaign[${i}] must be {"mobile","msg"}`);
    const { mobile, msg } = entry as Record<string, unknown>;
    const to = typeof mobile === 'number' && Number.isSafeInteger(mobile) && mobile > 0 ? String(mobile) : mobile;
    const text = msg ?? fallback;
    if (typeof to !== 'string' || to === '' || typeof text !== 'string' || text === '') throw invalid('bulk_campaign', `bulk_campaign[${i}] needs a mobile and a msg`);
    checkTextLength(text);
    return { to, message: text };
  });
}

function checkTextLength(text: string): void {
  if (text.length > maxTextLength) {
    throw new DakiyaError('ERR_MESSAGE_TOO_LONG', `msg has ${text.length} characters; at most ${maxTextLength} are allowed.`, { field: 'msg', max_length: maxTextLength });
  }
}

function missing(field: string): DakiyaError {
  return new DakiyaError('ERR_INVALID_REQUEST', `${field} is required`, { field, problem: 'missing' });
}

function invalid(field: string, message: string): DakiyaError {
  return new DakiyaError('ERR_INVALID_REQUEST', message, { field, problem: 'invalid' });
}
