// The message hot paths on PostgreSQL: claiming due rows (FOR UPDATE SKIP LOCKED, so any number of
// workers and nodes claim each row once) and applying submission outcomes and receipts set-wise:
// one guarded UPDATE … FROM unnest(…) per kind of change, refunds aggregated per balance, all in
// one transaction. A repeated outcome or receipt matches no row and changes nothing.
import type pg from 'pg';
import { shouldRefund } from '../../domain/credit.ts';
import { type ErrorCode, isErrorCode } from '../../domain/errors.ts';
import { type CampaignSummary, type EventType, eventForStatus } from '../../domain/event.ts';
import type { FinalStatus, Lane, MessageStatus } from '../../domain/message.ts';
import type { Route } from '../../domain/route.ts';
import { type RouteRow, toRoute } from '../store-rows.ts';
import type { ClaimedMessage, Fence, ReceiptUpdate, SubmissionOutcome, Transition } from '../store.ts';
import { query, translate } from './postgres-database.ts';

interface FinishedRow {
  id: string; account_id: string; batch_id: string | null; route_id: string; credits: number; status: FinalStatus; callback: boolean; error_code: string | null; done_at: number; carrier_id: string | null;
  receipt_to: string | null; recipient: string; sender: string; created_at: number;
}
interface Finish { id: string; status: FinalStatus; errorCode: string | null; at: number; attempt: number | null }

const finishSql = (where: string, from: MessageStatus) => `
  UPDATE messages m SET status = u.status, error_code = u.error_code, done_at = u.at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::integer[]) AS u(key, status, error_code, at, attempt)
  WHERE ${where} = u.key AND m.status = '${from}' AND (u.attempt IS NULL OR m.attempts = u.attempt)
  RETURNING m.callback_url IS NOT NULL AS callback, m.id, m.account_id, m.batch_id, m.route_id, m.credits, m.status, m.error_code, m.done_at, m.carrier_id, m.receipt_to, m.recipient, m.sender, m.created_at`;

export class PostgresMessageWriter {
  #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async claimDue(lane: Lane, now: number, limit: number, fence?: Fence): Promise<ClaimedMessage[]> {
    const { rows } = await query<{
      id: string; route_id: string; category: string; recipient: string; sender: string; body: string; encoding: string;
      segments: number; flash: boolean; template_id: string | null; expires_at: number; attempts: number; due_at: number; secret: string | null; entity_id: string | null;
    }>(this.#pool,
      `UPDATE messages m SET status = 'DISPATCHING', attempts = m.attempts + 1
       FROM (SELECT id FROM messages WHERE lane = $1 AND status IN ('QUEUED', 'SCHEDULED') AND due_at <= $2
             ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) c
       WHERE m.id = c.id
         AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM leases WHERE name = $4 AND token = $5 AND expires_at > dakiya_now_ms()))
       RETURNING m.id, m.route_id, m.category, m.recipient, m.sender, m.body, m.encoding, m.segments, m.flash,
                 m.template_id, m.expires_at, m.attempts, m.due_at, m.secret, m.entity_id`,
      [lane, now, limit, fence?.lease ?? null, fence?.token ?? null]);
    rows.sort((a, b) => a.due_at - b.due_at || (a.id < b.id ? -1 : 1));
    return rows.map((r) => ({
      id: r.id, routeId: r.route_id, category: r.category as ClaimedMessage['category'], recipient: r.recipient, sender: r.sender,
      body: r.body, encoding: r.encoding as ClaimedMessage['encoding'], segments: r.segments, flash: r.flash,
      templateId: r.template_id, expiresAt: r.expires_at, attempts: r.attempts, secret: r.secret, entityId: r.entity_id,
    }));
  }

  async recordSubmissions(outcomes: readonly SubmissionOutcome[]): Promise<Transition[]> {
    if (outcomes.length === 0) return [];
    const submitted = outcomes.filter((o) => o.outcome === 'submitted');
    const retries = outcomes.filter((o) => o.outcome === 'retry');
    const finals: Finish[] = [];
    for (const o of outcomes) {
      const attempt = o.attempt ?? null;
      if (o.outcome === 'rejected') finals.push({ id: o.id, status: 'REJECTED', errorCode: o.errorCode, at: o.at, attempt });
      else if (o.outcome === 'expired') finals.push({ id: o.id, status: 'EXPIRED', errorCode: 'ERR_MESSAGE_EXPIRED', at: o.at, attempt });
    }
    const unknown = outcomes.filter((o) => o.outcome === 'unknown');
    const transitions = await this.#transaction(async (client) => {
      const out: Transition[] = [];
      if (unknown.length > 0) {
        // In doubt (no answer before a timeout or a dropped connection): resent only on a route that allows it.
        const routes = await loadRoutes(client);
        const { rows } = await client.query<{ id: string; route_id: string }>('SELECT id, route_id FROM messages WHERE id = ANY($1::text[])', [unknown.map((o) => o.id)]);
        const resend = new Set(rows.filter((r) => routes.get(r.route_id)?.resendInDoubt).map((r) => r.id));
        for (const o of unknown) {
          if (resend.has(o.id)) retries.push({ id: o.id, outcome: 'retry', errorCode: 'ERR_DELIVERY_UNKNOWN', retryAt: o.at, ...(o.attempt !== undefined && { attempt: o.attempt }) });
          else finals.push({ id: o.id, status: 'UNKNOWN', errorCode: 'ERR_DELIVERY_UNKNOWN', at: o.at, attempt: o.attempt ?? null });
        }
      }
      if (submitted.length > 0) {
        const { rows } = await client.query<{ id: string; account_id: string; batch_id: string | null; at: number }>(
          `UPDATE messages m SET status = 'SUBMITTED', carrier_id = u.carrier_id, submitted_at = u.at, error_code = NULL
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[]) AS u(id, carrier_id, at, attempt)
           WHERE m.id = u.id AND m.status = 'DISPATCHING' AND (u.attempt IS NULL OR m.attempts = u.attempt) RETURNING m.id, m.account_id, m.batch_id, u.at`,
          [submitted.map((o) => o.id), submitted.map((o) => o.carrierId), submitted.map((o) => o.at), submitted.map((o) => o.attempt ?? null)]);
        for (const r of rows) out.push({ messageId: r.id, accountId: r.account_id, from: 'DISPATCHING', to: 'SUBMITTED', refunded: 0 });
        await insertEvents(client, rows.map((r) => ({ accountId: r.account_id, type: 'message.submitted', messageId: r.id, batchId: r.batch_id, status: 'SUBMITTED', errorCode: null, at: r.at })));
        const recorded = new Set(rows.map((r) => r.id));
        const parts = submitted.filter((o) => recorded.has(o.id) && o.parts && o.parts.length > 1)
          .flatMap((o) => o.parts!.map((key, i) => ({ key, id: o.id, part: i + 1 })));
        if (parts.length > 0) {
          await client.query(
            `INSERT INTO message_parts (carrier_id, message_id, part)
             SELECT * FROM unnest($1::text[], $2::text[], $3::integer[]) ON CONFLICT (carrier_id) DO NOTHING`,
            [parts.map((p) => p.key), parts.map((p) => p.id), parts.map((p) => p.part)]);
        }
      }
      if (retries.length > 0) out.push(...await requeue(client, retries.map((o) => ({ id: o.id, dueAt: o.retryAt, errorCode: o.errorCode, attempt: o.attempt ?? null }))));
      if (finals.length > 0) out.push(...await finish(client, 'm.id', 'DISPATCHING', finals));
      return out;
    });
    return inInputOrder(transitions, outcomes.map((o) => o.id));
  }

  async applyReceipts(receipts: readonly ReceiptUpdate[]): Promise<{ transitions: Transition[]; unmatched: ReceiptUpdate[] }> {
    if (receipts.length === 0) return { transitions: [], unmatched: [] };
    return this.#transaction(async (client) => {
      const result = await applyIn(client, receipts);
      // Receipts that overtook their submission: parked in the same transaction, so none is lost
      // once the caller acknowledges them.
      const unmatched = result.unmatched;
      if (unmatched.length > 0) {
        await client.query(
          `INSERT INTO early_receipts (carrier_id, status, error_code, at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) ON CONFLICT (carrier_id) DO NOTHING`,
          [unmatched.map((r) => r.carrierId), unmatched.map((r) => r.status), unmatched.map((r) => r.errorCode), unmatched.map((r) => r.at)]);
      }
      return result;
    });
  }

  async applyParkedReceipts(expiredBefore: number, limit: number): Promise<{ transitions: Transition[]; applied: number; dropped: number; left: number }> {
    return this.#transaction(async (client) => {
      const dropped = (await client.query('DELETE FROM early_receipts WHERE at < $1', [expiredBefore])).rowCount ?? 0;
      const { rows } = await client.query<{ carrier_id: string; status: ReceiptUpdate['status']; error_code: ErrorCode | null; at: number }>(
        'SELECT carrier_id, status, error_code, at FROM early_receipts ORDER BY at LIMIT $1 FOR UPDATE SKIP LOCKED', [limit]);
      const parked = rows.map((r) => ({ carrierId: r.carrier_id, status: r.status, errorCode: r.error_code, at: r.at }));
      const { transitions, unmatched } = parked.length > 0 ? await applyIn(client, parked) : { transitions: [], unmatched: [] };
      const waiting = new Set(unmatched.map((r) => r.carrierId));
      const applied = parked.filter((r) => !waiting.has(r.carrierId)).map((r) => r.carrierId);
      if (applied.length > 0) await client.query('DELETE FROM early_receipts WHERE carrier_id = ANY($1::text[])', [applied]);
      const left = (await client.query<{ n: number }>('SELECT count(*)::integer AS n FROM early_receipts')).rows[0]?.n ?? 0;
      return { transitions, applied: applied.length, dropped, left };
    });
  }

  async cancelMessage(accountId: string, id: string, at: number): Promise<Transition | undefined> {
    return this.#transaction(async (client) => {
      const { rows } = await client.query<{ status: MessageStatus }>(
        "SELECT status FROM messages WHERE id = $1 AND account_id = $2 AND status IN ('QUEUED', 'SCHEDULED') FOR UPDATE", [id, accountId]);
      const from = rows[0]?.status;
      if (from === undefined) return undefined;
      return (await finish(client, 'm.id', from, [{ id, status: 'REJECTED', errorCode: 'ERR_CANCELLED', at, attempt: null }]))[0];
    });
  }

  async recoverInDoubt(at: number): Promise<Transition[]> {
    return this.#transaction(async (client) => {
      const { rows } = await client.query<{ id: string; route_id: string }>(
        "SELECT id, route_id FROM messages WHERE status = 'DISPATCHING' ORDER BY id FOR UPDATE");
      if (rows.length === 0) return [];
      const routes = await loadRoutes(client);
      const resend = rows.filter((r) => routes.get(r.route_id)?.resendInDoubt);
      const give = rows.filter((r) => !routes.get(r.route_id)?.resendInDoubt);
      const out = await requeue(client, resend.map((r) => ({ id: r.id, dueAt: at, errorCode: 'ERR_DELIVERY_UNKNOWN', attempt: null })));
      out.push(...await finish(client, 'm.id', 'DISPATCHING', give.map((r) => ({ id: r.id, status: 'UNKNOWN', errorCode: 'ERR_DELIVERY_UNKNOWN', at, attempt: null }))));
      return inInputOrder(out, rows.map((r) => r.id));
    });
  }

  #staleCursor = '';

  async finishAwaitingReceipt(expiredBefore: number, at: number): Promise<{ transitions: Transition[]; done: boolean }> {
    const slice = 50_000;
    const from = this.#staleCursor;
    const transitions = await this.#transaction(async (client) => {
      const { rows } = await client.query<{ last: string | null }>(
        'SELECT max(id) AS last FROM (SELECT id FROM messages WHERE id > $1 ORDER BY id LIMIT $2) s', [from, slice]);
      const last = rows[0]?.last ?? null;
      this.#staleCursor = last ?? '';
      if (last === null) return [];
      const stale = await client.query<{ id: string }>(
        "SELECT id FROM messages WHERE id > $1 AND id <= $2 AND status = 'SUBMITTED' AND expires_at <= $3 ORDER BY id", [from, last, expiredBefore]);
      return finish(client, 'm.id', 'SUBMITTED', stale.rows.map((r) => ({ id: r.id, status: 'UNKNOWN', errorCode: 'ERR_DELIVERY_UNKNOWN', at, attempt: null })));
    });
    return { transitions, done: this.#staleCursor === '' };
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.#pool, work);
  }
}

/** Runs `work` in one transaction on a pooled connection; connection failures become StoreUnavailableError. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    return translate(error);
  }
  let broken = false;
  // A checked-out client whose connection dies between queries emits 'error'; unheard, that
  // would crash the process. The failure reaches us through the next query anyway.
  const onError = () => { broken = true; };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    return translate(error);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Applies receipts in the caller's transaction; answers the transitions and the receipts whose carrier id is not stored (yet). */
async function applyIn(client: pg.PoolClient, receipts: readonly ReceiptUpdate[]): Promise<{ transitions: Transition[]; unmatched: ReceiptUpdate[] }> {
  // One receipt per carrier id per call: the first wins, as it would one at a time.
  const first = new Map<string, ReceiptUpdate>();
  for (const r of receipts) if (!first.has(r.carrierId)) first.set(r.carrierId, r);
  const unique = [...first.values()];
  const byCarrier = new Map<string, Transition>();
  const record = (row: FinishedRow, t: Transition) => { byCarrier.set(row.carrier_id!, t); };
  const finished: Transition[] = [];
  const parts = await applyPartReceipts(client, unique);
  finished.push(...parts.transitions);
  let pending = unique.filter((r) => !parts.handled.has(r.carrierId));
  let unmatched: ReceiptUpdate[] = [];
  // Read committed: a submission committed by another connection after the UPDATE's snapshot
  // is visible to the next statement. A receipt whose message turns out to be SUBMITTED now
  // is applied again rather than dropped; one whose carrier id is not stored at all is
  // unmatched (the caller parks it).
  for (let round = 0; pending.length > 0 && round < 5; round++) {
    finished.push(...await finish(client, 'm.carrier_id', 'SUBMITTED',
      pending.map((r) => ({ id: r.carrierId, status: r.status, errorCode: r.errorCode, at: r.at, attempt: null })), record));
    const missing = pending.filter((r) => !byCarrier.has(r.carrierId));
    if (missing.length === 0) break;
    const { rows } = await client.query<{ carrier_id: string; submitted: boolean }>(
      "SELECT carrier_id, bool_or(status = 'SUBMITTED') AS submitted FROM messages WHERE carrier_id = ANY($1::text[]) GROUP BY carrier_id",
      [missing.map((r) => r.carrierId)]);
    const known = new Map(rows.map((r) => [r.carrier_id, r.submitted]));
    unmatched = missing.filter((r) => !known.has(r.carrierId));
    pending = missing.filter((r) => known.get(r.carrierId) === true);
  }
  const stillUnmatched = new Set(unmatched.map((r) => r.carrierId));
  for (const [key, t] of parts.byCarrier) byCarrier.set(key, t);
  return {
    transitions: inInputOrder(finished, unique.map((r) => byCarrier.get(r.carrierId)?.messageId ?? '')),
    unmatched: receipts.filter((r) => stillUnmatched.has(r.carrierId)),
  };
}

/**
 * Receipts for the parts of messages sent part by part. Each part is marked once; its message
 * finishes with the first part that failed or expired, or when every part is delivered. The
 * messages are locked before their parts are counted, so two transactions marking the last two
 * parts of one message cannot both miss the other. Answers which receipts were parts' (applied or
 * repeated) and the transitions made.
 */
async function applyPartReceipts(client: pg.PoolClient, receipts: readonly ReceiptUpdate[]): Promise<{
  handled: Set<string>; transitions: Transition[]; byCarrier: Map<string, Transition>;
}> {
  const handled = new Set<string>();
  const byCarrier = new Map<string, Transition>();
  const { rows: known } = await client.query<{ carrier_id: string; message_id: string; status: string | null }>(
    'SELECT carrier_id, message_id, status FROM message_parts WHERE carrier_id = ANY($1::text[]) ORDER BY carrier_id FOR UPDATE',
    [receipts.map((r) => r.carrierId)]);
  if (known.length === 0) return { handled, transitions: [], byCarrier };
  const parts = new Map(known.map((k) => [k.carrier_id, k]));
  // In the receipts' order, as if applied one at a time.
  const fresh: Array<{ receipt: ReceiptUpdate; messageId: string }> = [];
  for (const r of receipts) {
    const k = parts.get(r.carrierId);
    if (!k) continue;
    handled.add(r.carrierId);
    if (k.status === null) fresh.push({ receipt: r, messageId: k.message_id });
  }
  if (fresh.length === 0) return { handled, transitions: [], byCarrier };
  await client.query(
    `UPDATE message_parts p SET status = u.status, error_code = u.error_code, done_at = u.at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS u(key, status, error_code, at) WHERE p.carrier_id = u.key`,
    [fresh.map((f) => f.receipt.carrierId), fresh.map((f) => f.receipt.status), fresh.map((f) => f.receipt.errorCode), fresh.map((f) => f.receipt.at)]);
  const messageIds = [...new Set(fresh.map((f) => f.messageId))].sort();
  await client.query('SELECT id FROM messages WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [messageIds]);
  const { rows: counts } = await client.query<{ message_id: string; total: number; delivered: number }>(
    `SELECT message_id, count(*)::integer AS total, (count(*) FILTER (WHERE status = 'DELIVERED'))::integer AS delivered
     FROM message_parts WHERE message_id = ANY($1::text[]) GROUP BY message_id`, [messageIds]);
  const complete = new Set(counts.filter((c) => c.delivered === c.total).map((c) => c.message_id));
  // One finish per message: its first failed part's receipt, else the delivered part that completed it.
  const decided = new Map<string, { receipt: ReceiptUpdate }>();
  for (const f of fresh) {
    const current = decided.get(f.messageId);
    if (f.receipt.status !== 'DELIVERED') {
      if (!current || current.receipt.status === 'DELIVERED') decided.set(f.messageId, { receipt: f.receipt });
    } else if (!current && complete.has(f.messageId)) {
      decided.set(f.messageId, { receipt: f.receipt });
    }
  }
  const items = [...decided].map(([id, d]) => ({ id, status: d.receipt.status, errorCode: d.receipt.errorCode, at: d.receipt.at, attempt: null }));
  const transitions = await finish(client, 'm.id', 'SUBMITTED', items, (row, t) => {
    const d = decided.get(row.id);
    if (d) byCarrier.set(d.receipt.carrierId, t);
  });
  return { handled, transitions, byCarrier };
}

async function loadRoutes(client: pg.PoolClient): Promise<Map<string, Route>> {
  const { rows } = await client.query<RouteRow>('SELECT * FROM routes');
  return new Map(rows.map((r) => [r.id, toRoute(r)]));
}

async function requeue(client: pg.PoolClient, items: readonly { id: string; dueAt: number; errorCode: string; attempt: number | null }[]): Promise<Transition[]> {
  if (items.length === 0) return [];
  const { rows } = await client.query<{ id: string; account_id: string }>(
    `UPDATE messages m SET status = 'QUEUED', due_at = u.due_at, error_code = u.error_code
     FROM unnest($1::text[], $2::bigint[], $3::text[], $4::integer[]) AS u(id, due_at, error_code, attempt)
     WHERE m.id = u.id AND m.status = 'DISPATCHING' AND (u.attempt IS NULL OR m.attempts = u.attempt) RETURNING m.id, m.account_id`,
    [items.map((i) => i.id), items.map((i) => i.dueAt), items.map((i) => i.errorCode), items.map((i) => i.attempt)]);
  return rows.map((r) => ({ messageId: r.id, accountId: r.account_id, from: 'DISPATCHING', to: 'QUEUED', refunded: 0 }));
}

/**
 * Moves the rows matching `key` (by `column`) from `from` to their final state and refunds each by
 * its route's policy, once: the guarded UPDATE returns a row only for a real change.
 */
async function finish(
  client: pg.PoolClient, column: 'm.id' | 'm.carrier_id', from: MessageStatus, items: readonly Finish[],
  each?: (row: FinishedRow, t: Transition) => void,
): Promise<Transition[]> {
  if (items.length === 0) return [];
  const { rows } = await client.query<FinishedRow>(finishSql(column, from),
    [items.map((i) => i.id), items.map((i) => i.status), items.map((i) => i.errorCode), items.map((i) => i.at), items.map((i) => i.attempt)]);
  if (rows.length === 0) return [];
  const routes = await loadRoutes(client);
  const out: Transition[] = [];
  const refunds = new Map<string, { accountId: string; routeId: string; amount: number }>();
  const ledger: { accountId: string; routeId: string; amount: number; messageId: string; note: string; at: number }[] = [];
  for (const row of rows) {
    const code = row.error_code !== null && isErrorCode(row.error_code) ? row.error_code : undefined;
    const route = routes.get(row.route_id);
    const refund = row.credits > 0 && shouldRefund(row.status, code, { refundOnUndelivered: route?.refundOnUndelivered ?? false }) ? row.credits : 0;
    if (refund > 0) {
      const key = `${row.account_id}\u0000${row.route_id}`;
      const r = refunds.get(key) ?? { accountId: row.account_id, routeId: row.route_id, amount: 0 };
      r.amount += refund;
      refunds.set(key, r);
      ledger.push({ accountId: row.account_id, routeId: row.route_id, amount: refund, messageId: row.id, note: `${row.status}${row.error_code ? ` ${row.error_code}` : ''}`, at: row.done_at });
    }
    const t: Transition = { messageId: row.id, accountId: row.account_id, from, to: row.status, refunded: refund };
    out.push(t);
    each?.(row, t);
  }
  // The SMPP server's receipt outbox, in the transaction that finished the messages.
  const owed = rows.filter((r) => r.receipt_to !== null);
  if (owed.length > 0) {
    await client.query(
      `INSERT INTO smpp_receipts (message_id, system_id, status, error_code, done_at, submitted_at, recipient, sender)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])`,
      [owed.map((r) => r.id), owed.map((r) => r.receipt_to), owed.map((r) => r.status), owed.map((r) => r.error_code), owed.map((r) => r.done_at),
        owed.map((r) => r.created_at), owed.map((r) => r.recipient), owed.map((r) => r.sender)]);
  }
  await insertEvents(client, rows.map((r) => ({
    accountId: r.account_id, type: eventForStatus(r.status)!, messageId: r.id, batchId: r.batch_id, status: r.status, errorCode: r.error_code, at: r.done_at,
    callback: r.callback,
  })));
  await countDownBatches(client, rows);
  if (refunds.size > 0) {
    // In key order, so concurrent transactions lock balance rows in the same order.
    const sorted = [...refunds.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
    await client.query(
      `UPDATE balances b SET balance = b.balance + u.amount
       FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(account_id, route_id, amount)
       WHERE b.account_id = u.account_id AND b.route_id = u.route_id`,
      [sorted.map((r) => r.accountId), sorted.map((r) => r.routeId), sorted.map((r) => r.amount)]);
    await client.query(
      `INSERT INTO ledger (account_id, route_id, amount, kind, message_id, batch_id, note, created_at)
       SELECT a, r, amt, 'refund', m, NULL, n, t FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[]) AS u(a, r, amt, m, n, t)`,
      [ledger.map((l) => l.accountId), ledger.map((l) => l.routeId), ledger.map((l) => l.amount), ledger.map((l) => l.messageId), ledger.map((l) => l.note), ledger.map((l) => l.at)]);
  }
  return out;
}

interface EventRow {
  accountId: string; type: EventType; messageId: string | null; batchId: string | null; status: string | null; errorCode: string | null; at: number; data?: string;
  /** A final event of a message with a callback_url. */
  callback?: boolean;
}

/** Appends to the event log, in the caller's transaction (the change and its event commit together). */
async function insertEvents(client: pg.PoolClient, events: readonly EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO events (account_id, type, message_id, batch_id, status, error_code, at, data, callback)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::boolean[])`,
    [events.map((e) => e.accountId), events.map((e) => e.type), events.map((e) => e.messageId), events.map((e) => e.batchId),
      events.map((e) => e.status), events.map((e) => e.errorCode), events.map((e) => e.at), events.map((e) => e.data ?? null), events.map((e) => e.callback ?? false)]);
}

/**
 * Counts finished messages off their batches; a batch that reaches zero open messages completes,
 * and its campaign.completed is written here, once (only one transaction can take `open` to 0).
 * Batches are updated in id order so concurrent transactions lock them in the same order.
 */
async function countDownBatches(client: pg.PoolClient, rows: readonly FinishedRow[]): Promise<void> {
  const finished = new Map<string, { n: number; accountId: string; at: number }>();
  for (const r of rows) {
    if (r.batch_id === null) continue;
    const b = finished.get(r.batch_id) ?? { n: 0, accountId: r.account_id, at: 0 };
    b.n++;
    b.at = Math.max(b.at, Number(r.done_at));
    finished.set(r.batch_id, b);
  }
  if (finished.size === 0) return;
  const ids = [...finished.keys()].sort();
  const { rows: done } = await client.query<{ id: string; open: number }>(
    `UPDATE batches b SET open = greatest(b.open - u.n, 0)
     FROM (SELECT * FROM unnest($1::text[], $2::integer[]) AS u(id, n) ORDER BY id) u
     WHERE b.id = u.id AND b.open > 0 RETURNING b.id, b.open`, [ids, ids.map((id) => finished.get(id)!.n)]);
  const completed = done.filter((d) => d.open === 0).map((d) => d.id);
  if (completed.length === 0) return;
  const { rows: counts } = await client.query<{ batch_id: string; status: MessageStatus; n: number }>(
    'SELECT batch_id, status, count(*)::integer AS n FROM messages WHERE batch_id = ANY($1::text[]) GROUP BY batch_id, status', [completed]);
  await insertEvents(client, completed.map((id) => {
    const summary: CampaignSummary = { total: 0, counts: {} };
    for (const c of counts) {
      if (c.batch_id !== id) continue;
      summary.counts[c.status] = c.n;
      summary.total += c.n;
    }
    const b = finished.get(id)!;
    return { accountId: b.accountId, type: 'campaign.completed', messageId: null, batchId: id, status: null, errorCode: null, at: b.at, data: JSON.stringify(summary) };
  }));
}

/** Transitions in the order their messages were given (RETURNING has no order). */
function inInputOrder(transitions: Transition[], ids: readonly string[]): Transition[] {
  const rank = new Map<string, number>();
  ids.forEach((id, i) => { if (!rank.has(id)) rank.set(id, i); });
  return transitions.sort((a, b) => (rank.get(a.messageId) ?? Infinity) - (rank.get(b.messageId) ?? Infinity));
}
