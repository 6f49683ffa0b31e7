// What a submit_sm_resp's command_status means for the message: submitted, worth another try
// (the carrier is busy or broken for now), or refused for good.
import type { ErrorCode } from '../../domain/errors.ts';
import { CommandStatus } from '../../protocols/smpp/index.ts';

export type SubmitVerdict =
  | { kind: 'ok' }
  /** Busy: slow down, try again later; another connector may take it now. */
  | { kind: 'throttled'; errorCode: ErrorCode }
  /** The carrier failed on its side; another connector may take it. */
  | { kind: 'transient'; errorCode: ErrorCode }
  | { kind: 'permanent'; errorCode: ErrorCode };

const throttled = new Set<number>([CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RMSGQFUL]);
const transient = new Set<number>([
  CommandStatus.ESME_RSYSERR, CommandStatus.ESME_RX_T_APPN, CommandStatus.ESME_RSUBMITFAIL,
  CommandStatus.ESME_RINVBNDSTS, CommandStatus.ESME_RUNKNOWNERR,
]);

export function submitVerdict(status: number): SubmitVerdict {
  if (status === CommandStatus.ESME_ROK) return { kind: 'ok' };
  if (throttled.has(status)) return { kind: 'throttled', errorCode: 'ERR_CARRIER_UNAVAILABLE' };
  if (transient.has(status)) return { kind: 'transient', errorCode: 'ERR_CARRIER_UNAVAILABLE' };
  return { kind: 'permanent', errorCode: 'ERR_CARRIER_REJECTED' };
}
