// Webhook endpoints: where an account's events are pushed. 'endpoint' rows are registered URLs
// subscribed to some events; the one 'callback' row per account holds the secret that signs
// per-request callback_url deliveries (the URL is each message's own).
import { DakiyaError } from './errors.ts';
import { type EventType, eventTypes, isEventType } from './event.ts';

export type EndpointKind = 'endpoint' | 'callback';

export interface WebhookEndpoint {
  id: string;
  accountId: string;
  kind: EndpointKind;
  /** null for the callback endpoint. */
  url: string | null;
  /** The events subscribed to; '*' = all, including types added later. */
  events: readonly EventType[] | '*';
  description: string;
  enabled: boolean;
  /** Since when every attempt failed (null once one succeeds). */
  failingSince: number | null;
  /** Why it was disabled by Dakiya (410, failing for days); null when enabled or disabled by its owner. */
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The account's callback endpoint has a fixed id, so every node finds (or creates) the same row. */
export function callbackEndpointId(accountId: string): string {
  return `callback:${accountId}`;
}

/** Events a per-request callback_url receives: the message's final state (its delivery report). */
const callbackEvents: ReadonlySet<EventType> = new Set(['message.delivered', 'message.failed', 'message.expired', 'message.unknown']);

export function subscribes(endpoint: Pick<WebhookEndpoint, 'kind' | 'events' | 'enabled'>, type: EventType): boolean {
  if (!endpoint.enabled) return false;
  if (endpoint.kind === 'callback') return callbackEvents.has(type);
  return endpoint.events === '*' || endpoint.events.includes(type);
}

export function isCallbackEvent(type: EventType): boolean {
  return callbackEvents.has(type);
}

export const maxUrlLength = 2048;
export const maxEndpointsPerAccount = 20;

/** Checks an events list from a customer: known types, no duplicates; ['*'] or '*' = all. */
export function parseEventList(input: unknown): readonly EventType[] | '*' {
  if (input === '*' || (Array.isArray(input) && input.length === 1 && input[0] === '*')) return '*';
  if (!Array.isArray(input) || input.length === 0) {
    throw new DakiyaError('ERR_INVALID_REQUEST', `events must be a non-empty list of ${eventTypes.join(', ')} (or ["*"])`, { field: 'events' });
  }
  const out: EventType[] = [];
  for (const item of input) {
    if (typeof item !== 'string' || !isEventType(item)) {
      throw new DakiyaError('ERR_INVALID_REQUEST', `unknown event ${JSON.stringify(String(item)).slice(0, 80)}; known: ${eventTypes.join(', ')}`, { field: 'events' });
    }
    if (!out.includes(item)) out.push(item);
  }
  return out;
}

export function encodeEventList(events: readonly EventType[] | '*'): string {
  return events === '*' ? '*' : JSON.stringify(events);
}

export function decodeEventList(text: string): readonly EventType[] | '*' {
  if (text === '*') return '*';
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((e): e is EventType => typeof e === 'string' && isEventType(e)) : [];
}
