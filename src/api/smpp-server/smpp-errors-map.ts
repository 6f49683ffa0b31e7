// The SMPP server's error map: every catalogue code → the command_status a submit_sm_resp (or
// query_sm_resp, cancel_sm_resp) carries, and the 3-digit `err` of a receipt's text. An SMPP 3.4
// ESME cannot read our code names, so docs/reference/smpp-server.md lists this table. Codes with
// no fitting SMPP 3.4 status use the SMSC vendor range (0x400-0x4FF, §5.1.3).
// `satisfies Record<ErrorCode, …>` makes a new code fail to compile until it is mapped here.
import { DakiyaError, type ErrorCode } from '../../domain/errors.ts';
import { CommandStatus } from '../../protocols/smpp/index.ts';
import { StoreUnavailableError } from '../../store/store.ts';

/** Dakiya's vendor-specific command_status values. */
export const DakiyaStatus = {
  INSUFFICIENT_CREDITS: 0x401,
  TEMPLATE_REQUIRED: 0x402,
  TEMPLATE_NOT_FOUND: 0x403,
  DLT_TEMPLATE_MISMATCH: 0x404,
  DLT_TEMPLATE_SUSPENDED: 0x405,
  TEMPLATE_CATEGORY_MISMATCH: 0x406,
  DND_SUBSCRIBER: 0x407,
  PROMOTIONAL_WINDOW_CLOSED: 0x408,
  ROUTE_NOT_FOUND: 0x409,
  ACCOUNT_SUSPENDED: 0x40a,
  INVALID_UNICODE: 0x40b,
  SENDER_SUSPENDED: 0x40c,
  CONTENT_BLOCKED: 0x40d,
} as const;

const S = CommandStatus;
const D = DakiyaStatus;

export const smppErrors = {
  ERR_INVALID_REQUEST: { status: S.ESME_RSUBMITFAIL, err: 1 },
  ERR_INVALID_JSON: { status: S.ESME_RSUBMITFAIL, err: 2 },
  ERR_PAYLOAD_TOO_LARGE: { status: S.ESME_RINVMSGLEN, err: 3 },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: S.ESME_RSUBMITFAIL, err: 4 },
  ERR_UNAUTHORIZED: { status: S.ESME_RINVSYSID, err: 5 },
  ERR_IP_NOT_ALLOWED: { status: S.ESME_RBINDFAIL, err: 6 },
  ERR_ACCOUNT_SUSPENDED: { status: D.ACCOUNT_SUSPENDED, err: 7 },
  ERR_NOT_FOUND: { status: S.ESME_RINVMSGID, err: 8 },
  ERR_CONFLICT: { status: S.ESME_RSUBMITFAIL, err: 9 },
  ERR_IDEMPOTENCY_KEY_REUSED: { status: S.ESME_RSUBMITFAIL, err: 10 },
  ERR_WEBHOOK_URL_NOT_ALLOWED: { status: S.ESME_RSUBMITFAIL, err: 39 },
  ERR_INVALID_MOBILE: { status: S.ESME_RINVDSTADR, err: 11 },
  ERR_NO_VALID_RECIPIENTS: { status: S.ESME_RINVDSTADR, err: 12 },
  ERR_TOO_MANY_RECIPIENTS: { status: S.ESME_RINVNUMDESTS, err: 13 },
  ERR_ROUTE_NOT_FOUND: { status: D.ROUTE_NOT_FOUND, err: 14 },
  ERR_SENDER_NOT_REGISTERED: { status: S.ESME_RINVSRCADR, err: 15 },
  ERR_SENDER_SUSPENDED: { status: D.SENDER_SUSPENDED, err: 16 },
  ERR_TEMPLATE_REQUIRED: { status: D.TEMPLATE_REQUIRED, err: 17 },
  ERR_TEMPLATE_NOT_FOUND: { status: D.TEMPLATE_NOT_FOUND, err: 18 },
  ERR_DLT_TEMPLATE_MISMATCH: { status: D.DLT_TEMPLATE_MISMATCH, err: 19 },
  ERR_DLT_TEMPLATE_SUSPENDED: { status: D.DLT_TEMPLATE_SUSPENDED, err: 20 },
  ERR_TEMPLATE_CATEGORY_MISMATCH: { status: D.TEMPLATE_CATEGORY_MISMATCH, err: 21 },
  ERR_DND_SUBSCRIBER: { status: D.DND_SUBSCRIBER, err: 22 },
  ERR_PROMOTIONAL_WINDOW_CLOSED: { status: D.PROMOTIONAL_WINDOW_CLOSED, err: 23 },
  ERR_CONTENT_BLOCKED: { status: D.CONTENT_BLOCKED, err: 47 },
  ERR_INVALID_UNICODE: { status: D.INVALID_UNICODE, err: 24 },
  ERR_MESSAGE_TOO_LONG: { status: S.ESME_RINVMSGLEN, err: 25 },
  ERR_INVALID_SCHEDULE: { status: S.ESME_RINVSCHED, err: 26 },
  ERR_INSUFFICIENT_CREDITS: { status: D.INSUFFICIENT_CREDITS, err: 27 },
  ERR_RATE_LIMIT_EXCEEDED: { status: S.ESME_RTHROTTLED, err: 28 },
  ERR_OTP_LIMIT_EXCEEDED: { status: S.ESME_RTHROTTLED, err: 40 },
  ERR_OTP_COUNTRY_NOT_ALLOWED: { status: S.ESME_RINVDSTADR, err: 41 },
  ERR_OTP_CHANNEL_NOT_FOUND: { status: S.ESME_RSUBMITFAIL, err: 42 },
  ERR_OTP_CHANNEL_UNAVAILABLE: { status: S.ESME_RSUBMITFAIL, err: 43 },
  ERR_OTP_TEMPLATE_INVALID: { status: S.ESME_RSUBMITFAIL, err: 44 },
  ERR_OTP_TEST_MODE_LIVE_KEY: { status: S.ESME_RSUBMITFAIL, err: 45 },
  ERR_OTP_RESEND_NOT_ALLOWED: { status: S.ESME_RSUBMITFAIL, err: 46 },
  ERR_CARRIER_UNAVAILABLE: { status: S.ESME_RX_T_APPN, err: 29 },
  ERR_CARRIER_REJECTED: { status: S.ESME_RSUBMITFAIL, err: 30 },
  ERR_HANDSET_UNREACHABLE: { status: S.ESME_RDELIVERYFAILURE, err: 31 },
  ERR_UNDELIVERED: { status: S.ESME_RDELIVERYFAILURE, err: 32 },
  ERR_NUMBER_INACTIVE: { status: S.ESME_RDELIVERYFAILURE, err: 33 },
  ERR_MESSAGE_EXPIRED: { status: S.ESME_RDELIVERYFAILURE, err: 34 },
  ERR_DELIVERY_UNKNOWN: { status: S.ESME_RUNKNOWNERR, err: 35 },
  ERR_CANCELLED: { status: S.ESME_RSUBMITFAIL, err: 36 },
  ERR_SERVICE_UNAVAILABLE: { status: S.ESME_RX_T_APPN, err: 37 },
  ERR_INTERNAL: { status: S.ESME_RSYSERR, err: 38 },
} as const satisfies Record<ErrorCode, { status: number; err: number }>;

/** The command_status answering a failed operation: a catalogue error by the table, the database being down as a temporary error. */
export function smppStatusFor(error: unknown): number {
  if (error instanceof DakiyaError) return smppErrors[error.code].status;
  if (error instanceof StoreUnavailableError) return smppErrors.ERR_SERVICE_UNAVAILABLE.status;
  return smppErrors.ERR_INTERNAL.status;
}

/** A receipt's `err`: 0 without an error code (or one the catalogue does not know). */
export function receiptErrFor(errorCode: string | null): number {
  return errorCode !== null && Object.hasOwn(smppErrors, errorCode) ? smppErrors[errorCode as ErrorCode].err : 0;
}
