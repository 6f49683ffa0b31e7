// Credit arithmetic and the refund policy: what a message costs, and which final statuses give
// the credits back.
import { isPermanentFailure, type ErrorCode } from './errors.ts';

export interface RefundPolicy {
  /** Also refund transient failures (handset off, carrier down until expiry); an account setting. */
  refundOnUndelivered: boolean;
}

export type FinalStatus = 'DELIVERED' | 'FAILED' | 'EXPIRED' | 'REJECTED' | 'UNKNOWN';

export function shouldRefund(status: FinalStatus, errorCode: ErrorCode | undefined, policy: RefundPolicy): boolean {
  switch (status) {
    case 'DELIVERED':
      return false;
    case 'REJECTED':
    case 'EXPIRED':
      // Never reached a handset: the carrier does not bill these, so neither do we.
      return true;
    case 'FAILED':
      // A failure without a code is treated as permanent: we cannot tell it will ever succeed.
      return errorCode === undefined || isPermanentFailure(errorCode) || policy.refundOnUndelivered;
    case 'UNKNOWN':
      // In doubt (no receipt, or a crash mid-submission): the carrier may have charged us.
      return false;
  }
}

/** Credits are integers (smallest billing unit) so balances never accumulate rounding error. */
export function creditsFor(segments: number, pricePerSegment: number): number {
  if (!Number.isSafeInteger(segments) || segments < 0) {
    throw new RangeError(`segments must be a non-negative integer, got ${segments}`);
  }
  if (!Number.isSafeInteger(pricePerSegment) || pricePerSegment < 0) {
    throw new RangeError(`pricePerSegment must be a non-negative integer, got ${pricePerSegment}`);
  }
  const credits = segments * pricePerSegment;
  if (!Number.isSafeInteger(credits)) throw new RangeError(`${segments} segments at ${pricePerSegment} overflows a safe integer`);
  return credits;
}
