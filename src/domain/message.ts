// A message is one text to one recipient; this file holds its states, lanes and categories.
// The lifecycle is written down in docs/design/message-lifecycle.md.

export const messageCategories = ['promotional', 'transactional', 'otp', 'service_implicit', 'service_explicit'] as const;
export type MessageCategory = (typeof messageCategories)[number];

/**
 * Stored states. DISPATCHING is internal (claimed by a worker, submission in flight) and is shown
 * to customers as QUEUED; a crash leaves it in doubt, which recovery turns into UNKNOWN.
 */
export const messageStatuses = [
  'QUEUED', 'SCHEDULED', 'DISPATCHING', 'SUBMITTED', 'DELIVERED', 'FAILED', 'EXPIRED', 'REJECTED', 'UNKNOWN',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];
export type FinalStatus = 'DELIVERED' | 'FAILED' | 'EXPIRED' | 'REJECTED' | 'UNKNOWN';

const finals: ReadonlySet<MessageStatus> = new Set<MessageStatus>(['DELIVERED', 'FAILED', 'EXPIRED', 'REJECTED', 'UNKNOWN']);
export function isFinalStatus(status: MessageStatus): status is FinalStatus {
  return finals.has(status);
}

/** The stored states a customer's status filter means (QUEUED includes in-flight DISPATCHING). */
export function storedStatusesFor(status: Exclude<MessageStatus, 'DISPATCHING'>): MessageStatus[] {
  return status === 'QUEUED' ? ['QUEUED', 'DISPATCHING'] : [status];
}

/** What a customer sees: DISPATCHING is an implementation detail. */
export function publicStatus(status: MessageStatus): Exclude<MessageStatus, 'DISPATCHING'> {
  return status === 'DISPATCHING' ? 'QUEUED' : status;
}

/**
 * Traffic classes, each drained by its own worker so an OTP never waits behind a campaign.
 * Bulk requests go to `bulk` whatever their category, except OTP.
 */
export const lanes = ['otp', 'transactional', 'bulk'] as const;
export type Lane = (typeof lanes)[number];

export function laneFor(category: MessageCategory, fromBulkRequest: boolean): Lane {
  if (category === 'otp') return 'otp';
  if (fromBulkRequest || category === 'promotional') return 'bulk';
  return 'transactional';
}

export type Encoding = 'GSM7' | 'UCS2';

/** A message as stored. Times are epoch milliseconds. */
export interface Message {
  id: string;
  accountId: string;
  batchId: string | null;
  routeId: string;
  category: MessageCategory;
  lane: Lane;
  recipient: string;
  sender: string;
  body: string;
  templateId: string | null;
  encoding: Encoding;
  segments: number;
  flash: boolean;
  credits: number;
  status: MessageStatus;
  errorCode: string | null;
  correlationId: string | null;
  /** When the next attempt may start (schedule, window opening, retry backoff). */
  dueAt: number;
  /** The time the customer asked for (or the window opening it was moved to); null = at once. */
  scheduledAt: number | null;
  expiresAt: number;
  createdAt: number;
  submittedAt: number | null;
  doneAt: number | null;
  carrierId: string | null;
  attempts: number;
}

/** The fields a new message gets from the send service; the store fills the rest. */
export type NewMessage = Omit<Message, 'submittedAt' | 'doneAt' | 'carrierId' | 'attempts' | 'errorCode'> & {
  /** The SMPP system_id owed a receipt when the message reaches a final state (submitted over SMPP with registered_delivery). */
  receiptTo?: string | null;
  /** The per-request callback URL its final event is pushed to (already checked by the URL guard). */
  callbackUrl?: string | null;
  /**
   * When the text holds a secret (an OTP): `body` has it masked, and this is the real text sealed
   * under a key derived from the pepper, opened only when the message is handed to a channel.
   */
  secret?: string | null;
  /**
   * The DLT principal entity (PE) id it is sent under: the request's, or its template's; null = the
   * carrier connector's own PE id, if it has one.
   */
  entityId?: string | null;
};
