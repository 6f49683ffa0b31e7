// One SMPP session over one connection, either role: binds, answers enquire_link and unbind itself,
// enforces bind states (bind-states.ts), routes responses to our requests (request-window.ts) and
// closes; the link's timers are in session-timers.ts. The socket handlers are named functions
// below the class, as in ws's websocket.js.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { allowedIn, BIND_COMMAND, BIND_KIND, BOUND_STATE, sends, type BindKind, type Role, type SessionState } from './bind-states.ts';
import { COMMAND_IDS, commandName, isResponseId, responseName, type CommandName } from './command-ids.ts';
import { CommandStatus, statusName } from './command-status.ts';
import type { Bind, BindResp, Pdu, PduInput, UnsuccessSme } from './pdu.ts';
import { PduReader, type FrameHeader } from './pdu-reader.ts';
import { PduWriter } from './pdu-writer.ts';
import { RequestWindow } from './request-window.ts';
import { sessionSettings, type SessionOptions } from './session-options.ts';
import { SessionTimers } from './session-timers.ts';
import { channels } from './smpp-diagnostics.ts';
import { SmppError } from './smpp-errors.ts';
import type { Tlvs } from './tlv-tags.ts';

export type { SessionOptions } from './session-options.ts';

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
  #requests: RequestWindow;
  #timers: SessionTimers;
  #state: SessionState = 'open';
  #kind: BindKind | undefined;
  #unknownResponses = 0;
  #graceTimer: NodeJS.Timeout | undefined;
  #closing = false;
  #closeError: Error | undefined;
  #closeEmitted = false;

  constructor(socket: Duplex, options: SessionOptions) {
    super();
    this.role = options.role;
    this.name = options.name;
    const settings = sessionSettings(options);
    this.#socket = socket;
    this.#reader = new PduReader({
      onPdu: (pdu) => this.#onPdu(pdu),
      onInvalid: (error, header) => this.#onInvalid(error, header),
      onFatal: (error, header) => this.#onFatal(error, header),
    }, options.maxCommandLength === undefined ? {} : { maxCommandLength: options.maxCommandLength });
    this.#writer = new PduWriter(socket, () => this.#requests.pump());
    this.#requests = new RequestWindow(this, this.#writer, settings, (command) => this.#refuse(command));
    socket.on('data', (chunk: Buffer) => socketOnData(this, chunk));
    socket.on('error', (error: Error) => socketOnError(this, error));
    socket.on('close', () => socketOnClose(this));
    (socket as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    this.#timers = new SessionTimers({ ...settings, bindTimeoutMs: this.role === 'smsc' ? settings.bindTimeoutMs : 0 }, {
      isBound: () => this.#isBound(),
      enquireLink: () => this.#requests.send({ command: 'enquire_link' }, false),
      destroy: (error) => this.destroy(error),
    });
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
    return this.#requests.outstanding;
  }

  /** Requests waiting for a window slot, a throttle token or a drained socket. */
  get queued(): number {
    return this.#requests.queued;
  }

  /** Responses received whose sequence_number matched no outstanding request (late, duplicate or bogus). */
  get unknownResponses(): number {
    return this.#unknownResponses;
  }

  request<T extends Pdu = Pdu>(pdu: PduInput<T>): Promise<Pdu> {
    const command = pdu.command;
    if (this.#closing) return Promise.reject(new SmppError('SMPP_ERR_NOT_SENT', 'the session is closed'));
    if (!allowedIn(this.role, command, this.#state)) return Promise.reject(this.#stateError(command));
    return this.#requests.send(pdu, !CONTROL.has(command));
  }

  async bind(kind: BindKind, params: BindParams): Promise<BindResp> {
    if (this.role !== 'esme') throw new SmppError('SMPP_ERR_INVALID_STATE', 'only an esme session binds; an smsc session answers binds');
    if (this.#state !== 'open') throw new SmppError('SMPP_ERR_INVALID_STATE', `cannot bind in state ${this.#state}`);
    this.#state = 'binding';
    let resp: Pdu;
    try {
      resp = await this.#requests.send({
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
    this.#requests.rejectQueued();
    // Let the answers to what we already sent come in (each bounded by responseTimeoutMs).
    if (this.#requests.busy) await this.#requests.idle();
    if (this.#closing) return;
    try {
      await this.#requests.send({ command: 'unbind' }, false);
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

  /** Why a queued request may no longer be sent, now that the state has moved on; undefined if it may. */
  #refuse(command: CommandName): SmppError | undefined {
    if (allowedIn(this.role, command, this.#state)) return undefined;
    return this.#state === 'unbinding' ? closedError() : this.#stateError(command);
  }

  #stateError(command: CommandName): SmppError {
    const why = sends(this.role, command) ? `in state ${this.#state}` : `from the ${this.role} side`;
    return new SmppError('SMPP_ERR_INVALID_STATE', `${command} is not allowed ${why}`);
  }

  // --- receiving ----------------------------------------------------------------------------

  /** @internal socketOnData's entry point. */
  receive(chunk: Buffer): void {
    this.#timers.received();
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
    const p = this.#requests.awaiting(pdu.sequence_number);
    if (channels.response.hasSubscribers) channels.response.publish({ session: this, pdu, request: p?.pdu });
    if (p === undefined) {
      this.#unknownResponses++;
      return;
    }
    if (pdu.command === 'generic_nack') {
      this.#requests.fail(p, new SmppError('SMPP_ERR_GENERIC_NACK', `the peer answered ${p.command} with generic_nack ${statusName(pdu.command_status)}`, { command_status: pdu.command_status }));
    } else if (pdu.command !== responseName(p.command)) {
      this.#requests.fail(p, new SmppError('SMPP_ERR_INVALID_PDU', `the peer answered ${p.command} with ${pdu.command}`, { command_status: CommandStatus.ESME_RINVCMDID }));
    } else {
      this.#requests.answer(p, pdu);
    }
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
        this.#requests.rejectQueued();
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
    const p = command === undefined ? undefined : this.#requests.awaiting(header.sequence_number);
    if (p !== undefined) this.#requests.fail(p, error);
  }

  #onFatal(error: SmppError, header: FrameHeader): void {
    if (channels.readerInvalid.hasSubscribers) channels.readerInvalid.publish({ session: this, error, command_id: header.command_id, sequence_number: header.sequence_number });
    this.#writer.write({ command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDLEN, sequence_number: header.sequence_number });
    this.#close(error, true);
  }

  // --- state and closing --------------------------------------------------------------------

  #isBound(): boolean {
    return this.#state === 'bound_tx' || this.#state === 'bound_rx' || this.#state === 'bound_trx';
  }

  #becomeBound(kind: BindKind): void {
    this.#state = BOUND_STATE[kind];
    this.#kind = kind;
    this.#timers.bound();
    if (channels.bound.hasSubscribers) channels.bound.publish({ session: this, kind });
    this.emit('bound', kind);
  }

  #unbound(): void {
    if (channels.unbound.hasSubscribers) channels.unbound.publish({ session: this });
    this.emit('unbound');
  }

  /** Every way out ends here: outstanding and queued requests reject with SMPP_ERR_CLOSED. */
  #close(error: Error | undefined, graceful: boolean): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#closeError ??= error;
    this.#state = 'closed';
    this.#timers.stop();
    this.#reader.stop();
    this.#requests.close(closedError(error), error);
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
