// Sends a bound receiver's receipts: claims the rows the store's outbox holds for its system_id,
// sends each as a deliver_sm (esm_class 0x04, the standard receipt text and the
// receipted_message_id / message_state TLVs) and deletes a row once the customer answered
// deliver_sm_resp ESME_ROK. Rows whose deliver_sm was not acknowledged are given back when the
// session closes, or offered again when their claim lapses: delivery is at-least-once.
import type { Clock } from '../../domain/clock.ts';
import { formatReceiptText, MessageState, RECEIPT_STAT, type SmppSession } from '../../protocols/smpp/index.ts';
import type { SmppReceipt, Store } from '../../store/store.ts';
import { receiptErrFor } from './smpp-errors-map.ts';

export interface ReceiptSenderOptions {
  batch: number;
  pollMs: number;
  claimMs: number;
}

/** A final state → its SMPP message_state (§5.2.28); a cancelled message is DELETED. */
export function messageStateOf(status: string, errorCode: string | null): number {
  switch (status) {
    case 'DELIVERED': return MessageState.DELIVERED;
    case 'EXPIRED': return MessageState.EXPIRED;
    case 'FAILED': return MessageState.UNDELIVERABLE;
    case 'REJECTED': return errorCode === 'ERR_CANCELLED' ? MessageState.DELETED : MessageState.REJECTED;
    case 'UNKNOWN': return MessageState.UNKNOWN;
    default: return MessageState.ENROUTE;
  }
}

export function receiptPdu(r: SmppReceipt) {
  const state = messageStateOf(r.status, r.errorCode);
  const text = formatReceiptText({
    id: r.messageId, submit_date: new Date(r.submittedAt), done_date: new Date(r.doneAt), stat: RECEIPT_STAT[state]!, err: receiptErrFor(r.errorCode),
  });
  return {
    command: 'deliver_sm' as const,
    // The receipt comes from the recipient to the sender, as from a handset (§4.6.1).
    source_addr_ton: 1, source_addr_npi: 1, source_addr: r.recipient,
    dest_addr_ton: 5, dest_addr_npi: 0, destination_addr: r.sender,
    esm_class: 0x04,
    short_message: Buffer.from(text, 'latin1'),
    tlvs: { receipted_message_id: r.messageId, message_state: state },
  };
}

export class ReceiptSender {
  #session: SmppSession;
  #systemId: string;
  #store: Store;
  #clock: Clock;
  #options: ReceiptSenderOptions;
  #onError: (error: unknown) => void;
  #stopped = false;
  #wake: (() => void) | undefined;
  #woken = false;
  #done: Promise<void> | undefined;

  constructor(session: SmppSession, systemId: string, deps: { store: Store; clock: Clock; options: ReceiptSenderOptions; onError: (error: unknown) => void }) {
    this.#session = session;
    this.#systemId = systemId;
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#options = deps.options;
    this.#onError = deps.onError;
  }

  start(): void {
    this.#done ??= this.#run();
  }

  /** New receipts may be waiting: look at once instead of at the next poll. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#done;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let rows: SmppReceipt[] = [];
      try {
        this.#woken = false;
        rows = await this.#store.takeSmppReceipts(this.#systemId, this.#options.batch, this.#clock.now(), this.#options.claimMs);
      } catch (error) {
        this.#onError(error);
      }
      if (rows.length === 0) {
        if (!this.#woken) await this.#sleep(this.#options.pollMs);
        continue;
      }
      await this.#deliver(rows);
    }
  }

  async #deliver(rows: SmppReceipt[]): Promise<void> {
    const acked: number[] = [];
    const unsent: number[] = [];
    await Promise.all(rows.map((r) => this.#session.request(receiptPdu(r)).then(
      (resp) => {
        // Any other status: the customer refused it for now; it is offered again when the claim lapses.
        if (resp.command_status === 0) acked.push(r.seq);
      },
      () => {
        // The session ended first: given back at once, for the next bind. A timeout or a
        // generic_nack leaves it claimed, offered again when the claim lapses.
        if (this.#session.state === 'closed') unsent.push(r.seq);
      },
    )));
    try {
      await this.#store.ackSmppReceipts(acked);
      // Not acknowledged because the session ended: for the next bind of this system_id at once.
      await this.#store.releaseSmppReceipts(unsent);
    } catch (error) {
      this.#onError(error);
    }
    if (this.#session.state === 'closed') this.#stopped = true;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }
}
