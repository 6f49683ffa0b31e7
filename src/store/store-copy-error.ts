// Why `store copy` stopped. An operator failure rather than an API one, so it carries its own
// stable codes (like ConfigError) instead of entries in the request error catalogue; every case
// leaves the target as it was.
export const storeCopyErrorCodes = [
  /** The target holds data already; the copy only moves into a fresh database. */
  'ERR_STORE_COPY_TARGET_NOT_EMPTY',
  /** A table or column of one engine is missing in the other, so rows could not be copied whole. */
  'ERR_STORE_COPY_SCHEMA_MISMATCH',
  /** The source holds deferred chunks (messages not yet made rows): a node still serves on it. */
  'ERR_STORE_COPY_SOURCE_IN_USE',
  /** After writing, the target's counts or sums differ from the source's; the transaction was rolled back. */
  'ERR_STORE_COPY_VERIFICATION_FAILED',
] as const;

export type StoreCopyErrorCode = (typeof storeCopyErrorCodes)[number];

export class StoreCopyError extends Error {
  override readonly name = 'StoreCopyError';
  readonly code: StoreCopyErrorCode;

  constructor(code: StoreCopyErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
