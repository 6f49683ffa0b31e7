// Reads the event log after its cursor and turns each event into deliveries: one per enabled
// endpoint of the account subscribed to it, and one to the message's callback_url for its final
// event. Deliveries and the cursor's move commit together, so an event is fanned out exactly once;
// one node at a time does it (the store arbitrates). Woken at once by this node's transitions,
// polls for other nodes'.
import type { Clock } from '../domain/clock.ts';
import { callbackEndpointId, isCallbackEvent, subscribes, type WebhookEndpoint } from '../domain/webhook-endpoint.ts';
import type { ClaimedDelivery, NewDelivery, Store, StoredEvent } from '../store/store.ts';
import { WakeLoop } from './wake-loop.ts';

export interface FanOutOptions {
  pollMs: number;
  /** Events read per transaction. */
  batch?: number;
  /**
   * Read no more events than the local delivery worker has room for: a backlog then waits in the
   * event log, and every delivery is claimed at birth (no claim query, no re-read). For a store
   * only this process works on (SQLite); with several nodes, deliveries beyond this node's room are
   * better left for the others to claim.
   */
  paced?: boolean;
}

/** The local delivery worker, which takes new deliveries claimed at birth (no claim query, no re-read). */
export interface HandOff {
  readonly claimMs: number;
  free(): number;
  freeFor(endpointId: string): number;
  adopt(claimed: readonly ClaimedDelivery[]): void;
}

export interface FanOutEvents {
  onFannedOut?: (events: number, deliveries: number) => void;
  onError?: (error: unknown) => void;
}

export class WebhookFanOutWorker {
  #store: Store;
  #clock: Clock;
  #options: Required<FanOutOptions>;
  #events: FanOutEvents;
  #loop: WakeLoop;
  #handOff: HandOff | undefined;
  /** The last pass stopped for want of room, not of events: room freeing up should wake it. */
  #waitingForRoom = false;

  constructor(deps: { store: Store; clock: Clock; options: FanOutOptions; events?: FanOutEvents; handOff?: HandOff }) {
    this.#handOff = deps.handOff;
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#options = { batch: 1000, paced: false, ...deps.options };
    this.#events = deps.events ?? {};
    this.#loop = new WakeLoop(() => this.#run(), this.#options.pollMs);
  }

  start(): void {
    this.#loop.start();
  }

  /** Something was written to the event log: look now (a pass in progress runs once more). */
  wake(): void {
    this.#loop.wake();
  }

  /** The delivery worker has room again: a paced fan-out that stopped for want of it goes on. */
  roomFreed(): void {
    if (this.#waitingForRoom) this.#loop.wake();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #run(): Promise<void> {
    try {
      for (;;) {
        // Paced: the delivery worker wakes this loop again when it has room.
        const batch = this.#options.paced && this.#handOff ? Math.min(this.#options.batch, this.#handOff.free()) : this.#options.batch;
        this.#waitingForRoom = batch < this.#options.batch;
        if (batch === 0) return;
        const endpoints = groupByAccount(await this.#store.listWebhookEndpoints({ enabledOnly: true }));
        const result = await this.#store.fanOutEvents(batch, (events) => claimAtBirth(plan(events, endpoints), this.#handOff), this.#clock.now(),
          { onlyCallbacks: endpoints.size === 0 });
        if (result === 'busy') return;
        if (result.claimed.length > 0) this.#handOff?.adopt(result.claimed);
        if (result.events > 0) this.#events.onFannedOut?.(result.events, result.deliveries - result.claimed.length);
        if (result.events < batch) {
          this.#waitingForRoom = false;
          return;
        }
        if (this.#loop.stopped) return;
      }
    } catch (error) {
      this.#events.onError?.(error);
    }
  }
}

/** Marks as many new deliveries claimed as the local delivery worker has room for, per endpoint and in all. */
function claimAtBirth(deliveries: NewDelivery[], handOff: HandOff | undefined): NewDelivery[] {
  if (!handOff) return deliveries;
  let free = handOff.free();
  const room = new Map<string, number>();
  for (const d of deliveries) {
    if (free === 0) break;
    const left = room.get(d.endpointId) ?? handOff.freeFor(d.endpointId);
    if (left === 0) continue;
    room.set(d.endpointId, left - 1);
    free--;
    d.claimMs = handOff.claimMs;
  }
  return deliveries;
}

function groupByAccount(stored: ReadonlyArray<{ endpoint: WebhookEndpoint }>): Map<string, WebhookEndpoint[]> {
  const out = new Map<string, WebhookEndpoint[]>();
  for (const { endpoint } of stored) {
    if (endpoint.kind !== 'endpoint') continue;
    const list = out.get(endpoint.accountId);
    if (list) list.push(endpoint);
    else out.set(endpoint.accountId, [endpoint]);
  }
  return out;
}

function plan(events: readonly StoredEvent[], endpoints: ReadonlyMap<string, readonly WebhookEndpoint[]>): NewDelivery[] {
  const out: NewDelivery[] = [];
  for (const e of events) {
    for (const endpoint of endpoints.get(e.accountId) ?? []) {
      if (subscribes(endpoint, e.type)) out.push({ eventSeq: e.seq, accountId: e.accountId, endpointId: endpoint.id, url: null });
    }
    const callback = e.callbackUrl ?? e.message?.callbackUrl ?? null;
    if (callback !== null && isCallbackEvent(e.type)) {
      out.push({ eventSeq: e.seq, accountId: e.accountId, endpointId: callbackEndpointId(e.accountId), url: callback });
    }
  }
  return out;
}
