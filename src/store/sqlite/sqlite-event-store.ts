// The event log and the webhook tables on SQLite. Events are written by the message writer in
// the transactions that change messages; this file reads them (customers' pulls, the fan-out)
// and keeps the endpoints and the delivery outbox. One writer: every transaction here is IMMEDIATE,
// and seq order is commit order, so a cursor over seq never skips a row.
import type Database from 'better-sqlite3';
import { encodeEventList } from '../../domain/webhook-endpoint.ts';
import {
  type AttemptRow, type DeliveryRow, type EndpointRow, type EventRow, type LiteEventRow, deliveryColumns, eventSelect, liteEventColumns, toAttempt, toDelivery,
  toLiteEvent, toStoredEndpoint, toStoredEvent,
} from '../event-rows.ts';
import { bornClaimed, pickDue } from '../claim-due.ts';
import { objectRows, type PrepareCached } from './sqlite-rows.ts';
import type {
  ClaimedDelivery, DeliveryQuery, DeliveryResult, EventQuery, FanOutOptions, FanOutResult, NewDelivery, StoredEvent, StoredWebhookEndpoint, WebhookAttempt, WebhookDelivery,
} from '../store.ts';

const fanOutCursor = 'webhooks';

export class SqliteEventStore {
  #db: Database.Database;
  /** The connection's synchronous mode is FULL (fsync at every commit): relaxed for the outbox's bookkeeping. */
  #full: boolean;
  #prepare: PrepareCached;
  #s;

  /** `prepare` is the connection's statement cache (shared with the rest of the store). */
  constructor(db: Database.Database, prepare: PrepareCached) {
    this.#db = db;
    this.#prepare = prepare;
    this.#full = db.pragma('synchronous', { simple: true }) === 2;
    this.#s = {
      cursor: db.prepare<[string], { seq: number }>('SELECT seq FROM event_cursors WHERE name = ?'),
      moveCursor: db.prepare('INSERT INTO event_cursors (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq'),
      // The fan-out reads events alone; messages only for the callback URLs of the few that need them.
      eventsAfter: objectRows(db.prepare<[number, number], LiteEventRow>(`SELECT ${liteEventColumns} FROM events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`)),
      callbackEventsAfter: objectRows(db.prepare<[number, number], LiteEventRow>(`SELECT ${liteEventColumns} FROM events e WHERE e.seq > ? AND e.callback = 1 ORDER BY e.seq LIMIT ?`)),
      lastSeq: db.prepare<[], { m: number | null }>('SELECT max(seq) AS m FROM events'),
      callbackUrls: db.prepare<[string], { id: string; callback_url: string | null }>(
        'SELECT id, callback_url FROM messages WHERE id IN (SELECT value FROM json_each(?))'),
      // The new id is the rowid (lastInsertRowid): RETURNING would collect it through a temporary table.
      insertDelivery: db.prepare<[number, string, string, string | null, number, number, number]>(
        "INSERT INTO webhook_deliveries (event_seq, account_id, endpoint_id, url, state, next_at, created_at, attempts) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)"),
      // The first due deliveries, in next_at order (a window of them: see claimWebhookDeliveries).
      due: objectRows(db.prepare<[number, number], { id: number; endpoint_id: string }>(
        "SELECT id, endpoint_id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?")),
      // Endpoints with pending deliveries, one index seek each (a skip scan), and one endpoint's due ones.
      nextEndpoint: db.prepare<[string], { endpoint_id: string }>(
        "SELECT endpoint_id FROM webhook_deliveries WHERE state = 'pending' AND endpoint_id > ? ORDER BY endpoint_id LIMIT 1"),
      dueOf: objectRows(db.prepare<[string, number, number], { id: number; endpoint_id: string }>(
        "SELECT id, endpoint_id FROM webhook_deliveries WHERE state = 'pending' AND endpoint_id = ? AND next_at <= ? ORDER BY next_at LIMIT ?")),
      // A claim reads its rows, then moves them (one writer: nothing runs in between); the rows as
      // claimed are the ones read with next_at and attempts as the UPDATE set them.
      claimable: objectRows(db.prepare<[string], DeliveryRow>(`SELECT ${deliveryColumns} FROM webhook_deliveries WHERE id IN (SELECT value FROM json_each(?))`)),
      claim: db.prepare<[number, string]>('UPDATE webhook_deliveries SET next_at = ?, attempts = attempts + 1 WHERE id IN (SELECT value FROM json_each(?))'),
      eventsBySeq: objectRows(db.prepare<[string], EventRow>(
        `SELECT ${eventSelect} FROM events e LEFT JOIN messages m ON m.id = e.message_id WHERE e.seq IN (SELECT value FROM json_each(?))`)),
      insertAttempt: db.prepare('INSERT OR REPLACE INTO webhook_attempts (delivery_id, attempt, at, latency_ms, status_code, error, response) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      finishDelivery: db.prepare(`UPDATE webhook_deliveries SET state = ?, attempts = attempts - ?, step = ?, next_at = ?, done_at = ?, last_status = ?, last_error = ?,
          last_at = coalesce(?, last_at), last_latency_ms = coalesce(?, last_latency_ms), last_response = CASE WHEN ? IS NULL THEN last_response ELSE ? END
        WHERE id = ? AND state = 'pending'`),
      healthy: db.prepare('UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL'),
      failing: db.prepare('UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL'),
      disable: db.prepare<[string, number, string, number], { id: string; account_id: string }>(
        `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ?
         WHERE id = ? AND enabled = 1 AND kind = 'endpoint' AND failing_since <= ? RETURNING id, account_id`),
    };
  }

  /**
   * Runs a webhook bookkeeping transaction (fan-out, claims, results, purges) with synchronous =
   * NORMAL: its commit reaches the OS but is not fsynced on its own. A killed process loses nothing
   * (the OS has it); only a power loss can, and then a delivery is at worst sent once more, which
   * at-least-once allows. The WAL is written in order, so the next FULL commit (an accepted
   * message) makes these durable too. Accepted messages keep FULL.
   */
  #relaxed<T>(work: () => T): T {
    if (!this.#full) return this.#db.transaction(work).immediate();
    this.#db.pragma('synchronous = NORMAL');
    try {
      return this.#db.transaction(work).immediate();
    } finally {
      this.#db.pragma('synchronous = FULL');
    }
  }

  #eventCursor(seq: number): string {
    return String(seq);
  }

  listEvents(q: EventQuery): StoredEvent[] {
    const after = q.after === undefined ? 0 : Number(q.after);
    const rows = this.#prepare<unknown[], EventRow>(
      `SELECT ${eventSelect} FROM events e LEFT JOIN messages m ON m.id = e.message_id
       WHERE e.account_id = ? AND e.seq > ? ${q.since === undefined ? '' : 'AND e.at >= ?'} ORDER BY e.seq LIMIT ?`)
      .all(...[q.accountId, after, ...(q.since === undefined ? [] : [q.since]), q.limit]);
    return rows.map((r) => toStoredEvent(r, this.#eventCursor(Number(r.seq))));
  }

  getEvent(accountId: string, seq: number): StoredEvent | undefined {
    const r = this.#prepare<[number, string], EventRow>(
      `SELECT ${eventSelect} FROM events e LEFT JOIN messages m ON m.id = e.message_id WHERE e.seq = ? AND e.account_id = ?`).get(seq, accountId);
    return r && toStoredEvent(r, this.#eventCursor(seq));
  }

  saveWebhookEndpoint(e: StoredWebhookEndpoint): void {
    const p = e.endpoint;
    this.#prepare(`INSERT INTO webhook_endpoints (id, account_id, kind, url, events, description, enabled, secret_sealed, previous_secret_sealed,
        previous_until, failing_since, disabled_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events, description = excluded.description, enabled = excluded.enabled,
        secret_sealed = excluded.secret_sealed, previous_secret_sealed = excluded.previous_secret_sealed, previous_until = excluded.previous_until,
        failing_since = excluded.failing_since, disabled_reason = excluded.disabled_reason, updated_at = excluded.updated_at`)
      .run(p.id, p.accountId, p.kind, p.url, encodeEventList(p.events), p.description, p.enabled ? 1 : 0, e.secretSealed, e.previousSecretSealed,
        e.previousUntil, p.failingSince, p.disabledReason, p.createdAt, p.updatedAt);
  }

  ensureWebhookEndpoint(e: StoredWebhookEndpoint): StoredWebhookEndpoint {
    return this.#db.transaction(() => {
      const existing = this.getWebhookEndpoint(e.endpoint.id);
      if (existing) return existing;
      this.saveWebhookEndpoint(e);
      return e;
    }).immediate();
  }

  getWebhookEndpoint(id: string, accountId?: string): StoredWebhookEndpoint | undefined {
    const r = this.#prepare<unknown[], EndpointRow>(`SELECT * FROM webhook_endpoints WHERE id = ?${accountId === undefined ? '' : ' AND account_id = ?'}`)
      .get(...[id, ...(accountId === undefined ? [] : [accountId])]);
    return r && toStoredEndpoint(r);
  }

  listWebhookEndpoints(filter: { accountId?: string; enabledOnly?: boolean }): StoredWebhookEndpoint[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.accountId !== undefined) { where.push('account_id = ?'); params.push(filter.accountId); }
    if (filter.enabledOnly) where.push('enabled = 1');
    return this.#prepare<unknown[], EndpointRow>(`SELECT * FROM webhook_endpoints ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`)
      .all(...params).map(toStoredEndpoint);
  }

  removeWebhookEndpoint(accountId: string, id: string, at: number): boolean {
    return this.#db.transaction(() => {
      const removed = this.#prepare("DELETE FROM webhook_endpoints WHERE id = ? AND account_id = ? AND kind = 'endpoint'").run(id, accountId).changes > 0;
      if (removed) {
        this.#prepare("UPDATE webhook_deliveries SET state = 'failed', done_at = ?, last_error = 'endpoint removed' WHERE endpoint_id = ? AND state = 'pending'").run(at, id);
      }
      return removed;
    }).immediate();
  }

  fanOutEvents(limit: number, plan: (events: readonly StoredEvent[]) => NewDelivery[], now: number, options: FanOutOptions): FanOutResult {
    const s = this.#s;
    return this.#relaxed(() => {
      const from = s.cursor.get(fanOutCursor)?.seq ?? 0;
      const rows = options.onlyCallbacks ? s.callbackEventsAfter.all(from, limit) : s.eventsAfter.all(from, limit);
      // Reading only callback events, a short page means every event up to the last is done with.
      const through = options.onlyCallbacks && rows.length < limit ? s.lastSeq.get()?.m ?? from : undefined;
      if (rows.length === 0) {
        if (through !== undefined && through > from) s.moveCursor.run(fanOutCursor, through);
        return { events: 0, deliveries: 0, claimed: [] };
      }
      const events = rows.map((r) => toLiteEvent(r, this.#eventCursor(Number(r.seq))));
      const ids = events.filter((e) => e.callback && e.messageId !== null).map((e) => e.messageId!);
      if (ids.length > 0) {
        const urls = new Map(s.callbackUrls.all(JSON.stringify(ids)).map((r) => [r.id, r.callback_url]));
        for (const e of events) if (e.callback) e.callbackUrl = urls.get(e.messageId!) ?? null;
      }
      const deliveries = plan(events);
      const claimed: ClaimedDelivery[] = [];
      const born: Array<{ id: number; d: NewDelivery; nextAt: number }> = [];
      for (const d of deliveries) {
        const nextAt = d.claimMs === undefined ? now : now + d.claimMs;
        const attempts = d.claimMs === undefined ? 0 : 1;
        const id = Number(s.insertDelivery.run(d.eventSeq, d.accountId, d.endpointId, d.url, nextAt, now, attempts).lastInsertRowid);
        if (d.claimMs !== undefined) born.push({ id, d, nextAt });
      }
      if (born.length > 0) {
        // Those sent at once need their events whole (with their messages), as a claim reads them.
        const seqs = [...new Set(born.map((b) => b.d.eventSeq))];
        const full = new Map(s.eventsBySeq.all(JSON.stringify(seqs)).map((r) => [Number(r.seq), toStoredEvent(r, this.#eventCursor(Number(r.seq)))]));
        for (const b of born) claimed.push(bornClaimed(b.id, b.d, b.nextAt, now, full.get(b.d.eventSeq)!));
      }
      s.moveCursor.run(fanOutCursor, Math.max(events[events.length - 1]!.seq, through ?? 0));
      return { events: events.length, deliveries: deliveries.length, claimed };
    });
  }

  claimWebhookDeliveries(now: number, limit: number, claimMs: number, excludeEndpoints: readonly string[]): ClaimedDelivery[] {
    const s = this.#s;
    return this.#relaxed(() => {
      const ids = pickDue(limit, new Set(excludeEndpoints), {
        due: (n) => s.due.all(now, n),
        nextEndpoint: (after) => s.nextEndpoint.get(after)?.endpoint_id,
        dueOf: (endpoint, n) => s.dueOf.all(endpoint, now, n),
      });
      if (ids.length === 0) return [];
      const list = JSON.stringify(ids);
      const nextAt = now + claimMs;
      const rows = s.claimable.all(list);
      s.claim.run(nextAt, list);
      for (const r of rows) {
        r.next_at = nextAt;
        r.attempts += 1;
      }
      const seqs = [...new Set(rows.map((r) => Number(r.event_seq)))];
      const events = new Map(s.eventsBySeq.all(JSON.stringify(seqs)).map((r) => [Number(r.seq), toStoredEvent(r, this.#eventCursor(Number(r.seq)))]));
      const out: ClaimedDelivery[] = [];
      for (const r of rows) {
        const delivery = toDelivery(r);
        const event = events.get(delivery.eventSeq);
        // An event purged while its delivery waited: nothing left to send.
        if (!event) {
          s.finishDelivery.run('failed', 1, delivery.step, delivery.nextAt, now, null, 'event no longer kept', null, null, null, null, delivery.id);
          continue;
        }
        out.push({ ...delivery, event });
      }
      return out.sort((a, b) => a.id - b.id);
    });
  }

  recordWebhookResults(results: readonly DeliveryResult[], now: number, disableFailingAfterMs: number): Array<{ id: string; accountId: string; reason: string }> {
    const s = this.#s;
    return this.#relaxed(() => {
      const disabled: Array<{ id: string; accountId: string; reason: string }> = [];
      const healthy = new Set<string>();
      for (const r of results) {
        const a = r.attempt;
        // Delivered attempts live on the delivery's row only: the log is for what went wrong.
        if (a && r.next.state !== 'delivered') s.insertAttempt.run(a.deliveryId, a.attempt, a.at, Math.round(a.latencyMs), a.statusCode, a.error, a.response);
        const n = r.next;
        const response = a ? a.response ?? '' : null;
        s.finishDelivery.run(n.state, a ? 0 : 1, n.state === 'pending' ? n.step : 0, n.state === 'pending' ? n.nextAt : 0, n.state === 'pending' ? null : n.at,
          r.lastStatus, r.lastError, a?.at ?? null, a ? Math.round(a.latencyMs) : null, response, response, r.deliveryId);
        if (r.endpointHealth === 'unchanged') continue;
        if (r.endpointHealth === 'ok') {
          // Once per endpoint per batch: a statement per delivery would cost as much as the delivery's own.
          if (!healthy.has(r.endpointId)) s.healthy.run(r.endpointId);
          healthy.add(r.endpointId);
        } else {
          s.failing.run(now, r.endpointId);
          const reason = r.endpointHealth === 'failed' ? `every delivery failed for more than ${Math.round(disableFailingAfterMs / 3_600_000)} hours` : r.endpointHealth.disable;
          const threshold = r.endpointHealth === 'failed' ? now - disableFailingAfterMs : Number.MAX_SAFE_INTEGER;
          const row = s.disable.get(reason, now, r.endpointId, threshold);
          if (row) disabled.push({ id: row.id, accountId: row.account_id, reason });
        }
      }
      return disabled;
    });
  }

  listWebhookDeliveries(q: DeliveryQuery): WebhookDelivery[] {
    const where = ['account_id = ?'];
    const params: unknown[] = [q.accountId];
    if (q.endpointId !== undefined) { where.push('endpoint_id = ?'); params.push(q.endpointId); }
    if (q.eventSeq !== undefined) { where.push('event_seq = ?'); params.push(q.eventSeq); }
    if (q.state !== undefined) { where.push('state = ?'); params.push(q.state); }
    if (q.before !== undefined) { where.push('id < ?'); params.push(q.before); }
    return this.#prepare<unknown[], DeliveryRow>(`SELECT ${deliveryColumns} FROM webhook_deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`)
      .all(...params, q.limit).map(toDelivery);
  }

  listWebhookAttempts(deliveryIds: readonly number[]): WebhookAttempt[] {
    if (deliveryIds.length === 0) return [];
    return this.#prepare<[string], AttemptRow>('SELECT * FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_id, attempt')
      .all(JSON.stringify(deliveryIds)).map(toAttempt);
  }

  redeliverEvent(accountId: string, seq: number, endpoints: ReadonlyArray<{ endpointId: string; url: string | null }>, now: number): number[] {
    return this.#db.transaction(() => {
      if (!this.#prepare('SELECT 1 FROM events WHERE seq = ? AND account_id = ?').get(seq, accountId)) return [];
      return endpoints.map((e) => Number(this.#s.insertDelivery.run(seq, accountId, e.endpointId, e.url, now, now, 0).lastInsertRowid));
    }).immediate();
  }

  countPendingDeliveries(): number {
    return (this.#prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE state = 'pending'").get() as { n: number }).n;
  }

  purgeEvents(before: number, limit: number): number {
    return this.#relaxed(() => {
      // Events are appended in time order, so the oldest seqs are the ones to look at.
      const purged = this.#prepare('DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY seq LIMIT ?) AND at < ?').run(limit, before).changes;
      const done = this.#prepare(`SELECT id FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries ORDER BY id LIMIT ?)
        AND state <> 'pending' AND created_at < ?`).all(limit, before) as Array<{ id: number }>;
      if (done.length > 0) {
        const ids = JSON.stringify(done.map((d) => d.id));
        this.#prepare('DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))').run(ids);
        this.#prepare('DELETE FROM webhook_deliveries WHERE id IN (SELECT value FROM json_each(?))').run(ids);
      }
      return purged;
    });
  }
}
