// The failures of the Standard Webhooks library, each with one stable code (like ws's WS_ERR_*),
// so a caller can branch on `code` and show `message`, which says what to fix.

export const standardWebhooksErrors = {
  SW_ERR_INVALID_SECRET: 'A signing secret must be whsec_ followed by the base64 of 24 to 64 bytes.',
  SW_ERR_NO_SECRETS: 'At least one signing secret is needed.',
  SW_ERR_INVALID_MESSAGE_ID: 'A webhook id must be non-empty and contain neither "." nor whitespace.',
  SW_ERR_INVALID_TIMESTAMP: 'A webhook timestamp must be a whole number of seconds since the Unix epoch.',
  SW_ERR_MISSING_HEADER: 'The webhook-id, webhook-timestamp and webhook-signature headers are all required.',
  SW_ERR_TIMESTAMP_TOO_OLD: 'The webhook timestamp is older than the tolerance allows; reject it as a possible replay.',
  SW_ERR_TIMESTAMP_TOO_NEW: 'The webhook timestamp is further in the future than the tolerance allows; check the clocks.',
  SW_ERR_NO_MATCHING_SIGNATURE: 'No v1 signature in webhook-signature matches the body with this secret.',
} as const;

export type StandardWebhooksErrorCode = keyof typeof standardWebhooksErrors;

export class StandardWebhooksError extends Error {
  readonly code: StandardWebhooksErrorCode;

  constructor(code: StandardWebhooksErrorCode, message?: string) {
    super(message ?? standardWebhooksErrors[code]);
    this.name = 'StandardWebhooksError';
    this.code = code;
  }
}
