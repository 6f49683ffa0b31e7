// The port to carriers. A channel takes claimed messages, answers each with a submission outcome,
// and later reports delivery receipts keyed by the carrier's id. Sandbox, SMPP and HTTP providers implement it.
import type { ErrorCode } from '../domain/errors.ts';
import type { AwaitingReceipt, ClaimedMessage, ReceiptUpdate, SubmissionOutcome } from '../store/store.ts';

export type OutboundMessage = Omit<ClaimedMessage, 'attempts'>;

export interface ChannelHealth {
  name: string;
  up: boolean;
  detail: string;
}

export interface Channel {
  readonly name: string;
  /** One outcome per message, in any order. Must not throw for a single message's failure. */
  submit(messages: readonly OutboundMessage[]): Promise<SubmissionOutcome[]>;
  /** Receipts arrive through this handler, in batches. */
  onReceipts(handler: (receipts: ReceiptUpdate[]) => void): void;
  health(): ChannelHealth;
  /**
   * After a restart: messages this channel submitted that still await a receipt. A carrier re-sends
   * pending receipts when we bind again; an in-process channel re-creates them here.
   */
  resume?(awaiting: readonly AwaitingReceipt[]): void;
  close(): Promise<void>;
}

/** Transient submit errors a channel may report; the dispatcher retries these with backoff. */
export const transientSubmitErrors: readonly ErrorCode[] = ['ERR_CARRIER_UNAVAILABLE'];
