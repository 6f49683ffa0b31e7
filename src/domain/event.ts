// Events: what customers are told happened. One event per real state change of a message (never
// for a repeated or late receipt: the store writes it only when its guarded UPDATE changed a row),
// and campaign.completed once every message of a batch is final.
import type { MessageStatus } from './message.ts';

export const eventTypes = [
  'message.submitted', 'message.delivered', 'message.failed', 'message.expired', 'message.unknown', 'campaign.completed',
  'otp.sent', 'otp.verified', 'otp.failed', 'otp.expired', 'otp.locked', 'otp.blocked',
] as const;
export type EventType = (typeof eventTypes)[number];

export function isEventType(value: string): value is EventType {
  return (eventTypes as readonly string[]).includes(value);
}

/** The event a message's move to `status` produces; none for moves customers do not see (a retry back to QUEUED). */
export function eventForStatus(status: MessageStatus): EventType | undefined {
  switch (status) {
    case 'SUBMITTED': return 'message.submitted';
    case 'DELIVERED': return 'message.delivered';
    // A message rejected after acceptance (by the carrier, or cancelled) failed, as far as the customer is concerned.
    case 'FAILED': case 'REJECTED': return 'message.failed';
    case 'EXPIRED': return 'message.expired';
    case 'UNKNOWN': return 'message.unknown';
    default: return undefined;
  }
}

/** An event's public id, the Standard Webhooks `webhook-id`: the same on every attempt and every endpoint. */
export function eventId(seq: number): string {
  return `evt_${seq}`;
}

export function parseEventId(id: string): number | undefined {
  const m = /^evt_([1-9][0-9]{0,15})$/.exec(id);
  if (!m) return undefined;
  const seq = Number(m[1]);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/** What campaign.completed carries (the event row's `data`). */
export interface CampaignSummary {
  total: number;
  counts: Partial<Record<MessageStatus, number>>;
}
