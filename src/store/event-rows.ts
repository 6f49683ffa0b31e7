// Rows of the event log and webhook tables as both engines return them, and their mapping to the
// store port's types (PostgreSQL booleans and SQLite 0/1 flags alike).
import type { EventType } from '../domain/event.ts';
import type { MessageStatus } from '../domain/message.ts';
import { decodeEventList, type EndpointKind } from '../domain/webhook-endpoint.ts';
import type { DeliveryState, StoredEvent, StoredWebhookEndpoint, WebhookAttempt, WebhookDelivery } from './store.ts';

/** An event joined with its message (m_* columns are null for campaign events or purged messages). */
export interface EventRow {
  seq: number | string;
  txid?: string;
  account_id: string;
  type: string;
  message_id: string | null;
  batch_id: string | null;
  status: string | null;
  error_code: string | null;
  at: number;
  data: string | null;
  m_recipient: string | null;
  m_sender: string | null;
  m_correlation_id: string | null;
  m_segments: number | null;
  m_carrier_id: string | null;
  m_submitted_at: number | null;
  m_created_at: number | null;
  m_callback_url: string | null;
}

/** The select list for EventRow: events e LEFT JOIN messages m ON m.id = e.message_id. */
export const eventSelect = `e.seq, e.account_id, e.type, e.message_id, e.batch_id, e.status, e.error_code, e.at, e.data,
  m.recipient AS m_recipient, m.sender AS m_sender, m.correlation_id AS m_correlation_id, m.segments AS m_segments,
  m.carrier_id AS m_carrier_id, m.submitted_at AS m_submitted_at, m.created_at AS m_created_at, m.callback_url AS m_callback_url`;

/** An event as the fan-out reads it: its own columns only, and whether its message has a callback_url. */
export interface LiteEventRow {
  seq: number | string; txid?: string; account_id: string; type: string; message_id: string | null; batch_id: string | null;
  status: string | null; error_code: string | null; at: number; data: string | null; callback: number | boolean;
}

export const liteEventColumns = 'e.seq, e.account_id, e.type, e.message_id, e.batch_id, e.status, e.error_code, e.at, e.data, e.callback';

export function toLiteEvent(r: LiteEventRow, cursor: string): StoredEvent & { callback: boolean } {
  return {
    seq: Number(r.seq), cursor, accountId: r.account_id, type: r.type as EventType, messageId: r.message_id, batchId: r.batch_id,
    status: r.status as MessageStatus | null, errorCode: r.error_code, at: Number(r.at), data: r.data, callback: r.callback === true || r.callback === 1,
  };
}

export function toStoredEvent(r: EventRow, cursor: string): StoredEvent {
  const event: StoredEvent = {
    seq: Number(r.seq), cursor, accountId: r.account_id, type: r.type as EventType, messageId: r.message_id, batchId: r.batch_id,
    status: r.status as MessageStatus | null, errorCode: r.error_code, at: Number(r.at), data: r.data,
  };
  if (r.m_recipient !== null && r.m_created_at !== null) {
    event.message = {
      recipient: r.m_recipient, sender: r.m_sender ?? '', correlationId: r.m_correlation_id, segments: r.m_segments ?? 1,
      carrierId: r.m_carrier_id, submittedAt: r.m_submitted_at === null ? null : Number(r.m_submitted_at), createdAt: Number(r.m_created_at),
      callbackUrl: r.m_callback_url,
    };
  }
  return event;
}

export interface EndpointRow {
  id: string; account_id: string; kind: string; url: string | null; events: string; description: string; enabled: number | boolean;
  secret_sealed: string; previous_secret_sealed: string | null; previous_until: number | string | null; failing_since: number | string | null;
  disabled_reason: string | null; created_at: number | string; updated_at: number | string;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toStoredEndpoint(r: EndpointRow): StoredWebhookEndpoint {
  return {
    endpoint: {
      id: r.id, accountId: r.account_id, kind: r.kind as EndpointKind, url: r.url, events: decodeEventList(r.events), description: r.description,
      enabled: r.enabled === true || r.enabled === 1, failingSince: num(r.failing_since), disabledReason: r.disabled_reason,
      createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
    },
    secretSealed: r.secret_sealed,
    previousSecretSealed: r.previous_secret_sealed,
    previousUntil: num(r.previous_until),
  };
}

export interface DeliveryRow {
  id: number | string; event_seq: number | string; account_id: string; endpoint_id: string; url: string | null; state: string; attempts: number; step: number;
  next_at: number | string; created_at: number | string; done_at: number | string | null; last_status: number | null; last_error: string | null;
  last_at: number | string | null; last_latency_ms: number | null; last_response: string | null;
}

export const deliveryColumns = 'id, event_seq, account_id, endpoint_id, url, state, attempts, step, next_at, created_at, done_at, last_status, last_error, last_at, last_latency_ms, last_response';

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: Number(r.id), eventSeq: Number(r.event_seq), accountId: r.account_id, endpointId: r.endpoint_id, url: r.url, state: r.state as DeliveryState,
    attempts: r.attempts, step: r.step, nextAt: Number(r.next_at), createdAt: Number(r.created_at), doneAt: num(r.done_at),
    lastStatus: r.last_status, lastError: r.last_error, lastAt: num(r.last_at), lastLatencyMs: r.last_latency_ms, lastResponse: r.last_response,
  };
}

export interface AttemptRow {
  delivery_id: number | string; attempt: number; at: number | string; latency_ms: number; status_code: number | null; error: string | null; response: string | null;
}

export function toAttempt(r: AttemptRow): WebhookAttempt {
  return {
    deliveryId: Number(r.delivery_id), attempt: r.attempt, at: Number(r.at), latencyMs: r.latency_ms, statusCode: r.status_code,
    error: r.error, response: r.response,
  };
}
