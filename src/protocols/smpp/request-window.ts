// The requests a session has sent and awaits answers to: sequence numbers, the window of
// outstanding requests and the queue behind it, the maxTps throttle, and per-request response
// timeouts. The session owns one; it decides what is windowed and when a queued request is refused.
import { responseName, type CommandName } from './command-ids.ts';
import type { Pdu, PduInput } from './pdu.ts';
import type { PduWriter } from './pdu-writer.ts';
import { channels } from './smpp-diagnostics.ts';
import { SmppError } from './smpp-errors.ts';
import { TokenBucket } from './token-bucket.ts';

/** A request written that awaits its response. */
export interface Pending {
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

export interface RequestWindowOptions {
  /** Max windowed requests awaiting a response. */
  window: number;
  responseTimeoutMs: number;
  /** Requests per second; 0 = unlimited. */
  maxTps: number;
}

const MAX_SEQUENCE = 0x7fffffff;

export class RequestWindow {
  #session: object;
  #writer: PduWriter;
  #refuse: (command: CommandName) => Error | undefined;
  #window: number;
  #responseTimeoutMs: number;
  #bucket: TokenBucket | undefined;
  #pending = new Map<number, Pending>();
  #queue: (Queued | undefined)[] = [];
  #queueHead = 0;
  #windowUsed = 0;
  #seq = 0;
  #responseTimer: NodeJS.Timeout | undefined;
  #throttleTimer: NodeJS.Timeout | undefined;
  #idleWaiters: (() => void)[] = [];

  /**
   * `session` is what diagnostics messages name. `refuse` says why a queued request may no longer
   * be sent (the session's state moved on while it waited), or undefined to send it.
   */
  constructor(session: object, writer: PduWriter, options: RequestWindowOptions, refuse: (command: CommandName) => Error | undefined) {
    this.#session = session;
    this.#writer = writer;
    this.#refuse = refuse;
    this.#window = options.window;
    this.#responseTimeoutMs = options.responseTimeoutMs;
    if (options.maxTps > 0) this.#bucket = new TokenBucket(options.maxTps);
  }

  /** Requests sent that await a response. */
  get outstanding(): number {
    return this.#pending.size;
  }

  /** Requests waiting for a window slot, a throttle token or a drained socket. */
  get queued(): number {
    return this.#queue.length - this.#queueHead;
  }

  /** True while windowed requests await their responses. */
  get busy(): boolean {
    return this.#windowUsed > 0;
  }

  /** Resolves once no windowed request awaits a response, or the window closed. */
  idle(): Promise<void> {
    return new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Writes `pdu` with the next sequence number and settles with its response. A windowed request
   * waits in the queue behind earlier ones, for a window slot, a throttle token and a drained socket.
   */
  send(pdu: PduInput, windowed: boolean): Promise<Pdu> {
    return new Promise((resolve, reject) => {
      if (!windowed || (this.#queueHead === this.#queue.length && this.#windowUsed < this.#window && !this.#writer.blocked && (this.#bucket?.take() ?? true))) {
        this.#dispatch(pdu, resolve, reject, windowed);
      } else {
        this.#queue.push({ pdu, resolve, reject });
        this.pump();
      }
    });
  }

  /** Sends what the queue may send now; runs again when a slot frees, a token is due or the socket drains. */
  pump(): void {
    while (this.#queueHead < this.#queue.length) {
      if (this.#windowUsed >= this.#window || this.#writer.blocked) return;
      const q = this.#queue[this.#queueHead]!;
      const refused = this.#refuse(q.pdu.command);
      if (refused !== undefined) {
        this.#shift();
        q.reject(refused);
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

  /** The request awaiting the response numbered `seq`, if any. */
  awaiting(seq: number): Pending | undefined {
    return this.#pending.get(seq);
  }

  /** `p` got its response. */
  answer(p: Pending, response: Pdu): void {
    this.#pending.delete(p.seq);
    p.resolve(response);
    if (p.windowed) this.#freeSlot();
  }

  /** `p` failed (an error response, or one that could not be read). */
  fail(p: Pending, error: Error): void {
    this.#pending.delete(p.seq);
    p.reject(error);
    if (p.windowed) this.#freeSlot();
  }

  /** Requests still waiting for a window slot were never written: they fail as SMPP_ERR_NOT_SENT. */
  rejectQueued(cause?: Error): void {
    const error = new SmppError('SMPP_ERR_NOT_SENT', 'the session closed before the request was written', cause === undefined ? undefined : { cause });
    const queue = this.#queue;
    const head = this.#queueHead;
    this.#queue = [];
    this.#queueHead = 0;
    for (let i = head; i < queue.length; i++) queue[i]!.reject(error);
  }

  /** The session closed: outstanding requests reject with `closed`, queued ones as SMPP_ERR_NOT_SENT caused by `cause`. */
  close(closed: Error, cause: Error | undefined): void {
    clearTimeout(this.#responseTimer);
    clearTimeout(this.#throttleTimer);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#windowUsed = 0;
    for (const p of pending) p.reject(closed);
    this.rejectQueued(cause);
    for (const w of this.#idleWaiters.splice(0)) w();
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
    if (channels.request.hasSubscribers) channels.request.publish({ session: this.#session, pdu, sequence_number: seq });
    if (responseName(pdu.command) === undefined) {
      // outbind and alert_notification have no response: done once written.
      resolve({ ...pdu, command_status: pdu.command_status ?? 0, sequence_number: seq } as Pdu);
      return;
    }
    if (windowed) this.#windowUsed++;
    this.#pending.set(seq, { seq, command: pdu.command, pdu, deadline: performance.now() + this.#responseTimeoutMs, windowed, resolve, reject });
    this.#responseTimer ??= setTimeout(() => this.#sweep(), this.#responseTimeoutMs);
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
    if (channels.throttled.hasSubscribers) channels.throttled.publish({ session: this.#session, waitMs, queued: this.queued });
    this.#throttleTimer = setTimeout(() => {
      this.#throttleTimer = undefined;
      this.pump();
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
      if (channels.timeout.hasSubscribers) channels.timeout.publish({ session: this.#session, pdu: p.pdu, sequence_number: p.seq });
      p.reject(new SmppError('SMPP_ERR_RESPONSE_TIMEOUT', `no response to ${p.command} (sequence ${p.seq}) within ${this.#responseTimeoutMs} ms`));
      if (p.windowed) this.#freeSlot();
    }
  }

  #freeSlot(): void {
    this.#windowUsed--;
    if (this.#windowUsed === 0 && this.#idleWaiters.length > 0) for (const w of this.#idleWaiters.splice(0)) w();
    if (this.#queueHead < this.#queue.length) this.pump();
  }
}
