// The sandbox carrier's magic numbers: each makes one delivery path visible (docs/reference/sandbox.md).
import type { ErrorCode } from '../../domain/errors.ts';

export type SandboxBehaviour =
  | { kind: 'deliver' }
  | { kind: 'fail'; errorCode: ErrorCode }                 // negative receipt
  | { kind: 'unreachable-then-deliver' }                     // first receipt late, then delivered
  | { kind: 'unreachable-until-expiry' }                     // never reachable: FAILED when validity ends
  | { kind: 'reject'; errorCode: ErrorCode }               // refused at submission
  | { kind: 'carrier-down-once' }                            // first submission fails transiently, retry succeeds
  | { kind: 'no-receipt' };                                  // submitted, the carrier never reports

/** Indian test block 91999990000x; the last digit picks the behaviour. */
export const sandboxNumbers: Readonly<Record<string, SandboxBehaviour>> = {
  '919999900001': { kind: 'fail', errorCode: 'ERR_NUMBER_INACTIVE' },
  '919999900002': { kind: 'unreachable-then-deliver' },
  '919999900003': { kind: 'reject', errorCode: 'ERR_DND_SUBSCRIBER' },
  '919999900004': { kind: 'unreachable-until-expiry' },
  '919999900005': { kind: 'carrier-down-once' },
  '919999900006': { kind: 'no-receipt' },
  '919999900007': { kind: 'reject', errorCode: 'ERR_CARRIER_REJECTED' },
};

export function behaviourFor(msisdn: string): SandboxBehaviour {
  return sandboxNumbers[msisdn] ?? { kind: 'deliver' };
}
