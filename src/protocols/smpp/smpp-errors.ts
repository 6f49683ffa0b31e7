// The library's one error class and its catalogue of stable codes. Each error may carry the SMPP
// command_status that goes with it (on the wire, or in the response the session sent back).

export const SmppErrorCodes = {
  /** command_length below 16 or above maxCommandLength: the byte stream cannot be resynchronised. */
  SMPP_ERR_INVALID_LENGTH: 'SMPP_ERR_INVALID_LENGTH',
  /** A command_id SMPP 3.4 does not define. */
  SMPP_ERR_UNKNOWN_COMMAND: 'SMPP_ERR_UNKNOWN_COMMAND',
  /** A PDU body that does not parse (truncated C-string, overrunning TLV, bad sm_length, …). */
  SMPP_ERR_INVALID_PDU: 'SMPP_ERR_INVALID_PDU',
  /** A field that cannot be encoded (integer out of range, non-latin1 or NUL in a C-string, …). */
  SMPP_ERR_INVALID_FIELD: 'SMPP_ERR_INVALID_FIELD',
  /** No response within responseTimeoutMs. */
  SMPP_ERR_RESPONSE_TIMEOUT: 'SMPP_ERR_RESPONSE_TIMEOUT',
  /** The session closed after the request was written, before it was answered: the peer may have it. */
  SMPP_ERR_CLOSED: 'SMPP_ERR_CLOSED',
  /** The session closed (or began to unbind) while the request waited for a window slot: it was never written. */
  SMPP_ERR_NOT_SENT: 'SMPP_ERR_NOT_SENT',
  /** The peer answered the request with generic_nack. */
  SMPP_ERR_GENERIC_NACK: 'SMPP_ERR_GENERIC_NACK',
  /** The request is not allowed in the session's bind state or for its role. */
  SMPP_ERR_INVALID_STATE: 'SMPP_ERR_INVALID_STATE',
  /** The peer refused the bind. */
  SMPP_ERR_BIND_FAILED: 'SMPP_ERR_BIND_FAILED',
  /** smsc role: the peer did not bind within bindTimeoutMs. */
  SMPP_ERR_BIND_TIMEOUT: 'SMPP_ERR_BIND_TIMEOUT',
  /** The peer did not answer an enquire_link in time. */
  SMPP_ERR_ENQUIRE_LINK_TIMEOUT: 'SMPP_ERR_ENQUIRE_LINK_TIMEOUT',
  /** No PDU arrived within inactivityTimeoutMs. */
  SMPP_ERR_INACTIVITY_TIMEOUT: 'SMPP_ERR_INACTIVITY_TIMEOUT',
  /** The TCP/TLS connection was not established within connectTimeoutMs. */
  SMPP_ERR_CONNECT_TIMEOUT: 'SMPP_ERR_CONNECT_TIMEOUT',
} as const;

export type SmppErrorCode = keyof typeof SmppErrorCodes;

export class SmppError extends Error {
  override name = 'SmppError';
  readonly code: SmppErrorCode;
  /** The SMPP command_status that goes with the error, when there is one. */
  readonly command_status: number | undefined;

  constructor(code: SmppErrorCode, message: string, options?: { command_status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.command_status = options?.command_status;
  }
}
