// Prometheus metrics: the application turns service and worker events into these counters.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Transition } from '../store/store.ts';

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: 'dakiya_http_requests_total', help: 'HTTP requests answered', labelNames: ['route', 'status'], registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'dakiya_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly accepted = new Counter({ name: 'dakiya_messages_accepted_total', help: 'Messages accepted (durably stored)', labelNames: ['lane'], registers: [this.registry] });
  readonly rejected = new Counter({ name: 'dakiya_requests_rejected_total', help: 'Requests or recipients rejected, by error code', labelNames: ['error_code'], registers: [this.registry] });
  readonly transitions = new Counter({ name: 'dakiya_message_transitions_total', help: 'Message state changes', labelNames: ['to'], registers: [this.registry] });
  readonly refunded = new Counter({ name: 'dakiya_credits_refunded_total', help: 'Credits refunded', registers: [this.registry] });
  readonly workerErrors = new Counter({ name: 'dakiya_worker_errors_total', help: 'Errors in background workers', labelNames: ['worker'], registers: [this.registry] });
  readonly waiting: Gauge<'lane'>;
  readonly channelSubmits = new Counter({ name: 'dakiya_channel_submits_total', help: 'Messages handed to a channel by this node', labelNames: ['channel'], registers: [this.registry] });
  readonly lastSubmit = new Gauge({ name: 'dakiya_channel_last_submit_timestamp_ms', help: 'Wall-clock time this node last handed messages to a channel, in ms since the epoch', labelNames: ['channel'], registers: [this.registry] });
  readonly leaseAcquiredAt = new Gauge({ name: 'dakiya_lease_acquired_timestamp_ms', help: 'Wall-clock time this node last won the lease, in ms since the epoch', labelNames: ['lease'], registers: [this.registry] });
  readonly ingressPressure = new Gauge({ name: 'dakiya_ingress_pressure', help: '1 while customers\' requests saturate this node and the bulk lane gives way (dispatch.bulkYield)', registers: [this.registry] });
  readonly leaseHeld = new Gauge({ name: 'dakiya_lease_held', help: '1 while this node holds the lease (channel dispatch, housekeeping)', labelNames: ['lease'], registers: [this.registry] });
  readonly channelUp = new Gauge({ name: 'dakiya_channel_up', help: '1 when a channel is connected', labelNames: ['channel'], registers: [this.registry] });
  readonly receiptsDropped = new Counter({ name: 'dakiya_receipts_dropped_total', help: 'Receipts that overtook a submission which was then never recorded (left in doubt), forgotten after an hour', registers: [this.registry] });
  readonly webhookAttempts = new Counter({ name: 'dakiya_webhook_attempts_total', help: 'Webhook delivery attempts by outcome: delivered, retry (failed, will be retried), failed (given up or the endpoint disabled)', labelNames: ['outcome'], registers: [this.registry] });
  readonly webhookLatency = new Histogram({
    name: 'dakiya_webhook_attempt_seconds', help: 'Duration of webhook delivery attempts', registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
  });
  readonly webhookEndpointsDisabled = new Counter({ name: 'dakiya_webhook_endpoints_disabled_total', help: 'Webhook endpoints Dakiya disabled (410 Gone, or failing for webhooks.disableAfterHours)', labelNames: ['reason'], registers: [this.registry] });
  readonly otpGuards = new Counter({ name: 'dakiya_otp_guard_refusals_total', help: 'OTP sends or checks refused by an anti-abuse guard (alert on tripped="true": the first refusal of a guard in its window)', labelNames: ['guard', 'tripped'], registers: [this.registry] });
  readonly otpChecks = new Counter({ name: 'dakiya_otp_checks_total', help: 'OTP checks by result: verified, mismatch, expired, locked, used', labelNames: ['result'], registers: [this.registry] });
  readonly eventsFannedOut = new Counter({ name: 'dakiya_events_fanned_out_total', help: 'Events read by the webhook fan-out on this node', registers: [this.registry] });
  readonly connectorUp = new Gauge({ name: 'dakiya_smpp_connector_up', help: '1 while an upstream SMPP connector has a bound session that can submit (on the node holding the binds)', labelNames: ['connector'], registers: [this.registry] });
  readonly connectorBound = new Gauge({ name: 'dakiya_smpp_connector_bound_sessions', help: 'Bound SMPP sessions of a connector', labelNames: ['connector'], registers: [this.registry] });
  readonly connectorOutstanding = new Gauge({ name: 'dakiya_smpp_connector_outstanding', help: 'submit_sm awaiting their response, per connector', labelNames: ['connector'], registers: [this.registry] });
  readonly connectorEvents = new Counter({ name: 'dakiya_smpp_connector_events_total', help: 'Per connector: submit_sm answered OK (submitted), refused first parts (refused), throttle answers (throttled), submissions left in doubt (in_doubt), final receipts (receipts)', labelNames: ['connector', 'event'], registers: [this.registry] });
  #connectorTotals = new Map<string, number>();

  /**
   * The queue depth is counted in the store at most every `waitingTtlMs` (a count over a large
   * queue costs milliseconds; scrapes can be frequent), so the gauge may lag by that much.
   */
  constructor(countWaiting?: () => Promise<Partial<Record<string, number>>>, waitingTtlMs = 5000) {
    collectDefaultMetrics({ register: this.registry, prefix: 'dakiya_' });
    let counted: { at: number; value: Promise<Partial<Record<string, number>>> } | undefined;
    this.waiting = new Gauge({
      name: 'dakiya_messages_waiting', help: 'Messages queued or scheduled, by lane (refreshed every few seconds)', labelNames: ['lane'], registers: [this.registry],
      async collect() {
        if (!countWaiting) return;
        if (!counted || Date.now() - counted.at >= waitingTtlMs) counted = { at: Date.now(), value: countWaiting() };
        for (const [lane, n] of Object.entries(await counted.value)) this.set({ lane }, n ?? 0);
      },
    });
  }

  /** The connectors' live state, reported by the SMPP channel once a second. */
  recordConnectors(states: ReadonlyArray<{ name: string; up: boolean; bound: number; outstanding: number } & Record<'submitted' | 'refused' | 'throttled' | 'inDoubt' | 'receipts', number>>): void {
    for (const c of states) {
      this.connectorUp.set({ connector: c.name }, c.up ? 1 : 0);
      this.connectorBound.set({ connector: c.name }, c.bound);
      this.connectorOutstanding.set({ connector: c.name }, c.outstanding);
      for (const [event, total] of [['submitted', c.submitted], ['refused', c.refused], ['throttled', c.throttled], ['in_doubt', c.inDoubt], ['receipts', c.receipts]] as const) {
        const key = `${c.name}\u0000${event}`;
        // A connector re-created (changed settings) starts counting from zero again.
        const delta = total - (this.#connectorTotals.get(key) ?? 0);
        if (delta > 0) this.connectorEvents.inc({ connector: c.name, event }, delta);
        this.#connectorTotals.set(key, total);
      }
    }
  }

  recordTransitions(transitions: readonly Transition[]): void {
    let refunded = 0;
    for (const t of transitions) {
      this.transitions.inc({ to: t.to });
      refunded += t.refunded;
    }
    if (refunded > 0) this.refunded.inc(refunded);
  }
}
