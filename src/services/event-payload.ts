// The JSON body of an event, as webhooks push it and GET /v1/events returns it (seed 001 §12's
// fields: event, message_id, channel, to, sender, status, error_code, error_description,
// correlation_id, carrier, segments, submitted_at, delivered_at, latency_ms, timestamp).
import type { StoredEvent } from '../store/store.ts';
import { errorDescription } from '../domain/errors.ts';
import { type CampaignSummary, eventId } from '../domain/event.ts';
import { publicStatus } from '../domain/message.ts';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * Which carrier took the message, from its carrier id: SMPP connectors key their ids
 * `<connector>:<id>`, the sandbox channel's ids start with SBX.
 */
export function carrierOf(carrierId: string | null): string | null {
  if (carrierId === null) return null;
  const colon = carrierId.indexOf(':');
  if (colon > 0) return carrierId.slice(0, colon);
  return carrierId.startsWith('SBX') ? 'sandbox' : null;
}

export function eventPayload(event: StoredEvent): Record<string, unknown> {
  if (event.type === 'campaign.completed') {
    const summary: CampaignSummary = event.data ? JSON.parse(event.data) : { total: 0, counts: {} };
    return {
      event: event.type, event_id: eventId(event.seq), batch_id: event.batchId, total: summary.total,
      counts: Object.fromEntries(Object.entries(summary.counts).map(([status, n]) => [status.toLowerCase(), n])),
      completed_at: iso(event.at), timestamp: iso(event.at),
    };
  }
  if (event.type.startsWith('otp.')) {
    // The session's public facts (store/otp-rows.ts otpEventData): never the code.
    const data = event.data ? JSON.parse(event.data) as Record<string, unknown> : {};
    const times = (key: string) => (typeof data[key] === 'number' ? { [key]: iso(data[key] as number) } : {});
    return {
      event: event.type, event_id: eventId(event.seq), ...data, ...times('expires_at'), ...times('locked_until'),
      message_id: event.messageId, timestamp: iso(event.at),
    };
  }
  const m = event.message;
  const final = event.type !== 'message.submitted';
  const delivered = event.type === 'message.delivered';
  const submittedAt = m?.submittedAt ?? null;
  return {
    event: event.type,
    event_id: eventId(event.seq),
    message_id: event.messageId,
    channel: 'sms',
    to: m?.recipient ?? null,
    sender: m?.sender ?? null,
    status: event.status === null ? null : publicStatus(event.status),
    error_code: event.errorCode,
    error_description: errorDescription(event.errorCode),
    correlation_id: m?.correlationId ?? null,
    batch_id: event.batchId,
    carrier: carrierOf(m?.carrierId ?? null),
    carrier_message_id: m?.carrierId ?? null,
    segments: m?.segments ?? null,
    accepted_at: iso(m?.createdAt),
    submitted_at: iso(event.type === 'message.submitted' ? event.at : submittedAt),
    ...(final && { done_at: iso(event.at) }),
    ...(delivered && { delivered_at: iso(event.at) }),
    ...(delivered && submittedAt !== null && { latency_ms: Math.max(0, event.at - submittedAt) }),
    timestamp: iso(event.at),
  };
}
