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
  /**
   * Receipts arrive through this handler, in batches. Its promise settles once they are safe
   * (applied, or given up on after a minute without their submission); a channel that acknowledges receipts to
   * the carrier acknowledges them then, so a crash before that makes the carrier send them again.
   */
  onReceipts(handler: (receipts: ReceiptUpdate[]) => Promise<void>): void;
  /**
   * Called when this node starts dispatching (it took the dispatch lease) and when it stops
   * (lost or gave up the lease): a channel holding connections to a carrier opens them only
   * in between, so one node at a time is bound.
   */
  activate?(): Promise<void>;
  deactivate?(): Promise<void>;
  health(): ChannelHealth;
  /**
   * After a restart: messages this channel submitted that still await a receipt. A carrier re-sends
   * pending receipts when we bind again; an in-process channel re-creates them here.
   */
  resume?(awaiting: readonly AwaitingReceipt[]): void;
  /**
   * How many messages this channel can take at once and put on the wire soon (free windows). A
   * claimed message is in doubt if the process dies before its outcome is recorded, so the
   * dispatcher claims no further ahead than this. Undefined: no limit of the channel's own.
   */
  capacity?(): number;
  close(): Promise<void>;
}

/** Transient submit errors a channel may report; the dispatcher retries these with backoff. */
export const transientSubmitErrors: readonly ErrorCode[] = ['ERR_CARRIER_UNAVAILABLE'];
