// One dispatch loop per lane: claim due messages (the row is the job), expire the stale ones,
// submit the rest to their route's channel, and record what the carrier said.
import type { Channel, OutboundMessage } from '../channels/channel.ts';
import type { Clock } from '../domain/clock.ts';
import type { Lane, Message } from '../domain/message.ts';
import type { Store, SubmissionOutcome, Transition } from '../store/store.ts';

export interface DispatchOptions {
  batchSize: number;
  pollIntervalMs: number;
  /** Claimed-but-unanswered messages allowed at once in this lane. */
  maxInFlight: number;
}

export interface DispatchEvents {
  onTransitions?: (transitions: readonly Transition[]) => void;
  onError?: (error: unknown) => void;
}

export class DispatchWorker {
  readonly lane: Lane;
  #store: Store;
  #channelFor: (routeId: string) => Channel;
  #clock: Clock;
  #options: DispatchOptions;
  #events: DispatchEvents;
  #running = false;
  #inFlight = 0;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #pending = new Set<Promise<void>>();

  constructor(lane: Lane, deps: { store: Store; channelFor: (routeId: string) => Channel; clock: Clock; options: DispatchOptions; events?: DispatchEvents }) {
    this.lane = lane;
    this.#store = deps.store;
    this.#channelFor = deps.channelFor;
    this.#clock = deps.clock;
    this.#options = deps.options;
    this.#events = deps.events ?? {};
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New work was accepted for this lane: stop sleeping. */
  wake(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    await Promise.allSettled([...this.#pending]);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let claimed: Message[] = [];
      try {
        const room = this.#options.maxInFlight - this.#inFlight;
        if (room > 0) claimed = await this.#store.claimDue(this.lane, this.#clock.now(), Math.min(room, this.#options.batchSize));
      } catch (error) {
        this.#events.onError?.(error);
      }
      if (claimed.length > 0) {
        this.#track(this.#dispatch(claimed));
        // Yield so HTTP requests and receipts interleave with a long drain.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await this.#sleep();
    }
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
    if (this.#inFlight < this.#options.maxInFlight) {
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

  async #dispatch(messages: Message[]): Promise<void> {
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
        const channel = this.#channelFor(m.routeId);
        let list = byChannel.get(channel);
        if (!list) byChannel.set(channel, (list = []));
        list.push(m);
      }
      const results = await Promise.all([...byChannel].map(([channel, list]) => submitSafely(channel, list, this.#clock)));
      for (const r of results) outcomes.push(...r);
      const transitions = await this.#store.recordSubmissions(outcomes);
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
