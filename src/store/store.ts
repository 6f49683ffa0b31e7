// The store port: everything Dakiya keeps durably. Services depend on this interface only;
// store/sqlite and store/postgres implement it (test/contract/*.contract.ts run against both). The
// event log's and webhook outbox's types are in webhook-types.ts, re-exported here.
import type { Account, ApiKey, DltTemplate, SenderId } from '../domain/account.ts';
import type { OtpStore } from './otp-rows.ts';
import type { ContentPatternStore } from './content-pattern-rows.ts';

export type { OtpCheckOptions, OtpCheckOutcome, OtpGuardSpec, OtpRefusal, OtpResendResult, OtpStartResult } from './otp-rows.ts';
export type { AddContentPatternResult } from './content-pattern-rows.ts';
import type { StoredEvent, EventQuery, StoredWebhookEndpoint, NewDelivery, FanOutOptions, FanOutResult, WebhookDelivery, ClaimedDelivery, WebhookAttempt, DeliveryResult, DeliveryQuery } from './webhook-types.ts';
export type { EventMessage, StoredEvent, EventQuery, StoredWebhookEndpoint, NewDelivery, FanOutOptions, FanOutResult, DeliveryState, WebhookDelivery, ClaimedDelivery, WebhookAttempt, DeliveryResult, DeliveryQuery } from './webhook-types.ts';
import type { Connector } from '../domain/connector.ts';
import type { ErrorCode } from '../domain/errors.ts';
import type { FinalStatus, Lane, Message, MessageStatus, NewMessage } from '../domain/message.ts';
import type { Route } from '../domain/route.ts';
import type { BindLockoutRule, SmppUser, StoredSmppUser } from '../domain/smpp-user.ts';

export interface Balance {
  routeId: string;
  balance: number;
}

export type LedgerKind = 'topup' | 'adjust' | 'reserve' | 'refund';

export interface LedgerEntry {
  id: number;
  accountId: string;
  routeId: string;
  /** Signed: reserves are negative, top-ups and refunds positive. */
  amount: number;
  kind: LedgerKind;
  messageId: string | null;
  batchId: string | null;
  note: string;
  createdAt: number;
}

/** What a dispatcher needs of a claimed message: enough to submit it, nothing more. */
export type ClaimedMessage = Pick<Message, 'id' | 'routeId' | 'category' | 'recipient' | 'sender' | 'body' | 'encoding' | 'segments' | 'flash' | 'templateId' | 'expiresAt' | 'attempts'> & {
  /** The real text, sealed, when `body` holds it with a secret masked (see NewMessage.secret). */
  secret?: string | null;
  /** The DLT principal entity id it is sent under (NewMessage.entityId). */
  entityId?: string | null;
};

export interface NewBatch {
  id: string;
  accountId: string;
  routeId: string;
  totalRecipients: number;
  acceptedRecipients: number;
  createdAt: number;
  scheduledAt: number | null;
}

export interface Batch extends NewBatch {
  counts: Partial<Record<MessageStatus, number>>;
}

/** The response stored with an accepted request, replayed for a repeated Idempotency-Key. */
export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  body: string;
}

/** One customer request's worth of accepted messages: committed all or nothing. */
export interface AcceptRequest {
  accountId: string;
  routeId: string;
  /** Credits reserved for the whole request; the balance must cover it. */
  debit: number;
  messages: NewMessage[];
  batch?: NewBatch;
  idempotency?: { key: string; response: StoredResponse };
  /** The account's campaign this request is a shoot of: its row counts the shoot and its messages in the same transaction. */
  campaign?: string;
}

/** A per-account grouping of sends (seed 002's campaign), with what has been accepted under it. */
export interface Campaign {
  accountId: string;
  name: string;
  /** Accepted requests (shoots) and their messages. */
  shoots: number;
  messages: number;
  createdAt: number;
  lastShootAt: number;
}

export type AcceptResult =
  | { ok: true }
  | { ok: false; reason: 'insufficient_credits'; balance: number }
  | { ok: false; reason: 'idempotent_replay'; stored: StoredResponse };

/**
 * What a carrier said about a submission attempt. `attempt` is the claim's attempt number
 * (ClaimedMessage.attempts): when given, the outcome applies only while the message is still in
 * that claim, so a node that lost its lease and woke up late cannot overwrite what the node that
 * took over decided.
 */
export type SubmissionOutcome = (
  | {
    id: string; outcome: 'submitted'; carrierId: string; at: number;
    /**
     * When the carrier took the message part by part (one submission and one carrier id per
     * segment): every part's carrier id, in order. Receipts then come per part, and the message
     * is DELIVERED once every part is, or FAILED/EXPIRED with its first part that is not.
     * `carrierId` is then their comma-joined list, for display.
     */
    parts?: readonly string[];
  }
  | { id: string; outcome: 'retry'; errorCode: ErrorCode; retryAt: number }
  | { id: string; outcome: 'rejected'; errorCode: ErrorCode; at: number }
  | { id: string; outcome: 'expired'; at: number }
  | { id: string; outcome: 'unknown'; at: number }
) & { attempt?: number };

/** A claim may be fenced by a lease: it claims nothing unless that lease still holds this token. */
export interface Fence {
  lease: string;
  token: number;
}

/** A named lease held by one node at a time; the token grows with every change of holder. */
export interface LeaseGrant {
  token: number;
  /** When the lease runs out unless renewed, in the store's clock (epoch ms). */
  expiresAt: number;
}

/** An upstream connector as kept in the store: its settings and its sealed bind password. */
export interface StoredConnector {
  connector: Connector;
  /** The bind password sealed by the services' SecretBox; never the plain text. */
  passwordSealed: string;
  createdAt: number;
  updatedAt: number;
}

/** A connector's live state as the node holding its binds reported it (`state` is the channel's JSON). */
export interface ConnectorStatusRow {
  name: string;
  nodeId: string;
  state: string;
  at: number;
}

/** One part of a long message a customer submitted over SMPP, kept until the whole message is accepted. */
export interface SmppPart {
  systemId: string;
  /** Which message: sender, recipient, reference and total, as the SMPP server composes it. */
  key: string;
  sequence: number;
  total: number;
  body: Buffer;
  /** The rest of the decoded submission (addresses, alphabet, template …), as JSON. */
  meta: string;
  receivedAt: number;
}

/** A delivery receipt, already matched to its carrier id by the channel (a message's, or one of its parts'). */
export interface ReceiptUpdate {
  carrierId: string;
  status: Extract<FinalStatus, 'DELIVERED' | 'FAILED' | 'EXPIRED'>;
  errorCode: ErrorCode | null;
  at: number;
}

export interface AwaitingReceipt {
  id: string;
  carrierId: string;
  recipient: string;
  expiresAt: number;
}

/** A state change the store made, reported back for metrics and (later) events. */
export interface Transition {
  messageId: string;
  accountId: string;
  from: MessageStatus;
  to: MessageStatus;
  refunded: number;
}

/**
 * A receipt owed to an SMPP customer: written to the outbox in the transaction that finished the
 * message, deleted once the customer acknowledged its deliver_sm.
 */
export interface SmppReceipt {
  seq: number;
  messageId: string;
  systemId: string;
  status: FinalStatus;
  errorCode: string | null;
  doneAt: number;
  /** When the customer submitted the message (its created_at). */
  submittedAt: number;
  recipient: string;
  sender: string;
}

/** What the send path needs about an account, loaded in one go and cached by the service. */
export interface SendingProfile {
  account: Account;
  routes: Route[];
  /** Routes the account holds a balance row for (enabled for it). */
  enabledRouteIds: string[];
  senders: SenderId[];
  templates: DltTemplate[];
}

export interface MessageQuery {
  accountId: string;
  /** Any of these stored states. */
  statuses?: readonly MessageStatus[];
  batchId?: string;
  correlationId?: string;
  /** Only messages with an id greater than this (cursor pagination over UUIDv7 ids). */
  after?: string;
  limit: number;
}


/** Everything Dakiya keeps durably; one-time passwords and content patterns are their own parts (otp-rows.ts, content-pattern-rows.ts). */
export interface Store extends OtpStore, ContentPatternStore {
  readonly driver: string;
  close(): Promise<void>;

  // operator
  createOperatorToken(id: string, hash: string, createdAt: number): Promise<void>;
  hasOperatorToken(hash: string): Promise<boolean>;
  countOperatorTokens(): Promise<number>;

  // accounts and keys
  createAccount(account: Account): Promise<void>;
  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  updateAccount(id: string, patch: Partial<Pick<Account, 'name' | 'status' | 'rateLimitPerMinute'>>): Promise<Account | undefined>;
  createApiKey(key: ApiKey, hash: string): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKey | undefined>;
  listApiKeys(accountId: string): Promise<ApiKey[]>;
  revokeApiKey(accountId: string, keyId: string, at: number): Promise<boolean>;
  loadSendingProfile(accountId: string): Promise<SendingProfile | undefined>;

  // routes and credits
  listRoutes(): Promise<Route[]>;
  upsertRoute(route: Route): Promise<void>;
  /** Adds (or with a negative amount removes) credits; refuses to go below zero. Returns the new balance. */
  addCredits(accountId: string, routeId: string, amount: number, kind: 'topup' | 'adjust', note: string, at: number): Promise<number | 'insufficient'>;
  getBalances(accountId: string): Promise<Balance[]>;
  listLedger(accountId: string, limit: number): Promise<LedgerEntry[]>;

  // sender ids, templates, DND
  addSender(sender: SenderId): Promise<void>;
  listSenders(accountId: string): Promise<SenderId[]>;
  setSenderStatus(accountId: string, sender: string, status: SenderId['status']): Promise<boolean>;
  addTemplate(template: DltTemplate): Promise<void>;
  listTemplates(accountId: string): Promise<DltTemplate[]>;
  setTemplateStatus(accountId: string, templateId: string, status: DltTemplate['status']): Promise<boolean>;
  addDnd(msisdns: readonly string[], at: number): Promise<number>;
  removeDnd(msisdns: readonly string[]): Promise<number>;
  /** The subset of the given numbers that are on the DND registry. */
  findDnd(msisdns: readonly string[]): Promise<Set<string>>;

  // messages
  accept(request: AcceptRequest): Promise<AcceptResult>;
  /**
   * A store may commit a large batch's messages compactly and make their rows after the 2xx
   * (SQLite: deferred chunks). This turns up to `maxChunks` of them into rows, oldest first, each
   * chunk once and in one transaction, and answers how many messages it made per lane; [] when none
   * waits (always, on a store that never defers). Readers never see a batch partly: reading a batch,
   * an account's messages or a message by id makes that account's deferred rows first, and
   * countWaiting counts deferred messages. Every chunk made wakes the lane (onWork).
   */
  expandDeferred(maxChunks: number): Promise<Array<{ lane: Lane; count: number }>>;
  /** The response stored for an Idempotency-Key, checked before a repeated request is re-validated. */
  findIdempotentResponse(accountId: string, key: string): Promise<StoredResponse | undefined>;
  getMessage(accountId: string, id: string): Promise<Message | undefined>;
  listMessages(query: MessageQuery): Promise<Message[]>;
  getBatch(accountId: string, id: string): Promise<Batch | undefined>;
  /** The account's campaigns with a shoot at or after `since`, by name. */
  listCampaigns(accountId: string, since: number): Promise<Campaign[]>;
  /**
   * Claims up to `limit` due messages of a lane (QUEUED/SCHEDULED, due_at <= now) and marks them
   * DISPATCHING; with a fence, claims nothing unless the lease still holds the fence's token.
   */
  claimDue(lane: Lane, now: number, limit: number, fence?: Fence): Promise<ClaimedMessage[]>;
  recordSubmissions(outcomes: readonly SubmissionOutcome[]): Promise<Transition[]>;
  /**
   * Finishes SUBMITTED messages. A receipt whose carrier id is not stored yet (it overtook its
   * submission) is parked durably in the same transaction and comes back in `unmatched`: once
   * this resolves, every receipt given is safe, and may be acknowledged to the carrier.
   */
  applyReceipts(receipts: readonly ReceiptUpdate[]): Promise<{ transitions: Transition[]; unmatched: ReceiptUpdate[] }>;
  /**
   * Applies up to `limit` parked receipts whose carrier id is known by now, and forgets those
   * received before `expiredBefore` (their submission was never recorded: in doubt, or another
   * gateway's). `left` counts the parked receipts still waiting.
   */
  applyParkedReceipts(expiredBefore: number, limit: number): Promise<{ transitions: Transition[]; applied: number; dropped: number; left: number }>;
  /** After a crash: DISPATCHING messages are in doubt; UNKNOWN, or re-queued where the route allows. */
  recoverInDoubt(at: number): Promise<Transition[]>;
  /** SUBMITTED messages still waiting for a receipt, in id order after `after` (for a channel to resume after a restart). */
  listAwaitingReceipt(after: string | undefined, limit: number): Promise<AwaitingReceipt[]>;
  /**
   * Finishes SUBMITTED messages whose validity ended at or before `expiredBefore` without a receipt: the
   * carrier will not report any more, so they become UNKNOWN (no refund: the carrier may have
   * charged). Works through the table a slice at a time; `done` says a whole pass is complete.
   */
  finishAwaitingReceipt(expiredBefore: number, at: number): Promise<{ transitions: Transition[]; done: boolean }>;
  /** Forgets Idempotency-Keys stored before `before`; returns how many. */
  purgeIdempotencyKeys(before: number): Promise<number>;
  /** Messages waiting per lane (QUEUED or SCHEDULED), for the queue-depth metric. */
  countWaiting(): Promise<Partial<Record<Lane, number>>>;
  /** Earliest due_at among waiting messages of a lane, to sleep until then. */
  nextDueAt(lane: Lane): Promise<number | undefined>;

  // upstream connectors
  /** Creates the connector or replaces the one of that name (keeping its created_at). */
  saveConnector(connector: StoredConnector): Promise<void>;
  listConnectors(): Promise<StoredConnector[]>;
  removeConnector(name: string): Promise<boolean>;
  /** Replaces the reported live state of these connectors. */
  saveConnectorStatus(rows: readonly ConnectorStatusRow[]): Promise<void>;
  listConnectorStatus(): Promise<ConnectorStatusRow[]>;
  /**
   * Cancels a message of this account still QUEUED or SCHEDULED: it ends REJECTED with
   * ERR_CANCELLED and its credits are refunded, in one transaction. Undefined when there is no
   * such message or it is past that (claimed, sent, final).
   */
  cancelMessage(accountId: string, id: string, at: number): Promise<Transition | undefined>;

  // the SMPP server's users, lockouts and receipt outbox
  /** Creates or replaces the user of that system_id (keeping its created_at); 'taken' when another account holds the system_id. */
  saveSmppUser(user: StoredSmppUser): Promise<'saved' | 'taken'>;
  getSmppUser(systemId: string): Promise<StoredSmppUser | undefined>;
  listSmppUsers(accountId?: string): Promise<SmppUser[]>;
  removeSmppUser(systemId: string): Promise<boolean>;
  /** Until when binds of this system_id are refused, if they are at `now`. */
  smppBindLockedUntil(systemId: string, now: number): Promise<number | undefined>;
  /**
   * Counts a failed bind of this system_id (known or not) at `at`: failures within `rule.windowMs`
   * of the first add up, and the `rule.maxFailures`-th locks binds for `rule.lockMs`. Answers the
   * lock's end when it is locked now.
   */
  recordSmppBindFailure(systemId: string, at: number, rule: BindLockoutRule): Promise<number | undefined>;
  clearSmppBindFailures(systemId: string): Promise<void>;
  /** Forgets failure counts whose window and lock both ended before `before`. */
  purgeSmppBindFailures(before: number): Promise<number>;
  /**
   * Stores one part of a long message a customer submits part by part (a repeat of the same part
   * replaces it), committed before the part is acknowledged; answers how many parts of that
   * message are stored now.
   */
  saveSmppPart(part: SmppPart): Promise<number>;
  /** The stored parts of one long message, in sequence order. */
  listSmppParts(systemId: string, key: string): Promise<SmppPart[]>;
  deleteSmppParts(systemId: string, key: string): Promise<void>;
  /** Forgets parts received before `before` (their siblings never came); answers how many. */
  purgeSmppParts(before: number): Promise<number>;
  /**
   * Claims up to `limit` receipts owed to this system_id, oldest first, that no one holds at `now`,
   * for `claimMs`: two sessions (or nodes) never hold one row at once. A claim that lapses (its
   * holder died or the customer never answered) makes the row claimable again: at-least-once.
   */
  takeSmppReceipts(systemId: string, limit: number, now: number, claimMs: number): Promise<SmppReceipt[]>;
  /** Deletes delivered receipts. */
  ackSmppReceipts(seqs: readonly number[]): Promise<number>;
  /** Gives claimed receipts back at once (their session closed before they were acknowledged). */
  releaseSmppReceipts(seqs: readonly number[]): Promise<void>;
  /** Receipts waiting for this system_id (claimed or not). */
  countSmppReceipts(systemId: string): Promise<number>;

  // events and webhooks
  /** The account's events after a cursor (or from a time), oldest first; only events whose position is final (see the engines' notes). */
  listEvents(query: EventQuery): Promise<StoredEvent[]>;
  getEvent(accountId: string, seq: number): Promise<StoredEvent | undefined>;
  /** Creates the endpoint or replaces the one with that id (keeping created_at). */
  saveWebhookEndpoint(endpoint: StoredWebhookEndpoint): Promise<void>;
  /** Stores the endpoint unless one with its id exists; answers the stored one (for the lazily made callback endpoint). */
  ensureWebhookEndpoint(endpoint: StoredWebhookEndpoint): Promise<StoredWebhookEndpoint>;
  /** One endpoint; with `accountId`, only that account's. */
  getWebhookEndpoint(id: string, accountId?: string): Promise<StoredWebhookEndpoint | undefined>;
  listWebhookEndpoints(filter: { accountId?: string; enabledOnly?: boolean }): Promise<StoredWebhookEndpoint[]>;
  /** Removes an account's endpoint; its pending deliveries fail. */
  removeWebhookEndpoint(accountId: string, id: string, at: number): Promise<boolean>;
  /**
   * Reads up to `limit` events after the fan-out's cursor, asks `plan` which deliveries they make,
   * stores those and moves the cursor, in one transaction. One fan-out at a time across nodes:
   * answers 'busy' when another holds it. `plan` must be synchronous.
   */
  fanOutEvents(limit: number, plan: (events: readonly StoredEvent[]) => NewDelivery[], now: number, options?: FanOutOptions): Promise<FanOutResult | 'busy'>;
  /**
   * Claims up to `limit` pending deliveries due at `now`, moving their next_at to now + claimMs and
   * counting an attempt: one holder at a time, and a claim whose holder died falls due again
   * (at-least-once). A result without an attempt (deferred, endpoint gone) gives the count back.
   * Deliveries to `excludeEndpoints` (endpoints this node cannot take more of now) are left alone.
   */
  claimWebhookDeliveries(now: number, limit: number, claimMs: number, excludeEndpoints?: readonly string[]): Promise<ClaimedDelivery[]>;
  /**
   * Records attempts and next states, and endpoint health: a failure starts (or continues) the
   * endpoint's failing streak, a success ends it; an endpoint failing for longer than
   * `disableFailingAfterMs` or told to be disabled is disabled. Answers the endpoints disabled now.
   */
  recordWebhookResults(results: readonly DeliveryResult[], now: number, disableFailingAfterMs: number): Promise<Array<{ id: string; accountId: string; reason: string }>>;
  listWebhookDeliveries(query: DeliveryQuery): Promise<WebhookDelivery[]>;
  /** The logged (failed) attempts of these deliveries. */
  listWebhookAttempts(deliveryIds: readonly number[]): Promise<WebhookAttempt[]>;
  /** New pending deliveries of an account's event to these endpoints (same event, same webhook-id); answers their ids. */
  redeliverEvent(accountId: string, seq: number, endpoints: ReadonlyArray<{ endpointId: string; url: string | null }>, now: number): Promise<number[]>;
  countPendingDeliveries(): Promise<number>;
  /** Forgets events written before `before` and finished deliveries (with their attempts) done before it; answers how many events. */
  purgeEvents(before: number, limit: number): Promise<number>;

  // the deployment
  /** Stores `value` under `key` unless a value is already there; answers the stored value. */
  ensureSetting(key: string, value: string): Promise<string>;

  // coordination between nodes
  /**
   * Calls `listener` when any process accepts work for a lane, so a dispatcher on another node
   * wakes at once instead of at its next poll; SQLite calls it when it makes deferred rows.
   * Returns the unsubscribe. Optional.
   */
  onWork?(listener: (lane: Lane) => void): () => void;
  /**
   * Calls `listener` after a commit that deferred messages (see expandDeferred), so the node can
   * make their rows at once. Returns the unsubscribe. Optional: a store that never defers has none.
   */
  onDeferred?(listener: () => void): () => void;
  /** Resolves when the database answers; rejects with StoreUnavailableError when it does not. */
  ping(): Promise<void>;
  /**
   * Takes or renews the named lease for `holder` for `ttlMs`, by the store's clock. Answers
   * undefined while another holder's lease is live. The token stays the same while one holder
   * renews in time and grows whenever the lease changes hands or lapsed.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | undefined>;
  /** Gives the lease up at once (clean shutdown), if `holder` still holds it with `token`. */
  releaseLease(name: string, holder: string, token: number): Promise<void>;
  /**
   * Takes up to `want` of a key's `limit` requests in a rate-limit window, for this node to hand
   * out locally. Atomic across nodes: all grants of a window together never exceed the limit.
   * Answers how many were granted (0 once the window is spent) and the window's total taken.
   */
  takeRateTokens(key: string, windowStart: number, want: number, limit: number): Promise<{ granted: number; total: number }>;
  purgeRateWindows(before: number): Promise<number>;
}

/**
 * The database cannot be reached (or is shutting down) right now. Nothing was committed by the call
 * that throws it; surfaces answer 503 with Retry-After and workers retry on their next turn.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
