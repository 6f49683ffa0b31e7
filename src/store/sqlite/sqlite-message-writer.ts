// The hot write paths on messages: accepting requests (group commit), claiming due rows,
// and applying submission outcomes and receipts with exactly-once refunds.
import type Database from 'better-sqlite3';
import { shouldRefund } from '../../domain/credit.ts';
import { isErrorCode } from '../../domain/errors.ts';
import type { FinalStatus, Lane, Message, MessageStatus } from '../../domain/message.ts';
import type { AcceptRequest, AcceptResult, ReceiptUpdate, SubmissionOutcome, Transition } from '../store.ts';
import { GroupCommit, type GroupCommitOptions } from './sqlite-group-commit.ts';
import { type MessageRow, type RouteRow, toMessage, toRoute } from './sqlite-rows.ts';

const messageColumns = [
  'id', 'account_id', 'batch_id', 'route_id', 'category', 'lane', 'recipient', 'sender', 'body', 'template_id',
  'encoding', 'segments', 'flash', 'credits', 'status', 'correlation_id', 'due_at', 'scheduled_at', 'expires_at', 'created_at',
] as const;
/** Rows per multi-row INSERT: fewer statement executions for bulk requests. */
const chunk = 32;

interface Current { id: string; account_id: string; route_id: string; credits: number; status: MessageStatus }

export class SqliteMessageWriter {
  #db: Database.Database;
  #accept: GroupCommit<AcceptRequest, AcceptResult>;
  #s;

  constructor(db: Database.Database, groupCommit: GroupCommitOptions) {
    this.#db = db;
    const values = `(${messageColumns.map(() => '?').join(',')})`;
    const insertSql = (n: number) => `INSERT INTO messages (${messageColumns.join(',')}) VALUES ${Array(n).fill(values).join(',')}`;
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
      batch: db.prepare('INSERT INTO batches (id, account_id, route_id, total_recipients, accepted_recipients, created_at, scheduled_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      claim: db.prepare<[string, number, number], MessageRow>(
        `UPDATE messages SET status = 'DISPATCHING', attempts = attempts + 1 WHERE id IN (
           SELECT id FROM messages WHERE lane = ? AND status IN ('QUEUED', 'SCHEDULED') AND due_at <= ? ORDER BY due_at LIMIT ?
         ) RETURNING *`),
      current: db.prepare<[string], Current>('SELECT id, account_id, route_id, credits, status FROM messages WHERE id = ?'),
      byCarrier: db.prepare<[string], Current>('SELECT id, account_id, route_id, credits, status FROM messages WHERE carrier_id = ?'),
      submitted: db.prepare("UPDATE messages SET status = 'SUBMITTED', carrier_id = ?, submitted_at = ?, error_code = NULL WHERE id = ? AND status = 'DISPATCHING'"),
      requeue: db.prepare("UPDATE messages SET status = 'QUEUED', due_at = ?, error_code = ? WHERE id = ? AND status = 'DISPATCHING'"),
      finish: db.prepare('UPDATE messages SET status = ?, error_code = ?, done_at = ? WHERE id = ? AND status = ?'),
      inDoubt: db.prepare<[], Current>("SELECT id, account_id, route_id, credits, status FROM messages WHERE status = 'DISPATCHING'"),
      nextDue: db.prepare<[string], { due: number | null }>("SELECT MIN(due_at) AS due FROM messages WHERE lane = ? AND status IN ('QUEUED', 'SCHEDULED')"),
      routes: db.prepare<[], RouteRow>('SELECT * FROM routes'),
    };
    this.#accept = new GroupCommit(db, groupCommit, (request) => this.#applyAccept(request));
  }

  accept(request: AcceptRequest): Promise<AcceptResult> {
    return this.#accept.submit(request);
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
      s.batch.run(batch.id, batch.accountId, batch.routeId, batch.totalRecipients, batch.acceptedRecipients, batch.createdAt, batch.scheduledAt);
    }
    let i = 0;
    const params: unknown[] = [];
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
    if (idempotency) {
      const r = idempotency.response;
      s.saveIdempotency.run(accountId, idempotency.key, r.requestHash, r.statusCode, r.body, now);
    }
    return { ok: true };
  }

  claimDue(lane: Lane, now: number, limit: number): Message[] {
    return this.#s.claim.all(lane, now, limit).map(toMessage);
  }

  recordSubmissions(outcomes: readonly SubmissionOutcome[]): Transition[] {
    const s = this.#s;
    return this.#transact(outcomes, (o, finish) => {
      const cur = s.current.get(o.id);
      if (!cur || cur.status !== 'DISPATCHING') return undefined;
      switch (o.outcome) {
        case 'submitted':
          s.submitted.run(o.carrierId, o.at, o.id);
          return transition(cur, 'SUBMITTED', 0);
        case 'retry':
          s.requeue.run(o.retryAt, o.errorCode, o.id);
          return transition(cur, 'QUEUED', 0);
        case 'rejected':
          return finish(cur, 'REJECTED', o.errorCode, o.at);
        case 'expired':
          return finish(cur, 'EXPIRED', 'ERR_MESSAGE_EXPIRED', o.at);
        case 'unknown':
          return finish(cur, 'UNKNOWN', 'ERR_DELIVERY_UNKNOWN', o.at);
      }
    });
  }

  /** Returns the transitions made and the receipts whose carrier id is not known (yet). */
  applyReceipts(receipts: readonly ReceiptUpdate[]): { transitions: Transition[]; unmatched: ReceiptUpdate[] } {
    const unmatched: ReceiptUpdate[] = [];
    const transitions = this.#transact(receipts, (r, finish) => {
      const cur = this.#s.byCarrier.get(r.carrierId);
      if (!cur) {
        unmatched.push(r);
        return undefined;
      }
      // Duplicate and late receipts change nothing: only a SUBMITTED message can be finished by one.
      if (cur.status !== 'SUBMITTED') return undefined;
      return finish(cur, r.status, r.errorCode, r.at);
    });
    return { transitions, unmatched };
  }

  recoverInDoubt(at: number): Transition[] {
    const s = this.#s;
    const rows = s.inDoubt.all();
    return this.#transact(rows, (cur, finish, routes) => {
      if (routes.get(cur.route_id)?.resendInDoubt) {
        s.requeue.run(at, 'ERR_DELIVERY_UNKNOWN', cur.id);
        return transition(cur, 'QUEUED', 0);
      }
      return finish(cur, 'UNKNOWN', 'ERR_DELIVERY_UNKNOWN', at);
    });
  }

  nextDueAt(lane: Lane): number | undefined {
    return this.#s.nextDue.get(lane)?.due ?? undefined;
  }

  /** Runs `step` for each item in one transaction; `finish` moves a row to a final state and refunds once by the route's policy. */
  #transact<T>(
    items: readonly T[],
    step: (item: T, finish: Finisher, routes: Map<string, ReturnType<typeof toRoute>>) => Transition | undefined,
  ): Transition[] {
    if (items.length === 0) return [];
    const s = this.#s;
    const out: Transition[] = [];
    this.#db.transaction(() => {
      const routes = new Map(s.routes.all().map((r) => [r.id, toRoute(r)]));
      const finish: Finisher = (cur, to, errorCode, at) => {
        if (s.finish.run(to, errorCode, at, cur.id, cur.status).changes === 0) return undefined;
        const route = routes.get(cur.route_id);
        const code = errorCode !== null && isErrorCode(errorCode) ? errorCode : undefined;
        const refund = cur.credits > 0 && shouldRefund(to, code, { refundOnUndelivered: route?.refundOnUndelivered ?? false }) ? cur.credits : 0;
        if (refund > 0) {
          s.credit.run(refund, cur.account_id, cur.route_id);
          s.ledger.run(cur.account_id, cur.route_id, refund, 'refund', cur.id, null, `${to}${errorCode ? ` ${errorCode}` : ''}`, at);
        }
        return transition(cur, to, refund);
      };
      for (const item of items) {
        const t = step(item, finish, routes);
        if (t) out.push(t);
      }
    }).immediate();
    return out;
  }
}

type Finisher = (cur: Current, to: FinalStatus, errorCode: string | null, at: number) => Transition | undefined;

function transition(cur: Current, to: MessageStatus, refunded: number): Transition {
  return { messageId: cur.id, accountId: cur.account_id, from: cur.status, to, refunded };
}

function pushMessage(p: unknown[], m: AcceptRequest['messages'][number]): void {
  p.push(m.id, m.accountId, m.batchId, m.routeId, m.category, m.lane, m.recipient, m.sender, m.body, m.templateId,
    m.encoding, m.segments, m.flash ? 1 : 0, m.credits, m.status, m.correlationId, m.dueAt, m.scheduledAt, m.expiresAt, m.createdAt);
}
