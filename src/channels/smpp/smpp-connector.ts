// One upstream connector: its binds (transceivers, or transmitter + receiver pairs), kept up with
// exponential backoff and jitter; the submission of one message as its parts on one session; and
// the carrier's receipts, acknowledged only once the gateway has them safe.
import type { Connector } from '../../domain/connector.ts';
import {
  type BindKind, connect, type DataSm, type DeliverSm, type Pdu, SmppError, type SmppSession, type SubmitSmResp,
} from '../../protocols/smpp/index.ts';
import { CommandStatus } from '../../protocols/smpp/index.ts';
import type { ReceiptUpdate } from '../../store/store.ts';
import type { OutboundMessage } from '../channel.ts';
import { encodeMessage } from './smpp-message-encoder.ts';
import { carrierKey } from './smpp-message-id.ts';
import { readReceipt } from './smpp-receipt-reader.ts';
import { type SubmitVerdict, submitVerdict } from './smpp-status-map.ts';

export interface ConnectorRuntime {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  enquireLinkMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** How long a session rests after the carrier said ESME_RTHROTTLED or ESME_RMSGQFUL. */
  throttleBackoffMs: number;
  /** Tries of a later part the carrier throttled, before the message counts as in doubt. */
  partRetries: number;
  /** The gateway's clock, for receipt times. */
  now: () => number;
}

/** What became of one message on this connector. */
export type ConnectorResult =
  | { kind: 'submitted'; keys: string[] }
  /** Nothing reached the carrier: another connector, or a later try, may send it. */
  | { kind: 'not-sent'; verdict: Exclude<SubmitVerdict['kind'], 'ok'> | 'down'; status?: number }
  /** Some part may have reached the carrier (no answer, or a later part refused): never resent blindly. */
  | { kind: 'in-doubt'; reason: string };

interface BindSlot {
  kind: BindKind;
  session: SmppSession | undefined;
  state: 'idle' | 'connecting' | 'bound' | 'backoff';
  failures: number;
  lastError: string | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The session submits nothing before this (after a throttle). */
  restUntil: number;
}

interface PendingReceipt {
  receipt: ReceiptUpdate;
  pdu: DeliverSm | DataSm;
  session: SmppSession;
}

export interface ConnectorState {
  name: string;
  host: string;
  port: number;
  up: boolean;
  binds: Array<{ kind: BindKind; state: BindSlot['state']; error: string | null }>;
  bound: number;
  outstanding: number;
  submitted: number;
  refused: number;
  inDoubt: number;
  throttled: number;
  receipts: number;
  /** submit_sm answered OK per second over the last reporting interval. */
  throughput: number;
}

export class SmppConnector {
  readonly connector: Connector;
  readonly updatedAt: number;
  #password: string;
  #runtime: ConnectorRuntime;
  #onReceipts: (receipts: ReceiptUpdate[]) => Promise<void>;
  #slots: BindSlot[] = [];
  #running = false;
  #reference = Math.floor(Math.random() * 0x10000);
  #pending: PendingReceipt[] = [];
  #flushScheduled = false;
  #counts = { submitted: 0, refused: 0, inDoubt: 0, throttled: 0, receipts: 0 };
  #rate = { at: performance.now(), submitted: 0, perSecond: 0 };

  constructor(connector: Connector, password: string, updatedAt: number, runtime: ConnectorRuntime, onReceipts: (receipts: ReceiptUpdate[]) => Promise<void>) {
    this.connector = connector;
    this.updatedAt = updatedAt;
    this.#password = password;
    this.#runtime = runtime;
    this.#onReceipts = onReceipts;
    for (let i = 0; i < connector.binds; i++) {
      const kinds: BindKind[] = connector.bind === 'trx' ? ['transceiver'] : ['transmitter', 'receiver'];
      for (const kind of kinds) this.#slots.push({ kind, session: undefined, state: 'idle', failures: 0, lastError: undefined, timer: undefined, restUntil: 0 });
    }
  }

  get name(): string {
    return this.connector.name;
  }

  /** At least one session can submit now. */
  get up(): boolean {
    return this.#slots.some((s) => s.state === 'bound' && s.kind !== 'receiver');
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const slot of this.#slots) this.#open(slot);
  }

  /** Unbinds every session (bounded by the response timeout); outstanding submissions end in doubt. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#slots.map(async (slot) => {
      clearTimeout(slot.timer);
      slot.timer = undefined;
      const session = slot.session;
      slot.session = undefined;
      slot.state = 'idle';
      if (session) await session.unbind().catch(() => session.destroy());
    }));
  }

  /** Sends a message's parts, in order, on one session. Never throws. */
  async submit(m: OutboundMessage): Promise<ConnectorResult> {
    const slot = this.#pick();
    if (!slot?.session) return { kind: 'not-sent', verdict: 'down' };
    // Every bind is resting after a throttle answer: asking again now would only be throttled again.
    if (slot.restUntil > performance.now()) return { kind: 'not-sent', verdict: 'throttled' };
    const session = slot.session;
    this.#reference = (this.#reference + 1) & 0xffff;
    const parts = encodeMessage(m, this.connector, this.#reference);
    const keys: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      for (let attempt = 0; ; attempt++) {
        let resp: Pdu;
        try {
          resp = await session.request(parts[i]!);
        } catch (error) {
          // Refused before it was written (not bound, or closed while it waited for the window): the
          // first part never reached the carrier, so nothing did.
          if (i === 0 && error instanceof SmppError && (error.code === 'SMPP_ERR_INVALID_STATE' || error.code === 'SMPP_ERR_NOT_SENT')) return { kind: 'not-sent', verdict: 'down' };
          this.#counts.inDoubt++;
          return { kind: 'in-doubt', reason: error instanceof SmppError ? error.code : String(error) };
        }
        const status = resp.command_status;
        const verdict = submitVerdict(status);
        if (verdict.kind === 'ok') {
          keys.push(carrierKey(this.name, (resp as SubmitSmResp).message_id ?? '', this.connector.messageIds.submit));
          this.#counts.submitted++;
          this.#rate.submitted++;
          break;
        }
        if (verdict.kind === 'throttled') {
          this.#counts.throttled++;
          slot.restUntil = performance.now() + this.#runtime.throttleBackoffMs;
        }
        if (i === 0) {
          this.#counts.refused++;
          return { kind: 'not-sent', verdict: verdict.kind, status };
        }
        // A later part: the earlier ones are with the carrier, so the message cannot start over.
        if (verdict.kind !== 'throttled' || attempt >= this.#runtime.partRetries) {
          this.#counts.inDoubt++;
          return { kind: 'in-doubt', reason: `part ${i + 1} of ${parts.length} refused with status 0x${status.toString(16)}` };
        }
        await new Promise((resolve) => setTimeout(resolve, this.#runtime.throttleBackoffMs));
      }
    }
    return { kind: 'submitted', keys };
  }

  /** The submit windows of the bound transmitting sessions, in messages. */
  windows(): number {
    let n = 0;
    for (const slot of this.#slots) if (slot.state === 'bound' && slot.kind !== 'receiver') n += this.connector.window;
    return n;
  }

  /** The bound transmitting session with the fewest outstanding requests, resting ones last. */
  #pick(): BindSlot | undefined {
    const now = performance.now();
    let best: BindSlot | undefined;
    let bestScore = Infinity;
    for (const slot of this.#slots) {
      if (slot.state !== 'bound' || slot.kind === 'receiver' || !slot.session) continue;
      const score = slot.session.outstanding + (slot.restUntil > now ? 1e9 : 0);
      if (score < bestScore) {
        best = slot;
        bestScore = score;
      }
    }
    return best;
  }

  state(): ConnectorState {
    const now = performance.now();
    const seconds = (now - this.#rate.at) / 1000;
    if (seconds >= 1) {
      this.#rate.perSecond = Math.round(this.#rate.submitted / seconds);
      this.#rate.submitted = 0;
      this.#rate.at = now;
    }
    const c = this.connector;
    return {
      name: c.name, host: c.host, port: c.port, up: this.up,
      binds: this.#slots.map((s) => ({ kind: s.kind, state: s.state, error: s.lastError ?? null })),
      bound: this.#slots.filter((s) => s.state === 'bound').length,
      outstanding: this.#slots.reduce((n, s) => n + (s.session?.outstanding ?? 0), 0),
      ...this.#counts,
      throughput: this.#rate.perSecond,
    };
  }

  #open(slot: BindSlot): void {
    if (!this.#running) return;
    slot.state = 'connecting';
    void this.#bind(slot);
  }

  async #bind(slot: BindSlot): Promise<void> {
    const c = this.connector;
    const transmitters = this.#slots.filter((s) => s.kind !== 'receiver').length;
    let session: SmppSession | undefined;
    try {
      session = await connect({
        host: c.host, port: c.port, tls: c.tls, connectTimeoutMs: this.#runtime.connectTimeoutMs,
        role: 'esme', window: c.window, responseTimeoutMs: this.#runtime.responseTimeoutMs, enquireLinkMs: this.#runtime.enquireLinkMs,
        ...(c.tps > 0 && slot.kind !== 'receiver' && { maxTps: Math.max(1, Math.ceil(c.tps / transmitters)) }),
        name: `${c.name}/${slot.kind}`,
      });
      session.on('request', (pdu: Pdu) => this.#onRequest(session!, pdu));
      session.on('close', () => this.#closed(slot, session!));
      if (!this.#running) {
        session.destroy();
        return;
      }
      slot.session = session;
      await session.bind(slot.kind, { system_id: c.systemId, password: this.#password, system_type: c.systemType });
      if (!this.#running || slot.session !== session) {
        session.destroy();
        return;
      }
      slot.state = 'bound';
      slot.failures = 0;
      slot.lastError = undefined;
    } catch (error) {
      slot.lastError = error instanceof SmppError && error.command_status !== undefined
        ? `${error.code} (command_status 0x${error.command_status.toString(16)})`
        : error instanceof Error ? error.message : String(error);
      if (session) {
        if (slot.session === session) slot.session = undefined;
        session.destroy();
      }
      this.#retryLater(slot);
    }
  }

  #closed(slot: BindSlot, session: SmppSession): void {
    if (slot.session !== session) return;
    slot.session = undefined;
    if (slot.state === 'bound') slot.lastError = 'connection closed';
    this.#retryLater(slot);
  }

  #retryLater(slot: BindSlot): void {
    if (!this.#running) {
      slot.state = 'idle';
      return;
    }
    if (slot.state === 'backoff') return;
    slot.state = 'backoff';
    const { reconnectMinMs, reconnectMaxMs } = this.#runtime;
    const ceiling = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(slot.failures, 20));
    slot.failures++;
    // Full jitter in the upper half: binds that dropped together do not all come back at once.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      this.#open(slot);
    }, delay);
  }

  #onRequest(session: SmppSession, pdu: Pdu): void {
    if (pdu.command !== 'deliver_sm' && pdu.command !== 'data_sm') {
      session.respond(pdu, {}, CommandStatus.ESME_RINVCMDID);
      return;
    }
    const reading = readReceipt(pdu);
    if (reading.kind !== 'final') {
      // Intermediate states, mobile-originated messages and unreadable receipts: taken, nothing to apply.
      session.respond(pdu, {});
      return;
    }
    this.#counts.receipts++;
    const receipt: ReceiptUpdate = {
      carrierId: carrierKey(this.name, reading.messageId, this.connector.messageIds.receipt),
      status: reading.status, errorCode: reading.errorCode, at: this.#runtime.now(),
    };
    this.#pending.push({ receipt, pdu, session });
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flushReceipts());
    }
  }

  /** Receipts of one tick go to the gateway together, and are acknowledged when they are safe. */
  #flushReceipts(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    this.#onReceipts(batch.map((p) => p.receipt)).then(
      () => { for (const p of batch) p.session.respond(p.pdu, {}); },
      // The carrier keeps a receipt we answer with a temporary error and sends it again.
      () => { for (const p of batch) p.session.respond(p.pdu, {}, CommandStatus.ESME_RX_T_APPN); },
    );
  }
}
