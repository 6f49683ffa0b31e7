// The hot write paths on messages: accepting requests (group commit), claiming due rows, and
// applying submission outcomes and receipts with exactly-once refunds. Every state change is one
// `UPDATE … WHERE status = <expected> RETURNING`, so a repeated outcome or receipt changes nothing.
import type Database from 'better-sqlite3';
import { shouldRefund } from '../../domain/credit.ts';
import { isErrorCode } from '../../domain/errors.ts';
import { type CampaignSummary, eventForStatus } from '../../domain/event.ts';
import type { FinalStatus, Lane, MessageStatus } from '../../domain/message.ts';
import type { Route } from '../../domain/route.ts';
import type { AcceptRequest, AcceptResult, ClaimedMessage, Fence, ReceiptUpdate, SubmissionOutcome, Transition } from '../store.ts';
import { GroupCommit, type GroupCommitOptions } from './sqlite-group-commit.ts';
import { decodeChunk, encodeChunk } from './deferred-chunk.ts';
import { type RouteRow, toRoute } from '../store-rows.ts';
import { objectRows } from './sqlite-rows.ts';

const messageColumns = [
  'id', 'account_id', 'batch_id', 'route_id', 'category', 'lane', 'recipient', 'sender', 'body', 'template_id',
  'encoding', 'segments', 'flash', 'credits', 'status', 'correlation_id', 'due_at', 'scheduled_at', 'expires_at', 'created_at', 'receipt_to',
  'callback_url', 'secret', 'entity_id',
] as const;
/** Rows per multi-row INSERT: fewer statement executions for bulk requests. */
const chunk = 32;
/** Messages per deferred chunk: one row at accept, one fan-out transaction (about 10 ms of inserts) later. */
const deferredChunk = 1000;

/** Messages a fan-out pass turned into rows, per lane. */
export interface Expanded {
  lane: Lane;
  count: number;
}

interface Finished {
  id: string; account_id: string; batch_id: string | null; route_id: string; credits: number; callback: number;
  receipt_to: string | null; recipient: string; sender: string; created_at: number;
}

// Hot reads come back as arrays (statement.raw()): better-sqlite3 builds a row object property by
// property, which cost more than the statement itself on rows this wide. For the same reason a
// state change is a SELECT of the row and an UPDATE by rowid, not an UPDATE … RETURNING (SQLite
// collects RETURNING rows in a temporary table first): both run inside one IMMEDIATE transaction,
// and SQLite has one writer, so nothing can change the row between them.

/** A message a final-state change found: `finishedColumns` in order, rowid first. */
type FinishedRow = [number, string, string, string | null, string, number, string | null, string, string, number, number];
const finishedColumns = 'rowid, id, account_id, batch_id, route_id, credits, receipt_to, recipient, sender, created_at, callback_url IS NOT NULL';

function toFinished(r: FinishedRow): Finished {
  return {
    id: r[1], account_id: r[2], batch_id: r[3], route_id: r[4], credits: r[5], receipt_to: r[6], recipient: r[7], sender: r[8], created_at: r[9], callback: r[10],
  };
}

/** A due message a claim takes: `claimColumns` in order. */
type ClaimRow = [
  number, string, string, string | null, string, string, string, string, string, string, number, number, string | null, number, number, string | null, string | null,
];
const claimColumns = 'rowid, id, account_id, batch_id, route_id, category, recipient, sender, body, encoding, segments, flash, template_id, expires_at, attempts, secret, entity_id';

/** What the outcome of a claim needs of its message without reading the row again. */
interface ClaimedRow {
  rowid: number;
  accountId: string;
  batchId: string | null;
}

export class SqliteMessageWriter {
  #db: Database.Database;
  #accept: GroupCommit<AcceptRequest, AcceptResult>;
  /**
   * Claimed messages by id, so their outcome is recorded by rowid (skipping the id index) without
   * reading the row again. Entries live from claim to outcome (bounded by the dispatch window).
   */
  #claimed = new Map<string, ClaimedRow>();
  /** Whether message_parts had any row when the current batch of receipts began. */
  #hasParts = false;
  /** A batch of at least this many messages is committed as deferred chunks (0: never). */
  #deferFrom: number;
  /** Some accept deferred messages since takeDeferred() was last asked. */
  #deferred = false;
  #expandOne: (seq: number) => Expanded | undefined;
  #claim: (lane: Lane, now: number, limit: number, fence?: Fence) => ClaimedMessage[];
  #s;

  constructor(db: Database.Database, groupCommit: GroupCommitOptions, deferFrom = 0) {
    this.#db = db;
    this.#deferFrom = deferFrom;
    const values = `(${messageColumns.map(() => '?').join(',')})`;
    const insertSql = (n: number) => `INSERT INTO messages (${messageColumns.join(',')}) VALUES ${Array(n).fill(values).join(',')}`;
    const finishable = (where: string) =>
      db.prepare<unknown[], FinishedRow>(`SELECT ${finishedColumns} FROM messages WHERE ${where} AND status = ? LIMIT 1`).raw(true);
    this.#s = {
      insertOne: db.prepare(insertSql(1)),
      insertChunk: db.prepare(insertSql(chunk)),
      idempotency: db.prepare<[string, string], { request_hash: string; status_code: number; body: string }>(
        'SELECT request_hash, status_code, body FROM idempotency_keys WHERE account_id = ? AND key = ?'),
      saveIdempotency: db.prepare('INSERT INTO idempotency_keys (account_id, key, request_hash, status_code, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      debit: db.prepare('UPDATE balances SET balance = balance - ? WHERE account_id = ? AND route_id = ? AND balance >= ?'),
      credit: db.prepare('UPDATE balances SET balance = balance + ? WHERE account_id = ? AND route_id = ?'),
      balance: db.prepare<[string, string], { balance: number }>('SELECT balance FROM balances WHERE account_id = ? AND route_id = ?'),
      ledger: db.prepare('INSERT INTO ledger (account_id, route_id, amount, kind, message_id, batch_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      batch: db.prepare('INSERT INTO batches (id, account_id, route_id, total_recipients, accepted_recipients, created_at, scheduled_at, open) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      campaign: db.prepare(`INSERT INTO campaigns (account_id, name, shoots, messages, created_at, last_shoot_at) VALUES (?, ?, 1, ?, ?, ?)
        ON CONFLICT (account_id, name) DO UPDATE SET shoots = shoots + 1, messages = messages + excluded.messages, last_shoot_at = max(last_shoot_at, excluded.last_shoot_at),
          created_at = min(created_at, excluded.created_at)`),
      due: db.prepare<[string, number, number], ClaimRow>(
        `SELECT ${claimColumns} FROM messages WHERE lane = ? AND status IN ('QUEUED', 'SCHEDULED') AND due_at <= ? ORDER BY due_at LIMIT ?`).raw(true),
      claim: db.prepare<[number]>("UPDATE messages SET status = 'DISPATCHING', attempts = attempts + 1 WHERE rowid = ?"),
      leaseHeld: db.prepare<[string, number, number], { one: number }>('SELECT 1 AS one FROM leases WHERE name = ? AND token = ? AND expires_at > ?'),
      // The claim guard: (? IS NULL OR attempts = ?) — an outcome that names its claim's attempt
      // applies only while the message is still in that claim.
      submitted: db.prepare<[string, number, number, number | null, number | null]>(
        "UPDATE messages SET status = 'SUBMITTED', carrier_id = ?, submitted_at = ?, error_code = NULL WHERE rowid = ? AND status = 'DISPATCHING' AND (? IS NULL OR attempts = ?)"),
      requeue: db.prepare<[number, string, number, number | null, number | null], { account_id: string }>(
        "UPDATE messages SET status = 'QUEUED', due_at = ?, error_code = ? WHERE rowid = ? AND status = 'DISPATCHING' AND (? IS NULL OR attempts = ?) RETURNING account_id"),
      // A final state: the row is found by one of these (with its expected status), then set by rowid.
      finishable: finishable('rowid = ?'),
      finishableClaim: finishable('rowid = ? AND (? IS NULL OR attempts = ?)'),
      finishableByCarrier: finishable('carrier_id = ?'),
      finishableByMessage: finishable('id = ?'),
      finishableOfAccount: finishable('id = ? AND account_id = ?'),
      finish: db.prepare<[string, string | null, number, number]>('UPDATE messages SET status = ?, error_code = ?, done_at = ? WHERE rowid = ?'),
      claimedOf: db.prepare<[string], [number, string, string | null]>('SELECT rowid, account_id, batch_id FROM messages WHERE id = ?').raw(true),
      routeOfRow: db.prepare<[number], { route_id: string }>('SELECT route_id FROM messages WHERE rowid = ?'),
      carrierKnown: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM messages WHERE carrier_id = ? LIMIT 1'),
      insertPart: db.prepare('INSERT OR IGNORE INTO message_parts (carrier_id, message_id, part) VALUES (?, ?, ?)'),
      part: db.prepare<[string], { message_id: string; status: string | null }>('SELECT message_id, status FROM message_parts WHERE carrier_id = ?'),
      markPart: db.prepare('UPDATE message_parts SET status = ?, error_code = ?, done_at = ? WHERE carrier_id = ? AND status IS NULL'),
      park: db.prepare('INSERT OR IGNORE INTO early_receipts (carrier_id, status, error_code, at) VALUES (?, ?, ?, ?)'),
      parked: db.prepare<[number], { carrier_id: string; status: string; error_code: string | null; at: number }>(
        'SELECT carrier_id, status, error_code, at FROM early_receipts ORDER BY at LIMIT ?'),
      unpark: db.prepare('DELETE FROM early_receipts WHERE carrier_id = ?'),
      anyPart: db.prepare<[], { one: number }>('SELECT 1 AS one FROM message_parts LIMIT 1'),
      dropParked: db.prepare('DELETE FROM early_receipts WHERE at < ?'),
      parkedCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM early_receipts'),
      partsDelivered: db.prepare<[string], { total: number; delivered: number }>(
        "SELECT count(*) AS total, coalesce(sum(status = 'DELIVERED'), 0) AS delivered FROM message_parts WHERE message_id = ?"),
      // No index serves this on purpose (it would cost every submission and receipt an index
      // write): housekeeping scans a slice of rowids at a time instead.
      stale: db.prepare<[number, number, number], { rowid: number }>(
        "SELECT rowid FROM messages WHERE rowid > ? AND rowid <= ? AND status = 'SUBMITTED' AND expires_at <= ?"),
      maxRowid: db.prepare<[], { m: number | null }>('SELECT MAX(rowid) AS m FROM messages'),
      inDoubt: db.prepare<[], { rowid: number; id: string; route_id: string }>("SELECT rowid, id, route_id FROM messages WHERE status = 'DISPATCHING'"),
      nextDue: db.prepare<[string], { due: number | null }>("SELECT MIN(due_at) AS due FROM messages WHERE lane = ? AND status IN ('QUEUED', 'SCHEDULED')"),
      routes: objectRows(db.prepare<[], RouteRow>('SELECT * FROM routes')),
      // The receipt outbox of the SMPP server: written with the final state, in its transaction.
      owe: db.prepare('INSERT INTO smpp_receipts (message_id, system_id, status, error_code, done_at, submitted_at, recipient, sender) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      // The event log, written with the change it records (see domain/event.ts).
      event: db.prepare('INSERT INTO events (account_id, type, message_id, batch_id, status, error_code, at, data, callback) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      batchFinal: db.prepare<[number, string], { open: number }>('UPDATE batches SET open = max(open - ?, 0) WHERE id = ? AND open > 0 RETURNING open'),
      batchCounts: db.prepare<[string], { status: string; n: number }>('SELECT status, count(*) AS n FROM messages WHERE batch_id = ? GROUP BY status'),
      defer: db.prepare('INSERT INTO deferred_messages (account_id, batch_id, lane, count, data) VALUES (?, ?, ?, ?, ?)'),
      deferredNext: db.prepare<[], { seq: number }>('SELECT seq FROM deferred_messages ORDER BY seq LIMIT 1'),
      deferredOfBatch: db.prepare<[string, string], { seq: number }>('SELECT seq FROM deferred_messages WHERE batch_id = ? AND account_id = ? ORDER BY seq'),
      deferredOfAccount: db.prepare<[string], { seq: number }>('SELECT seq FROM deferred_messages WHERE account_id = ? ORDER BY seq'),
      deferredRow: db.prepare<[number], { lane: string; count: number; data: string }>('SELECT lane, count, data FROM deferred_messages WHERE seq = ?'),
      deferredDone: db.prepare('DELETE FROM deferred_messages WHERE seq = ?'),
      deferredWaiting: db.prepare<[], { lane: string; n: number }>('SELECT lane, SUM(count) AS n FROM deferred_messages GROUP BY lane'),
    };
    this.#accept = new GroupCommit(db, groupCommit, (request) => this.#applyAccept(request));
    this.#claim = db.transaction((lane: Lane, now: number, limit: number, fence?: Fence): ClaimedMessage[] => {
      const s = this.#s;
      // The lease is judged by the wall clock, as acquireLease wrote it (`now` may be a test clock).
      if (fence && !s.leaseHeld.get(fence.lease, fence.token, Date.now())) return [];
      return s.due.all(lane, now, limit).map((r): ClaimedMessage => {
        s.claim.run(r[0]);
        this.#claimed.set(r[1], { rowid: r[0], accountId: r[2], batchId: r[3] });
        return {
          id: r[1], routeId: r[4], category: r[5] as ClaimedMessage['category'], recipient: r[6], sender: r[7], body: r[8],
          encoding: r[9] as ClaimedMessage['encoding'], segments: r[10], flash: r[11] === 1, templateId: r[12], expiresAt: r[13],
          attempts: r[14] + 1, secret: r[15], entityId: r[16],
        };
      });
    }).immediate;
    // Read inside the write transaction: a chunk another connection expanded first is gone, so none is expanded twice.
    this.#expandOne = db.transaction((seq: number): Expanded | undefined => {
      const row = this.#s.deferredRow.get(seq);
      if (!row) return undefined;
      this.#insertFlat(decodeChunk(row.data, messageColumns.length, row.count));
      this.#s.deferredDone.run(seq);
      return { lane: row.lane as Lane, count: row.count };
    }).immediate;
  }

  accept(request: AcceptRequest): Promise<AcceptResult> {
    return this.#accept.submit(request);
  }

  /** An accept inside a transaction the caller runs (an OTP session commits its message with it). */
  acceptInTransaction(request: AcceptRequest): AcceptResult {
    return this.#applyAccept(request);
  }

  #applyAccept(request: AcceptRequest): AcceptResult {
    const s = this.#s;
    const { accountId, routeId, debit, messages, batch, idempotency } = request;
    if (idempotency) {
      const stored = s.idempotency.get(accountId, idempotency.key);
      if (stored) {
        return { ok: false, reason: 'idempotent_replay', stored: { requestHash: stored.request_hash, statusCode: stored.status_code, body: stored.body } };
      }
    }
    // The conditional update is the whole concurrency story: SQLite has one writer, so the check
    // and the debit cannot interleave with another request's.
    if (s.debit.run(debit, accountId, routeId, debit).changes === 0) {
      return { ok: false, reason: 'insufficient_credits', balance: s.balance.get(accountId, routeId)?.balance ?? 0 };
    }
    const first = messages[0];
    const now = first?.createdAt ?? batch?.createdAt ?? 0;
    if (debit !== 0) {
      const single = messages.length === 1 && !batch ? first?.id ?? null : null;
      s.ledger.run(accountId, routeId, -debit, 'reserve', single, batch?.id ?? null, `${messages.length} message(s)`, now);
    }
    if (batch) {
      s.batch.run(batch.id, batch.accountId, batch.routeId, batch.totalRecipients, batch.acceptedRecipients, batch.createdAt, batch.scheduledAt, batch.acceptedRecipients);
    }
    const params: unknown[] = [];
    if (batch && this.#deferFrom > 0 && messages.length >= this.#deferFrom) {
      // A large batch is durable as compact chunks (its 2xx waits for one row per 1,000 messages,
      // not 50,000 rows and their index entries); a fan-out pass makes the rows right after.
      for (let i = 0; i < messages.length; i += deferredChunk) {
        params.length = 0;
        const end = Math.min(i + deferredChunk, messages.length);
        for (let j = i; j < end; j++) pushMessage(params, messages[j]!);
        s.defer.run(accountId, batch.id, messages[i]!.lane, end - i, encodeChunk(params, messageColumns.length));
      }
      this.#deferred = true;
    } else {
      let i = 0;
      for (; i + chunk <= messages.length; i += chunk) {
        params.length = 0;
        for (let j = i; j < i + chunk; j++) pushMessage(params, messages[j]!);
        s.insertChunk.run(params);
      }
      for (; i < messages.length; i++) {
        params.length = 0;
        pushMessage(params, messages[i]!);
        s.insertOne.run(params);
      }
    }
    if (request.campaign !== undefined) s.campaign.run(accountId, request.campaign, messages.length, now, now);
    if (idempotency) {
      const r = idempotency.response;
      s.saveIdempotency.run(accountId, idempotency.key, r.requestHash, r.statusCode, r.body, now);
    }
    return { ok: true };
  }

  /** Inserts message rows given as flat column values (messageColumns order). */
  #insertFlat(flat: readonly unknown[]): void {
    const width = messageColumns.length;
    const rows = flat.length / width;
    let r = 0;
    for (; r + chunk <= rows; r += chunk) this.#s.insertChunk.run(flat.slice(r * width, (r + chunk) * width));
    for (; r < rows; r++) this.#s.insertOne.run(flat.slice(r * width, (r + 1) * width));
  }

  /**
   * Fans deferred chunks out to message rows, one transaction each: the oldest `maxChunks` of all,
   * or every chunk of one account's batch or of one account (so a reader of it sees it whole).
   */
  expandDeferred(scope: { maxChunks: number } | { accountId: string; batchId?: string }): Expanded[] {
    const s = this.#s;
    const out: Expanded[] = [];
    if ('maxChunks' in scope) {
      for (let n = 0; n < scope.maxChunks; n++) {
        const next = s.deferredNext.get();
        if (!next) break;
        const expanded = this.#expandOne(next.seq);
        if (expanded) out.push(expanded);
      }
      return out;
    }
    const seqs = scope.batchId !== undefined ? s.deferredOfBatch.all(scope.batchId, scope.accountId) : s.deferredOfAccount.all(scope.accountId);
    for (const { seq } of seqs) {
      const expanded = this.#expandOne(seq);
      if (expanded) out.push(expanded);
    }
    return out;
  }

  /** Whether some accept deferred messages since the last call (its transaction committed once accept resolved). */
  takeDeferred(): boolean {
    const deferred = this.#deferred;
    this.#deferred = false;
    return deferred;
  }

  /** Messages committed in deferred chunks and not yet rows, per lane. */
  deferredWaiting(): Partial<Record<Lane, number>> {
    const out: Partial<Record<Lane, number>> = {};
    for (const r of this.#s.deferredWaiting.all()) out[r.lane as Lane] = r.n;
    return out;
  }

  claimDue(lane: Lane, now: number, limit: number, fence?: Fence): ClaimedMessage[] {
    return this.#claim(lane, now, limit, fence);
  }

  recordSubmissions(outcomes: readonly SubmissionOutcome[]): Transition[] {
    const s = this.#s;
    const unknown = outcomes.filter((o) => o.outcome === 'unknown');
    const routeOf = new Map<number, string>();
    return this.#transact(outcomes, (o, finish, routes) => {
      const claimed = this.#claimed.get(o.id) ?? claimedRow(s.claimedOf.get(o.id));
      const rowid = claimed?.rowid;
      if (rowid !== undefined && unknown.length > 0 && o.outcome === 'unknown') routeOf.set(rowid, s.routeOfRow.get(rowid)?.route_id ?? '');
      this.#claimed.delete(o.id);
      if (claimed === undefined || rowid === undefined) return undefined;
      const attempt = o.attempt ?? null;
      switch (o.outcome) {
        case 'submitted': {
          if (s.submitted.run(o.carrierId, o.at, rowid, attempt, attempt).changes === 0) return undefined;
          s.event.run(claimed.accountId, 'message.submitted', o.id, claimed.batchId, 'SUBMITTED', null, o.at, null, 0);
          if (o.parts && o.parts.length > 1) o.parts.forEach((key, i) => s.insertPart.run(key, o.id, i + 1));
          return { messageId: o.id, accountId: claimed.accountId, from: 'DISPATCHING', to: 'SUBMITTED', refunded: 0 };
        }
        case 'retry': {
          const row = s.requeue.get(o.retryAt, o.errorCode, rowid, attempt, attempt);
          return row && { messageId: o.id, accountId: row.account_id, from: 'DISPATCHING', to: 'QUEUED', refunded: 0 };
        }
        case 'rejected':
          return finish(s.finishableClaim, [rowid, attempt, attempt], 'DISPATCHING', 'REJECTED', o.errorCode, o.at);
        case 'expired':
          return finish(s.finishableClaim, [rowid, attempt, attempt], 'DISPATCHING', 'EXPIRED', 'ERR_MESSAGE_EXPIRED', o.at);
        case 'unknown': {
          // In doubt (no answer before a timeout or a dropped connection): resent only on a route that allows it.
          if (routes.get(routeOf.get(rowid) ?? '')?.resendInDoubt) {
            const row = s.requeue.get(o.at, 'ERR_DELIVERY_UNKNOWN', rowid, attempt, attempt);
            return row && { messageId: o.id, accountId: row.account_id, from: 'DISPATCHING', to: 'QUEUED', refunded: 0 };
          }
          return finish(s.finishableClaim, [rowid, attempt, attempt], 'DISPATCHING', 'UNKNOWN', 'ERR_DELIVERY_UNKNOWN', o.at);
        }
      }
    });
  }

  /** Returns the transitions made and the receipts whose carrier id is not known (yet): those are parked. */
  applyReceipts(receipts: readonly ReceiptUpdate[]): { transitions: Transition[]; unmatched: ReceiptUpdate[] } {
    const s = this.#s;
    const unmatched: ReceiptUpdate[] = [];
    this.#hasParts = s.anyPart.get() !== undefined;
    const transitions = this.#transact(receipts, (r, finish) => {
      const applied = this.#applyReceipt(r, finish);
      if (applied === false) {
        unmatched.push(r);
        s.park.run(r.carrierId, r.status, r.errorCode, r.at);
        return undefined;
      }
      return applied;
    });
    return { transitions, unmatched };
  }

  applyParkedReceipts(expiredBefore: number, limit: number): { transitions: Transition[]; applied: number; dropped: number; left: number } {
    const s = this.#s;
    const dropped = s.dropParked.run(expiredBefore).changes;
    const parked = s.parked.all(limit);
    this.#hasParts = s.anyPart.get() !== undefined;
    let applied = 0;
    const transitions = this.#transact(parked, (p, finish) => {
      const r: ReceiptUpdate = { carrierId: p.carrier_id, status: p.status as ReceiptUpdate['status'], errorCode: p.error_code as ReceiptUpdate['errorCode'], at: p.at };
      const t = this.#applyReceipt(r, finish);
      if (t === false) return undefined;
      applied++;
      s.unpark.run(p.carrier_id);
      return t;
    });
    return { transitions, applied, dropped, left: s.parkedCount.get()?.n ?? 0 };
  }

  /** One receipt: its transition, undefined when it changes nothing (a repeat, a late one), false when its carrier id is unknown. */
  #applyReceipt(r: ReceiptUpdate, finish: Finisher): Transition | undefined | false {
    const s = this.#s;
    // A part's receipt: the message finishes with its first part that failed, or once all are delivered.
    // (Looked up only while the table has rows at all: checked once per batch, not per receipt.)
    const part = this.#hasParts ? s.part.get(r.carrierId) : undefined;
    if (part) {
      if (part.status !== null) return undefined;
      s.markPart.run(r.status, r.errorCode, r.at, r.carrierId);
      if (r.status === 'DELIVERED') {
        const count = s.partsDelivered.get(part.message_id);
        if (!count || count.delivered < count.total) return undefined;
      }
      return finish(s.finishableByMessage, [part.message_id], 'SUBMITTED', r.status, r.errorCode, r.at);
    }
    // Only a SUBMITTED message can be finished by a receipt: duplicates and late ones change nothing.
    const t = finish(s.finishableByCarrier, [r.carrierId], 'SUBMITTED', r.status, r.errorCode, r.at);
    if (!t && !s.carrierKnown.get(r.carrierId)) return false;
    return t;
  }

  recoverInDoubt(at: number): Transition[] {
    const s = this.#s;
    const rows = s.inDoubt.all();
    return this.#transact(rows, (cur, finish, routes) => {
      if (routes.get(cur.route_id)?.resendInDoubt) {
        const row = s.requeue.get(at, 'ERR_DELIVERY_UNKNOWN', cur.rowid, null, null);
        return row && { messageId: cur.id, accountId: row.account_id, from: 'DISPATCHING', to: 'QUEUED', refunded: 0 };
      }
      return finish(s.finishable, [cur.rowid], 'DISPATCHING', 'UNKNOWN', 'ERR_DELIVERY_UNKNOWN', at);
    });
  }

  #staleCursor = 0;

  finishAwaitingReceipt(expiredBefore: number, at: number): { transitions: Transition[]; done: boolean } {
    const s = this.#s;
    const slice = 50_000;
    const from = this.#staleCursor;
    const rows = s.stale.all(from, from + slice, expiredBefore);
    const max = s.maxRowid.get()?.m ?? 0;
    this.#staleCursor = from + slice >= max ? 0 : from + slice;
    const transitions = this.#transact(rows, (r, finish) =>
      finish(s.finishable, [r.rowid], 'SUBMITTED', 'UNKNOWN', 'ERR_DELIVERY_UNKNOWN', at));
    return { transitions, done: this.#staleCursor === 0 };
  }

  cancelMessage(accountId: string, id: string, at: number): Transition | undefined {
    const s = this.#s;
    return this.#transact([id], (messageId, finish) => {
      for (const from of ['QUEUED', 'SCHEDULED'] as const) {
        const t = finish(s.finishableOfAccount, [messageId, accountId], from, 'REJECTED', 'ERR_CANCELLED', at);
        if (t) return t;
      }
      return undefined;
    })[0];
  }

  nextDueAt(lane: Lane): number | undefined {
    return this.#s.nextDue.get(lane)?.due ?? undefined;
  }

  /**
   * Runs `step` for each item in one transaction. `finish` gives a message found in its expected
   * status its final state and refunds it once by the route's policy (see Finisher).
   */
  #transact<T>(items: readonly T[], step: (item: T, finish: Finisher, routes: Map<string, Route>) => Transition | undefined): Transition[] {
    if (items.length === 0) return [];
    const s = this.#s;
    const out: Transition[] = [];
    this.#db.transaction(() => {
      const routes = new Map(s.routes.all().map((r) => [r.id, toRoute(r)]));
      // Final messages per batch, counted off once per batch at the end (a bulk request's
      // messages finish many to a transaction: one UPDATE of its row instead of one each).
      const finishedInBatch = new Map<string, { n: number; accountId: string; at: number }>();
      const finish: Finisher = (select, params, from, to, errorCode, at) => {
        const found = select.get(...params, from);
        if (!found) return undefined;
        s.finish.run(to, errorCode, at, found[0]);
        const row = toFinished(found);
        const route = routes.get(row.route_id);
        const code = errorCode !== null && isErrorCode(errorCode) ? errorCode : undefined;
        const refund = row.credits > 0 && shouldRefund(to, code, { refundOnUndelivered: route?.refundOnUndelivered ?? false }) ? row.credits : 0;
        if (refund > 0) {
          s.credit.run(refund, row.account_id, row.route_id);
          s.ledger.run(row.account_id, row.route_id, refund, 'refund', row.id, null, `${to}${errorCode ? ` ${errorCode}` : ''}`, at);
        }
        if (row.receipt_to !== null) s.owe.run(row.id, row.receipt_to, to, errorCode, at, row.created_at, row.recipient, row.sender);
        s.event.run(row.account_id, eventForStatus(to)!, row.id, row.batch_id, to, errorCode, at, null, row.callback);
        if (row.batch_id !== null) {
          const b = finishedInBatch.get(row.batch_id);
          if (b) {
            b.n++;
            b.at = Math.max(b.at, at);
          } else {
            finishedInBatch.set(row.batch_id, { n: 1, accountId: row.account_id, at });
          }
        }
        return { messageId: row.id, accountId: row.account_id, from, to, refunded: refund };
      };
      for (const item of items) {
        const t = step(item, finish, routes);
        if (t) out.push(t);
      }
      // The transaction that takes a batch's open count to zero writes its campaign.completed, once.
      for (const [batchId, b] of finishedInBatch) {
        if (s.batchFinal.get(b.n, batchId)?.open !== 0) continue;
        const counts: CampaignSummary['counts'] = {};
        let total = 0;
        for (const c of s.batchCounts.all(batchId)) {
          counts[c.status as MessageStatus] = c.n;
          total += c.n;
        }
        s.event.run(b.accountId, 'campaign.completed', null, batchId, null, null, b.at, JSON.stringify({ total, counts } satisfies CampaignSummary), 0);
      }
    }).immediate();
    return out;
  }
}

/**
 * Finds the message `select` names (with `params`) while it is still in status `from`, gives it its
 * final state, and refunds, owes and records that once; undefined when no such message is there.
 */
type Finisher = (select: Database.Statement<unknown[], FinishedRow>, params: unknown[], from: MessageStatus, to: FinalStatus, errorCode: string | null,
  at: number) => Transition | undefined;

function claimedRow(r: [number, string, string | null] | undefined): ClaimedRow | undefined {
  return r && { rowid: r[0], accountId: r[1], batchId: r[2] };
}

function pushMessage(p: unknown[], m: AcceptRequest['messages'][number]): void {
  p.push(m.id, m.accountId, m.batchId, m.routeId, m.category, m.lane, m.recipient, m.sender, m.body, m.templateId,
    m.encoding, m.segments, m.flash ? 1 : 0, m.credits, m.status, m.correlationId, m.dueAt, m.scheduledAt, m.expiresAt, m.createdAt, m.receiptTo ?? null, m.callbackUrl ?? null, m.secret ?? null, m.entityId ?? null);
}
