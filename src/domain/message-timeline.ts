// A message's timeline: the steps it has been through, read off its stored row alone (no history
// table), so each step appears at most once and only once it happened.
import { errorDescription } from './errors.ts';
import { type FinalStatus, isFinalStatus, type Message } from './message.ts';

export type TimelineStep =
  /** Born QUEUED, or SCHEDULED when the customer (or the promotional window) gave it a later time. */
  | { step: 'accepted'; status: 'QUEUED' | 'SCHEDULED'; at: number; scheduledAt: number | null }
  | { step: 'submitted'; status: 'SUBMITTED'; at: number; carrierId: string | null }
  | { step: 'final'; status: FinalStatus; at: number; errorCode: string | null; errorDescription: string | null };

/**
 * Times are epoch milliseconds. A retried message shows its last submission only, and a transient
 * error on a message waiting for its retry (QUEUED with ERR_CARRIER_UNAVAILABLE) is no step: the
 * row keeps no history of attempts.
 */
export function messageTimeline(m: Message): TimelineStep[] {
  const steps: TimelineStep[] = [m.scheduledAt !== null
    ? { step: 'accepted', status: 'SCHEDULED', at: m.createdAt, scheduledAt: m.scheduledAt }
    : { step: 'accepted', status: 'QUEUED', at: m.createdAt, scheduledAt: null }];
  if (m.submittedAt !== null) steps.push({ step: 'submitted', status: 'SUBMITTED', at: m.submittedAt, carrierId: m.carrierId });
  if (m.doneAt !== null && isFinalStatus(m.status)) {
    steps.push({ step: 'final', status: m.status, at: m.doneAt, errorCode: m.errorCode, errorDescription: errorDescription(m.errorCode) });
  }
  return steps;
}
