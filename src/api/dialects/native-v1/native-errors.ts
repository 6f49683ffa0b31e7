// The native dialect's error map: every catalogue code → HTTP status (seeds 001 §14 and 004).
// `satisfies Record<ErrorCode, …>` makes a new code fail to compile until it is mapped here.
import { DakiyaError, type ErrorCode } from '../../../domain/errors.ts';

export const nativeStatus = {
  ERR_INVALID_REQUEST: 400,
  ERR_INVALID_JSON: 400,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_UNAUTHORIZED: 401,
  ERR_IP_NOT_ALLOWED: 403,
  ERR_ACCOUNT_SUSPENDED: 403,
  ERR_NOT_FOUND: 404,
  ERR_CONFLICT: 409,
  ERR_WEBHOOK_URL_NOT_ALLOWED: 422,
  ERR_IDEMPOTENCY_KEY_REUSED: 422,
  ERR_INVALID_MOBILE: 422,
  ERR_NO_VALID_RECIPIENTS: 422,
  ERR_TOO_MANY_RECIPIENTS: 422,
  ERR_ROUTE_NOT_FOUND: 422,
  ERR_SENDER_NOT_REGISTERED: 422,
  ERR_SENDER_SUSPENDED: 422,
  ERR_TEMPLATE_REQUIRED: 422,
  ERR_TEMPLATE_NOT_FOUND: 422,
  ERR_DLT_TEMPLATE_MISMATCH: 422,
  ERR_DLT_TEMPLATE_SUSPENDED: 422,
  ERR_TEMPLATE_CATEGORY_MISMATCH: 422,
  ERR_DND_SUBSCRIBER: 422,
  ERR_PROMOTIONAL_WINDOW_CLOSED: 422,
  ERR_CONTENT_BLOCKED: 422,
  ERR_INVALID_UNICODE: 422,
  ERR_MESSAGE_TOO_LONG: 422,
  ERR_INVALID_SCHEDULE: 422,
  ERR_INSUFFICIENT_CREDITS: 402,
  ERR_RATE_LIMIT_EXCEEDED: 429,
  ERR_OTP_LIMIT_EXCEEDED: 429,
  ERR_OTP_COUNTRY_NOT_ALLOWED: 403,
  ERR_OTP_CHANNEL_NOT_FOUND: 422,
  ERR_OTP_CHANNEL_UNAVAILABLE: 422,
  ERR_OTP_TEMPLATE_INVALID: 422,
  ERR_OTP_TEST_MODE_LIVE_KEY: 403,
  ERR_OTP_RESEND_NOT_ALLOWED: 409,
  ERR_CARRIER_UNAVAILABLE: 503,
  ERR_CARRIER_REJECTED: 502,
  ERR_HANDSET_UNREACHABLE: 502,
  ERR_UNDELIVERED: 502,
  ERR_NUMBER_INACTIVE: 502,
  ERR_MESSAGE_EXPIRED: 502,
  ERR_DELIVERY_UNKNOWN: 502,
  ERR_CANCELLED: 409,
  ERR_SERVICE_UNAVAILABLE: 503,
  ERR_INTERNAL: 500,
} as const satisfies Record<ErrorCode, number>;

/** `{"status":"error","code":<http>,"error_code","message"}`; `error_message` repeats `message` for seed 001's client samples. */
export function nativeErrorBody(error: DakiyaError): { statusCode: number; body: Record<string, unknown> } {
  const statusCode = nativeStatus[error.code];
  // `problem` is a hint other dialects word their messages by (error-reply.ts); this body has none.
  const { problem: _problem, ...details } = error.details ?? {};
  return {
    statusCode,
    body: {
      status: 'error', code: statusCode, error_code: error.code, message: error.message, error_message: error.message,
      ...(Object.keys(details).length > 0 && { details }),
    },
  };
}
