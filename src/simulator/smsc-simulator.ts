// An SMSC to test and benchmark against: a real SMPP server on the library that acks submit_sm
// with generated ids and sends delivery receipts back (receipt text and TLVs) over the ESME's
// receiver or transceiver bind, holding them until one binds. Rules inject carrier trouble
// (simulator-rules.ts). Built for speed: no timer or log line per PDU; receipts go out in 10 ms
// batches under one timer (receipt-queue.ts). Just over ~400 lines: the bind, submission and
// receipt paths share the session bookkeeping and read best in one place.
import type { AddressInfo, Server } from 'node:net';
import type { TlsOptions } from 'node:tls';
import {
  type BindKind, CommandStatus, createServer, type DataSm, formatReceiptDate, formatReceiptText, MessageState, type Pdu,
  RECEIPT_STAT, type SmppSession, type SubmitSm, type Tlvs,
} from '../protocols/smpp/index.ts';
import { formatId, type IdFormat, MessageIds } from './message-ids.ts';
import { type MessagePart, messagePart, messageText, userData } from './message-parts.ts';
import { ReceiptQueue } from './receipt-queue.ts';
import { DEFAULT_STATUS, type SimulatorRule, SimulatorRules } from './simulator-rules.ts';

export interface SmscSimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, binds must carry this system_id (else ESME_RINVSYSID); unset accepts any. */
  systemId?: string;
  /** When set, binds must carry this password (else ESME_RINVPASWD). */
  password?: string;
  /** Time from submit_sm to its receipt (default 100). */
  receiptDelayMs?: number;
  /** Send receipts at all (default true); each submission's registered_delivery still decides. */
  receipts?: boolean;
  /** How submit_sm_resp message ids look (default 'hex'). */
  idFormat?: IdFormat;
  /** How receipts write the id: 'same' (default) or the other format, as some carriers do. */
  receiptIdFormat?: IdFormat | 'same';
  /** Error injection; first matching rule wins (docs/reference/smsc-simulator.md). */
  rules?: readonly SimulatorRule[];
  /** Receipts in flight per receiver session (default 256). */
  window?: number;
  /** enquire_link after this long idle (default 30 000; 0 = off). */
  enquireLinkMs?: number;
  /** Close connections that do not bind in time (default 10 000). */
  bindTimeoutMs?: number;
  /** How many recent submissions submissions() keeps (default 1000; 0 = none). */
  keepSubmissions?: number;
  /** Delivery attempts per receipt before it is dropped (default 10), one retryMs apart (default 1000). */
  receiptAttempts?: number;
  retryMs?: number;
  /** The randomness behind rules' `probability` (default Math.random). */
  random?: () => number;
  /** Serve SMPP over TLS with these options. */
  tls?: TlsOptions;
}

export interface Submission {
  system_id: string;
  /** undefined when the submission was refused or left unanswered. */
  message_id: string | undefined;
  /** The response status; undefined for no_response. */
  command_status: number | undefined;
  source_addr: string;
  destination_addr: string;
  data_coding: number;
  esm_class: number;
  registered_delivery: number;
  short_message: Buffer;
  tlvs: Tlvs | undefined;
  part: MessagePart | undefined;
}

export interface SimulatorStats {
  sessions: number;
  binds: Record<BindKind, number> & { refused: number };
  submitsReceived: number;
  submitsAccepted: number;
  submitsRejected: number;
  submitsUnanswered: number;
  /** Submissions that were one part of a concatenated message (UDH or SAR). */
  parts: number;
  /** Submissions per data_coding. */
  dataCodings: Record<number, number>;
  receiptsSent: number;
  /** Scheduled, in flight or waiting for a receiver bind. */
  receiptsPending: number;
  receiptsWaiting: number;
  receiptsRetried: number;
  receiptsDropped: number;
}

interface Receipt {
  due: number;
  systemId: string;
  id: number;
  attempts: number;
  /** The submission's destination: the receipt's source. */
  srcTon: number;
  srcNpi: number;
  src: string;
  dstTon: number;
  dstNpi: number;
  dst: string;
  submitDate: string;
  state: number;
  err: number;
  text: string;
}

const RECEIPT_FOR: Partial<Record<string, number>> = {
  fail_receipt: MessageState.UNDELIVERABLE, expire_receipt: MessageState.EXPIRED, reject_receipt: MessageState.REJECTED,
};

export class SmscSimulator {
  readonly host: string;
  #port = 0;
  #server: Server;
  #options: Required<Pick<SmscSimulatorOptions, 'receiptDelayMs' | 'receipts' | 'idFormat' | 'keepSubmissions' | 'receiptAttempts' | 'retryMs'>> & SmscSimulatorOptions;
  #receiptIdFormat: IdFormat;
  #rules: SimulatorRules;
  #ids = new MessageIds();
  #sessions = new Set<SmppSession>();
  #systemIds = new WeakMap<SmppSession, string>();
  #receivers = new Map<string, SmppSession[]>();
  #turn = 0;
  #waiting = new Map<string, Receipt[]>();
  #queue: ReceiptQueue<Receipt>;
  #inFlight = 0;
  #recent: Submission[] = [];
  #recentNext = 0;
  #dataCodings = new Array<number>(256).fill(0);
  #minute = -1;
  #minuteText = '';
  #stats = {
    binds: { transmitter: 0, receiver: 0, transceiver: 0, refused: 0 },
    submitsReceived: 0, submitsAccepted: 0, submitsRejected: 0, submitsUnanswered: 0, parts: 0,
    receiptsSent: 0, receiptsRetried: 0, receiptsDropped: 0,
  };

  constructor(options: SmscSimulatorOptions = {}) {
    this.#options = { receiptDelayMs: 100, receipts: true, idFormat: 'hex', keepSubmissions: 1000, receiptAttempts: 10, retryMs: 1000, ...options };
    this.host = options.host ?? '127.0.0.1';
    const rif = options.receiptIdFormat ?? 'same';
    this.#receiptIdFormat = rif === 'same' ? this.#options.idFormat : rif;
    this.#rules = new SimulatorRules(options.rules ?? [], options.random);
    this.#queue = new ReceiptQueue((due) => { for (const r of due) this.#route(r); });
    this.#server = createServer({
      window: options.window ?? 256,
      enquireLinkMs: options.enquireLinkMs ?? 30_000,
      bindTimeoutMs: options.bindTimeoutMs ?? 10_000,
      name: 'smsc-simulator',
      ...(options.tls !== undefined && { tls: options.tls }),
    }, (session) => this.#onSession(session));
  }

  get port(): number {
    return this.#port;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port ?? 0, this.host, () => {
        this.#server.removeListener('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  stats(): SimulatorStats {
    const dataCodings: Record<number, number> = {};
    this.#dataCodings.forEach((n, dc) => { if (n > 0) dataCodings[dc] = n; });
    let waiting = 0;
    for (const list of this.#waiting.values()) waiting += list.length;
    return {
      sessions: this.#sessions.size,
      ...structuredClone(this.#stats),
      dataCodings,
      receiptsPending: this.#queue.size + waiting + this.#inFlight,
      receiptsWaiting: waiting,
    };
  }

  /** The most recent submissions (up to keepSubmissions), oldest first. */
  submissions(): Submission[] {
    const n = this.#options.keepSubmissions;
    if (this.#recent.length < n) return [...this.#recent];
    return [...this.#recent.slice(this.#recentNext), ...this.#recent.slice(0, this.#recentNext)];
  }

  /** Stops listening, drops every connection and every pending receipt. */
  async close(): Promise<void> {
    this.#queue.clear();
    this.#waiting.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sessions) s.destroy();
    await closed;
  }

  // --- sessions -----------------------------------------------------------------------------

  #onSession(session: SmppSession): void {
    this.#sessions.add(session);
    session.on('bind', (pdu, accept) => {
      const o = this.#options;
      const status = o.systemId !== undefined && pdu.system_id !== o.systemId ? CommandStatus.ESME_RINVSYSID
        : o.password !== undefined && pdu.password !== o.password ? CommandStatus.ESME_RINVPASWD : 0;
      if (status !== 0) this.#stats.binds.refused++;
      else this.#systemIds.set(session, pdu.system_id);
      accept(status, 'DAKIYA-SIM');
    });
    session.on('bound', (kind) => {
      this.#stats.binds[kind]++;
      if (kind !== 'transmitter') this.#addReceiver(session);
    });
    session.on('request', (pdu) => this.#onRequest(session, pdu));
    session.on('close', () => {
      this.#sessions.delete(session);
      const systemId = this.#systemIds.get(session);
      const list = systemId === undefined ? undefined : this.#receivers.get(systemId);
      if (list !== undefined) {
        const rest = list.filter((s) => s !== session);
        if (rest.length > 0) this.#receivers.set(systemId!, rest);
        else this.#receivers.delete(systemId!);
      }
    });
  }

  #addReceiver(session: SmppSession): void {
    const systemId = this.#systemIds.get(session)!;
    const list = this.#receivers.get(systemId);
    if (list === undefined) this.#receivers.set(systemId, [session]);
    else list.push(session);
    const waiting = this.#waiting.get(systemId);
    if (waiting !== undefined) {
      this.#waiting.delete(systemId);
      for (const r of waiting) this.#send(session, r);
    }
  }

  #onRequest(session: SmppSession, pdu: Pdu): void {
    switch (pdu.command) {
      case 'submit_sm':
      case 'data_sm':
        this.#submit(session, pdu);
        return;
      case 'submit_multi':
        session.respond(pdu, { message_id: formatId(this.#ids.next(), this.#options.idFormat), unsuccess_smes: [] });
        return;
      case 'query_sm':
        session.respond(pdu, undefined, CommandStatus.ESME_RQUERYFAIL);
        return;
      case 'cancel_sm':
        session.respond(pdu, undefined, CommandStatus.ESME_RCANCELFAIL);
        return;
      case 'replace_sm':
        session.respond(pdu, undefined, CommandStatus.ESME_RREPLACEFAIL);
        return;
      default:
        session.respond(pdu, undefined, CommandStatus.ESME_RINVCMDID);
    }
  }

  // --- submissions --------------------------------------------------------------------------

  #submit(session: SmppSession, pdu: SubmitSm | DataSm): void {
    const stats = this.#stats;
    const systemId = this.#systemIds.get(session) ?? '';
    stats.submitsReceived++;
    this.#dataCodings[pdu.data_coding]!++;
    const part = messagePart(pdu);
    if (part !== undefined) stats.parts++;
    const rule = this.#rules.empty ? undefined : this.#rules.pick({ systemId, destination: pdu.destination_addr, text: () => messageText(pdu) });
    const action = rule?.action;
    if (action === 'no_response') {
      stats.submitsUnanswered++;
      this.#record(systemId, pdu, part, undefined, undefined);
      return;
    }
    const refusal = action === undefined ? undefined : DEFAULT_STATUS[action];
    if (refusal !== undefined) {
      const status = rule!.status ?? refusal;
      stats.submitsRejected++;
      session.respond(pdu, undefined, status);
      this.#record(systemId, pdu, part, undefined, status);
      return;
    }
    const id = this.#ids.next();
    const messageId = formatId(id, this.#options.idFormat);
    if (action === 'slow') {
      setTimeout(() => session.respond(pdu, { message_id: messageId }), rule!.delayMs ?? 1000);
    } else {
      session.respond(pdu, { message_id: messageId });
    }
    stats.submitsAccepted++;
    this.#record(systemId, pdu, part, messageId, 0);
    if (!this.#options.receipts || action === 'no_receipt') return;
    const state = (action === undefined ? undefined : RECEIPT_FOR[action]) ?? MessageState.DELIVERED;
    // registered_delivery bits 0–1 (§5.2.17): 1 always, 2 on failure only, 3 on success only (SMPP 5.0).
    const wanted = pdu.registered_delivery & 0x03;
    if (wanted === 0 || (wanted === 2 && state === MessageState.DELIVERED) || (wanted === 3 && state !== MessageState.DELIVERED)) return;
    const hasDelay = rule?.delayMs !== undefined && action !== 'slow';
    this.#queue.add({
      due: Date.now() + (hasDelay ? rule!.delayMs! : this.#options.receiptDelayMs),
      systemId, id, attempts: 0,
      srcTon: pdu.dest_addr_ton, srcNpi: pdu.dest_addr_npi, src: pdu.destination_addr,
      dstTon: pdu.source_addr_ton, dstNpi: pdu.source_addr_npi, dst: pdu.source_addr,
      submitDate: this.#minuteStamp(),
      state,
      err: state === MessageState.DELIVERED ? 0 : (rule?.status ?? 1),
      text: receiptSnippet(pdu),
    });
  }

  #record(systemId: string, pdu: SubmitSm | DataSm, part: MessagePart | undefined, messageId: string | undefined, status: number | undefined): void {
    const keep = this.#options.keepSubmissions;
    if (keep === 0) return;
    const s: Submission = {
      system_id: systemId, message_id: messageId, command_status: status,
      source_addr: pdu.source_addr, destination_addr: pdu.destination_addr, data_coding: pdu.data_coding, esm_class: pdu.esm_class,
      registered_delivery: pdu.registered_delivery,
      // A copy: the PDU's own Buffer is a view of a whole socket chunk.
      short_message: Buffer.from(pdu.command === 'submit_sm' ? pdu.short_message : Buffer.alloc(0)),
      tlvs: pdu.tlvs, part,
    };
    if (this.#recent.length < keep) this.#recent.push(s);
    else {
      this.#recent[this.#recentNext] = s;
      this.#recentNext = (this.#recentNext + 1) % keep;
    }
  }

  // --- receipts -----------------------------------------------------------------------------

  #route(r: Receipt): void {
    const list = this.#receivers.get(r.systemId);
    if (list === undefined || list.length === 0) {
      const waiting = this.#waiting.get(r.systemId);
      if (waiting === undefined) this.#waiting.set(r.systemId, [r]);
      else waiting.push(r);
      return;
    }
    this.#send(list[this.#turn++ % list.length]!, r);
  }

  #send(session: SmppSession, r: Receipt): void {
    const id = formatId(r.id, this.#receiptIdFormat);
    const text = formatReceiptText({
      id, submit_date: r.submitDate, done_date: this.#minuteStamp(), stat: RECEIPT_STAT[r.state] ?? 'UNKNOWN', err: r.err, text: r.text,
    });
    this.#inFlight++;
    session.request({
      command: 'deliver_sm',
      source_addr_ton: r.srcTon, source_addr_npi: r.srcNpi, source_addr: r.src,
      dest_addr_ton: r.dstTon, dest_addr_npi: r.dstNpi, destination_addr: r.dst,
      esm_class: 0x04,
      short_message: Buffer.from(text, 'latin1'),
      tlvs: { receipted_message_id: id, message_state: r.state, network_error_code: Buffer.of(0x03, (r.err >> 8) & 0xff, r.err & 0xff) },
    }).then((resp) => {
      this.#inFlight--;
      if (resp.command_status === 0) this.#stats.receiptsSent++;
      else this.#retry(r);
    }, () => {
      this.#inFlight--;
      this.#retry(r);
    });
  }

  #retry(r: Receipt): void {
    if (++r.attempts >= this.#options.receiptAttempts) {
      this.#stats.receiptsDropped++;
      return;
    }
    this.#stats.receiptsRetried++;
    r.due = Date.now() + this.#options.retryMs;
    this.#queue.add(r);
  }

  /** YYMMDDhhmm of now, computed once a minute. */
  #minuteStamp(): string {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#minuteText = formatReceiptDate(new Date(now));
    }
    return this.#minuteText;
  }
}

/** The receipt text's text: the first 20 octets of a text-coded message, printable ASCII only. */
function receiptSnippet(pdu: SubmitSm | DataSm): string {
  if (pdu.data_coding !== 0 && pdu.data_coding !== 1 && pdu.data_coding !== 3) return '';
  const data = userData(pdu);
  let s = '';
  for (let i = 0; i < data.length && i < 20; i++) {
    const c = data[i]!;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  }
  return s;
}

export async function startSmscSimulator(options: SmscSimulatorOptions = {}): Promise<SmscSimulator> {
  return new SmscSimulator(options).listen();
}
