// The event log and the webhook tables on PostgreSQL. Several connections write events at once and
// identity values are taken before commit, so seq order is not commit order: readers order by
// (txid, seq) and read only rows of transactions older than every running one (the snapshot's
// xmin). Whatever commits later has a txid at or above that bound, so it sorts after any cursor
// handed out now and is never skipped. Cursors are "<txid>.<seq>".
import type pg from 'pg';
import { encodeEventList } from '../../domain/webhook-endpoint.ts';
import {
  type AttemptRow, type DeliveryRow, type EndpointRow, type EventRow, type LiteEventRow, deliveryColumns, eventSelect, liteEventColumns, toAttempt, toDelivery,
  toLiteEvent, toStoredEndpoint, toStoredEvent,
} from '../event-rows.ts';
import type {
  ClaimedDelivery, DeliveryQuery, DeliveryResult, EventQuery, FanOutOptions, FanOutResult, NewDelivery, StoredEvent, StoredWebhookEndpoint, WebhookAttempt, WebhookDelivery,
} from '../store.ts';
import { bornClaimed, type DueRow, pickDueAsync } from '../claim-due.ts';
import { query } from './postgres-database.ts';
import { transaction } from './postgres-message-writer.ts';

const fanOutCursor = 'webhooks';
const settled = 'e.txid < pg_snapshot_xmin(pg_current_snapshot())';

function parseCursor(cursor: string | undefined): [string, number] {
  if (cursor === undefined) return ['0', 0];
  const m = /^(\d{1,20})(?:\.(\d{1,19}))?$/.exec(cursor);
  if (!m) return ['0', 0];
  // A bare number is a seq (a cursor from SQLite before `store copy`): from the start of the log.
  return m[2] === undefined ? ['0', 0] : [m[1]!, Number(m[2])];
}

const toEvent = (r: EventRow) => toStoredEvent(r, `${r.txid}.${r.seq}`);

export class PostgresEventStore {
  #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async listEvents(q: EventQuery): Promise<StoredEvent[]> {
    const [txid, seq] = parseCursor(q.after);
    const { rows } = await query<EventRow>(this.#pool,
      `SELECT e.txid::text AS txid, ${eventSelect} FROM events e LEFT JOIN messages m ON m.id = e.message_id
       WHERE e.account_id = $1 AND (e.txid, e.seq) > ($2::text::xid8, $3) AND ${settled} AND ($4::bigint IS NULL OR e.at >= $4)
       ORDER BY e.txid, e.seq LIMIT $5`, [q.accountId, txid, seq, q.since ?? null, q.limit]);
    return rows.map(toEvent);
  }

  async getEvent(accountId: string, seq: number): Promise<StoredEvent | undefined> {
    const { rows } = await query<EventRow>(this.#pool,
      `SELECT e.txid::text AS txid, ${eventSelect} FROM events e LEFT JOIN messages m ON m.id = e.message_id WHERE e.seq = $1 AND e.account_id = $2`,
      [seq, accountId]);
    return rows[0] && toEvent(rows[0]);
  }

  async saveWebhookEndpoint(e: StoredWebhookEndpoint): Promise<void> {
    await query(this.#pool, `${upsertEndpoint} ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events, description = excluded.description,
        enabled = excluded.enabled, secret_sealed = excluded.secret_sealed, previous_secret_sealed = excluded.previous_secret_sealed,
        previous_until = excluded.previous_until, failing_since = excluded.failing_since, disabled_reason = excluded.disabled_reason,
        updated_at = excluded.updated_at`, endpointParams(e));
  }

  async ensureWebhookEndpoint(e: StoredWebhookEndpoint): Promise<StoredWebhookEndpoint> {
    await query(this.#pool, `${upsertEndpoint} ON CONFLICT (id) DO NOTHING`, endpointParams(e));
    return (await this.getWebhookEndpoint(e.endpoint.id))!;
  }

  async getWebhookEndpoint(id: string, accountId?: string): Promise<StoredWebhookEndpoint | undefined> {
    const { rows } = await query<EndpointRow>(this.#pool, 'SELECT * FROM webhook_endpoints WHERE id = $1 AND ($2::text IS NULL OR account_id = $2)', [id, accountId ?? null]);
    return rows[0] && toStoredEndpoint(rows[0]);
  }

  async listWebhookEndpoints(filter: { accountId?: string; enabledOnly?: boolean }): Promise<StoredWebhookEndpoint[]> {
    const { rows } = await query<EndpointRow>(this.#pool,
      'SELECT * FROM webhook_endpoints WHERE ($1::text IS NULL OR account_id = $1) AND (NOT $2 OR enabled) ORDER BY created_at, id',
      [filter.accountId ?? null, filter.enabledOnly ?? false]);
    return rows.map(toStoredEndpoint);
  }

  async removeWebhookEndpoint(accountId: string, id: string, at: number): Promise<boolean> {
    return transaction(this.#pool, async (client) => {
      const removed = ((await client.query("DELETE FROM webhook_endpoints WHERE id = $1 AND account_id = $2 AND kind = 'endpoint'", [id, accountId])).rowCount ?? 0) > 0;
      if (removed) {
        await client.query("UPDATE webhook_deliveries SET state = 'failed', done_at = $1, last_error = 'endpoint removed' WHERE endpoint_id = $2 AND state = 'pending'", [at, id]);
      }
      return removed;
    });
  }

  async fanOutEvents(limit: number, plan: (events: readonly StoredEvent[]) => NewDelivery[], now: number, options: FanOutOptions = {}): Promise<FanOutResult | 'busy'> {
    return transaction(this.#pool, async (client) => {
      // The cursor row's lock is the fan-out's mutex across nodes. The pass reads only events of
      // transactions older than `bound`, the xmin of this first statement's snapshot, in every
      // statement that follows: each statement takes a new snapshot, and a bound that moved between
      // reading the callback events and finding the last settled one would pass over a callback
      // event whose transaction committed in between.
      const { rows: cursor } = await client.query<{ txid: string; seq: number; bound: string }>(
        'SELECT txid::text AS txid, seq, pg_snapshot_xmin(pg_current_snapshot())::text AS bound FROM event_cursors WHERE name = $1 FOR UPDATE SKIP LOCKED',
        [fanOutCursor]);
      if (cursor.length === 0) {
        await client.query("INSERT INTO event_cursors (name, txid, seq) VALUES ($1, '0', 0) ON CONFLICT (name) DO NOTHING", [fanOutCursor]);
        return 'busy' as const;
      }
      const bound = cursor[0]!.bound;
      // Events alone; messages only for the callback URLs of the few that need them.
      const { rows } = await client.query<LiteEventRow>(
        `SELECT e.txid::text AS txid, ${liteEventColumns} FROM events e
         WHERE (e.txid, e.seq) > ($1::text::xid8, $2) AND e.txid < $4::text::xid8 ${options.onlyCallbacks ? 'AND e.callback' : ''} ORDER BY e.txid, e.seq LIMIT $3`,
        [cursor[0]!.txid, cursor[0]!.seq, limit, bound]);
      // Reading only callback events, a short page means every settled event up to the last is done with.
      let through: { txid: string; seq: number } | undefined;
      if (options.onlyCallbacks && rows.length < limit) {
        through = (await client.query<{ txid: string; seq: number }>(
          'SELECT e.txid::text AS txid, e.seq FROM events e WHERE e.txid < $1::text::xid8 ORDER BY e.txid DESC, e.seq DESC LIMIT 1', [bound])).rows[0];
      }
      if (rows.length === 0) {
        if (through) await client.query('UPDATE event_cursors SET txid = $2::text::xid8, seq = $3 WHERE name = $1 AND (txid, seq) < ($2::text::xid8, $3)', [fanOutCursor, through.txid, through.seq]);
        return { events: 0, deliveries: 0, claimed: [] };
      }
      const events = rows.map((r) => toLiteEvent(r, `${r.txid}.${r.seq}`));
      const ids = events.filter((e) => e.callback && e.messageId !== null).map((e) => e.messageId!);
      if (ids.length > 0) {
        const { rows: urls } = await client.query<{ id: string; callback_url: string | null }>('SELECT id, callback_url FROM messages WHERE id = ANY($1::text[])', [ids]);
        const byId = new Map(urls.map((r) => [r.id, r.callback_url]));
        for (const e of events) if (e.callback) e.callbackUrl = byId.get(e.messageId!) ?? null;
      }
      const deliveries = plan(events);
      const claimed: ClaimedDelivery[] = [];
      if (deliveries.length > 0) {
        const nextAt = (d: NewDelivery) => (d.claimMs === undefined ? now : now + d.claimMs);
        const { rows: made } = await client.query<{ id: number; event_seq: number; endpoint_id: string }>(
          `INSERT INTO webhook_deliveries (event_seq, account_id, endpoint_id, url, state, next_at, created_at, attempts)
           SELECT s, a, e, u, 'pending', n, $5, t FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $6::bigint[], $7::integer[]) AS x(s, a, e, u, n, t)
           RETURNING id, event_seq, endpoint_id`,
          [deliveries.map((d) => d.eventSeq), deliveries.map((d) => d.accountId), deliveries.map((d) => d.endpointId), deliveries.map((d) => d.url), now,
            deliveries.map(nextAt), deliveries.map((d) => (d.claimMs === undefined ? 0 : 1))]);
        // One delivery per event and endpoint in a pass: that pair names the row made for it.
        const madeIds = new Map(made.map((r) => [`${r.event_seq} ${r.endpoint_id}`, Number(r.id)]));
        const born = deliveries.filter((d) => d.claimMs !== undefined);
        if (born.length > 0) {
          // Those sent at once need their events whole (with their messages), as a claim reads them.
          const { rows: full } = await client.query<EventRow>(
            `SELECT e.txid::text AS txid, ${eventSelect} FROM events e LEFT JOIN messages m ON m.id = e.message_id WHERE e.seq = ANY($1::bigint[])`,
            [[...new Set(born.map((d) => d.eventSeq))]]);
          const bySeq = new Map(full.map((r) => [Number(r.seq), toEvent(r)]));
          for (const d of born) claimed.push(bornClaimed(madeIds.get(`${d.eventSeq} ${d.endpointId}`)!, d, nextAt(d), now, bySeq.get(d.eventSeq)!));
        }
      }
      const last = through ?? { txid: rows[rows.length - 1]!.txid!, seq: Number(rows[rows.length - 1]!.seq) };
      await client.query('UPDATE event_cursors SET txid = $2::text::xid8, seq = $3 WHERE name = $1', [fanOutCursor, last.txid, last.seq]);
      return { events: events.length, deliveries: deliveries.length, claimed };
    });
  }

  async claimWebhookDeliveries(now: number, limit: number, claimMs: number, excludeEndpoints: readonly string[]): Promise<ClaimedDelivery[]> {
    // Candidate rows are locked (SKIP LOCKED: another node's candidates are passed over) and those
    // chosen are claimed in the same transaction; the rest are let go at commit.
    const rows = await transaction(this.#pool, async (client) => {
      const ids = await pickDueAsync(limit, new Set(excludeEndpoints), {
        due: async (n) => (await client.query<DueRow>(
          "SELECT id, endpoint_id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= $1 ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED", [now, n])).rows,
        nextEndpoint: async (after) => (await client.query<{ endpoint_id: string }>(
          "SELECT endpoint_id FROM webhook_deliveries WHERE state = 'pending' AND endpoint_id > $1 ORDER BY endpoint_id LIMIT 1", [after])).rows[0]?.endpoint_id,
        dueOf: async (endpoint, n) => (await client.query<DueRow>(
          `SELECT id, endpoint_id FROM webhook_deliveries WHERE state = 'pending' AND endpoint_id = $1 AND next_at <= $2
           ORDER BY next_at LIMIT $3 FOR UPDATE SKIP LOCKED`, [endpoint, now, n])).rows,
      });
      if (ids.length === 0) return [];
      return (await client.query<DeliveryRow>(
        `UPDATE webhook_deliveries SET next_at = $1, attempts = attempts + 1 WHERE id = ANY($2::bigint[]) RETURNING ${deliveryColumns}`, [now + claimMs, ids])).rows;
    });
    if (rows.length === 0) return [];
    const deliveries = rows.map(toDelivery);
    const { rows: eventRows } = await query<EventRow>(this.#pool,
      `SELECT e.txid::text AS txid, ${eventSelect} FROM events e LEFT JOIN messages m ON m.id = e.message_id WHERE e.seq = ANY($1::bigint[])`,
      [[...new Set(deliveries.map((d) => d.eventSeq))]]);
    const events = new Map(eventRows.map((r) => [Number(r.seq), toEvent(r)]));
    const orphans = deliveries.filter((d) => !events.has(d.eventSeq)).map((d) => d.id);
    // An event purged while its delivery waited: nothing left to send.
    if (orphans.length > 0) {
      await query(this.#pool, "UPDATE webhook_deliveries SET state = 'failed', attempts = attempts - 1, done_at = $2, last_error = 'event no longer kept' WHERE id = ANY($1::bigint[])", [orphans, now]);
    }
    return deliveries.filter((d) => events.has(d.eventSeq)).map((d) => ({ ...d, event: events.get(d.eventSeq)! })).sort((a, b) => a.id - b.id);
  }

  async recordWebhookResults(results: readonly DeliveryResult[], now: number, disableFailingAfterMs: number): Promise<Array<{ id: string; accountId: string; reason: string }>> {
    if (results.length === 0) return [];
    // Delivered attempts live on the delivery's row only: the log is for what went wrong.
    const attempts = results.flatMap((r) => (r.attempt && r.next.state !== 'delivered' ? [r.attempt] : []));
    // Per endpoint, the batch's last word, except that a request to disable sticks.
    const health = new Map<string, DeliveryResult['endpointHealth']>();
    for (const r of results) {
      if (r.endpointHealth === 'unchanged') continue;
      const current = health.get(r.endpointId);
      if (typeof current !== 'object') health.set(r.endpointId, r.endpointHealth);
    }
    const byHealth = (want: (h: DeliveryResult['endpointHealth']) => boolean) => [...health].filter(([, h]) => want(h)).map(([id]) => id).sort();
    return transaction(this.#pool, async (client) => {
      if (attempts.length > 0) {
        await client.query(
          `INSERT INTO webhook_attempts (delivery_id, attempt, at, latency_ms, status_code, error, response)
           SELECT * FROM unnest($1::bigint[], $2::integer[], $3::bigint[], $4::integer[], $5::integer[], $6::text[], $7::text[]) ON CONFLICT DO NOTHING`,
          [attempts.map((a) => a.deliveryId), attempts.map((a) => a.attempt), attempts.map((a) => a.at), attempts.map((a) => Math.round(a.latencyMs)),
            attempts.map((a) => a.statusCode), attempts.map((a) => a.error), attempts.map((a) => a.response)]);
      }
      const sorted = [...results].sort((a, b) => a.deliveryId - b.deliveryId);
      await client.query(
        `UPDATE webhook_deliveries d SET state = u.state, attempts = d.attempts - u.untried, step = u.step, next_at = u.next_at, done_at = u.done_at,
           last_status = u.last_status, last_error = u.last_error, last_at = coalesce(u.last_at, d.last_at),
           last_latency_ms = coalesce(u.last_latency_ms, d.last_latency_ms), last_response = CASE WHEN u.untried = 1 THEN d.last_response ELSE u.last_response END
         FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[], $7::integer[], $8::text[], $9::bigint[], $10::integer[], $11::text[])
           AS u(id, state, untried, step, next_at, done_at, last_status, last_error, last_at, last_latency_ms, last_response)
         WHERE d.id = u.id AND d.state = 'pending'`,
        [sorted.map((r) => r.deliveryId), sorted.map((r) => r.next.state), sorted.map((r) => (r.attempt ? 0 : 1)),
          sorted.map((r) => (r.next.state === 'pending' ? r.next.step : 0)), sorted.map((r) => (r.next.state === 'pending' ? r.next.nextAt : 0)),
          sorted.map((r) => (r.next.state === 'pending' ? null : r.next.at)), sorted.map((r) => r.lastStatus), sorted.map((r) => r.lastError),
          sorted.map((r) => r.attempt?.at ?? null), sorted.map((r) => (r.attempt ? Math.round(r.attempt.latencyMs) : null)), sorted.map((r) => r.attempt?.response ?? null)]);
      const ok = byHealth((h) => h === 'ok');
      if (ok.length > 0) await client.query('UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ANY($1::text[]) AND failing_since IS NOT NULL', [ok]);
      const disabled: Array<{ id: string; accountId: string; reason: string }> = [];
      const failed = byHealth((h) => h !== 'ok');
      if (failed.length > 0) {
        await client.query('UPDATE webhook_endpoints SET failing_since = $2 WHERE id = ANY($1::text[]) AND failing_since IS NULL', [failed, now]);
        const reason = `every delivery failed for more than ${Math.round(disableFailingAfterMs / 3_600_000)} hours`;
        const { rows } = await client.query<{ id: string; account_id: string }>(
          `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = $3
           WHERE id = ANY($1::text[]) AND enabled AND kind = 'endpoint' AND failing_since <= $4 RETURNING id, account_id`,
          [byHealth((h) => h === 'failed'), reason, now, now - disableFailingAfterMs]);
        for (const r of rows) disabled.push({ id: r.id, accountId: r.account_id, reason });
        for (const [id, h] of health) {
          if (typeof h !== 'object') continue;
          const { rows: gone } = await client.query<{ id: string; account_id: string }>(
            `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = $3
             WHERE id = $1 AND enabled AND kind = 'endpoint' RETURNING id, account_id`, [id, h.disable, now]);
          for (const r of gone) disabled.push({ id: r.id, accountId: r.account_id, reason: h.disable });
        }
      }
      return disabled;
    });
  }

  async listWebhookDeliveries(q: DeliveryQuery): Promise<WebhookDelivery[]> {
    const { rows } = await query<DeliveryRow>(this.#pool,
      `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE account_id = $1 AND ($2::text IS NULL OR endpoint_id = $2)
         AND ($3::bigint IS NULL OR event_seq = $3) AND ($4::text IS NULL OR state = $4) AND ($5::bigint IS NULL OR id < $5)
       ORDER BY id DESC LIMIT $6`,
      [q.accountId, q.endpointId ?? null, q.eventSeq ?? null, q.state ?? null, q.before ?? null, q.limit]);
    return rows.map(toDelivery);
  }

  async listWebhookAttempts(deliveryIds: readonly number[]): Promise<WebhookAttempt[]> {
    if (deliveryIds.length === 0) return [];
    const { rows } = await query<AttemptRow>(this.#pool, 'SELECT * FROM webhook_attempts WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt', [deliveryIds]);
    return rows.map(toAttempt);
  }

  async redeliverEvent(accountId: string, seq: number, endpoints: ReadonlyArray<{ endpointId: string; url: string | null }>, now: number): Promise<number[]> {
    const { rows } = await query<{ id: number }>(this.#pool,
      `INSERT INTO webhook_deliveries (event_seq, account_id, endpoint_id, url, state, next_at, created_at)
       SELECT e.seq, e.account_id, x.endpoint_id, x.url, 'pending', $5, $5
       FROM events e, unnest($3::text[], $4::text[]) AS x(endpoint_id, url) WHERE e.seq = $1 AND e.account_id = $2 RETURNING id`,
      [seq, accountId, endpoints.map((e) => e.endpointId), endpoints.map((e) => e.url), now]);
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  async countPendingDeliveries(): Promise<number> {
    const { rows } = await query<{ n: number }>(this.#pool, "SELECT count(*)::integer AS n FROM webhook_deliveries WHERE state = 'pending'", []);
    return rows[0]?.n ?? 0;
  }

  async purgeEvents(before: number, limit: number): Promise<number> {
    return transaction(this.#pool, async (client) => {
      const purged = (await client.query('DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY seq LIMIT $1) AND at < $2', [limit, before])).rowCount ?? 0;
      const { rows } = await client.query<{ id: number }>(
        `SELECT id FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries ORDER BY id LIMIT $1) AND state <> 'pending' AND created_at < $2`, [limit, before]);
      if (rows.length > 0) {
        const ids = rows.map((r) => r.id);
        await client.query('DELETE FROM webhook_attempts WHERE delivery_id = ANY($1::bigint[])', [ids]);
        await client.query('DELETE FROM webhook_deliveries WHERE id = ANY($1::bigint[])', [ids]);
      }
      return purged;
    });
  }
}

const upsertEndpoint = `INSERT INTO webhook_endpoints (id, account_id, kind, url, events, description, enabled, secret_sealed, previous_secret_sealed,
    previous_until, failing_since, disabled_reason, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

function endpointParams(e: StoredWebhookEndpoint): unknown[] {
  const p = e.endpoint;
  return [p.id, p.accountId, p.kind, p.url, encodeEventList(p.events), p.description, p.enabled, e.secretSealed, e.previousSecretSealed,
    e.previousUntil, p.failingSince, p.disabledReason, p.createdAt, p.updatedAt];
}
