// One bound customer session: submit_sm through the send service (the same pipeline as HTTP),
// query_sm and cancel_sm on the account's own messages. Every answer waits for its operation:
// a submit_sm_resp carries our message id only once the message is committed.
import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import { DakiyaError } from '../../domain/errors.ts';
import type { IdGenerator } from '../../domain/ids.ts';
import { publicStatus } from '../../domain/message.ts';
import type { SmppUser } from '../../domain/smpp-user.ts';
import { CommandStatus, formatSmppTime, type CancelSm, type Pdu, type QuerySm, type SmppSession, type SubmitSm } from '../../protocols/smpp/index.ts';
import type { ReportService } from '../../services/report-service.ts';
import type { Caller, SendService } from '../../services/send-service.ts';
import type { SendingProfileCache } from '../../services/sending-profile-cache.ts';
import { type Store, StoreUnavailableError } from '../../store/store.ts';
import { LongMessageParts } from './smpp-long-message-parts.ts';
import { receiptErrFor, smppStatusFor } from './smpp-errors-map.ts';
import { messageStateOf } from './smpp-receipt-sender.ts';
import { type DecodedSubmit, decodeSubmit, decodeText, type SubmitOptions, SubmitRefused, toSendRequest } from './smpp-submit.ts';

export interface CustomerServices {
  send: SendService;
  reports: ReportService;
  profiles: SendingProfileCache;
  clock: Clock;
  ids: IdGenerator;
  store: Store;
  submit: SubmitOptions;
  maxPending: number;
  maxPartialMessages: number;
  partTimeoutMs: number;
  /** Called for each request PDU, before it is handled. */
  onRequest?: () => void;
}

export class CustomerSession {
  #session: SmppSession;
  #user: SmppUser;
  #caller: Caller;
  #s: CustomerServices;
  #pending = 0;
  #parts: LongMessageParts;

  constructor(session: SmppSession, user: SmppUser, services: CustomerServices) {
    this.#session = session;
    this.#user = user;
    this.#caller = { accountId: user.accountId, keyId: `smpp:${user.systemId}`, keyMode: 'live' };
    this.#s = services;
    this.#parts = new LongMessageParts(services.store, user.systemId, services.maxPartialMessages, services.partTimeoutMs, services.clock);
  }

  readonly onRequest = (pdu: Pdu): void => {
    this.#s.onRequest?.();
    switch (pdu.command) {
      case 'submit_sm': return this.#submit(pdu);
      case 'query_sm': return void this.#query(pdu);
      case 'cancel_sm': return void this.#cancel(pdu);
      // submit_multi, data_sm, replace_sm: not offered.
      default: return this.#session.respond(pdu, undefined, CommandStatus.ESME_RINVCMDID);
    }
  };

  close(): void {
    this.#parts.clear();
  }

  #submit(pdu: SubmitSm): void {
    // A bound cap on work in progress per bind: a customer flooding one bind is told to slow down
    // instead of queueing without limit in front of everyone else.
    if (this.#pending >= this.#s.maxPending) return this.#session.respond(pdu, undefined, CommandStatus.ESME_RTHROTTLED);
    this.#pending++;
    this.#accept(pdu).then(
      (messageId) => this.#session.respond(pdu, { message_id: messageId }),
      (error: unknown) => this.#session.respond(pdu, undefined, error instanceof SubmitRefused ? error.command_status : smppStatusFor(error)),
    ).finally(() => { this.#pending--; });
  }

  async #accept(pdu: SubmitSm): Promise<string> {
    const s = this.#s;
    const d = decodeSubmit(pdu, s.submit, s.clock.now());
    if (d.concat === undefined) return this.#send(d, undefined);
    // A part is stored before it is answered (an acknowledged part survives a crash). One that does
    // not complete its message is answered with an id of its own (not a message id: the message
    // exists once its last part arrives, and that part's submit_sm_resp carries the message id
    // its receipt will name).
    const added = await this.#parts.add(d);
    if (added.kind === 'full') throw new SubmitRefused(CommandStatus.ESME_RMSGQFUL, 'too many long messages waiting for their parts on this bind');
    if (added.kind === 'waiting') return s.ids();
    try {
      return await this.#send(added.whole, added.idempotencyKey);
    } catch (error) {
      // Refused for good (DLT, credits …): the parts go too. Kept while the refusal is passing
      // (the database is unreachable), so the customer's retry of the last part completes it.
      const passing = error instanceof StoreUnavailableError || (error instanceof DakiyaError && error.code === 'ERR_SERVICE_UNAVAILABLE');
      if (!passing) await this.#parts.done(added.key).catch(() => {});
      throw error;
    }
  }

  /**
   * One whole message through the send service. A long message carries an idempotency key of its
   * stored parts, so reassembling it again (a retried last part after a crash) cannot accept it twice.
   */
  async #send(d: DecodedSubmit, idempotencyKey: { key: string; partsKey: string } | undefined): Promise<string> {
    const s = this.#s;
    const text = decodeText(d.body, d.alphabet);
    const request = toSendRequest(d, text, this.#user, await s.profiles.get(this.#user.accountId));
    const outcome = await s.send.send(this.#caller, request, false, idempotencyKey && {
      key: idempotencyKey.key,
      requestHash: createHash('sha256').update(`${d.to}\u0000${text}`).digest('hex'),
      render: (prepared) => ({ statusCode: 200, body: prepared.messages[0]!.id }),
    });
    const messageId = outcome.kind === 'replay' ? outcome.stored.body : outcome.prepared.messages[0]!.id;
    if (idempotencyKey) await this.#parts.done(idempotencyKey.partsKey).catch(() => {});
    return messageId;
  }

  async #query(pdu: QuerySm): Promise<void> {
    try {
      const m = await this.#s.reports.message(this.#user.accountId, pdu.message_id);
      const status = publicStatus(m.status);
      this.#session.respond(pdu, {
        message_id: m.id,
        final_date: m.doneAt === null ? '' : formatSmppTime(m.doneAt),
        message_state: messageStateOf(status, m.errorCode),
        error_code: receiptErrFor(m.errorCode) & 0xff,
      });
    } catch (error) {
      const status = smppStatusFor(error);
      this.#session.respond(pdu, undefined, status === CommandStatus.ESME_RINVMSGID ? CommandStatus.ESME_RQUERYFAIL : status);
    }
  }

  async #cancel(pdu: CancelSm): Promise<void> {
    try {
      // Only by message id: cancelling every message from one address to another is not offered.
      const done = pdu.message_id !== '' && await this.#s.send.cancel(this.#caller, pdu.message_id);
      this.#session.respond(pdu, undefined, done ? CommandStatus.ESME_ROK : CommandStatus.ESME_RCANCELFAIL);
    } catch (error) {
      const status = smppStatusFor(error);
      this.#session.respond(pdu, undefined, status === CommandStatus.ESME_RX_T_APPN ? status : CommandStatus.ESME_RCANCELFAIL);
    }
  }
}
