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
  readonly leaseHeld = new Gauge({ name: 'dakiya_lease_held', help: '1 while this node holds the lease (channel dispatch, housekeeping)', labelNames: ['lease'], registers: [this.registry] });
  readonly channelUp = new Gauge({ name: 'dakiya_channel_up', help: '1 when a channel is connected', labelNames: ['channel'], registers: [this.registry] });

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

  recordTransitions(transitions: readonly Transition[]): void {
    let refunded = 0;
    for (const t of transitions) {
      this.transitions.inc({ to: t.to });
      refunded += t.refunded;
    }
    if (refunded > 0) this.refunded.inc(refunded);
  }
}
