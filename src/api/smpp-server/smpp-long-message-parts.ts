// The parts of long messages a customer submits one submit_sm per segment (UDH or SAR). Each part
// is stored before its submit_sm_resp (an acknowledged part survives a crash, and the parts of one
// message may even arrive on binds to different nodes); when the last one is in, the whole text
// goes through the send service once — matched against its DLT template whole, charged once —
// under an idempotency key of its stored parts, so a retried last part after a crash cannot accept
// it twice. Parts whose siblings do not come within the timeout are purged by housekeeping.
import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { Store } from '../../store/store.ts';
import type { DecodedSubmit } from './smpp-submit.ts';

export type PartsResult =
  | { kind: 'complete'; whole: DecodedSubmit; key: string; idempotencyKey: { key: string; partsKey: string } }
  | { kind: 'waiting' }
  /** This bind already waits for the parts of too many long messages. */
  | { kind: 'full' };

type Meta = Omit<DecodedSubmit, 'body' | 'concat'>;

export class LongMessageParts {
  #store: Store;
  #systemId: string;
  #max: number;
  #timeoutMs: number;
  #clock: Clock;
  /** Long messages this bind has parts of and has not completed, by key: when the first part came. */
  #open = new Map<string, number>();

  constructor(store: Store, systemId: string, max: number, timeoutMs: number, clock: Clock) {
    this.#store = store;
    this.#systemId = systemId;
    this.#max = max;
    this.#timeoutMs = timeoutMs;
    this.#clock = clock;
  }

  /** Stores a part (d.concat set); the whole message when the stored parts complete it. */
  async add(d: DecodedSubmit): Promise<PartsResult> {
    const c = d.concat!;
    // One reference is one message only between the same two addresses (TS 23.040 §9.2.3.24.1).
    // (JSON, not NUL-separated: PostgreSQL text holds no NUL.)
    const key = JSON.stringify([d.sender, d.to, c.reference, c.total]);
    const now = this.#clock.now();
    for (const [k, at] of this.#open) if (now - at > this.#timeoutMs) this.#open.delete(k);
    if (!this.#open.has(key) && this.#open.size >= this.#max) return { kind: 'full' };
    const { body, concat: _concat, ...meta } = d;
    const stored = await this.#store.saveSmppPart({
      systemId: this.#systemId, key, sequence: c.sequence, total: c.total, body, meta: JSON.stringify(meta satisfies Meta), receivedAt: now,
    });
    if (!this.#open.has(key)) this.#open.set(key, now);
    if (stored < c.total) return { kind: 'waiting' };
    const parts = await this.#store.listSmppParts(this.#systemId, key);
    if (parts.length < c.total) return { kind: 'waiting' };
    this.#open.delete(key);
    const metas = parts.map((p) => JSON.parse(p.meta) as Meta);
    const first = metas[0]!;
    const whole: DecodedSubmit = {
      ...first,
      templateId: first.templateId ?? undefined,
      entityId: first.entityId ?? undefined,
      scheduleAt: first.scheduleAt ?? undefined,
      validitySeconds: first.validitySeconds ?? undefined,
      body: Buffer.concat(parts.map((p) => p.body)),
      // A DLT template id, PE id or a receipt request on any part applies to the message.
      ...(first.templateId === undefined && { templateId: metas.find((m) => m.templateId !== undefined)?.templateId }),
      ...(first.entityId === undefined && { entityId: metas.find((m) => m.entityId !== undefined)?.entityId }),
      receipt: metas.some((m) => m.receipt),
      concat: undefined,
    };
    // The same stored parts give the same key; a later message reusing the reference gives another.
    const firstAt = Math.min(...parts.map((p) => p.receivedAt));
    const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
    return { kind: 'complete', whole, key, idempotencyKey: { key: `smpp-long:${this.#systemId}:${digest}:${firstAt}`, partsKey: key } };
  }

  /** The message was accepted (or refused for good): its parts are no longer needed. */
  async done(key: string): Promise<void> {
    await this.#store.deleteSmppParts(this.#systemId, key);
  }

  clear(): void {
    this.#open.clear();
  }
}
