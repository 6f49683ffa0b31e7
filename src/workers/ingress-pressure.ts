// Whether customers' own requests are keeping this node's event loop busy. One thread serves the
// API and runs the dispatchers, so while it is saturated, a campaign draining at full speed takes
// its CPU from the requests arriving now — the OTP a person is waiting for, the status poll. The
// bulk lane asks this before each claim and, while it says busy, claims in small slices with a
// pause between them (DispatchWorker's `pacing`): the campaign still moves, the requests come first.
import { performance } from 'node:perf_hooks';

export interface IngressPressureOptions {
  /** Event-loop utilisation (0–1) over one window at or above which the loop counts as saturated. */
  busyAbove: number;
  /** Customer requests per second (API calls, SMPP submits) from which the load counts as theirs. */
  minRequestsPerSecond: number;
  /** Length of one measuring window, in ms. */
  windowMs: number;
}

/** The event loop's utilisation since the previous call (0–1): performance.eventLoopUtilization by default. */
export type UtilisationMeter = () => number;

function eventLoopMeter(): UtilisationMeter {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    return utilization;
  };
}

export class IngressPressure {
  #options: IngressPressureOptions;
  #meter: UtilisationMeter;
  #requests = 0;
  #busy = false;
  #timer: NodeJS.Timeout | undefined;
  #onChange: ((busy: boolean) => void) | undefined;

  constructor(options: IngressPressureOptions, deps: { meter?: UtilisationMeter; onChange?: (busy: boolean) => void } = {}) {
    this.#options = options;
    this.#meter = deps.meter ?? eventLoopMeter();
    this.#onChange = deps.onChange;
  }

  /** One customer request arrived (counted, nothing else: it is on the hot path). */
  note(): void {
    this.#requests++;
  }

  /** Saturated by customers' requests in the last full window. */
  get busy(): boolean {
    return this.#busy;
  }

  start(): void {
    if (this.#timer) return;
    this.#meter(); // the first window starts now
    this.#timer = setInterval(() => this.sample(), this.#options.windowMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#set(false);
  }

  /** Closes the current window (the timer calls this every windowMs; tests call it directly). */
  sample(): void {
    const utilisation = this.#meter();
    const perSecond = (this.#requests * 1000) / this.#options.windowMs;
    this.#requests = 0;
    this.#set(utilisation >= this.#options.busyAbove && perSecond >= this.#options.minRequestsPerSecond);
  }

  #set(busy: boolean): void {
    if (busy === this.#busy) return;
    this.#busy = busy;
    this.#onChange?.(busy);
  }
}
