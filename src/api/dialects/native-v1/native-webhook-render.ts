// JSON shapes of webhook endpoints, deliveries and events in the native /v1 dialect.
import { eventId } from '../../../domain/event.ts';
import { callbackEndpointId, type WebhookEndpoint } from '../../../domain/webhook-endpoint.ts';
import { eventPayload } from '../../../services/event-payload.ts';
import type { DeliveryView } from '../../../services/webhook-service.ts';
import type { StoredEvent } from '../../../store/store.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function renderEndpoint(e: WebhookEndpoint): Record<string, unknown> {
  return {
    id: e.id, url: e.url, events: e.events === '*' ? ['*'] : e.events, description: e.description, enabled: e.enabled,
    disabled_reason: e.disabledReason, failing_since: iso(e.failingSince), created_at: iso(e.createdAt), updated_at: iso(e.updatedAt),
  };
}

export function renderDelivery(d: DeliveryView): Record<string, unknown> {
  return {
    id: d.id,
    event_id: eventId(d.eventSeq),
    endpoint_id: d.endpointId === callbackEndpointId(d.accountId) ? 'callback' : d.endpointId,
    ...(d.url !== null && { url: d.url }),
    state: d.state,
    attempts: d.attempts,
    next_attempt_at: d.state === 'pending' ? iso(d.nextAt) : null,
    created_at: iso(d.createdAt),
    done_at: iso(d.doneAt),
    last_status: d.lastStatus,
    last_error: d.lastError,
    attempt_log: d.attemptsLog.map((a) => ({
      attempt: a.attempt, at: iso(a.at), latency_ms: a.latencyMs, status_code: a.statusCode, error: a.error, response: a.response,
    })),
  };
}

export function renderEvent(e: StoredEvent): Record<string, unknown> {
  return eventPayload(e);
}
