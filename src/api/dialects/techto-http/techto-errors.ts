// The Techto HTTP API's error map (seed 000): every catalogue code → the dialect's numeric code and
// short message. The seed fixes 103 and 107-113; the other numbers are Dakiya's, grouped by kind
// (101-106 and 114-121 request and account, 122-128 request format, 130-136 OTP, 140-146 delivery
// outcomes, 150 and 199 the gateway). Several catalogue codes share a number where the seed has one
// meaning for them (113 is every way a template ID can be wrong). The HTTP status is the catalogue's.
// `satisfies Record<ErrorCode, …>` makes a new code fail to compile until it is mapped here;
// docs/reference/dialects/techto-http.md lists this table and a test keeps the two equal.
import { DakiyaError, errorCatalogue, type ErrorCode } from '../../../domain/errors.ts';

export const techtoCodes = {
  ERR_UNAUTHORIZED: 101,
  ERR_SENDER_NOT_REGISTERED: 102,
  ERR_INVALID_MOBILE: 103,
  ERR_NO_VALID_RECIPIENTS: 103,
  ERR_INVALID_REQUEST: 104,
  ERR_MESSAGE_TOO_LONG: 105,
  ERR_INVALID_UNICODE: 106,
  ERR_CONTENT_BLOCKED: 107,
  ERR_INSUFFICIENT_CREDITS: 108,
  ERR_ROUTE_NOT_FOUND: 109,
  ERR_PROMOTIONAL_WINDOW_CLOSED: 110,
  ERR_CARRIER_UNAVAILABLE: 111,
  ERR_DND_SUBSCRIBER: 112,
  ERR_TEMPLATE_REQUIRED: 113,
  ERR_TEMPLATE_NOT_FOUND: 113,
  ERR_DLT_TEMPLATE_MISMATCH: 113,
  ERR_DLT_TEMPLATE_SUSPENDED: 114,
  ERR_TEMPLATE_CATEGORY_MISMATCH: 115,
  ERR_SENDER_SUSPENDED: 116,
  ERR_TOO_MANY_RECIPIENTS: 117,
  ERR_INVALID_SCHEDULE: 118,
  ERR_RATE_LIMIT_EXCEEDED: 119,
  ERR_IP_NOT_ALLOWED: 120,
  ERR_ACCOUNT_SUSPENDED: 121,
  ERR_INVALID_JSON: 122,
  ERR_PAYLOAD_TOO_LARGE: 123,
  ERR_UNSUPPORTED_MEDIA_TYPE: 124,
  ERR_NOT_FOUND: 125,
  ERR_CONFLICT: 126,
  ERR_WEBHOOK_URL_NOT_ALLOWED: 127,
  ERR_IDEMPOTENCY_KEY_REUSED: 128,
  ERR_OTP_LIMIT_EXCEEDED: 130,
  ERR_OTP_COUNTRY_NOT_ALLOWED: 131,
  ERR_OTP_CHANNEL_NOT_FOUND: 132,
  ERR_OTP_CHANNEL_UNAVAILABLE: 133,
  ERR_OTP_TEMPLATE_INVALID: 134,
  ERR_OTP_TEST_MODE_LIVE_KEY: 135,
  ERR_OTP_RESEND_NOT_ALLOWED: 136,
  ERR_CARRIER_REJECTED: 140,
  ERR_HANDSET_UNREACHABLE: 141,
  ERR_UNDELIVERED: 142,
  ERR_NUMBER_INACTIVE: 143,
  ERR_MESSAGE_EXPIRED: 144,
  ERR_DELIVERY_UNKNOWN: 145,
  ERR_CANCELLED: 146,
  ERR_SERVICE_UNAVAILABLE: 150,
  ERR_INTERNAL: 199,
} as const satisfies Record<ErrorCode, number>;

/** The numbers more than one catalogue code shares, on purpose (the test refuses any other overlap). */
export const sharedTechtoCodes = {
  103: ['ERR_INVALID_MOBILE', 'ERR_NO_VALID_RECIPIENTS'],
  113: ['ERR_TEMPLATE_REQUIRED', 'ERR_TEMPLATE_NOT_FOUND', 'ERR_DLT_TEMPLATE_MISMATCH'],
} as const satisfies Record<number, readonly ErrorCode[]>;

/** The error body's `message` for a request refused with the code (the seed's wording where it has one). */
export const techtoMessages = {
  ERR_UNAUTHORIZED: 'Invalid token',
  ERR_SENDER_NOT_REGISTERED: 'Invalid sender ID',
  ERR_INVALID_MOBILE: 'Invalid number',
  ERR_NO_VALID_RECIPIENTS: 'No valid number',
  ERR_INVALID_REQUEST: 'Invalid request',
  ERR_MESSAGE_TOO_LONG: 'Message too long',
  ERR_INVALID_UNICODE: 'Message has characters that cannot be sent',
  ERR_CONTENT_BLOCKED: 'Spam blocked',
  ERR_INSUFFICIENT_CREDITS: 'Low credits',
  ERR_ROUTE_NOT_FOUND: 'No SMSC for the route',
  ERR_PROMOTIONAL_WINDOW_CLOSED: 'Promotional SMS only between 9 AM and 9 PM IST',
  ERR_CARRIER_UNAVAILABLE: 'Upstream connection error',
  ERR_DND_SUBSCRIBER: 'All numbers are DND',
  ERR_TEMPLATE_REQUIRED: 'Invalid template ID: a DLT template ID is required',
  ERR_TEMPLATE_NOT_FOUND: 'Invalid template ID',
  ERR_DLT_TEMPLATE_MISMATCH: 'Invalid template ID: message does not match the template',
  ERR_DLT_TEMPLATE_SUSPENDED: 'Template suspended',
  ERR_TEMPLATE_CATEGORY_MISMATCH: 'Template is for another route, sender ID or PE ID',
  ERR_SENDER_SUSPENDED: 'Sender ID suspended',
  ERR_TOO_MANY_RECIPIENTS: 'Too many numbers',
  ERR_INVALID_SCHEDULE: 'Invalid schedule time',
  ERR_RATE_LIMIT_EXCEEDED: 'Too many requests',
  ERR_IP_NOT_ALLOWED: 'IP address not allowed for this token',
  ERR_ACCOUNT_SUSPENDED: 'Account suspended',
  ERR_INVALID_JSON: 'Invalid JSON body',
  ERR_PAYLOAD_TOO_LARGE: 'Request too large',
  ERR_UNSUPPORTED_MEDIA_TYPE: 'Unsupported content type, send form fields or JSON',
  ERR_NOT_FOUND: 'Not found',
  ERR_CONFLICT: 'Conflicting request, retry',
  ERR_WEBHOOK_URL_NOT_ALLOWED: 'Callback URL not allowed',
  ERR_IDEMPOTENCY_KEY_REUSED: 'Idempotency key already used with another request',
  ERR_OTP_LIMIT_EXCEEDED: 'Too many OTP requests',
  ERR_OTP_COUNTRY_NOT_ALLOWED: 'OTP not allowed to this country',
  ERR_OTP_CHANNEL_NOT_FOUND: 'Unknown OTP channel',
  ERR_OTP_CHANNEL_UNAVAILABLE: 'OTP delivery channel unavailable',
  ERR_OTP_TEMPLATE_INVALID: 'OTP template has no place for the code',
  ERR_OTP_TEST_MODE_LIVE_KEY: 'Test mode needs a test token',
  ERR_OTP_RESEND_NOT_ALLOWED: 'OTP cannot be resent',
  ERR_CARRIER_REJECTED: 'Rejected by carrier',
  ERR_HANDSET_UNREACHABLE: 'Handset unreachable',
  ERR_UNDELIVERED: 'Undelivered',
  ERR_NUMBER_INACTIVE: 'Number inactive',
  ERR_MESSAGE_EXPIRED: 'Message expired',
  ERR_DELIVERY_UNKNOWN: 'Delivery status unknown',
  ERR_CANCELLED: 'Cancelled',
  ERR_SERVICE_UNAVAILABLE: 'Service unavailable',
  ERR_INTERNAL: 'Internal error',
} as const satisfies Record<ErrorCode, string>;

/** What the services call a field → the parameter of this dialect it came from. */
const parameterNames: Readonly<Record<string, string>> = { to: 'number', template_id: 'templateid', schedule_at: 'schedule' };

export function parameterName(field: string): string {
  return parameterNames[field] ?? field;
}

/**
 * The body's `message`: a parameter at fault is named ("Missing parameter: number"), an unknown
 * endpoint or id says so, and anything with a wait says how long.
 */
export function techtoMessage(error: DakiyaError): string {
  const field = error.details?.['field'];
  const problem = error.details?.['problem'];
  if (typeof field === 'string' && (error.code === 'ERR_INVALID_REQUEST' || (error.code === 'ERR_UNAUTHORIZED' && problem === 'missing'))) {
    const name = parameterName(field);
    switch (problem) {
      case 'missing': return `Missing parameter: ${name}`;
      case 'repeated': return `Parameter given more than once: ${name}`;
      case 'too_long': return `Parameter too long: ${name}`;
      default: return `Invalid parameter: ${name}`;
    }
  }
  if (error.code === 'ERR_NOT_FOUND' && problem === 'no_endpoint') return 'Unknown endpoint';
  if (error.code === 'ERR_NOT_FOUND' && typeof field === 'string') return `Unknown ${parameterName(field)}`;
  const retryAfter = error.details?.['retry_after'];
  return typeof retryAfter === 'number' ? `${techtoMessages[error.code]}, retry after ${retryAfter} seconds` : techtoMessages[error.code];
}

/** One number a send refused, with why: the code's number and the reason (the catalogue's description when none more precise is known). */
export interface RefusedNumber {
  number: string;
  code: number;
  message: string;
}

export function refusedNumber(number: string, code: ErrorCode, reason: string = errorCatalogue[code].message): RefusedNumber {
  return { number, code: techtoCodes[code], message: reason };
}

export interface TechtoErrorBody {
  status: 'error';
  code: number;
  message: string;
  error: ErrorCode;
  detail: string;
  rejected?: RefusedNumber[];
}

/**
 * `{"status":"error","code":<number>,"message","error":<catalogue code>,"detail"}` with the
 * catalogue's HTTP status; a send none of whose numbers could be sent lists each in `rejected`.
 */
export function techtoErrorBody(error: DakiyaError): { statusCode: number; body: TechtoErrorBody } {
  const list = error.details?.['rejected'];
  const rejected = Array.isArray(list) ? (list as Array<{ to: string; error_code: ErrorCode; message?: string }>).map((r) => refusedNumber(r.to, r.error_code, r.message)) : undefined;
  return {
    statusCode: error.status,
    body: { status: 'error', code: techtoCodes[error.code], message: techtoMessage(error), error: error.code, detail: error.message, ...(rejected && { rejected }) },
  };
}
