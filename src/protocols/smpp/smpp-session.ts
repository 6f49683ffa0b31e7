// One SMPP session over one connection, either role: binds, windows and times out our requests,
// throttles them, answers enquire_link and unbind itself, enforces bind states (bind-states.ts),
// and supervises the link (enquire_link, inactivity, bind timeout). The socket handlers are named
// functions below the class, as in ws's websocket.js. Over ~400 lines: the request lifecycle
// (queue → window → pending → response/timeout) and the close path must be read together.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { allowedIn, BIND_COMMAND, BIND_KIND, BOUND_STATE, sends, type BindKind, type Role, type SessionState } from './bind-states.ts';
import { COMMAND_IDS, commandName, isResponseId, responseName, type CommandName } from './command-ids.ts';
import { CommandStatus, statusName } from './command-status.ts';
import type { Bind, BindResp, Pdu, PduInput, UnsuccessSme } from './pdu.ts';
import { PduReader, type FrameHeader } from './pdu-reader.ts';
import { PduWriter } from './pdu-writer.ts';
import { channels } from './smpp-diagnostics.ts';
import { SmppError } from './smpp-errors.ts';
import type { Tlvs } from './tlv-tags.ts';
import { TokenBucket } from './token-bucket.ts';

export interface SessionOptions {
  role: Role;
  /** Max requests we sent that await a response (default 10); more wait in a queue. */
  window?: number | undefined;
  /** Per request, including bind, unbind and enquire_link (default 10 000). */
  responseTimeoutMs?: number | undefined;
  /** While bound, send enquire_link after this long without receiving a PDU (0 = off; default 30 000); no answer closes the session. */
  enquireLinkMs?: number | undefined;
  /** Our requests per second (a token bucket holding a tenth of a second's worth); 0 or unset = unlimited. */
  maxTps?: number | undefined;
  /** Cap on a received PDU's command_length (default 65 536). */
  maxCommandLength?: number | undefined;
  /** smsc role: close a connection not bound within this (default 10 000; 0 = off). */
  bindTimeoutMs?: number | undefined;
  /** Close after this long without receiving any PDU (0 = off, the default). */
  inactivityTimeoutMs?: number | undefined;
  /** Shows up in diagnostics messages (as session.name). */
  name?: string | undefined;
}

export type BindParams = {
  system_id: string;
  password: string;
  system_type?: string | undefined;
  interface_version?: number | undefined;
  addr_ton?: number | undefined;
  addr_npi?: number | undefined;
  address_range?: string | undefined;
};

/** The fields respond() may set on a response; the rest of a response is its header. */
export interface ResponseBody {
  message_id?: string | undefined;
  system_id?: string | undefined;
  final_date?: string | undefined;
  message_state?: number | undefined;
  error_code?: number | undefined;
  unsuccess_smes?: UnsuccessSme[] | undefined;
  tlvs?: Tlvs | undefined;
}

export type BindAccept = (command_status?: number, system_id?: string) => void;

interface Pending {
  seq: number;
  command: CommandName;
  pdu: PduInput;
  deadline: number;
  windowed: boolean;
  resolve: (pdu: Pdu) => void;
  reject: (error: Error) => void;
}

interface Queued {
  pdu: PduInput;
  resolve: (pdu: Pdu) => void;
  reject: (error: Error) => void;
}

/** Session management requests skip the window and the throttle: they keep the link alive. */
const CONTROL: ReadonlySet<CommandName> = new Set(['bind_transmitter', 'bind_receiver', 'bind_transceiver', 'unbind', 'enquire_link']);
/** Responses that carry a C-string on success; respond() defaults it to '' (deliver_sm_resp's message_id is always empty, §4.6.2). */
const DEFAULT_BODY: Partial<Record<CommandName, ResponseBody>> = {
  submit_sm_resp: { message_id: '' }, deliver_sm_resp: { message_id: '' }, data_sm_resp: { message_id: '' },
  submit_multi_resp: { message_id: '', unsuccess_smes: [] },
  bind_transmitter_resp: { system_id: '' }, bind_receiver_resp: { system_id: '' }, bind_transceiver_resp: { system_id: '' },
  query_sm_resp: { message_id: '', final_date: '', message_state: 0, error_code: 0 },
};
const GRACE_MS = 2000;
const MAX_SEQUENCE = 0x7fffffff;

export interface SmppSession {
  on(event: 'request', listener: (pdu: Pdu) => void): this;
  on(event: 'bind', listener: (pdu: Bind, accept: BindAccept) => void): this;
  on(event: 'bound', listener: (kind: BindKind) => void): this;
  on(event: 'unbound', listener: () => void): this;
  on(event: 'close', listener: (error?: Error) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'request', listener: (pdu: Pdu) => void): this;
  once(event: 'bind', listener: (pdu: Bind, accept: BindAccept) => void): this;
  once(event: 'bound', listener: (kind: BindKind) => void): this;
  once(event: 'unbound', listener: () => void): this;
  once(event: 'close', listener: (error?: Error) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
}

export class SmppSession extends EventEmitter {
  readonly role: Role;
  readonly name: string | undefined;
  #socket: Duplex;
  #reader: PduReader;
  #writer: PduWriter;
  #state: SessionState = 'open';
  #kind: BindKind | undefined;
  #window: number;
  #responseTimeoutMs: number;
  #enquireLinkMs: number;
  #inactivityTimeoutMs: number;
  #bucket: TokenBucket | undefined;
  #pending = new Map<number, Pending>();
  #queue: (Queued | undefined)[] = [];
  #queueHead = 0;
  #windowUsed = 0;
  #seq = 0;
  #unknownResponses = 0;
  #lastRx = performance.now();
  #responseTimer: NodeJS.Timeout | undefined;
  #throttleTimer: NodeJS.Timeout | undefined;
  #enquireTimer: NodeJS.Timeout | undefined;
  #enquireInFlight = false;
  #inactivityTimer: NodeJS.Timeout | undefined;
  #bindTimer: NodeJS.Timeout | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #windowWaiters: (() => void)[] = [];
  #closing = false;
  #closeError: Error | undefined;
  #closeEmitted = false;

  constructor(socket: Duplex, options: SessionOptions) {
    super();
    this.role = options.role;
    this.name = options.name;
    this.#window = positive('window', options.window ?? 10);
    this.#responseTimeoutMs = positive('responseTimeoutMs', options.responseTimeoutMs ?? 10_000);
    this.#enquireLinkMs = nonNegative('enquireLinkMs', options.enquireLinkMs ?? 30_000);
    this.#inactivityTimeoutMs = nonNegative('inactivityTimeoutMs', options.inactivityTimeoutMs ?? 0);
    const maxTps = nonNegative('maxTps', options.maxTps ?? 0);
    if (maxTps > 0) this.#bucket = new TokenBucket(maxTps);
    this.#socket = socket;
    this.#reader = new PduReader({
      onPdu: (pdu) => this.#onPdu(pdu),
      onInvalid: (error, header) => this.#onInvalid(error, header),
      onFatal: (error, header) => this.#onFatal(error, header),
    }, options.maxCommandLength === undefined ? {} : { maxCommandLength: options.maxCommandLength });
    this.#writer = new PduWriter(socket, () => this.#pump());
    socket.on('data', (chunk: Buffer) => socketOnData(this, chunk));
    socket.on('error', (error: Error) => socketOnError(this, error));
    socket.on('close', () => socketOnClose(this));
    (socket as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    const bindTimeoutMs = nonNegative('bindTimeoutMs', options.bindTimeoutMs ?? 10_000);
    if (this.role === 'smsc' && bindTimeoutMs > 0) {
      this.#bindTimer = setTimeout(() => {
        if (!this.#isBound()) this.destroy(new SmppError('SMPP_ERR_BIND_TIMEOUT', `the peer did not bind within ${bindTimeoutMs} ms`));
      }, bindTimeoutMs);
    }
    if (this.#inactivityTimeoutMs > 0) this.#armInactivity(this.#inactivityTimeoutMs);
    if (socket.destroyed) queueMicrotask(() => socketOnClose(this));
  }

  get state(): SessionState {
    return this.#state;
  }

  /** The bind this session holds, once bound. */
  get bindKind(): BindKind | undefined {
    return this.#kind;
  }

  /** Requests sent that await a response. */
  get outstanding(): number {
    return this.#pending.size;
  }

  /** Requests waiting for a window slot, a throttle token or a drained socket. */
  get queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  /** Responses received whose sequence_number matched no outstanding request (late, duplicate or bogus). */
  get unknownResponses(): number {
    return this.#unknownResponses;
  }

  request<T extends Pdu = Pdu>(pdu: PduInput<T>): Promise<Pdu> {
    const command = pdu.command;
    if (this.#closing) return Promise.reject(new SmppError('SMPP_ERR_NOT_SENT', 'the session is closed'));
    if (!allowedIn(this.role, command, this.#state)) return Promise.reject(this.#stateError(command));
    if (CONTROL.has(command)) return this.#send(pdu, false);
    return new Promise((resolve, reject) => {
      if (this.#queueHead === this.#queue.length && this.#windowUsed < this.#window && !this.#writer.blocked && (this.#bucket?.take() ?? true)) {
        this.#dispatch(pdu, resolve, reject, true);
      } else {
        this.#queue.push({ pdu, resolve, reject });
        this.#pump();
      }
    });
  }

  async bind(kind: BindKind, params: BindParams): Promise<BindResp> {
    if (this.role !== 'esme') throw new SmppError('SMPP_ERR_INVALID_STATE', 'only an esme session binds; an smsc session answers binds');
    if (this.#state !== 'open') throw new SmppError('SMPP_ERR_INVALID_STATE', `cannot bind in state ${this.#state}`);
    this.#state = 'binding';
    let resp: Pdu;
    try {
      resp = await this.#send({
        command: BIND_COMMAND[kind],
        system_id: params.system_id,
        password: params.password,
        system_type: params.system_type ?? '',
        interface_version: params.interface_version ?? 0x34,
        addr_ton: params.addr_ton ?? 0,
        addr_npi: params.addr_npi ?? 0,
        address_range: params.address_range ?? '',
      }, false);
    } catch (error) {
      if (this.#state === 'binding') this.#state = 'open';
      throw error;
    }
    if (resp.command_status !== 0) {
      if (this.#state === 'binding') this.#state = 'open';
      throw new SmppError('SMPP_ERR_BIND_FAILED', `bind_${kind} refused: ${statusName(resp.command_status)}`, { command_status: resp.command_status });
    }
    if (this.#state !== 'binding') throw closedError();
    this.#becomeBound(kind);
    return resp as BindResp;
  }

  respond(request: Pdu, body?: ResponseBody, command_status = 0): void {
    const command = responseName(request.command);
    if (command === undefined) throw new SmppError('SMPP_ERR_INVALID_FIELD', `${request.command} has no response PDU`);
    if (this.#closing) return;
    const defaults = command_status === 0 ? DEFAULT_BODY[command] : undefined;
    this.#writer.write({ command, command_status, sequence_number: request.sequence_number, ...defaults, ...body } as PduInput);
  }

  async unbind(): Promise<void> {
    if (this.#closing) return;
    if (!this.#isBound()) {
      this.#close(undefined, true);
      return;
    }
    this.#state = 'unbinding';
    this.#rejectQueued();
    // Let the answers to what we already sent come in (each bounded by responseTimeoutMs).
    if (this.#windowUsed > 0) await new Promise<void>((resolve) => this.#windowWaiters.push(resolve));
    if (this.#closing) return;
    try {
      await this.#send({ command: 'unbind' }, false);
    } catch {
      // No unbind_resp: close anyway, which is where an unbind ends.
    }
    if (this.#closing) return;
    this.#unbound();
    this.#close(undefined, true);
  }

  destroy(error?: Error): void {
    this.#close(error, false);
  }

  // --- sending ------------------------------------------------------------------------------

  #send(pdu: PduInput, windowed: boolean): Promise<Pdu> {
    return new Promise((resolve, reject) => this.#dispatch(pdu, resolve, reject, windowed));
  }

  #dispatch(pdu: PduInput, resolve: (pdu: Pdu) => void, reject: (error: Error) => void, windowed: boolean): void {
    let seq = this.#seq;
    do seq = seq >= MAX_SEQUENCE ? 1 : seq + 1;
    while (this.#pending.has(seq));
    try {
      this.#writer.write(pdu, seq);
    } catch (error) {
      reject(error as Error);
      return;
    }
    this.#seq = seq;
    if (channels.request.hasSubscribers) channels.request.publish({ session: this, pdu, sequence_number: seq });
    if (responseName(pdu.command) === undefined) {
      // outbind and alert_notification have no response: done once written.
      resolve({ ...pdu, command_status: pdu.command_status ?? 0, sequence_number: seq } as Pdu);
      return;
    }
    if (windowed) this.#windowUsed++;
    this.#pending.set(seq, { seq, command: pdu.command, pdu, deadline: performance.now() + this.#responseTimeoutMs, windowed, resolve, reject });
    this.#responseTimer ??= setTimeout(() => this.#sweep(), this.#responseTimeoutMs);
  }

  #pump(): void {
    while (this.#queueHead < this.#queue.length) {
      if (this.#windowUsed >= this.#window || this.#writer.blocked) return;
      const q = this.#queue[this.#queueHead]!;
      if (!allowedIn(this.role, q.pdu.command, this.#state)) {
        this.#shift();
        q.reject(this.#state === 'unbinding' ? closedError() : this.#stateError(q.pdu.command));
        continue;
      }
      if (this.#bucket !== undefined && !this.#bucket.take()) {
        this.#waitForToken();
        return;
      }
      this.#shift();
      this.#dispatch(q.pdu, q.resolve, q.reject, true);
    }
  }

  #shift(): void {
    this.#queue[this.#queueHead++] = undefined;
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    } else if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  #waitForToken(): void {
    if (this.#throttleTimer !== undefined) return;
    const waitMs = Math.max(1, this.#bucket!.msUntilToken());
    if (channels.throttled.hasSubscribers) channels.throttled.publish({ session: this, waitMs, queued: this.queued });
    this.#throttleTimer = setTimeout(() => {
      this.#throttleTimer = undefined;
      this.#pump();
    }, waitMs);
  }

  /** Times out expired requests. Deadlines grow in insertion order (one timeout for all), so the scan stops at the first live one. */
  #sweep(): void {
    this.#responseTimer = undefined;
    const now = performance.now();
    for (const p of this.#pending.values()) {
      if (p.deadline > now) {
        this.#responseTimer = setTimeout(() => this.#sweep(), p.deadline - now + 1);
        return;
      }
      this.#pending.delete(p.seq);
      if (channels.timeout.hasSubscribers) channels.timeout.publish({ session: this, pdu: p.pdu, sequence_number: p.seq });
      p.reject(new SmppError('SMPP_ERR_RESPONSE_TIMEOUT', `no response to ${p.command} (sequence ${p.seq}) within ${this.#responseTimeoutMs} ms`));
      if (p.windowed) this.#freeSlot();
    }
  }

  #freeSlot(): void {
    this.#windowUsed--;
    if (this.#windowUsed === 0 && this.#windowWaiters.length > 0) for (const w of this.#windowWaiters.splice(0)) w();
    if (this.#queueHead < this.#queue.length) this.#pump();
  }

  /** Requests still waiting for a window slot were never written: they fail as SMPP_ERR_NOT_SENT. */
  #rejectQueued(cause?: Error): void {
    const error = new SmppError('SMPP_ERR_NOT_SENT', 'the session closed before the request was written', cause === undefined ? undefined : { cause });
    const queue = this.#queue;
    const head = this.#queueHead;
    this.#queue = [];
    this.#queueHead = 0;
    for (let i = head; i < queue.length; i++) queue[i]!.reject(error);
  }

  #stateError(command: CommandName): SmppError {
    const why = sends(this.role, command) ? `in state ${this.#state}` : `from the ${this.role} side`;
    return new SmppError('SMPP_ERR_INVALID_STATE', `${command} is not allowed ${why}`);
  }

  // --- receiving ----------------------------------------------------------------------------

  /** @internal socketOnData's entry point. */
  receive(chunk: Buffer): void {
    this.#lastRx = performance.now();
    this.#reader.push(chunk);
    // The answers to a chunk's PDUs go out now, in one write: before a FIN that may follow the
    // chunk makes the socket unwritable (allowHalfOpen is false).
    if (!this.#closing) this.#writer.flush();
  }

  #onPdu(pdu: Pdu): void {
    if (this.#closing) return;
    if (isResponseId(COMMAND_IDS[pdu.command])) this.#onResponse(pdu);
    else this.#onRequest(pdu);
  }

  #onResponse(pdu: Pdu): void {
    const p = this.#pending.get(pdu.sequence_number);
    if (channels.response.hasSubscribers) channels.response.publish({ session: this, pdu, request: p?.pdu });
    if (p === undefined) {
      this.#unknownResponses++;
      return;
    }
    this.#pending.delete(p.seq);
    if (pdu.command === 'generic_nack') {
      p.reject(new SmppError('SMPP_ERR_GENERIC_NACK', `the peer answered ${p.command} with generic_nack ${statusName(pdu.command_status)}`, { command_status: pdu.command_status }));
    } else if (pdu.command !== responseName(p.command)) {
      p.reject(new SmppError('SMPP_ERR_INVALID_PDU', `the peer answered ${p.command} with ${pdu.command}`, { command_status: CommandStatus.ESME_RINVCMDID }));
    } else {
      p.resolve(pdu);
    }
    if (p.windowed) this.#freeSlot();
  }

  #onRequest(pdu: Pdu): void {
    const command = pdu.command;
    if (command === 'enquire_link') {
      this.#writer.write({ command: 'enquire_link_resp', sequence_number: pdu.sequence_number });
      return;
    }
    if (command === 'unbind') {
      if (this.#isBound() || this.#state === 'unbinding') {
        this.#writer.write({ command: 'unbind_resp', sequence_number: pdu.sequence_number });
        this.#state = 'unbinding';
        this.#rejectQueued();
        this.#unbound();
        this.#close(undefined, true);
      } else {
        this.#answerError(pdu, CommandStatus.ESME_RINVBNDSTS);
      }
      return;
    }
    const kind = BIND_KIND[command];
    if (kind !== undefined) {
      this.#onBind(pdu as Bind, kind);
      return;
    }
    const peer: Role = this.role === 'esme' ? 'smsc' : 'esme';
    if (!sends(peer, command)) this.#answerError(pdu, CommandStatus.ESME_RINVCMDID);
    else if (!allowedIn(peer, command, this.#state)) this.#answerError(pdu, CommandStatus.ESME_RINVBNDSTS);
    else if (this.listenerCount('request') === 0) this.#answerError(pdu, CommandStatus.ESME_RSYSERR);
    else this.emit('request', pdu);
  }

  #onBind(pdu: Bind, kind: BindKind): void {
    if (this.role !== 'smsc') return this.#answerError(pdu, CommandStatus.ESME_RINVCMDID);
    if (this.#state !== 'open') return this.#answerError(pdu, this.#state === 'unbinding' ? CommandStatus.ESME_RINVBNDSTS : CommandStatus.ESME_RALYBND);
    this.#state = 'binding';
    let answered = false;
    const accept: BindAccept = (command_status = 0, system_id = '') => {
      if (answered || this.#state !== 'binding') return;
      answered = true;
      if (command_status !== 0) {
        // §4.1.2: no body on an error bind response.
        this.#writer.write({ command: `${pdu.command}_resp`, command_status, sequence_number: pdu.sequence_number } as PduInput);
        this.#state = 'open';
        return;
      }
      this.#writer.write({ command: `${pdu.command}_resp`, sequence_number: pdu.sequence_number, system_id } as PduInput);
      this.#becomeBound(kind);
    };
    if (this.listenerCount('bind') === 0) accept(CommandStatus.ESME_RBINDFAIL);
    else this.emit('bind', pdu, accept);
  }

  /** Answers a request that will not reach the application: its error response, or generic_nack for those without one. */
  #answerError(pdu: Pdu, status: number): void {
    const command = responseName(pdu.command);
    this.#writer.write({ command: command ?? 'generic_nack', command_status: status, sequence_number: pdu.sequence_number } as PduInput);
  }

  #onInvalid(error: SmppError, header: FrameHeader): void {
    if (channels.readerInvalid.hasSubscribers) channels.readerInvalid.publish({ session: this, error, command_id: header.command_id, sequence_number: header.sequence_number });
    const command = commandName(header.command_id);
    const status = error.command_status ?? CommandStatus.ESME_RSYSERR;
    if (command !== undefined && !isResponseId(header.command_id)) {
      const resp = responseName(command);
      this.#writer.write({ command: resp ?? 'generic_nack', command_status: status, sequence_number: header.sequence_number } as PduInput);
      return;
    }
    // A response we cannot read: its request has failed. Never answer a generic_nack with one (no nack ping-pong).
    if (header.command_id !== COMMAND_IDS.generic_nack) this.#writer.write({ command: 'generic_nack', command_status: status, sequence_number: header.sequence_number });
    const p = command === undefined ? undefined : this.#pending.get(header.sequence_number);
    if (p !== undefined) {
      this.#pending.delete(p.seq);
      p.reject(error);
      if (p.windowed) this.#freeSlot();
    }
  }

  #onFatal(error: SmppError, header: FrameHeader): void {
    if (channels.readerInvalid.hasSubscribers) channels.readerInvalid.publish({ session: this, error, command_id: header.command_id, sequence_number: header.sequence_number });
    this.#writer.write({ command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDLEN, sequence_number: header.sequence_number });
    this.#close(error, true);
  }

  // --- state and supervision ----------------------------------------------------------------

  #isBound(): boolean {
    return this.#state === 'bound_tx' || this.#state === 'bound_rx' || this.#state === 'bound_trx';
  }

  #becomeBound(kind: BindKind): void {
    this.#state = BOUND_STATE[kind];
    this.#kind = kind;
    clearTimeout(this.#bindTimer);
    this.#bindTimer = undefined;
    if (this.#enquireLinkMs > 0) this.#armEnquireLink(this.#enquireLinkMs);
    if (channels.bound.hasSubscribers) channels.bound.publish({ session: this, kind });
    this.emit('bound', kind);
  }

  #unbound(): void {
    if (channels.unbound.hasSubscribers) channels.unbound.publish({ session: this });
    this.emit('unbound');
  }

  #armEnquireLink(ms: number): void {
    this.#enquireTimer = setTimeout(() => {
      this.#enquireTimer = undefined;
      if (!this.#isBound()) return;
      const idle = performance.now() - this.#lastRx;
      if (idle < this.#enquireLinkMs || this.#enquireInFlight) {
        this.#armEnquireLink(this.#enquireInFlight ? this.#enquireLinkMs : this.#enquireLinkMs - idle);
        return;
      }
      this.#enquireInFlight = true;
      this.#send({ command: 'enquire_link' }, false).then(
        () => { this.#enquireInFlight = false; },
        (error: SmppError) => {
          this.#enquireInFlight = false;
          if (error.code === 'SMPP_ERR_RESPONSE_TIMEOUT') {
            this.destroy(new SmppError('SMPP_ERR_ENQUIRE_LINK_TIMEOUT', `no answer to enquire_link within ${this.#responseTimeoutMs} ms`, { cause: error }));
          }
        },
      );
      this.#armEnquireLink(this.#enquireLinkMs);
    }, ms);
  }

  #armInactivity(ms: number): void {
    this.#inactivityTimer = setTimeout(() => {
      const idle = performance.now() - this.#lastRx;
      if (idle >= this.#inactivityTimeoutMs) {
        this.destroy(new SmppError('SMPP_ERR_INACTIVITY_TIMEOUT', `no PDU received for ${Math.round(idle)} ms`));
      } else {
        this.#armInactivity(this.#inactivityTimeoutMs - idle);
      }
    }, ms);
  }

  /** Every way out ends here: outstanding and queued requests reject with SMPP_ERR_CLOSED. */
  #close(error: Error | undefined, graceful: boolean): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#closeError ??= error;
    this.#state = 'closed';
    for (const t of [this.#responseTimer, this.#throttleTimer, this.#enquireTimer, this.#inactivityTimer, this.#bindTimer]) clearTimeout(t);
    this.#reader.stop();
    const closed = closedError(error);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#windowUsed = 0;
    for (const p of pending) p.reject(closed);
    this.#rejectQueued(error);
    for (const w of this.#windowWaiters.splice(0)) w();
    if (graceful && !this.#socket.destroyed) {
      this.#writer.flush();
      this.#socket.end();
      this.#graceTimer = setTimeout(() => this.#socket.destroy(), GRACE_MS);
      this.#graceTimer.unref();
    } else {
      this.#writer.discard();
      this.#socket.destroy();
    }
  }

  /** @internal socketOnError's entry point. */
  socketError(error: Error): void {
    this.#closeError ??= error;
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** @internal socketOnClose's entry point. */
  socketClosed(): void {
    this.#close(this.#closeError, false);
    clearTimeout(this.#graceTimer);
    if (this.#closeEmitted) return;
    this.#closeEmitted = true;
    if (channels.closed.hasSubscribers) channels.closed.publish({ session: this, error: this.#closeError });
    this.emit('close', this.#closeError);
  }
}

function socketOnData(session: SmppSession, chunk: Buffer): void {
  try {
    session.receive(chunk);
  } catch (error) {
    // A throwing 'request' or 'bind' listener: the session ends rather than the process.
    session.destroy(error as Error);
  }
}

function socketOnError(session: SmppSession, error: Error): void {
  session.socketError(error);
}

function socketOnClose(session: SmppSession): void {
  session.socketClosed();
}

function closedError(cause?: Error): SmppError {
  return new SmppError('SMPP_ERR_CLOSED', 'the session is closed', cause === undefined ? undefined : { cause });
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a number > 0, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${name} must be a number ≥ 0, got ${v}`);
  return v;
}
