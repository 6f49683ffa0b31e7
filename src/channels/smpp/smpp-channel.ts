// The SMPP channel: every upstream connector the operator defined, behind the one channel port.
// A message goes to its route's connectors in order of priority (weighted among equals); when
// a connector is down or refuses the first part, the next one gets it, so failover covers
// submit errors as well as disconnects. What may have reached a carrier is never resent blindly.
import type { Clock } from '../../domain/clock.ts';
import type { Connector } from '../../domain/connector.ts';
import type { ReceiptUpdate, SubmissionOutcome } from '../../store/store.ts';
import type { Channel, ChannelHealth, OutboundMessage } from '../channel.ts';
import { type ConnectorRuntime, type ConnectorState, SmppConnector } from './smpp-connector.ts';

export interface ConnectorDefinition {
  connector: Connector;
  password: string;
  updatedAt: number;
}

export type SmppChannelOptions = Omit<ConnectorRuntime, 'now'> & {
  /** When every connector of a route is busy or down, try again after this long (the dispatcher backs off further). */
  retryAfterMs: number;
};

const minCapacity = 100;

export class SmppChannel implements Channel {
  readonly name = 'smpp';
  #options: SmppChannelOptions;
  #clock: Clock;
  #connectors = new Map<string, SmppConnector>();
  /** Per route: its connectors with priority and weight. */
  #routes = new Map<string, Array<{ connector: SmppConnector; priority: number; weight: number }>>();
  #handlers: Array<(receipts: ReceiptUpdate[]) => Promise<void>> = [];
  #active = false;

  constructor(options: SmppChannelOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  /** Whether a route has connectors here (else it travels through the default channel). */
  serves(routeId: string): boolean {
    return this.#routes.has(routeId);
  }

  /**
   * Takes the operator's current connector list: new ones are opened (when active), removed or
   * changed ones closed, unchanged ones kept bound.
   */
  async update(definitions: readonly ConnectorDefinition[]): Promise<void> {
    const wanted = new Map(definitions.map((d) => [d.connector.name, d]));
    const closing: Promise<void>[] = [];
    for (const [name, existing] of this.#connectors) {
      const d = wanted.get(name);
      if (!d || d.updatedAt !== existing.updatedAt) {
        this.#connectors.delete(name);
        closing.push(existing.stop());
      }
    }
    for (const d of definitions) {
      if (this.#connectors.has(d.connector.name)) continue;
      const runtime = { ...this.#options, now: () => this.#clock.now() };
      const connector = new SmppConnector(d.connector, d.password, d.updatedAt, runtime, (r) => this.#emit(r));
      this.#connectors.set(d.connector.name, connector);
      if (this.#active) connector.start();
    }
    const routes = new Map<string, Array<{ connector: SmppConnector; priority: number; weight: number }>>();
    for (const connector of this.#connectors.values()) {
      for (const r of connector.connector.routes) {
        const list = routes.get(r.routeId) ?? [];
        list.push({ connector, priority: r.priority, weight: r.weight });
        routes.set(r.routeId, list);
      }
    }
    this.#routes = routes;
    await Promise.all(closing);
  }

  /** Whether any connector is defined (then dispatch is paced by capacity()). */
  get serving(): boolean {
    return this.#connectors.size > 0;
  }

  /**
   * Twice the free submit windows of the bound sessions: enough to keep every window full while
   * the next claim is on its way, little enough that a crash leaves few claimed messages in doubt.
   * At least `minCapacity` even when nothing is bound, so waiting messages keep being claimed and
   * retried with backoff (and routes on other channels keep moving).
   */
  capacity(): number {
    let windows = 0;
    for (const c of this.#connectors.values()) windows += c.windows();
    return Math.max(minCapacity, 2 * windows);
  }

  async activate(): Promise<void> {
    this.#active = true;
    for (const c of this.#connectors.values()) c.start();
  }

  async deactivate(): Promise<void> {
    this.#active = false;
    await Promise.all([...this.#connectors.values()].map((c) => c.stop()));
  }

  async submit(messages: readonly OutboundMessage[]): Promise<SubmissionOutcome[]> {
    return Promise.all(messages.map((m) => this.#submitOne(m)));
  }

  async #submitOne(m: OutboundMessage): Promise<SubmissionOutcome> {
    let permanent = false;
    for (const connector of this.#order(m.routeId)) {
      const result = await connector.submit(m);
      const at = this.#clock.now();
      if (result.kind === 'submitted') {
        const keys = result.keys;
        return keys.length > 1
          ? { id: m.id, outcome: 'submitted', carrierId: keys.join(','), parts: keys, at }
          : { id: m.id, outcome: 'submitted', carrierId: keys[0] ?? '', at };
      }
      if (result.kind === 'in-doubt') return { id: m.id, outcome: 'unknown', at };
      if (result.verdict === 'permanent') permanent = true;
    }
    const at = this.#clock.now();
    // Refused for good by every connector that was up: a rejection. Otherwise (busy, down, or no
    // connector yet) the message waits in the queue for a later try.
    if (permanent) return { id: m.id, outcome: 'rejected', errorCode: 'ERR_CARRIER_REJECTED', at };
    return { id: m.id, outcome: 'retry', errorCode: 'ERR_CARRIER_UNAVAILABLE', retryAt: at + this.#options.retryAfterMs };
  }

  /** The route's connectors to try, in order: by priority, and by weighted chance among equal priorities. */
  #order(routeId: string): SmppConnector[] {
    const list = this.#routes.get(routeId);
    if (!list) return [];
    // Most routes have one connector.
    if (list.length === 1) return list[0]!.connector.up ? [list[0]!.connector] : [];
    const byPriority = new Map<number, Array<{ connector: SmppConnector; weight: number }>>();
    for (const e of list) {
      if (!e.connector.up) continue;
      const group = byPriority.get(e.priority) ?? [];
      group.push(e);
      byPriority.set(e.priority, group);
    }
    const out: SmppConnector[] = [];
    for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
      const group = [...byPriority.get(priority)!];
      // Weighted order without replacement: each pick in proportion to the weights left.
      while (group.length > 0) {
        let total = 0;
        for (const e of group) total += e.weight;
        let pick = Math.random() * total;
        let i = 0;
        while (i < group.length - 1 && (pick -= group[i]!.weight) >= 0) i++;
        out.push(group[i]!.connector);
        group.splice(i, 1);
      }
    }
    return out;
  }

  #emit(receipts: ReceiptUpdate[]): Promise<void> {
    return Promise.all(this.#handlers.map((h) => h(receipts))).then(() => undefined);
  }

  onReceipts(handler: (receipts: ReceiptUpdate[]) => Promise<void>): void {
    this.#handlers.push(handler);
  }

  /** Each connector's live state, for /metrics, the admin API and `dakiya connector list`. */
  states(): ConnectorState[] {
    return [...this.#connectors.values()].map((c) => c.state());
  }

  health(): ChannelHealth {
    const states = this.states();
    const up = states.filter((s) => s.up).length;
    return { name: this.name, up: states.length === 0 || up > 0, detail: `${up} of ${states.length} connectors bound` };
  }

  async close(): Promise<void> {
    await this.deactivate();
  }
}
