// The PostgreSQL implementation of the store port: admin data through plain parameterised queries,
// accepts through one group-commit function call, message state changes through
// PostgresMessageWriter. Any number of gateway processes may share one database.
import type pg from 'pg';
import type { Account, ApiKey, DltTemplate, SenderId } from '../../domain/account.ts';
import type { Lane, Message } from '../../domain/message.ts';
import type { OtpChannelDefinition, OtpChannelName, OtpPolicy, OtpSession } from '../../domain/otp.ts';
import type { Route } from '../../domain/route.ts';
import { afterBindFailure, type BindLockoutRule, type SmppUser, type StoredSmppUser } from '../../domain/smpp-user.ts';
import {
  type AccountRow, type ConnectorRow, connectorSettings, toStoredConnector, type SmppPartRow, toSmppPart, type ApiKeyRow, type LedgerRow, type MessageRow, type RouteRow, type SenderRow, type TemplateRow,
  toAccount, toApiKey, toLedgerEntry, toMessage, toRoute, toSender, toTemplate,
  type SmppReceiptRow, type SmppUserRow, toSmppReceipt, toStoredSmppUser,
} from '../store-rows.ts';
import { type CampaignRow, toCampaign } from '../campaign-rows.ts';
import type {
  Campaign,
  AcceptRequest, AcceptResult, AwaitingReceipt, Balance, Batch, ClaimedMessage, Fence, LeaseGrant, LedgerEntry, MessageQuery, ReceiptUpdate, SendingProfile, Store,
  ConnectorStatusRow, SmppPart, SmppReceipt, StoredConnector, StoredResponse, SubmissionOutcome, Transition,
  ClaimedDelivery, DeliveryQuery, DeliveryResult, EventQuery, FanOutOptions, FanOutResult, NewDelivery, StoredEvent, StoredWebhookEndpoint, WebhookAttempt, WebhookDelivery,
  OtpCheckOptions, OtpCheckOutcome, OtpGuardSpec, OtpResendResult, OtpStartResult,
} from '../store.ts';
import { PostgresEventStore } from './postgres-event-store.ts';
import { PostgresAccept, type PostgresGroupCommitOptions } from './postgres-accept.ts';
import { createPool, migratePostgres, type PostgresOptions, query } from './postgres-database.ts';
import { PostgresMessageWriter, transaction } from './postgres-message-writer.ts';
import { PostgresOtpStore } from './postgres-otp-store.ts';
import { PostgresContentPatternStore } from './postgres-content-pattern-store.ts';
import type { ContentPattern } from '../../domain/content-pattern.ts';
import type { AddContentPatternResult } from '../content-pattern-rows.ts';
import { WorkListener } from './postgres-work-listener.ts';
import { YoungTableAnalyzer } from './postgres-statistics.ts';

export interface PostgresStoreOptions extends PostgresOptions {
  groupCommit: PostgresGroupCommitOptions;
  /** A hot table never analysed is analysed once this many rows were written to it (postgres-statistics.ts); 0 or absent = never. */
  analyzeFreshTablesFrom?: number;
}

/** How often the store looks for hot tables still without statistics, in ms. */
const freshTableCheckMs = 1000;

export class PostgresStore implements Store {
  readonly driver = 'postgres';
  #pool: pg.Pool;
  #accept: PostgresAccept;
  #writer: PostgresMessageWriter;
  #events: PostgresEventStore;
  #otp: PostgresOtpStore;
  #contentPatterns: PostgresContentPatternStore;
  #closed = false;

  #work: WorkListener;
  #analyzer: YoungTableAnalyzer | undefined;

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = createPool(options);
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const from = options.analyzeFreshTablesFrom ?? 0;
    // Statistics are an optimisation: a failed look (the database away) is tried again at the next.
    const analyzer = from > 0 ? new YoungTableAnalyzer(pool, { minRows: from, intervalMs: freshTableCheckMs, onError: () => {} }) : undefined;
    analyzer?.start();
    return new PostgresStore(pool, options.groupCommit, new WorkListener(options.url), analyzer);
  }

  private constructor(pool: pg.Pool, groupCommit: PostgresGroupCommitOptions, work: WorkListener, analyzer: YoungTableAnalyzer | undefined) {
    this.#pool = pool;
    this.#work = work;
    this.#analyzer = analyzer;
    this.#accept = new PostgresAccept(pool, groupCommit);
    this.#writer = new PostgresMessageWriter(pool);
    this.#events = new PostgresEventStore(pool);
    this.#otp = new PostgresOtpStore(pool);
    this.#contentPatterns = new PostgresContentPatternStore(pool);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#analyzer?.stop();
    await this.#work.close();
    await this.#accept.drain();
    await this.#pool.end();
  }

  async #all<R extends pg.QueryResultRow>(sql: string, ...params: unknown[]): Promise<R[]> {
    return (await query<R>(this.#pool, sql, params)).rows;
  }
  async #get<R extends pg.QueryResultRow>(sql: string, ...params: unknown[]): Promise<R | undefined> {
    return (await this.#all<R>(sql, ...params))[0];
  }
  async #run(sql: string, ...params: unknown[]): Promise<number> {
    return (await query(this.#pool, sql, params)).rowCount ?? 0;
  }

  async createOperatorToken(id: string, hash: string, createdAt: number): Promise<void> {
    await this.#run('INSERT INTO operator_tokens (id, hash, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING', id, hash, createdAt);
  }
  async hasOperatorToken(hash: string): Promise<boolean> {
    return (await this.#get('SELECT 1 AS one FROM operator_tokens WHERE hash = $1', hash)) !== undefined;
  }
  async countOperatorTokens(): Promise<number> {
    return (await this.#get<{ n: number }>('SELECT COUNT(*) AS n FROM operator_tokens'))?.n ?? 0;
  }

  async createAccount(a: Account): Promise<void> {
    await this.#run('INSERT INTO accounts (id, name, status, rate_limit_per_minute, created_at) VALUES ($1, $2, $3, $4, $5)',
      a.id, a.name, a.status, a.rateLimitPerMinute, a.createdAt);
  }
  async getAccount(id: string): Promise<Account | undefined> {
    const row = await this.#get<AccountRow>('SELECT * FROM accounts WHERE id = $1', id);
    return row && toAccount(row);
  }
  async listAccounts(): Promise<Account[]> {
    return (await this.#all<AccountRow>('SELECT * FROM accounts ORDER BY created_at, id')).map(toAccount);
  }
  async updateAccount(id: string, patch: Partial<Pick<Account, 'name' | 'status' | 'rateLimitPerMinute'>>): Promise<Account | undefined> {
    const row = await this.#get<AccountRow>(
      `UPDATE accounts SET
         name = CASE WHEN $2::boolean THEN $3 ELSE name END,
         status = CASE WHEN $4::boolean THEN $5 ELSE status END,
         rate_limit_per_minute = CASE WHEN $6::boolean THEN $7::integer ELSE rate_limit_per_minute END
       WHERE id = $1 RETURNING *`,
      id, 'name' in patch, patch.name ?? null, 'status' in patch, patch.status ?? null, 'rateLimitPerMinute' in patch, patch.rateLimitPerMinute ?? null);
    return row && toAccount(row);
  }

  async createApiKey(k: ApiKey, hash: string): Promise<void> {
    await this.#run(
      'INSERT INTO api_keys (id, account_id, hash, prefix, label, mode, status, ip_allowlist, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      k.id, k.accountId, hash, k.prefix, k.label, k.mode, k.status, JSON.stringify(k.ipAllowlist), k.createdAt, k.revokedAt);
  }
  async findApiKeyByHash(hash: string): Promise<ApiKey | undefined> {
    const row = await this.#get<ApiKeyRow>('SELECT * FROM api_keys WHERE hash = $1', hash);
    return row && toApiKey(row);
  }
  async listApiKeys(accountId: string): Promise<ApiKey[]> {
    return (await this.#all<ApiKeyRow>('SELECT * FROM api_keys WHERE account_id = $1 ORDER BY created_at, id', accountId)).map(toApiKey);
  }
  async revokeApiKey(accountId: string, keyId: string, at: number): Promise<boolean> {
    return (await this.#run("UPDATE api_keys SET status = 'revoked', revoked_at = $1 WHERE id = $2 AND account_id = $3 AND status = 'active'", at, keyId, accountId)) > 0;
  }

  async loadSendingProfile(accountId: string): Promise<SendingProfile | undefined> {
    const account = await this.getAccount(accountId);
    if (!account) return undefined;
    const [routes, enabled, senders, templates] = await Promise.all([
      this.listRoutes(),
      this.#all<{ route_id: string }>('SELECT route_id FROM balances WHERE account_id = $1', accountId),
      this.listSenders(accountId),
      this.listTemplates(accountId),
    ]);
    return { account, routes, enabledRouteIds: enabled.map((r) => r.route_id), senders, templates };
  }

  async listRoutes(): Promise<Route[]> {
    return (await this.#all<RouteRow>('SELECT * FROM routes ORDER BY id')).map(toRoute);
  }
  async upsertRoute(r: Route): Promise<void> {
    await this.#run(
      `INSERT INTO routes (id, category, price_per_segment, refund_on_undelivered, resend_in_doubt, enabled, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET category = excluded.category, price_per_segment = excluded.price_per_segment,
         refund_on_undelivered = excluded.refund_on_undelivered, resend_in_doubt = excluded.resend_in_doubt,
         enabled = excluded.enabled, description = excluded.description`,
      r.id, r.category, r.pricePerSegment, r.refundOnUndelivered, r.resendInDoubt, r.enabled, r.description);
  }

  async addCredits(accountId: string, routeId: string, amount: number, kind: 'topup' | 'adjust', note: string, at: number): Promise<number | 'insufficient'> {
    return transaction(this.#pool, async (client) => {
      await client.query('INSERT INTO balances (account_id, route_id, balance) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [accountId, routeId]);
      const { rows } = await client.query<{ balance: number }>(
        'UPDATE balances SET balance = balance + $1 WHERE account_id = $2 AND route_id = $3 AND balance + $1 >= 0 RETURNING balance',
        [amount, accountId, routeId]);
      if (rows.length === 0) return 'insufficient' as const;
      if (amount !== 0) {
        await client.query('INSERT INTO ledger (account_id, route_id, amount, kind, message_id, batch_id, note, created_at) VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6)',
          [accountId, routeId, amount, kind, note, at]);
      }
      return rows[0]!.balance;
    });
  }
  async getBalances(accountId: string): Promise<Balance[]> {
    return (await this.#all<{ route_id: string; balance: number }>('SELECT route_id, balance FROM balances WHERE account_id = $1 ORDER BY route_id', accountId))
      .map((r) => ({ routeId: r.route_id, balance: r.balance }));
  }
  async listLedger(accountId: string, limit: number): Promise<LedgerEntry[]> {
    return (await this.#all<LedgerRow>('SELECT * FROM ledger WHERE account_id = $1 ORDER BY id DESC LIMIT $2', accountId, limit)).map(toLedgerEntry);
  }

  async addSender(s: SenderId): Promise<void> {
    await this.#run('INSERT INTO sender_ids (account_id, sender, kind, status, created_at) VALUES ($1, $2, $3, $4, $5)', s.accountId, s.sender, s.kind, s.status, s.createdAt);
  }
  async listSenders(accountId: string): Promise<SenderId[]> {
    return (await this.#all<SenderRow>('SELECT * FROM sender_ids WHERE account_id = $1 ORDER BY sender', accountId)).map(toSender);
  }
  async setSenderStatus(accountId: string, sender: string, status: SenderId['status']): Promise<boolean> {
    return (await this.#run('UPDATE sender_ids SET status = $1 WHERE account_id = $2 AND sender = $3', status, accountId, sender)) > 0;
  }
  async addTemplate(t: DltTemplate): Promise<void> {
    await this.#run('INSERT INTO templates (account_id, template_id, sender, category, text, status, created_at, entity_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      t.accountId, t.templateId, t.sender, t.category, t.text, t.status, t.createdAt, t.entityId ?? null);
  }
  async listTemplates(accountId: string): Promise<DltTemplate[]> {
    return (await this.#all<TemplateRow>('SELECT * FROM templates WHERE account_id = $1 ORDER BY template_id', accountId)).map(toTemplate);
  }
  async setTemplateStatus(accountId: string, templateId: string, status: DltTemplate['status']): Promise<boolean> {
    return (await this.#run('UPDATE templates SET status = $1 WHERE account_id = $2 AND template_id = $3', status, accountId, templateId)) > 0;
  }
  async addDnd(msisdns: readonly string[], at: number): Promise<number> {
    return this.#run('INSERT INTO dnd (msisdn, added_at) SELECT DISTINCT m, $2::bigint FROM unnest($1::text[]) AS m ON CONFLICT DO NOTHING', [...msisdns], at);
  }
  async removeDnd(msisdns: readonly string[]): Promise<number> {
    return this.#run('DELETE FROM dnd WHERE msisdn = ANY($1::text[])', [...msisdns]);
  }
  async findDnd(msisdns: readonly string[]): Promise<Set<string>> {
    const rows = await this.#all<{ msisdn: string }>('SELECT msisdn FROM dnd WHERE msisdn = ANY($1::text[])', [...msisdns]);
    return new Set(rows.map((r) => r.msisdn));
  }

  accept(request: AcceptRequest): Promise<AcceptResult> {
    return this.#accept.submit(request);
  }
  async findIdempotentResponse(accountId: string, key: string): Promise<StoredResponse | undefined> {
    const row = await this.#get<{ request_hash: string; status_code: number; body: string }>(
      'SELECT request_hash, status_code, body FROM idempotency_keys WHERE account_id = $1 AND key = $2', accountId, key);
    return row && { requestHash: row.request_hash, statusCode: row.status_code, body: row.body };
  }
  async getMessage(accountId: string, id: string): Promise<Message | undefined> {
    const row = await this.#get<MessageRow>('SELECT * FROM messages WHERE id = $1 AND account_id = $2', id, accountId);
    return row && toMessage(row);
  }
  async listMessages(q: MessageQuery): Promise<Message[]> {
    const params: unknown[] = [q.accountId];
    const where = ['account_id = $1'];
    const add = (clause: (n: string) => string, value: unknown) => { params.push(value); where.push(clause(`$${params.length}`)); };
    if (q.statuses && q.statuses.length > 0) add((n) => `status = ANY(${n}::text[])`, [...q.statuses]);
    if (q.batchId) add((n) => `batch_id = ${n}`, q.batchId);
    if (q.correlationId) add((n) => `correlation_id = ${n}`, q.correlationId);
    if (q.after) add((n) => `id > ${n}`, q.after);
    params.push(q.limit);
    return (await this.#all<MessageRow>(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}`, ...params)).map(toMessage);
  }
  async getBatch(accountId: string, id: string): Promise<Batch | undefined> {
    const row = await this.#get<{ id: string; account_id: string; route_id: string; total_recipients: number; accepted_recipients: number; created_at: number; scheduled_at: number | null }>(
      'SELECT * FROM batches WHERE id = $1 AND account_id = $2', id, accountId);
    if (!row) return undefined;
    const counts: Batch['counts'] = {};
    for (const c of await this.#all<{ status: Message['status']; n: number }>('SELECT status, COUNT(*) AS n FROM messages WHERE batch_id = $1 GROUP BY status', id)) {
      counts[c.status] = c.n;
    }
    return {
      id: row.id, accountId: row.account_id, routeId: row.route_id, totalRecipients: row.total_recipients,
      acceptedRecipients: row.accepted_recipients, createdAt: row.created_at, scheduledAt: row.scheduled_at, counts,
    };
  }
  async listCampaigns(accountId: string, since: number): Promise<Campaign[]> {
    return (await this.#all<CampaignRow>('SELECT * FROM campaigns WHERE account_id = $1 AND last_shoot_at >= $2 ORDER BY name', accountId, since)).map(toCampaign);
  }
  claimDue(lane: Lane, now: number, limit: number, fence?: Fence): Promise<ClaimedMessage[]> {
    return this.#writer.claimDue(lane, now, limit, fence);
  }
  recordSubmissions(outcomes: readonly SubmissionOutcome[]): Promise<Transition[]> {
    return this.#writer.recordSubmissions(outcomes);
  }
  applyReceipts(receipts: readonly ReceiptUpdate[]): Promise<{ transitions: Transition[]; unmatched: ReceiptUpdate[] }> {
    return this.#writer.applyReceipts(receipts);
  }
  applyParkedReceipts(expiredBefore: number, limit: number): Promise<{ transitions: Transition[]; applied: number; dropped: number; left: number }> {
    return this.#writer.applyParkedReceipts(expiredBefore, limit);
  }
  recoverInDoubt(at: number): Promise<Transition[]> {
    return this.#writer.recoverInDoubt(at);
  }
  async listAwaitingReceipt(after: string | undefined, limit: number): Promise<AwaitingReceipt[]> {
    return (await this.#all<{ id: string; carrier_id: string; recipient: string; expires_at: number }>(
      "SELECT id, carrier_id, recipient, expires_at FROM messages WHERE status = 'SUBMITTED' AND id > $1 ORDER BY id LIMIT $2", after ?? '', limit))
      .map((r) => ({ id: r.id, carrierId: r.carrier_id, recipient: r.recipient, expiresAt: r.expires_at }));
  }
  finishAwaitingReceipt(expiredBefore: number, at: number): Promise<{ transitions: Transition[]; done: boolean }> {
    return this.#writer.finishAwaitingReceipt(expiredBefore, at);
  }
  async purgeIdempotencyKeys(before: number): Promise<number> {
    return this.#run('DELETE FROM idempotency_keys WHERE created_at < $1', before);
  }
  async countWaiting(): Promise<Partial<Record<Lane, number>>> {
    const out: Partial<Record<Lane, number>> = {};
    for (const r of await this.#all<{ lane: Lane; n: number }>("SELECT lane, COUNT(*) AS n FROM messages WHERE status IN ('QUEUED', 'SCHEDULED') GROUP BY lane")) out[r.lane] = r.n;
    return out;
  }
  async nextDueAt(lane: Lane): Promise<number | undefined> {
    return (await this.#get<{ due: number | null }>("SELECT MIN(due_at) AS due FROM messages WHERE lane = $1 AND status IN ('QUEUED', 'SCHEDULED')", lane))?.due ?? undefined;
  }

  async saveConnector(c: StoredConnector): Promise<void> {
    await this.#run(`INSERT INTO connectors (name, settings, password_sealed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, password_sealed = excluded.password_sealed, updated_at = excluded.updated_at`,
    c.connector.name, connectorSettings(c.connector), c.passwordSealed, c.createdAt, c.updatedAt);
  }
  async listConnectors(): Promise<StoredConnector[]> {
    return (await this.#all<ConnectorRow>('SELECT * FROM connectors ORDER BY name')).map(toStoredConnector);
  }
  async removeConnector(name: string): Promise<boolean> {
    return (await this.#run('DELETE FROM connectors WHERE name = $1', name)) > 0;
  }

  async saveConnectorStatus(rows: readonly ConnectorStatusRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#run(`INSERT INTO connector_status (name, node_id, state, updated_at)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
      ON CONFLICT (name) DO UPDATE SET node_id = excluded.node_id, state = excluded.state, updated_at = excluded.updated_at`,
    rows.map((r) => r.name), rows.map((r) => r.nodeId), rows.map((r) => r.state), rows.map((r) => r.at));
  }
  async listConnectorStatus(): Promise<ConnectorStatusRow[]> {
    return (await this.#all<{ name: string; node_id: string; state: string; updated_at: number }>('SELECT * FROM connector_status ORDER BY name'))
      .map((r) => ({ name: r.name, nodeId: r.node_id, state: r.state, at: r.updated_at }));
  }

  cancelMessage(accountId: string, id: string, at: number): Promise<Transition | undefined> {
    return this.#writer.cancelMessage(accountId, id, at);
  }

  async saveSmppUser({ user: u, passwordHash }: StoredSmppUser): Promise<'saved' | 'taken'> {
    const changed = await this.#run(`INSERT INTO smpp_users AS s (system_id, account_id, password_hash, ip_allowlist, max_binds, route, enabled, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (system_id) DO UPDATE SET password_hash = excluded.password_hash, ip_allowlist = excluded.ip_allowlist,
        max_binds = excluded.max_binds, route = excluded.route, enabled = excluded.enabled, updated_at = excluded.updated_at
      WHERE s.account_id = excluded.account_id`,
    u.systemId, u.accountId, passwordHash, JSON.stringify(u.ipAllowlist), u.maxBinds, u.route, u.enabled, u.createdAt, u.updatedAt);
    return changed > 0 ? 'saved' : 'taken';
  }
  async getSmppUser(systemId: string): Promise<StoredSmppUser | undefined> {
    const row = await this.#get<SmppUserRow>('SELECT * FROM smpp_users WHERE system_id = $1', systemId);
    return row && toStoredSmppUser(row);
  }
  async listSmppUsers(accountId?: string): Promise<SmppUser[]> {
    const rows = accountId === undefined
      ? await this.#all<SmppUserRow>('SELECT * FROM smpp_users ORDER BY system_id')
      : await this.#all<SmppUserRow>('SELECT * FROM smpp_users WHERE account_id = $1 ORDER BY system_id', accountId);
    return rows.map((r) => toStoredSmppUser(r).user);
  }
  async removeSmppUser(systemId: string): Promise<boolean> {
    return (await this.#run('DELETE FROM smpp_users WHERE system_id = $1', systemId)) > 0;
  }
  async smppBindLockedUntil(systemId: string, now: number): Promise<number | undefined> {
    return (await this.#get<{ locked_until: number }>('SELECT locked_until FROM smpp_bind_failures WHERE system_id = $1 AND locked_until > $2', systemId, now))?.locked_until;
  }
  async recordSmppBindFailure(systemId: string, at: number, rule: BindLockoutRule): Promise<number | undefined> {
    // The row is locked while counting, so failures on several nodes at once all add up.
    return transaction(this.#pool, async (client) => {
      await client.query('INSERT INTO smpp_bind_failures (system_id, failures, first_at, locked_until) VALUES ($1, 0, $2, 0) ON CONFLICT DO NOTHING', [systemId, at]);
      const { rows } = await client.query<{ failures: number; first_at: number; locked_until: number }>(
        'SELECT failures, first_at, locked_until FROM smpp_bind_failures WHERE system_id = $1 FOR UPDATE', [systemId]);
      const row = rows[0]!;
      const next = afterBindFailure({ failures: row.failures, firstAt: row.first_at, lockedUntil: row.locked_until }, at, rule);
      await client.query('UPDATE smpp_bind_failures SET failures = $2, first_at = $3, locked_until = $4 WHERE system_id = $1',
        [systemId, next.failures, next.firstAt, next.lockedUntil]);
      return next.lockedUntil > at ? next.lockedUntil : undefined;
    });
  }
  async clearSmppBindFailures(systemId: string): Promise<void> {
    await this.#run('DELETE FROM smpp_bind_failures WHERE system_id = $1', systemId);
  }
  async purgeSmppBindFailures(before: number): Promise<number> {
    return this.#run('DELETE FROM smpp_bind_failures WHERE locked_until < $1 AND first_at < $1', before);
  }
  async saveSmppPart(p: SmppPart): Promise<number> {
    const rows = await this.#all<{ n: number }>(
      `WITH saved AS (
         INSERT INTO smpp_parts (system_id, key, sequence, total, body, meta, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (system_id, key, sequence) DO UPDATE SET total = excluded.total, body = excluded.body, meta = excluded.meta
         RETURNING sequence)
       SELECT (SELECT count(*) FROM smpp_parts WHERE system_id = $1 AND key = $2 AND sequence <> $3)::integer + 1 AS n`,
      p.systemId, p.key, p.sequence, p.total, p.body.toString('base64'), p.meta, p.receivedAt);
    return rows[0]?.n ?? 0;
  }
  async listSmppParts(systemId: string, key: string): Promise<SmppPart[]> {
    return (await this.#all<SmppPartRow>('SELECT * FROM smpp_parts WHERE system_id = $1 AND key = $2 ORDER BY sequence', systemId, key)).map(toSmppPart);
  }
  async deleteSmppParts(systemId: string, key: string): Promise<void> {
    await this.#run('DELETE FROM smpp_parts WHERE system_id = $1 AND key = $2', systemId, key);
  }
  async purgeSmppParts(before: number): Promise<number> {
    return this.#run('DELETE FROM smpp_parts WHERE received_at < $1', before);
  }
  async takeSmppReceipts(systemId: string, limit: number, now: number, claimMs: number): Promise<SmppReceipt[]> {
    // SKIP LOCKED: sessions on several nodes claiming at once each get other rows.
    const rows = await this.#all<SmppReceiptRow>(
      `UPDATE smpp_receipts r SET claimed_until = $3 + $4
       FROM (SELECT seq FROM smpp_receipts WHERE system_id = $1 AND claimed_until <= $3 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED) c
       WHERE r.seq = c.seq
       RETURNING r.seq, r.message_id, r.system_id, r.status, r.error_code, r.done_at, r.submitted_at, r.recipient, r.sender`,
      systemId, limit, now, claimMs);
    return rows.map(toSmppReceipt).sort((a, b) => a.seq - b.seq);
  }
  async ackSmppReceipts(seqs: readonly number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    return this.#run('DELETE FROM smpp_receipts WHERE seq = ANY($1::bigint[])', [...seqs]);
  }
  async releaseSmppReceipts(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.#run('UPDATE smpp_receipts SET claimed_until = 0 WHERE seq = ANY($1::bigint[])', [...seqs]);
  }
  async countSmppReceipts(systemId: string): Promise<number> {
    return (await this.#get<{ n: number }>('SELECT count(*)::integer AS n FROM smpp_receipts WHERE system_id = $1', systemId))?.n ?? 0;
  }

  // events and webhooks (postgres-event-store.ts)
  listEvents(query: EventQuery): Promise<StoredEvent[]> { return this.#events.listEvents(query); }
  getEvent(accountId: string, seq: number): Promise<StoredEvent | undefined> { return this.#events.getEvent(accountId, seq); }
  saveWebhookEndpoint(endpoint: StoredWebhookEndpoint): Promise<void> { return this.#events.saveWebhookEndpoint(endpoint); }
  ensureWebhookEndpoint(endpoint: StoredWebhookEndpoint): Promise<StoredWebhookEndpoint> { return this.#events.ensureWebhookEndpoint(endpoint); }
  getWebhookEndpoint(id: string, accountId?: string): Promise<StoredWebhookEndpoint | undefined> { return this.#events.getWebhookEndpoint(id, accountId); }
  listWebhookEndpoints(filter: { accountId?: string; enabledOnly?: boolean }): Promise<StoredWebhookEndpoint[]> { return this.#events.listWebhookEndpoints(filter); }
  removeWebhookEndpoint(accountId: string, id: string, at: number): Promise<boolean> { return this.#events.removeWebhookEndpoint(accountId, id, at); }
  fanOutEvents(limit: number, plan: (events: readonly StoredEvent[]) => NewDelivery[], now: number, options: FanOutOptions = {}): Promise<FanOutResult | 'busy'> {
    return this.#events.fanOutEvents(limit, plan, now, options);
  }
  claimWebhookDeliveries(now: number, limit: number, claimMs: number, excludeEndpoints: readonly string[] = []): Promise<ClaimedDelivery[]> {
    return this.#events.claimWebhookDeliveries(now, limit, claimMs, excludeEndpoints);
  }
  recordWebhookResults(results: readonly DeliveryResult[], now: number, disableFailingAfterMs: number): Promise<Array<{ id: string; accountId: string; reason: string }>> {
    return this.#events.recordWebhookResults(results, now, disableFailingAfterMs);
  }
  listWebhookDeliveries(query: DeliveryQuery): Promise<WebhookDelivery[]> { return this.#events.listWebhookDeliveries(query); }
  listWebhookAttempts(deliveryIds: readonly number[]): Promise<WebhookAttempt[]> { return this.#events.listWebhookAttempts(deliveryIds); }
  redeliverEvent(accountId: string, seq: number, endpoints: ReadonlyArray<{ endpointId: string; url: string | null }>, now: number): Promise<number[]> {
    return this.#events.redeliverEvent(accountId, seq, endpoints, now);
  }
  countPendingDeliveries(): Promise<number> { return this.#events.countPendingDeliveries(); }
  purgeEvents(before: number, limit: number): Promise<number> { return this.#events.purgeEvents(before, limit); }

  // one-time passwords (postgres-otp-store.ts)
  startOtpSession(session: OtpSession, guards: readonly OtpGuardSpec[], now: number, accept?: AcceptRequest): Promise<OtpStartResult> {
    return this.#otp.startOtpSession(session, guards, now, accept);
  }
  reserveOtpResend(accountId: string, sessionId: string, guards: readonly OtpGuardSpec[], cooldownMs: number, now: number,
    send?: { accept: AcceptRequest; channel: OtpChannelName }): Promise<OtpResendResult> {
    return this.#otp.reserveOtpResend(accountId, sessionId, guards, cooldownMs, now, send);
  }
  checkOtp(accountId: string, sessionId: string, now: number, options: OtpCheckOptions): Promise<OtpCheckOutcome | undefined> { return this.#otp.checkOtp(accountId, sessionId, now, options); }
  getOtpSession(accountId: string, sessionId: string): Promise<OtpSession | undefined> { return this.#otp.getOtpSession(accountId, sessionId); }
  expireOtpSessions(now: number, limit: number): Promise<number> { return this.#otp.expireOtpSessions(now, limit); }
  purgeOtp(before: number, now: number, limit: number): Promise<number> { return this.#otp.purgeOtp(before, now, limit); }
  saveOtpChannel(definition: OtpChannelDefinition): Promise<void> { return this.#otp.saveOtpChannel(definition); }
  getOtpChannel(accountId: string, channelId: string): Promise<OtpChannelDefinition | undefined> { return this.#otp.getOtpChannel(accountId, channelId); }
  listOtpChannels(accountId: string): Promise<OtpChannelDefinition[]> { return this.#otp.listOtpChannels(accountId); }
  removeOtpChannel(accountId: string, channelId: string): Promise<boolean> { return this.#otp.removeOtpChannel(accountId, channelId); }
  getOtpPolicy(accountId: string): Promise<OtpPolicy | undefined> { return this.#otp.getOtpPolicy(accountId); }
  saveOtpPolicy(policy: OtpPolicy): Promise<void> { return this.#otp.saveOtpPolicy(policy); }

  // the operator's content patterns (postgres-content-pattern-store.ts)
  listContentPatterns(): Promise<ContentPattern[]> { return this.#contentPatterns.list(); }
  addContentPattern(pattern: ContentPattern, max: number): Promise<AddContentPatternResult> { return this.#contentPatterns.add(pattern, max); }
  removeContentPattern(id: string): Promise<boolean> { return this.#contentPatterns.remove(id); }

  async ensureSetting(key: string, value: string): Promise<string> {
    await this.#run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', key, value);
    return (await this.#get<{ value: string }>('SELECT value FROM settings WHERE key = $1', key))!.value;
  }
  /** PostgreSQL writes a batch's rows set-wise in its accept and never defers any. */
  async expandDeferred(): Promise<Array<{ lane: Lane; count: number }>> {
    return [];
  }
  onWork(listener: (lane: Lane) => void): () => void {
    return this.#work.subscribe(listener);
  }
  async ping(): Promise<void> {
    await this.#all('SELECT 1 AS one');
  }
  // Leases run on the database's clock (dakiya_now_ms), so nodes whose clocks differ still agree.
  async acquireLease(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | undefined> {
    const row = await this.#get<{ token: number; expires_at: number }>(
      `INSERT INTO leases AS l (name, holder, token, expires_at) VALUES ($1, $2, 1, dakiya_now_ms() + $3)
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN l.holder = excluded.holder AND l.expires_at > dakiya_now_ms() THEN l.token ELSE l.token + 1 END,
         holder = excluded.holder, expires_at = excluded.expires_at
       WHERE l.holder = excluded.holder OR l.expires_at <= dakiya_now_ms()
       RETURNING token, expires_at`, name, holder, ttlMs);
    return row && { token: row.token, expiresAt: row.expires_at };
  }
  async releaseLease(name: string, holder: string, token: number): Promise<void> {
    await this.#run('UPDATE leases SET expires_at = 0 WHERE name = $1 AND holder = $2 AND token = $3', name, holder, token);
  }
  async takeRateTokens(key: string, windowStart: number, want: number, limit: number): Promise<{ granted: number; total: number }> {
    const row = await this.#get<{ granted: number; total: number }>('SELECT granted, total FROM dakiya_take_rate_tokens($1, $2, $3, $4)', key, windowStart, want, limit);
    return { granted: row!.granted, total: row!.total };
  }
  async purgeRateWindows(before: number): Promise<number> {
    return this.#run('DELETE FROM rate_windows WHERE window_start < $1', before);
  }
}
