// The session's supervision of the link: the smsc side's bind timeout, enquire_link after a quiet
// spell while bound, and the inactivity timeout. They act on the session through its hooks.
import { SmppError } from './smpp-errors.ts';

export interface SessionTimersOptions {
  /** 0 = off (always off on the esme side: only an smsc waits for a bind). */
  bindTimeoutMs: number;
  enquireLinkMs: number;
  inactivityTimeoutMs: number;
  /** For the message when an enquire_link goes unanswered. */
  responseTimeoutMs: number;
}

export interface SessionTimersHooks {
  isBound(): boolean;
  /** Sends an enquire_link; settles with its response. */
  enquireLink(): Promise<unknown>;
  destroy(error: Error): void;
}

export class SessionTimers {
  #options: SessionTimersOptions;
  #hooks: SessionTimersHooks;
  #lastRx = performance.now();
  #enquireTimer: NodeJS.Timeout | undefined;
  #enquireInFlight = false;
  #inactivityTimer: NodeJS.Timeout | undefined;
  #bindTimer: NodeJS.Timeout | undefined;

  /** Starts the bind and inactivity timeouts; enquire_link waits for bound(). */
  constructor(options: SessionTimersOptions, hooks: SessionTimersHooks) {
    this.#options = options;
    this.#hooks = hooks;
    const { bindTimeoutMs, inactivityTimeoutMs } = options;
    if (bindTimeoutMs > 0) {
      this.#bindTimer = setTimeout(() => {
        if (!hooks.isBound()) hooks.destroy(new SmppError('SMPP_ERR_BIND_TIMEOUT', `the peer did not bind within ${bindTimeoutMs} ms`));
      }, bindTimeoutMs);
    }
    if (inactivityTimeoutMs > 0) this.#armInactivity(inactivityTimeoutMs);
  }

  /** A chunk arrived from the peer. */
  received(): void {
    this.#lastRx = performance.now();
  }

  /** The session bound: the bind timeout is over and enquire_link supervision begins. */
  bound(): void {
    clearTimeout(this.#bindTimer);
    this.#bindTimer = undefined;
    if (this.#options.enquireLinkMs > 0) this.#armEnquireLink(this.#options.enquireLinkMs);
  }

  stop(): void {
    for (const t of [this.#enquireTimer, this.#inactivityTimer, this.#bindTimer]) clearTimeout(t);
  }

  #armEnquireLink(ms: number): void {
    const { enquireLinkMs } = this.#options;
    this.#enquireTimer = setTimeout(() => {
      this.#enquireTimer = undefined;
      if (!this.#hooks.isBound()) return;
      const idle = performance.now() - this.#lastRx;
      if (idle < enquireLinkMs || this.#enquireInFlight) {
        this.#armEnquireLink(this.#enquireInFlight ? enquireLinkMs : enquireLinkMs - idle);
        return;
      }
      this.#enquireInFlight = true;
      this.#hooks.enquireLink().then(
        () => { this.#enquireInFlight = false; },
        (error: SmppError) => {
          this.#enquireInFlight = false;
          if (error.code === 'SMPP_ERR_RESPONSE_TIMEOUT') {
            this.#hooks.destroy(new SmppError('SMPP_ERR_ENQUIRE_LINK_TIMEOUT', `no answer to enquire_link within ${this.#options.responseTimeoutMs} ms`, { cause: error }));
          }
        },
      );
      this.#armEnquireLink(enquireLinkMs);
    }, ms);
  }

  #armInactivity(ms: number): void {
    const { inactivityTimeoutMs } = this.#options;
    this.#inactivityTimer = setTimeout(() => {
      const idle = performance.now() - this.#lastRx;
      if (idle >= inactivityTimeoutMs) {
        this.#hooks.destroy(new SmppError('SMPP_ERR_INACTIVITY_TIMEOUT', `no PDU received for ${Math.round(idle)} ms`));
      } else {
        this.#armInactivity(inactivityTimeoutMs - idle);
      }
    }, ms);
  }
}
