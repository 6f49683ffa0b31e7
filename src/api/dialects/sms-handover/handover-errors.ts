// The SMS Handover dialect's error map (seed 002): every catalogue code → the upper-case message of
// the seed's `{"result":"error","message":"…"}`. The HTTP status is the catalogue's own.
// `satisfies Record<ErrorCode, …>` makes a new code fail to compile until it is mapped here;
// docs/reference/dialects/sms-handover.md lists this table and a test keeps the two equal.
import type { DakiyaError, ErrorCode } from '../../../domain/errors.ts';

/** What the seed calls each parameter in its error messages ("MISSING CHANNEL ID"). */
const labels: Readonly<Record<string, string>> = {
  key: 'API KEY', channel_id: 'CHANNEL ID', mobile: 'MOBILE', reference: 'REFERENCE', otp: 'OTP', body: 'REQUEST BODY',
  contacts: 'CONTACTS', senderid: 'SENDER ID', msg: 'MESSAGE', routeid: 'ROUTE ID', bulk_campaign: 'BULK CAMPAIGN',
  dlr_url: 'DLR URL', time: 'SCHEDULE TIME', sms_shoot_id: 'SMS SHOOT ID',
};

function parameterLabel(name: string): string {
  return labels[name] ?? name.replaceAll('_', ' ').toUpperCase();
}

export const handoverMessages = {
  ERR_INVALID_REQUEST: 'INVALID REQUEST',
  ERR_INVALID_JSON: 'INVALID JSON BODY',
  ERR_PAYLOAD_TOO_LARGE: 'REQUEST BODY TOO LARGE',
  ERR_UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED CONTENT TYPE, SEND FORM FIELDS OR JSON',
  ERR_UNAUTHORIZED: 'INVALID API KEY',
  ERR_IP_NOT_ALLOWED: 'IP ADDRESS NOT ALLOWED FOR THIS API KEY',
  ERR_ACCOUNT_SUSPENDED: 'ACCOUNT SUSPENDED',
  ERR_NOT_FOUND: 'INVALID REFERENCE',
  ERR_CONFLICT: 'CONFLICTING REQUEST, RETRY',
  ERR_WEBHOOK_URL_NOT_ALLOWED: 'CALLBACK URL NOT ALLOWED',
  ERR_IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY KEY ALREADY USED WITH ANOTHER REQUEST',
  ERR_INVALID_MOBILE: 'INVALID MOBILE NUMBER',
  ERR_NO_VALID_RECIPIENTS: 'NO VALID CONTACTS',
  ERR_TOO_MANY_RECIPIENTS: 'TOO MANY CONTACTS',
  ERR_ROUTE_NOT_FOUND: 'INVALID ROUTE',
  ERR_SENDER_NOT_REGISTERED: 'SENDER ID NOT REGISTERED',
  ERR_SENDER_SUSPENDED: 'SENDER ID SUSPENDED',
  ERR_TEMPLATE_REQUIRED: 'DLT TEMPLATE REQUIRED',
  ERR_TEMPLATE_NOT_FOUND: 'DLT TEMPLATE NOT FOUND',
  ERR_DLT_TEMPLATE_MISMATCH: 'MESSAGE DOES NOT MATCH THE DLT TEMPLATE',
  ERR_DLT_TEMPLATE_SUSPENDED: 'DLT TEMPLATE SUSPENDED',
  ERR_TEMPLATE_CATEGORY_MISMATCH: 'DLT TEMPLATE IS FOR ANOTHER CATEGORY OR SENDER ID',
  ERR_DND_SUBSCRIBER: 'NUMBER IS ON DND',
  ERR_PROMOTIONAL_WINDOW_CLOSED: 'PROMOTIONAL SMS ONLY BETWEEN 9 AM AND 9 PM IST',
  ERR_CONTENT_BLOCKED: 'MESSAGE BLOCKED BY CONTENT FILTER',
  ERR_INVALID_UNICODE: 'MESSAGE HAS CHARACTERS THAT CANNOT BE SENT',
  ERR_MESSAGE_TOO_LONG: 'MESSAGE TOO LONG',
  ERR_INVALID_SCHEDULE: 'INVALID SCHEDULE TIME',
  ERR_INSUFFICIENT_CREDITS: 'INSUFFICIENT BALANCE',
  ERR_RATE_LIMIT_EXCEEDED: 'TOO MANY REQUESTS',
  ERR_OTP_LIMIT_EXCEEDED: 'TOO MANY OTP REQUESTS',
  ERR_OTP_COUNTRY_NOT_ALLOWED: 'OTP NOT ALLOWED TO THIS COUNTRY',
  ERR_OTP_CHANNEL_NOT_FOUND: 'INVALID CHANNEL ID',
  ERR_OTP_CHANNEL_UNAVAILABLE: 'OTP DELIVERY CHANNEL UNAVAILABLE',
  ERR_OTP_TEMPLATE_INVALID: 'OTP TEMPLATE HAS NO PLACE FOR THE CODE',
  ERR_OTP_TEST_MODE_LIVE_KEY: 'TEST MODE NEEDS A TEST API KEY',
  ERR_OTP_RESEND_NOT_ALLOWED: 'OTP CANNOT BE RESENT',
  ERR_CARRIER_UNAVAILABLE: 'CARRIER UNAVAILABLE',
  ERR_CARRIER_REJECTED: 'REJECTED BY CARRIER',
  ERR_HANDSET_UNREACHABLE: 'HANDSET UNREACHABLE',
  ERR_UNDELIVERED: 'UNDELIVERED',
  ERR_NUMBER_INACTIVE: 'NUMBER INACTIVE',
  ERR_MESSAGE_EXPIRED: 'MESSAGE EXPIRED',
  ERR_DELIVERY_UNKNOWN: 'DELIVERY STATUS UNKNOWN',
  ERR_CANCELLED: 'CANCELLED',
  ERR_SERVICE_UNAVAILABLE: 'SERVICE UNAVAILABLE',
  ERR_INTERNAL: 'INTERNAL ERROR',
} as const satisfies Record<ErrorCode, string>;

/**
 * The message for one error. A request's own parameters get messages that name them
 * ("MISSING MOBILE", "OTP GIVEN MORE THAN ONCE"); anything with a wait says how long.
 */
export function handoverMessage(error: DakiyaError): string {
  const field = error.details?.['field'];
  const problem = error.details?.['problem'];
  if (typeof field === 'string' && (error.code === 'ERR_INVALID_REQUEST' || error.code === 'ERR_UNAUTHORIZED')) {
    const label = parameterLabel(field);
    switch (problem) {
      case 'missing': return `MISSING ${label}`;
      case 'repeated': return `${label} GIVEN MORE THAN ONCE`;
      case 'too_long': return `${label} TOO LONG`;
      default: if (error.code === 'ERR_INVALID_REQUEST') return `INVALID ${label}`;
    }
  }
  if (error.code === 'ERR_NOT_FOUND' && problem === 'no_endpoint') return 'UNKNOWN ENDPOINT';
  if (error.code === 'ERR_NOT_FOUND' && typeof field === 'string') return `INVALID ${parameterLabel(field)}`;
  const retryAfter = error.details?.['retry_after'];
  return typeof retryAfter === 'number' ? `${handoverMessages[error.code]}, RETRY AFTER ${retryAfter} SECONDS` : handoverMessages[error.code];
}

/** The balance API's text form (seed 002): `ERR: INVALID API KEY`. */
export function handoverErrorText(error: DakiyaError): { statusCode: number; body: string } {
  return { statusCode: error.status, body: `ERR: ${handoverMessage(error)}` };
}

/** `{"result":"error","message":"…"}` with the catalogue's status for the code. */
export function handoverErrorBody(error: DakiyaError): { statusCode: number; body: { result: 'error'; message: string } } {
  return { statusCode: error.status, body: { result: 'error', message: handoverMessage(error) } };
}
