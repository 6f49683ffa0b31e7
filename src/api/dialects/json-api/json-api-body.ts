// The body of POST /json-api/sms (seed 003) → the send service's SendRequest. Shape only: which
// field is missing or malformed, and the seed's vocabulary (`type`, 0/1 flags, `custom`, a
// comma-separated `to`) turned into the service's. Whether a sender, template or number may be
// used is the service's business. Unknown fields are ignored (the seed's clients send extras such
// as `contentType`); null counts as absent.
import type { FastifyInstance } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import type { MessageCategory } from '../../../domain/message.ts';
import type { SendRequest } from '../../../services/send-service.ts';

/** `type` → category and, for INTL, the route (seed 000's route list names it `international`). */
export const messageTypes = {
  TRANS: { category: 'transactional' },
  OTP: { category: 'otp' },
  PROMO: { category: 'promotional' },
  INTL: { category: 'transactional', route: 'international' },
  SI: { category: 'service_implicit' },
  SE: { category: 'service_explicit' },
} as const satisfies Record<string, { category: MessageCategory; route?: string }>;
export type MessageType = keyof typeof messageTypes;

/** Media types whose body is read as JSON. The seed documents a `contentType` header, not Content-Type, so clients following it send text/plain, form or none. */
const jsonReadable = new Set(['application/json', 'text/plain', 'application/x-www-form-urlencoded', '']);

/**
 * Replaces every parser of the plugin's scope with one that reads the body as JSON whatever the
 * (accepted) media type, and tells a body written in single quotes apart from other bad JSON.
 */
export function registerJsonApiParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!jsonReadable.has(mediaType)) {
      done(new DakiyaError('ERR_UNSUPPORTED_MEDIA_TYPE', `Content-Type ${mediaType} is not accepted: send the body as application/json.`), undefined);
      return;
    }
    try {
      done(null, parseJson(body as string));
    } catch (error) {
      done(error as DakiyaError, undefined);
    }
  });
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new DakiyaError('ERR_INVALID_JSON', 'The request body is empty: send the message as a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    // 'sender': 'x' — a key or value in single quotes, as in the seed's own samples.
    if (/'[^'"\n]*'\s*:|:\s*'/.test(text)) {
      throw new DakiyaError('ERR_INVALID_JSON',
        'The body is not JSON: keys and strings must be in double quotes ("to": "919876543210"), not single quotes (\'to\': \'919876543210\'), with commas between fields.',
        { problem: 'single_quotes' });
    }
    throw new DakiyaError('ERR_INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

export interface JsonApiSms {
  request: SendRequest;
  /** The seed echoes `"unicode":1` / `"flash":1` when they were asked for. */
  unicode: boolean;
  flash: boolean;
}

export function parseSmsBody(body: unknown): JsonApiSms {
  if (body === undefined) throw invalid('body', 'The request body is missing: send the message as a JSON object.', 'missing');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', 'The body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const sender = requiredString(b, 'sender', 20);
  const recipients = splitRecipients(b);
  const type = parseType(b);
  const text = optionalString(b, 'text', 5000);
  const templateId = optionalString(b, 'templateId', 64);
  const custom = parseCustom(b);
  const unicode = flag(b, 'unicode');
  const flash = flag(b, 'flash');
  if (templateId === undefined) {
    if (text === undefined) throw invalid('text', 'text is required (or templateId with custom).', 'missing');
    if (custom !== undefined && (Array.isArray(custom) ? custom.length : Object.keys(custom).length) > 0) {
      throw invalid('custom', 'custom fills a template\'s variables: give templateId with it.');
    }
  } else if (text === undefined && custom === undefined) {
    throw invalid('custom', 'custom is required with templateId: one value per template variable, [] when it has none.', 'missing');
  }
  const mapped: { category: MessageCategory; route?: string } = messageTypes[type];
  const { category, route } = mapped;
  return {
    request: {
      recipients: recipients.map((to) => ({ to })),
      sender,
      category,
      ...(route !== undefined && { route }),
      ...(text !== undefined && { message: text }),
      ...(templateId !== undefined && { templateId }),
      // No templateId: the text is matched against the account's templates (DLT), as for seed 002.
      ...(templateId === undefined && { detectTemplate: true }),
      ...(templateId !== undefined && custom !== undefined && { variables: custom }),
      ...(unicode && { unicode }),
      ...(flash && { flash }),
    },
    unicode,
    flash,
  };
}

function invalid(field: string, message: string, problem?: 'missing'): DakiyaError {
  return new DakiyaError('ERR_INVALID_REQUEST', message, { field, ...(problem && { problem }) });
}

const present = (b: Record<string, unknown>, name: string): boolean => Object.hasOwn(b, name) && b[name] !== null;

function optionalString(b: Record<string, unknown>, name: string, maxLength: number): string | undefined {
  if (!present(b, name)) return undefined;
  const value = b[name];
  if (typeof value !== 'string') throw invalid(name, `${name} must be a string.`);
  if (value.length > maxLength) throw invalid(name, `${name} is longer than ${maxLength} characters.`);
  return value;
}

function requiredString(b: Record<string, unknown>, name: string, maxLength: number): string {
  const value = optionalString(b, name, maxLength);
  if (value === undefined || value.trim() === '') throw invalid(name, `${name} is required.`, 'missing');
  return value;
}

/** `to`: one number or several separated by commas (spaces around them allowed, empty entries skipped); a JSON number is taken as its digits. */
function splitRecipients(b: Record<string, unknown>): string[] {
  const raw = b['to'];
  const value = typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? String(raw) : raw;
  if (value !== undefined && value !== null && typeof value !== 'string') throw invalid('to', 'to must be a string of numbers separated by commas.');
  const list = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw invalid('to', 'to is required.', 'missing');
  return list;
}

function parseType(b: Record<string, unknown>): MessageType {
  const raw = optionalString(b, 'type', 20);
  if (raw === undefined || raw.trim() === '') throw invalid('type', `type is required: one of ${Object.keys(messageTypes).join(', ')}.`, 'missing');
  const type = raw.trim().toUpperCase();
  if (!Object.hasOwn(messageTypes, type)) throw invalid('type', `type ${raw.slice(0, 20)} is unknown: use one of ${Object.keys(messageTypes).join(', ')}.`);
  return type as MessageType;
}

/** The seed's 0/1; true/false and "0"/"1" are taken too. */
function flag(b: Record<string, unknown>, name: string): boolean {
  if (!present(b, name)) return false;
  const value = b[name];
  if (value === 1 || value === true || value === '1') return true;
  if (value === 0 || value === false || value === '0') return false;
  throw invalid(name, `${name} must be 0 or 1.`);
}

/** `custom`: the template's variable values in order (an object of named values is taken too); numbers are written as JSON writes them. */
function parseCustom(b: Record<string, unknown>): string[] | Record<string, string> | undefined {
  if (!present(b, 'custom')) return undefined;
  const raw = b['custom'];
  const value = (v: unknown): string => {
    if (typeof v === 'string' && v.length <= 500) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw invalid('custom', 'custom must hold strings (or numbers) of at most 500 characters.');
  };
  if (Array.isArray(raw)) {
    if (raw.length > 50) throw invalid('custom', 'custom has more than 50 values.');
    return raw.map(value);
  }
  if (typeof raw === 'object' && raw !== null) {
    const entries = Object.entries(raw);
    if (entries.length > 50) throw invalid('custom', 'custom has more than 50 values.');
    return Object.fromEntries(entries.map(([k, v]) => [k, value(v)]));
  }
  throw invalid('custom', 'custom must be an array of the template\'s variable values, in order.');
}
