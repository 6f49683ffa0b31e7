// Periodic clean-up: messages whose carrier never sent a receipt are finished as UNKNOWN once their
// validity and a grace period have passed, and expired Idempotency-Keys and ended rate-limit
// windows are forgotten; OTP sessions past their expiry are marked expired every few seconds. On several nodes, only the holder of the housekeeping lease runs it.
import type { Clock } from '../domain/clock.ts';
import type { Store, Transition } from '../store/store.ts';

export interface HousekeepingOptions {
  idempotencyRetentionSeconds: number;
  receiptGraceSeconds: number;
  /** How long parts of a customer's long message wait for their siblings, in ms. */
  smppPartTimeoutMs: number;
  /** How long events are kept, in days. */
  eventRetentionDays?: number;
  /** How long ended OTP sessions are kept, in days. */
  otpRetentionDays?: number;
  /** How often pending OTP sessions past their expiry are marked expired (otp.expired), in ms. */
  otpExpiryIntervalMs?: number;
}

export class HousekeepingWorker {
  #timer: NodeJS.Timeout | undefined;
  #otpTimer: NodeJS.Timeout | undefined;
  #expiring: Promise<void> | undefined;
  #store: Store;
  #clock: Clock;
  #options: HousekeepingOptions;
  #onError: (error: unknown) => void;
  #onTransitions: (transitions: readonly Transition[]) => void;
  #running: Promise<void> | undefined;

  constructor(deps: { store: Store; clock: Clock; options: HousekeepingOptions; onError: (error: unknown) => void; onTransitions: (t: readonly Transition[]) => void }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#options = deps.options;
    this.#onError = deps.onError;
    this.#onTransitions = deps.onTransitions;
  }

  start(intervalMs = 300_000): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.runOnce().catch(this.#onError).finally(() => { this.#running = undefined; });
    }, intervalMs);
    this.#timer.unref();
    this.#otpTimer = setInterval(() => {
      this.#expiring ??= this.expireOtp().catch(this.#onError).finally(() => { this.#expiring = undefined; });
    }, this.#options.otpExpiryIntervalMs ?? 5000);
    this.#otpTimer.unref();
  }

  /** Marks pending OTP sessions past their expiry expired, writing otp.expired for each. */
  async expireOtp(): Promise<void> {
    while ((await this.#store.expireOtpSessions(this.#clock.now(), 1000)) === 1000) await new Promise((resolve) => setImmediate(resolve));
  }

  /** One full pass; the table is scanned a slice at a time, yielding to requests between slices. */
  async runOnce(): Promise<void> {
    const now = this.#clock.now();
    await this.#store.purgeIdempotencyKeys(now - this.#options.idempotencyRetentionSeconds * 1000);
    // Windows are one minute long; anything older than two has ended on every node.
    await this.#store.purgeRateWindows(now - 120_000);
    // SMPP bind failure counts and locks last at most a day (smpp.lockout's limits).
    await this.#store.purgeSmppBindFailures(now - 86_400_000);
    // Parts of long messages whose siblings never came (the SMPP server waits smpp.partTimeoutMs for them).
    await this.#store.purgeSmppParts(now - this.#options.smppPartTimeoutMs);
    // Events (and finished webhook deliveries) older than webhooks.eventRetentionDays, a slice at a time.
    if (this.#options.eventRetentionDays !== undefined) {
      while ((await this.#store.purgeEvents(now - this.#options.eventRetentionDays * 86_400_000, 10_000)) === 10_000) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (this.#options.otpRetentionDays !== undefined) {
      while ((await this.#store.purgeOtp(now - this.#options.otpRetentionDays * 86_400_000, now, 10_000)) === 10_000) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await this.expireOtp();
    for (;;) {
      const { transitions, done } = await this.#store.finishAwaitingReceipt(now - this.#options.receiptGraceSeconds * 1000, now);
      if (transitions.length > 0) this.#onTransitions(transitions);
      if (done) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#otpTimer);
    await this.#running;
    await this.#expiring;
  }
}
