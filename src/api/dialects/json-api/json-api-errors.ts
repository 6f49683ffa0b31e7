// The apiKey JSON dialect's error map (seed 003): every catalogue code → the envelope's `message`
// for it. The HTTP status is the catalogue's own. `satisfies Record<ErrorCode, …>` makes a new code
// fail to compile until it is mapped here; docs/reference/dialects/json-api.md lists this table and
// a test keeps the two equal.
import { DakiyaError, errorCatalogue, type ErrorCode } from '../../../domain/errors.ts';

export const jsonApiMessages = {
  ERR_INVALID_REQUEST: 'Invalid Request',
  ERR_INVALID_JSON: 'Invalid JSON Body',
  ERR_PAYLOAD_TOO_LARGE: 'Request Body Too Large',
  ERR_UNSUPPORTED_MEDIA_TYPE: 'Unsupported Content Type, Send JSON',
  ERR_UNAUTHORIZED: 'Invalid API Key',
  ERR_IP_NOT_ALLOWED: 'IP Address Not Allowed For This API Key',
  ERR_ACCOUNT_SUSPENDED: 'Account Suspended',
  ERR_NOT_FOUND: 'Not Found',
  ERR_CONFLICT: 'Conflicting Request, Retry',
  ERR_WEBHOOK_URL_NOT_ALLOWED: 'Callback URL Not Allowed',
  ERR_IDEMPOTENCY_KEY_REUSED: 'Idempotency Key Already Used With Another Request',
  ERR_INVALID_MOBILE: 'Invalid Mobile Number',
  ERR_NO_VALID_RECIPIENTS: 'No Valid Recipients',
  ERR_TOO_MANY_RECIPIENTS: 'Too Many Recipients',
  ERR_ROUTE_NOT_FOUND: 'Route Not Available',
  ERR_SENDER_NOT_REGISTERED: 'Sender ID Not Registered',
  ERR_SENDER_SUSPENDED: 'Sender ID Suspended',
  ERR_TEMPLATE_REQUIRED: 'DLT Template Required',
  ERR_TEMPLATE_NOT_FOUND: 'Template ID Not Found',
  ERR_DLT_TEMPLATE_MISMATCH: 'Message Does Not Match The DLT Template',
  ERR_DLT_TEMPLATE_SUSPENDED: 'DLT Template Suspended',
  ERR_TEMPLATE_CATEGORY_MISMATCH: 'Template Is For Another Type Or Sender ID',
  ERR_DND_SUBSCRIBER: 'Number Is On DND',
  ERR_PROMOTIONAL_WINDOW_CLOSED: 'Promotional SMS Only Between 9 AM And 9 PM IST',
  ERR_CONTENT_BLOCKED: 'Message Blocked By Content Filter',
  ERR_INVALID_UNICODE: 'Message Has Characters That Cannot Be Sent',
  ERR_MESSAGE_TOO_LONG: 'Message Too Long',
  ERR_INVALID_SCHEDULE: 'Invalid Schedule Time',
  ERR_INSUFFICIENT_CREDITS: 'Insufficient Balance',
  ERR_RATE_LIMIT_EXCEEDED: 'Too Many Requests',
  ERR_OTP_LIMIT_EXCEEDED: 'Too Many OTP Requests',
  ERR_OTP_COUNTRY_NOT_ALLOWED: 'OTP Not Allowed To This Country',
  ERR_OTP_CHANNEL_NOT_FOUND: 'Invalid OTP Channel',
  ERR_OTP_CHANNEL_UNAVAILABLE: 'OTP Delivery Channel Unavailable',
  ERR_OTP_TEMPLATE_INVALID: 'OTP Template Has No Place For The Code',
  ERR_OTP_TEST_MODE_LIVE_KEY: 'Test Mode Needs A Test API Key',
  ERR_OTP_RESEND_NOT_ALLOWED: 'OTP Cannot Be Resent',
  ERR_CARRIER_UNAVAILABLE: 'Carrier Unavailable',
  ERR_CARRIER_REJECTED: 'Rejected By Carrier',
  ERR_HANDSET_UNREACHABLE: 'Handset Unreachable',
  ERR_UNDELIVERED: 'Undelivered',
  ERR_NUMBER_INACTIVE: 'Number Inactive',
  ERR_MESSAGE_EXPIRED: 'Message Expired',
  ERR_DELIVERY_UNKNOWN: 'Delivery Status Unknown',
  ERR_CANCELLED: 'Cancelled',
  ERR_SERVICE_UNAVAILABLE: 'Service Unavailable',
  ERR_INTERNAL: 'Internal Error',
} as const satisfies Record<ErrorCode, string>;

/** What the services call a field → what this dialect's body calls it. */
const fieldNames: Readonly<Record<string, string>> = { message: 'text', template_id: 'templateId', variables: 'custom', category: 'type' };

export function dialectField(field: string): string {
  return fieldNames[field] ?? field;
}

/**
 * The envelope's `message`. A body in single quotes (as the seed's own samples are) says so; a field
 * of the request that is missing or malformed is named; anything with a wait says how long.
 */
export function jsonApiMessage(error: DakiyaError): string {
  const field = error.details?.['field'];
  const problem = error.details?.['problem'];
  if (error.code === 'ERR_INVALID_JSON' && problem === 'single_quotes') {
    return 'Invalid JSON Body: Use Double Quotes Around Keys And Strings, Not Single Quotes';
  }
  if (typeof field === 'string' && (error.code === 'ERR_INVALID_REQUEST' || error.code === 'ERR_UNAUTHORIZED')) {
    const name = dialectField(field);
    if (problem === 'missing') return name === 'apiKey' ? 'Missing API Key' : `Missing ${name}`;
    if (error.code === 'ERR_INVALID_REQUEST') return `Invalid ${name}`;
  }
  if (error.code === 'ERR_NOT_FOUND' && problem === 'no_endpoint') return 'Unknown Endpoint';
  const retryAfter = error.details?.['retry_after'];
  return typeof retryAfter === 'number' ? `${jsonApiMessages[error.code]}, Retry After ${retryAfter} Seconds` : jsonApiMessages[error.code];
}

/** One refused recipient of a bulk send, by its 1-based position in `to`. */
export interface RejectedRecipient {
  recipient: string;
  position: number;
  error: { code: ErrorCode; message: string };
}

export interface ErrorEnvelope {
  id: null;
  data: [];
  totalCount: 0;
  message: string;
  error: { status: number; code: ErrorCode; message: string; details?: Record<string, unknown> };
  rejected?: RejectedRecipient[];
}

/**
 * The seed's envelope with `id` null, no data, `error` set: `{status, code, message}` as seed 004
 * writes every error, plus the error's details (fields named as this dialect names them). A bulk
 * send whose every recipient was refused lists them in `rejected`, as a partly accepted one does.
 */
export function jsonApiErrorBody(error: DakiyaError): { statusCode: number; body: ErrorEnvelope } {
  const { rejected: list, problem: _problem, ...shown } = error.details ?? {};
  const rest: Record<string, unknown> = { ...shown };
  if (typeof rest['field'] === 'string') rest['field'] = dialectField(rest['field']);
  const rejected = Array.isArray(list) ? list.map(rejectedFromDetails) : undefined;
  return {
    statusCode: error.status,
    body: {
      id: null, data: [], totalCount: 0, message: jsonApiMessage(error),
      error: { status: error.status, code: error.code, message: error.message, ...(Object.keys(rest).length > 0 && { details: rest }) },
      ...(rejected && { rejected }),
    },
  };
}

function rejectedFromDetails(entry: { index: number; to: string; error_code: ErrorCode; message?: string }): RejectedRecipient {
  return { recipient: entry.to, position: entry.index + 1, error: { code: entry.error_code, message: entry.message ?? errorCatalogue[entry.error_code].message } };
}
