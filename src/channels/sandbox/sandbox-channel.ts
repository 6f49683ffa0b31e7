// The embedded default carrier: in-process, configurable latency, real receipts, and magic numbers
// (sandbox-numbers.ts) that exercise every delivery path without a network.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { AwaitingReceipt, ReceiptUpdate, SubmissionOutcome } from '../../store/store.ts';
import type { Channel, ChannelHealth, OutboundMessage } from '../channel.ts';
import { behaviourFor } from './sandbox-numbers.ts';

export interface SandboxOptions {
  latencyMs: number;
  receiptDelayMs: number;
  /** How long an 'unreachable' handset stays unreachable before its late delivery. */
  unreachableRetryMs: number;
  /** Retry delay the sandbox asks for after a transient submit error. */
  retryAfterMs?: number;
}

export class SandboxChannel implements Channel {
  readonly name = 'sandbox';
  #options: SandboxOptions;
  #clock: Clock;
  #handlers: Array<(r: ReceiptUpdate[]) => Promise<void>> = [];
  #pending: ReceiptUpdate[] = [];
  #timers = new Set<NodeJS.Timeout>();
  #downOnce = new Set<string>();
  #seq = 0;
  /** Distinguishes this run's carrier ids from a previous run's. */
  #run = randomBytes(4).toString('hex').toUpperCase();
  #closed = false;
  #submitted = 0;

  constructor(options: SandboxOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  async submit(messages: readonly OutboundMessage[]): Promise<SubmissionOutcome[]> {
    if (this.#options.latencyMs > 0) await this.#sleep(this.#options.latencyMs);
    const out: SubmissionOutcome[] = [];
    const receipts: Array<[number, ReceiptUpdate]> = [];
    const now = this.#clock.now();
    for (const m of messages) {
      const behaviour = behaviourFor(m.recipient);
      if (behaviour.kind === 'reject') {
        out.push({ id: m.id, outcome: 'rejected', errorCode: behaviour.errorCode, at: now });
        continue;
      }
      if (behaviour.kind === 'carrier-down-once' && !this.#downOnce.has(m.id)) {
        this.#downOnce.add(m.id);
        out.push({ id: m.id, outcome: 'retry', errorCode: 'ERR_CARRIER_UNAVAILABLE', retryAt: now + (this.#options.retryAfterMs ?? 1000) });
        continue;
      }
      this.#downOnce.delete(m.id);
      // Carrier ids look like a real SMSC's: upper-case hex, unrelated to our ids.
      const carrierId = `SBX${this.#run}${(++this.#seq).toString(16).toUpperCase().padStart(8, '0')}`;
      this.#submitted++;
      out.push({ id: m.id, outcome: 'submitted', carrierId, at: now });
      const receipt = receiptFor(carrierId, m.recipient, m.expiresAt, now, this.#options);
      if (receipt) receipts.push(receipt);
    }
    this.#scheduleAll(receipts);
    return out;
  }

  resume(awaiting: readonly AwaitingReceipt[]): void {
    const now = this.#clock.now();
    const receipts: Array<[number, ReceiptUpdate]> = [];
    for (const a of awaiting) {
      if (!a.carrierId.startsWith('SBX')) continue;
      const receipt = receiptFor(a.carrierId, a.recipient, a.expiresAt, now, this.#options);
      if (receipt) receipts.push(receipt);
    }
    this.#scheduleAll(receipts);
  }

  /** One timer per distinct delay: receipts due together travel together, as in one PDU stream. */
  #scheduleAll(receipts: ReadonlyArray<[number, ReceiptUpdate]>): void {
    if (this.#closed) return;
    const byDelay = new Map<number, ReceiptUpdate[]>();
    for (const [delay, receipt] of receipts) {
      const list = byDelay.get(delay);
      if (list) list.push(receipt);
      else byDelay.set(delay, [receipt]);
    }
    for (const [delay, list] of byDelay) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        const at = this.#clock.now();
        for (const r of list) {
          r.at = at;
          this.#pending.push(r);
        }
        if (this.#pending.length === list.length) setImmediate(() => this.#emit());
      }, delay);
      this.#timers.add(timer);
    }
  }

  #emit(): void {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0 || this.#closed) return;
    for (const handler of this.#handlers) void handler(batch);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.#timers.delete(t); resolve(); }, ms);
      this.#timers.add(t);
    });
  }

  onReceipts(handler: (receipts: ReceiptUpdate[]) => Promise<void>): void {
    this.#handlers.push(handler);
  }

  health(): ChannelHealth {
    return { name: this.name, up: !this.#closed, detail: `${this.#submitted} submitted, ${this.#timers.size} receipt timers pending` };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

/** The receipt a submitted sandbox message will get, and after how long; undefined for 'no-receipt'. */
function receiptFor(carrierId: string, recipient: string, expiresAt: number, now: number, options: SandboxOptions): [number, ReceiptUpdate] | undefined {
  const behaviour = behaviourFor(recipient);
  const delay = options.receiptDelayMs;
  switch (behaviour.kind) {
    case 'fail':
      return [delay, { carrierId, status: 'FAILED', errorCode: behaviour.errorCode, at: 0 }];
    case 'unreachable-then-deliver':
      return [delay + options.unreachableRetryMs, { carrierId, status: 'DELIVERED', errorCode: null, at: 0 }];
    case 'unreachable-until-expiry':
      return [Math.max(delay, expiresAt - now), { carrierId, status: 'FAILED', errorCode: 'ERR_HANDSET_UNREACHABLE', at: 0 }];
    case 'no-receipt':
    case 'reject':
      return undefined;
    default:
      return [delay, { carrierId, status: 'DELIVERED', errorCode: null, at: 0 }];
  }
}
