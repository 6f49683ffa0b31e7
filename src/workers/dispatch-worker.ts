// One dispatch loop per lane: claim due messages (the row is the job), expire the stale ones,
// submit the rest to their route's channel, and record what the carrier said.
import type { Channel, OutboundMessage } from '../channels/channel.ts';
import type { Clock } from '../domain/clock.ts';
import type { Lane } from '../domain/message.ts';
import { promotionalHold, type SendingWindow } from '../domain/promotional-window.ts';
import { type ClaimedMessage, type Fence, type Store, StoreUnavailableError, type SubmissionOutcome, type Transition } from '../store/store.ts';

export interface DispatchOptions {
  batchSize: number;
  pollIntervalMs: number;
  /** Claimed-but-unanswered messages allowed at once in this lane. */
  maxInFlight: number;
  /** Wait after a wake-up before claiming, to claim in batches; 0 = claim at once. */
  lingerMs: number;
  /**
   * The same wait while customers' requests saturate the node (deps.pressure): fuller claims mean
   * fewer transactions for the claims, submissions and receipts, and fewer commits (each of which
   * holds the event loop while the WAL is synced) between the requests. Never shorter than lingerMs.
   */
  lingerBusyMs: number;
  /** First retry delay after a transient submit error; doubles per attempt, capped at 15 minutes. */
  retryBackoffMs: number;
}

const maxBackoffMs = 15 * 60_000;

export interface DispatchEvents {
  onTransitions?: (transitions: readonly Transition[]) => void;
  onError?: (error: unknown) => void;
  /** Messages handed to a channel (counted right before the hand-over). */
  onSubmit?: (channel: string, count: number) => void;
}

/**
 * How a lane gives way to customers' requests (the bulk lane: see workers/ingress-pressure.ts):
 * while `pressure.busy`, it claims at most `batchSize` messages at a time and waits `pauseMs`
 * after each claim.
 */
export interface DispatchPacing {
  pressure: { readonly busy: boolean };
  batchSize: number;
  pauseMs: number;
}

/**
 * The lease this node dispatches under (several nodes on one database): claims are fenced by its
 * token, and nothing is handed to a channel unless the lease is surely still held at that moment.
 */
export interface DispatchLease {
  readonly fence: Fence | undefined;
  held(): boolean;
}

export class DispatchWorker {
  readonly lane: Lane;
  #store: Store;
  #channelFor: (routeId: string) => Channel;
  #clock: Clock;
  #options: DispatchOptions;
  #events: DispatchEvents;
  #window: SendingWindow;
  #running = false;
  #inFlight = 0;
  #wake: (() => void) | undefined;
  #woken = false;
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #pending = new Set<Promise<void>>();
  #lease: DispatchLease | undefined;
  #capacity: () => number;
  #reveal: (sealed: string, messageId: string) => string;
  #pacing: DispatchPacing | undefined;
  #pressure: { readonly busy: boolean } | undefined;
  #unpause: (() => void) | undefined;

  constructor(lane: Lane, deps: {
    store: Store; channelFor: (routeId: string) => Channel; clock: Clock; options: DispatchOptions; promotionalWindow: SendingWindow; events?: DispatchEvents;
    lease?: DispatchLease;
    /**
     * How many messages the channels can put on the wire soon. Claimed messages are in doubt if
     * the process dies before their outcome is recorded, so the dispatcher claims no further ahead
     * than this (and never beyond options.maxInFlight).
     */
    capacity?: () => number;
    /** Opens a message's sealed real text (one whose body has a secret masked), right before it goes to its channel. */
    reveal?: (sealed: string, messageId: string) => string;
    /** Give way to customers' requests while they saturate the node (the bulk lane). */
    pacing?: DispatchPacing;
    /** Whether customers' requests saturate the node now (workers/ingress-pressure.ts): lingers then last lingerBusyMs. */
    pressure?: { readonly busy: boolean };
  }) {
    this.#lease = deps.lease;
    this.#pacing = deps.pacing;
    this.#pressure = deps.pressure;
    this.#capacity = deps.capacity ?? (() => Infinity);
    this.#reveal = deps.reveal ?? (() => { throw new Error('no way to open a sealed message text'); });
    this.lane = lane;
    this.#store = deps.store;
    this.#channelFor = deps.channelFor;
    this.#clock = deps.clock;
    this.#options = deps.options;
    this.#events = deps.events ?? {};
    this.#window = deps.promotionalWindow;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New work was accepted for this lane: stop sleeping. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    this.#unpause?.();
    await this.#loop;
    await Promise.allSettled([...this.#pending]);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let claimed: ClaimedMessage[] = [];
      try {
        const room = Math.min(this.#options.maxInFlight, this.#capacity()) - this.#inFlight;
        const fence = this.#lease?.fence;
        const pacing = this.#pacing?.pressure.busy ? this.#pacing : undefined;
        const batch = pacing ? Math.min(this.#options.batchSize, pacing.batchSize) : this.#options.batchSize;
        if (room > 0 && (!this.#lease || fence)) claimed = await this.#store.claimDue(this.lane, this.#clock.now(), Math.min(room, batch), fence);
      } catch (error) {
        this.#events.onError?.(error);
      }
      if (claimed.length > 0) {
        this.#track(this.#dispatch(claimed));
        // Yield so HTTP requests and receipts interleave with a long drain; while customers'
        // requests saturate the node, a paced lane steps aside for a while.
        if (this.#pacing?.pressure.busy) await this.#pause(this.#pacing.pauseMs);
        else await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      this.#woken = false;
      await this.#sleep();
      // Woken by new work: let a little more arrive, so one claim and one commit serve many messages
      // (longer while the node is saturated with requests). The OTP lane never waits.
      if (this.#woken && this.lane !== 'otp') {
        const linger = this.#pressure?.busy ? Math.max(this.#options.lingerMs, this.#options.lingerBusyMs) : this.#options.lingerMs;
        if (linger > 0) await new Promise((r) => setTimeout(r, linger));
      }
    }
  }

  /** Waits `ms` — new work does not cut it short, only stop() does. */
  async #pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#unpause = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.#unpause = undefined;
  }

  #track(work: Promise<void>): void {
    this.#pending.add(work);
    work.finally(() => {
      this.#pending.delete(work);
      this.wake();
    }).catch(() => {});
  }

  async #sleep(): Promise<void> {
    let delay = this.#options.pollIntervalMs;
    if (this.#inFlight < Math.min(this.#options.maxInFlight, this.#capacity())) {
      const next = await this.#store.nextDueAt(this.lane).catch(() => undefined);
      if (next !== undefined) delay = Math.max(0, Math.min(delay, next - this.#clock.now()));
    }
    if (!this.#running) return;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, delay);
    });
    clearTimeout(this.#timer);
    this.#wake = undefined;
  }

  /**
   * The carrier has answered: keep trying to write that down while the database is unreachable
   * (the rows stay DISPATCHING meanwhile) — also while the worker stops, for up to a minute, so a
   * node that lost its lease in an outage records what it knows before anyone treats those
   * messages as in doubt.
   */
  async #record(outcomes: SubmissionOutcome[]): Promise<Transition[]> {
    const started = performance.now();
    for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
      try {
        return await this.#store.recordSubmissions(outcomes);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || (!this.#running && performance.now() - started > 60_000)) throw error;
        this.#events.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Exponential backoff per attempt; a channel's own later retry time (e.g. Retry-After) wins. */
  #backoff(o: Extract<SubmissionOutcome, { outcome: 'retry' }>, attempt: number): SubmissionOutcome {
    const delay = Math.min(maxBackoffMs, this.#options.retryBackoffMs * 2 ** Math.min(attempt - 1, 20));
    return { ...o, retryAt: Math.max(o.retryAt, this.#clock.now() + delay) };
  }

  async #dispatch(messages: ClaimedMessage[]): Promise<void> {
    this.#inFlight += messages.length;
    try {
      const now = this.#clock.now();
      const outcomes: SubmissionOutcome[] = [];
      const byChannel = new Map<Channel, OutboundMessage[]>();
      for (const m of messages) {
        if (m.expiresAt <= now) {
          outcomes.push({ id: m.id, outcome: 'expired', at: now });
          continue;
        }
        // Accepted inside the window but due outside it (a retry, a slow queue): wait for it to open again.
        const opening = promotionalHold(m.category, this.#window, now);
        if (opening !== undefined) {
          outcomes.push({ id: m.id, outcome: 'retry', errorCode: 'ERR_PROMOTIONAL_WINDOW_CLOSED', retryAt: opening });
          continue;
        }
        let outbound: OutboundMessage = m;
        if (m.secret) {
          try {
            outbound = { ...m, body: this.#reveal(m.secret, m.id), secret: null };
          } catch (error) {
            // Only a pepper other than the one that sealed it fails here (the gateway refuses to start with one).
            this.#events.onError?.(error);
            outcomes.push({ id: m.id, outcome: 'rejected', errorCode: 'ERR_INTERNAL', at: now });
            continue;
          }
        }
        const channel = this.#channelFor(m.routeId);
        let list = byChannel.get(channel);
        if (!list) byChannel.set(channel, (list = []));
        list.push(outbound);
      }
      const handedBack: SubmissionOutcome[] = [];
      const results = await Promise.all([...byChannel].map(([channel, list]) => {
        // The last moment to find out that this node lost its lease (frozen, cut off): then the
        // messages were not sent, and go straight back to the queue for the node that holds it now.
        if (this.#lease && !this.#lease.held()) {
          const at = this.#clock.now();
          for (const m of list) handedBack.push({ id: m.id, outcome: 'retry', errorCode: 'ERR_CARRIER_UNAVAILABLE', retryAt: at });
          return [];
        }
        this.#events.onSubmit?.(channel.name, list.length);
        return submitSafely(channel, list, this.#clock);
      }));
      const attempts = new Map(messages.map((m) => [m.id, m.attempts]));
      for (const r of results) for (const o of r) outcomes.push(o.outcome === 'retry' ? this.#backoff(o, attempts.get(o.id) ?? 1) : o);
      outcomes.push(...handedBack);
      // Each outcome names its claim, so it cannot overwrite a later claim's.
      const transitions = await this.#record(outcomes.map((o) => ({ ...o, attempt: attempts.get(o.id) ?? 0 })));
      this.#events.onTransitions?.(transitions);
    } catch (error) {
      // The rows stay DISPATCHING: recovery treats them as in doubt, which is the truth.
      this.#events.onError?.(error);
    } finally {
      this.#inFlight -= messages.length;
    }
  }
}

/** A channel that throws answers every message as in doubt rather than losing the batch. */
async function submitSafely(channel: Channel, list: OutboundMessage[], clock: Clock): Promise<SubmissionOutcome[]> {
  try {
    const outcomes = await channel.submit(list);
    const answered = new Set(outcomes.map((o) => o.id));
    const at = clock.now();
    for (const m of list) if (!answered.has(m.id)) outcomes.push({ id: m.id, outcome: 'unknown', at });
    return outcomes;
  } catch {
    const at = clock.now();
    return list.map((m) => ({ id: m.id, outcome: 'unknown', at }));
  }
}
