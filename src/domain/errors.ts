// THE error catalogue: every failure Dakiya can report has one stable code here. Every surface
// (each HTTP dialect, the SMPP server) maps every code in an exhaustive table, and
// docs/reference/errors.md is checked against this file by test/unit/domain/errors.test.ts.

/** Where a code can appear: answering a request, or later on a message (receipt, dispatch). */
export type ErrorPhase = 'request' | 'delivery' | 'both';

interface ErrorSpec {
  /** HTTP status when the code answers a request (seeds 001 §14 and 004). */
  readonly status: number;
  readonly phase: ErrorPhase;
  /** For delivery failures: whether the failure is permanent (drives the refund policy). */
  readonly permanent?: boolean;
  /** Default human message; it says what to fix. */
  readonly message: string;
}

export const errorCatalogue = {
  ERR_INVALID_REQUEST: { status: 400, phase: 'request', message: 'The request is malformed; see details for the field at fault.' },
  ERR_INVALID_JSON: { status: 400, phase: 'request', message: 'The request body is not valid JSON.' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, phase: 'request', message: 'The request body is larger than this endpoint accepts.' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, phase: 'request', message: 'Send the body as application/json.' },
  ERR_UNAUTHORIZED: { status: 401, phase: 'request', message: 'Missing or invalid API key: send Authorization: Bearer <key> or ?access_token=<key>.' },
  ERR_IP_NOT_ALLOWED: { status: 403, phase: 'request', message: 'This key may not be used from this IP address; add it to the key\'s allowlist.' },
  ERR_ACCOUNT_SUSPENDED: { status: 403, phase: 'request', message: 'The account is suspended; contact the operator.' },
  ERR_NOT_FOUND: { status: 404, phase: 'request', message: 'No such resource.' },
  ERR_CONFLICT: { status: 409, phase: 'request', message: 'The resource already exists or was changed concurrently.' },
  ERR_WEBHOOK_URL_NOT_ALLOWED: { status: 422, phase: 'request', message: 'The webhook or callback URL is not allowed: it must be http(s) and reach a public address (not loopback, private, link-local or metadata).' },
  ERR_IDEMPOTENCY_KEY_REUSED: { status: 422, phase: 'request', message: 'This Idempotency-Key was already used with a different request body.' },
  ERR_INVALID_MOBILE: { status: 422, phase: 'request', message: 'Mobile number format invalid: use 91XXXXXXXXXX (10 digits after the country code); international numbers in E.164 on the international route.' },
  ERR_NO_VALID_RECIPIENTS: { status: 422, phase: 'request', message: 'No recipient of the request can be sent to; see rejected for each one\'s reason.' },
  ERR_TOO_MANY_RECIPIENTS: { status: 422, phase: 'request', message: 'Too many recipients in one request; split the list.' },
  ERR_ROUTE_NOT_FOUND: { status: 422, phase: 'request', message: 'No such route, or the route is not enabled for this account.' },
  ERR_SENDER_NOT_REGISTERED: { status: 422, phase: 'request', message: 'Sender ID is not registered for this account; register it (DLT header) first.' },
  ERR_SENDER_SUSPENDED: { status: 422, phase: 'request', message: 'Sender ID is suspended; contact the operator.' },
  ERR_TEMPLATE_REQUIRED: { status: 422, phase: 'request', message: 'A DLT template_id is required for messages to Indian numbers.' },
  ERR_TEMPLATE_NOT_FOUND: { status: 422, phase: 'request', message: 'Template ID does not exist for this account; verify it is registered and approved.' },
  ERR_DLT_TEMPLATE_MISMATCH: { status: 422, phase: 'request', message: 'Message content does not match the DLT-approved template.' },
  ERR_DLT_TEMPLATE_SUSPENDED: { status: 422, phase: 'request', message: 'The DLT template is suspended; it may need re-submission.' },
  ERR_TEMPLATE_CATEGORY_MISMATCH: { status: 422, phase: 'request', message: 'The template is registered for another category, sender or DLT principal entity; use a template registered for this one.' },
  ERR_DND_SUBSCRIBER: { status: 422, phase: 'both', permanent: true, message: 'The number is on the DND registry; promotional messages to it are blocked.' },
  ERR_PROMOTIONAL_WINDOW_CLOSED: { status: 422, phase: 'request', message: 'Promotional messages may only be sent 09:00-21:00 IST; schedule it or set queue_until_window_opens.' },
  ERR_CONTENT_BLOCKED: { status: 422, phase: 'request', message: 'The message text matched the operator\'s content filter (a blocked pattern, or the same text sent to too many recipients); change the text or contact the operator.' },
  ERR_INVALID_UNICODE: { status: 422, phase: 'request', message: 'The message contains characters that cannot be sent (unpaired surrogates or control characters).' },
  ERR_MESSAGE_TOO_LONG: { status: 422, phase: 'request', message: 'The message needs more segments than allowed; shorten it.' },
  ERR_INVALID_SCHEDULE: { status: 422, phase: 'request', message: 'schedule_at must be an ISO 8601 time with offset, in the future and within the allowed horizon.' },
  ERR_INSUFFICIENT_CREDITS: { status: 402, phase: 'request', message: 'Account balance on this route is too low; recharge credits.' },
  ERR_RATE_LIMIT_EXCEEDED: { status: 429, phase: 'request', message: 'Too many requests; retry after the Retry-After header\'s seconds.' },
  ERR_OTP_LIMIT_EXCEEDED: { status: 429, phase: 'request', message: 'An OTP limit was reached (sends to this number, failed checks, the daily budget, a new number range, or the resend cooldown); retry after the Retry-After header\'s seconds.' },
  ERR_OTP_COUNTRY_NOT_ALLOWED: { status: 403, phase: 'request', message: 'OTPs may not be sent to this country from this account; the operator sets the allowed countries.' },
  ERR_OTP_CHANNEL_NOT_FOUND: { status: 422, phase: 'request', message: 'No such OTP channel for this account; the operator defines OTP channels (dakiya otp-channel add).' },
  ERR_OTP_CHANNEL_UNAVAILABLE: { status: 422, phase: 'request', message: 'None of the requested OTP delivery channels is available on this gateway; use sms.' },
  ERR_OTP_TEMPLATE_INVALID: { status: 422, phase: 'request', message: 'The OTP template has no variable that can carry the code: register one with {#num#} or {#var#}.' },
  ERR_OTP_TEST_MODE_LIVE_KEY: { status: 403, phase: 'request', message: 'test_mode returns the code and sends nothing, so it is refused for live keys; use a test key.' },
  ERR_OTP_RESEND_NOT_ALLOWED: { status: 409, phase: 'request', message: 'The OTP session cannot be resent: it is verified, expired or locked, or has used up its sends; start a new one.' },
  ERR_CARRIER_UNAVAILABLE: { status: 503, phase: 'delivery', permanent: false, message: 'The carrier could not be reached; delivery is retried.' },
  ERR_CARRIER_REJECTED: { status: 502, phase: 'delivery', permanent: true, message: 'The carrier rejected the message.' },
  ERR_HANDSET_UNREACHABLE: { status: 502, phase: 'delivery', permanent: false, message: 'The handset was off or out of coverage until the validity period ended.' },
  ERR_UNDELIVERED: { status: 502, phase: 'delivery', permanent: false, message: 'The carrier reported the message undeliverable without a more precise reason.' },
  ERR_NUMBER_INACTIVE: { status: 502, phase: 'delivery', permanent: true, message: 'The mobile number is deactivated; remove it from your list.' },
  ERR_MESSAGE_EXPIRED: { status: 502, phase: 'delivery', permanent: false, message: 'The message could not be submitted before its validity period ended.' },
  ERR_DELIVERY_UNKNOWN: { status: 502, phase: 'delivery', permanent: false, message: 'The submission is in doubt (no carrier answer before a crash or timeout); it was not resent.' },
  ERR_CANCELLED: { status: 409, phase: 'delivery', permanent: true, message: 'The customer cancelled the message before it was sent; its credits were refunded.' },
  ERR_SERVICE_UNAVAILABLE: { status: 503, phase: 'request', message: 'The gateway is starting or shutting down; retry shortly.' },
  ERR_INTERNAL: { status: 500, phase: 'request', message: 'Internal error; retry with backoff and contact the operator if it persists.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/** The one error type services throw. `details` is safe to show to the caller. */
export class DakiyaError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'DakiyaError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = details;
  }
}

/** The catalogue's text for a code stored on a message; null when there is none or the code is not (or no longer) in the catalogue. */
export function errorDescription(code: string | null): string | null {
  return code !== null && isErrorCode(code) ? errorCatalogue[code].message : null;
}

export function isPermanentFailure(code: ErrorCode): boolean {
  const spec: ErrorSpec = errorCatalogue[code];
  return spec.permanent ?? true;
}
