// The event log and the webhook outbox as the store port speaks them: events, endpoints,
// deliveries and their attempts (store.ts re-exports every one; event-rows.ts has the row shapes).
import type { MessageStatus } from '../domain/message.ts';
import type { EventType } from '../domain/event.ts';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.ts';

/** The facts of a message an event's payload shows (immutable once the event is written). */
export interface EventMessage {
  recipient: string;
  sender: string;
  correlationId: string | null;
  segments: number;
  carrierId: string | null;
  submittedAt: number | null;
  createdAt: number;
  callbackUrl: string | null;
}

/** One entry of the event log. */
export interface StoredEvent {
  seq: number;
  /** Where a reader continues after this event (opaque; its form depends on the engine). */
  cursor: string;
  accountId: string;
  type: EventType;
  messageId: string | null;
  batchId: string | null;
  status: MessageStatus | null;
  errorCode: string | null;
  at: number;
  /** campaign.completed: its CampaignSummary as JSON. */
  data: string | null;
  /** The event's message (absent for campaign events, or when the message was purged). */
  message?: EventMessage;
  /**
   * As the fan-out reads events (without their messages): the message's callback_url, for a final
   * event of a message that has one.
   */
  callbackUrl?: string | null;
}

export interface EventQuery {
  accountId: string;
  /** A cursor from an earlier page (StoredEvent.cursor). */
  after?: string;
  /** Only events at or after this time (epoch ms). */
  since?: number;
  limit: number;
}

/** A webhook endpoint as kept: its settings and its signing secrets, sealed. */
export interface StoredWebhookEndpoint {
  endpoint: WebhookEndpoint;
  secretSealed: string;
  /** The secret before the last rotation, still signing (alongside) until previousUntil. */
  previousSecretSealed: string | null;
  previousUntil: number | null;
}

/** A delivery the fan-out creates: an event to an endpoint (or to the message's callback_url). */
export interface NewDelivery {
  eventSeq: number;
  accountId: string;
  endpointId: string;
  /** For a callback endpoint: the message's callback_url; null for registered endpoints (their URL is used). */
  url: string | null;
  /**
   * Claimed at birth for this long: stored with its first attempt counted and next_at past the
   * claim, and handed back in the fan-out's result, so the node that fans out sends it without
   * claiming (and re-reading) it.
   */
  claimMs?: number;
}

export interface FanOutOptions {
  /**
   * No endpoint is registered anywhere: only events owed to a callback URL can make deliveries, so
   * only those are read (through their own index), and the cursor moves past the others.
   */
  onlyCallbacks?: boolean;
}

export interface FanOutResult {
  events: number;
  deliveries: number;
  /** The deliveries claimed at birth (NewDelivery.claimMs), with their events. */
  claimed: ClaimedDelivery[];
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: number;
  eventSeq: number;
  accountId: string;
  endpointId: string;
  url: string | null;
  state: DeliveryState;
  /**
   * Attempts started: counted when a delivery is claimed, before anything is sent, so a receiver
   * never sees a webhook-id more often than its deliveries' attempts say (a crash mid-attempt included).
   */
  attempts: number;
  /** Position in the retry schedule (429 answers with Retry-After do not advance it). */
  step: number;
  nextAt: number;
  createdAt: number;
  doneAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  /** The last attempt's time, duration and the first bytes of its answer (the log keeps failed attempts only). */
  lastAt: number | null;
  lastLatencyMs: number | null;
  lastResponse: string | null;
}

/** A claimed delivery, with its event (and the event's message facts) to build the payload from. */
export interface ClaimedDelivery extends WebhookDelivery {
  event: StoredEvent;
}

export interface WebhookAttempt {
  deliveryId: number;
  attempt: number;
  at: number;
  latencyMs: number;
  statusCode: number | null;
  error: string | null;
  /** The first bytes of the answer's body. */
  response: string | null;
}

/** What became of one claimed delivery: the attempt made (if any) and the delivery's next state. */
export interface DeliveryResult {
  deliveryId: number;
  endpointId: string;
  /** The attempt made (kept on the delivery's row; in the attempt log too unless it delivered). */
  attempt: WebhookAttempt | null;
  next: { state: 'delivered'; at: number } | { state: 'pending'; nextAt: number; step: number } | { state: 'failed'; at: number };
  lastStatus: number | null;
  lastError: string | null;
  /**
   * The endpoint's health after this attempt: answered 2xx (ok), failed, must be disabled now
   * (410), or unchanged (no attempt was made, or a per-request callback URL failed).
   */
  endpointHealth: 'ok' | 'failed' | 'unchanged' | { disable: string };
}

export interface DeliveryQuery {
  accountId: string;
  endpointId?: string;
  eventSeq?: number;
  state?: DeliveryState;
  /** Deliveries with a smaller id than this (newest first). */
  before?: number;
  limit: number;
}
