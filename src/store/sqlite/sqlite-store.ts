// The SQLite implementation of the store port: admin data through plain prepared statements,
// message hot paths through SqliteMessageWriter. Methods are async to honour the port.
import type Database from 'better-sqlite3';
import type { Account, ApiKey, DltTemplate, SenderId } from '../../domain/account.ts';
import type { Lane, Message } from '../../domain/message.ts';
import type { OtpChannelDefinition, OtpChannelName, OtpPolicy, OtpSession } from '../../domain/otp.ts';
import type { Route } from '../../domain/route.ts';
import { afterBindFailure, type BindLockoutRule, type SmppUser, type StoredSmppUser } from '../../domain/smpp-user.ts';
import type {
  Campaign,
  AcceptRequest, AcceptResult, AwaitingReceipt, ClaimedMessage, Balance, Batch, Fence, LeaseGrant, LedgerEntry, MessageQuery, ReceiptUpdate, SendingProfile, Store,
  ConnectorStatusRow, SmppPart, SmppReceipt, StoredConnector, StoredResponse, SubmissionOutcome, Transition,
  ClaimedDelivery, DeliveryQuery, DeliveryResult, EventQuery, FanOutOptions, FanOutResult, NewDelivery, StoredEvent, StoredWebhookEndpoint, WebhookAttempt, WebhookDelivery, OtpCheckOptions, OtpCheckOutcome, OtpGuardSpec, OtpResendResult, OtpStartResult,
} from '../store.ts';
import { SqliteEventStore } from './sqlite-event-store.ts';
import { SqliteOtpStore } from './sqlite-otp-store.ts';
import { SqliteContentPatternStore } from './sqlite-content-pattern-store.ts';
import type { ContentPattern } from '../../domain/content-pattern.ts';
import type { AddContentPatternResult } from '../content-pattern-rows.ts';
import { openSqlite, type SqliteOptions } from './sqlite-database.ts';
import { type PrepareCached, statementCache } from './sqlite-rows.ts';
import type { GroupCommitOptions } from './sqlite-group-commit.ts';
import { SqliteMessageWriter } from './sqlite-message-writer.ts';
import {
  type AccountRow, type ApiKeyRow, type ConnectorRow, connectorSettings, toStoredConnector, type SmppPartRow, toSmppPart, type LedgerRow, type MessageRow, type RouteRow, type SenderRow, type TemplateRow,
  toAccount, toApiKey, toLedgerEntry, toMessage, toRoute, toSender, toTemplate,
  type SmppReceiptRow, type SmppUserRow, toSmppReceipt, toStoredSmppUser,
} from '../store-rows.ts';
import { type CampaignRow, toCampaign } from '../campaign-rows.ts';

export interface SqliteStoreOptions extends SqliteOptions {
  groupCommit: GroupCommitOptions;
  /** A batch of at least this many messages is committed as deferred chunks and fanned out after its 2xx; 0 = never. */
  deferFrom?: number;
}

export class SqliteStore implements Store {
  readonly driver = 'sqlite';
  #db: Database.Database;
  #writer: SqliteMessageWriter;
  #events: SqliteEventStore;
  #otp: SqliteOtpStore;
  #contentPatterns: SqliteContentPatternStore;
  #prepare: PrepareCached;
  #workListeners = new Set<(lane: Lane) => void>();
  #deferListeners = new Set<() => void>();

  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    return new SqliteStore(await openSqlite(options), options.groupCommit, options.deferFrom ?? 0);
  }

  private constructor(db: Database.Database, groupCommit: GroupCommitOptions, deferFrom: number) {
    this.#db = db;
    this.#prepare = statementCache(db);
    this.#writer = new SqliteMessageWriter(db, groupCommit, deferFrom);
    this.#events = new SqliteEventStore(db, this.#prepare);
    this.#otp = new SqliteOtpStore(db, groupCommit, (request) => this.#writer.acceptInTransaction(request));
    this.#contentPatterns = new SqliteContentPatternStore(db, this.#prepare);
  }

  async close(): Promise<void> {
    // Let a pending group commit flush first.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#db.open) this.#db.close();
  }

  #all<R>(sql: string, ...params: unknown[]): R[] {
    return this.#prepare(sql).all(...params) as R[];
  }
  #get<R>(sql: string, ...params: unknown[]): R | undefined {
    return this.#prepare(sql).get(...params) as R | undefined;
  }
  #run(sql: string, ...params: unknown[]): number {
    return this.#prepare(sql).run(...params).changes;
  }

  async createOperatorToken(id: string, hash: string, createdAt: number): Promise<void> {
    this.#run('INSERT INTO operator_tokens (id, hash, created_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING', id, hash, createdAt);
  }
  async hasOperatorToken(hash: string): Promise<boolean> {
    return this.#get('SELECT 1 AS one FROM operator_tokens WHERE hash = ?', hash) !== undefined;
  }
  async countOperatorTokens(): Promise<number> {
    return this.#get<{ n: number }>('SELECT COUNT(*) AS n FROM operator_tokens')?.n ?? 0;
  }

  async createAccount(a: Account): Promise<void> {
    this.#run('INSERT INTO accounts (id, name, status, rate_limit_per_minute, created_at) VALUES (?, ?, ?, ?, ?)',
      a.id, a.name, a.status, a.rateLimitPerMinute, a.createdAt);
  }
  async getAccount(id: string): Promise<Account | undefined> {
    const row = this.#get<AccountRow>('SELECT * FROM accounts WHERE id = ?', id);
    return row && toAccount(row);
  }
  async listAccounts(): Promise<Account[]> {
    return this.#all<AccountRow>('SELECT * FROM accounts ORDER BY created_at, id').map(toAccount);
  }
  async updateAccount(id: string, patch: Partial<Pick<Account, 'name' | 'status' | 'rateLimitPerMinute'>>): Promise<Account | undefined> {
    const current = await this.getAccount(id);
    if (!current) return undefined;
    const next = { ...current, ...patch };
    this.#run('UPDATE accounts SET name = ?, status = ?, rate_limit_per_minute = ? WHERE id = ?', next.name, next.status, next.rateLimitPerMinute, id);
    return next;
  }

  async createApiKey(k: ApiKey, hash: string): Promise<void> {
    this.#run(
      'INSERT INTO api_keys (id, account_id, hash, prefix, label, mode, status, ip_allowlist, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      k.id, k.accountId, hash, k.prefix, k.label, k.mode, k.status, JSON.stringify(k.ipAllowlist), k.createdAt, k.revokedAt);
  }
  async findApiKeyByHash(hash: string): Promise<ApiKey | undefined> {
    const row = this.#get<ApiKeyRow>('SELECT * FROM api_keys WHERE hash = ?', hash);
    return row && toApiKey(row);
  }
  async listApiKeys(accountId: string): Promise<ApiKey[]> {
    return this.#all<ApiKeyRow>('SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, id', accountId).map(toApiKey);
  }
  async revokeApiKey(accountId: string, keyId: string, at: number): Promise<boolean> {
    return this.#run("UPDATE api_keys SET status = 'revoked', revoked_at = ? WHERE id = ? AND account_id = ? AND status = 'active'", at, keyId, accountId) > 0;
  }

  async loadSendingProfile(accountId: string): Promise<SendingProfile | undefined> {
    const account = await this.getAccount(accountId);
    if (!account) return undefined;
    return {
      account,
      routes: await this.listRoutes(),
      enabledRouteIds: this.#all<{ route_id: string }>('SELECT route_id FROM balances WHERE account_id = ?', accountId).map((r) => r.route_id),
      senders: await this.listSenders(accountId),
      templates: await this.listTemplates(accountId),
    };
  }

  async listRoutes(): Promise<Route[]> {
    return this.#all<RouteRow>('SELECT * FROM routes ORDER BY id').map(toRoute);
  }
  async upsertRoute(r: Route): Promise<void> {
    this.#run(
      `INSERT INTO routes (id, category, price_per_segment, refund_on_undelivered, resend_in_doubt, enabled, description)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET category = excluded.category, price_per_segment = excluded.price_per_segment,
         refund_on_undelivered = excluded.refund_on_undelivered, resend_in_doubt = excluded.resend_in_doubt,
         enabled = excluded.enabled, description = excluded.description`,
      r.id, r.category, r.pricePerSegment, r.refundOnUndelivered ? 1 : 0, r.resendInDoubt ? 1 : 0, r.enabled ? 1 : 0, r.description);
  }

  async addCredits(accountId: string, routeId: string, amount: number, kind: 'topup' | 'adjust', note: string, at: number): Promise<number | 'insufficient'> {
    return this.#db.transaction(() => {
      this.#run('INSERT INTO balances (account_id, route_id, balance) VALUES (?, ?, 0) ON CONFLICT DO NOTHING', accountId, routeId);
      if (this.#run('UPDATE balances SET balance = balance + ? WHERE account_id = ? AND route_id = ? AND balance + ? >= 0', amount, accountId, routeId, amount) === 0) {
        return 'insufficient' as const;
      }
      if (amount !== 0) {
        this.#run('INSERT INTO ledger (account_id, route_id, amount, kind, message_id, batch_id, note, created_at) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)',
          accountId, routeId, amount, kind, note, at);
      }
      return this.#get<{ balance: number }>('SELECT balance FROM balances WHERE account_id = ? AND route_id = ?', accountId, routeId)?.balance ?? 0;
    }).immediate();
  }
  async getBalances(accountId: string): Promise<Balance[]> {
    return this.#all<{ route_id: string; balance: number }>('SELECT route_id, balance FROM balances WHERE account_id = ? ORDER BY route_id', accountId)
      .map((r) => ({ routeId: r.route_id, balance: r.balance }));
  }
  async listLedger(accountId: string, limit: number): Promise<LedgerEntry[]> {
    return this.#all<LedgerRow>('SELECT * FROM ledger WHERE account_id = ? ORDER BY id DESC LIMIT ?', accountId, limit).map(toLedgerEntry);
  }

  async addSender(s: SenderId): Promise<void> {
    this.#run('INSERT INTO sender_ids (account_id, sender, kind, status, created_at) VALUES (?, ?, ?, ?, ?)', s.accountId, s.sender, s.kind, s.status, s.createdAt);
  }
  async listSenders(accountId: string): Promise<SenderId[]> {
    return this.#all<SenderRow>('SELECT * FROM sender_ids WHERE account_id = ? ORDER BY sender', accountId).map(toSender);
  }
  async setSenderStatus(accountId: string, sender: string, status: SenderId['status']): Promise<boolean> {
    return this.#run('UPDATE sender_ids SET status = ? WHERE account_id = ? AND sender = ?', status, accountId, sender) > 0;
  }
  async addTemplate(t: DltTemplate): Promise<void> {
    this.#run('INSERT INTO templates (account_id, template_id, sender, category, text, status, created_at, entity_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      t.accountId, t.templateId, t.sender, t.category, t.text, t.status, t.createdAt, t.entityId ?? null);
  }
  async listTemplates(accountId: string): Promise<DltTemplate[]> {
    return this.#all<TemplateRow>('SELECT * FROM templates WHERE account_id = ? ORDER BY template_id', accountId).map(toTemplate);
  }
  async setTemplateStatus(accountId: string, templateId: string, status: DltTemplate['status']): Promise<boolean> {
    return this.#run('UPDATE templates SET status = ? WHERE account_id = ? AND template_id = ?', status, accountId, templateId) > 0;
  }
  async addDnd(msisdns: readonly string[], at: number): Promise<number> {
    const insert = this.#db.prepare('INSERT INTO dnd (msisdn, added_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
    return this.#db.transaction(() => msisdns.reduce((n, m) => n + insert.run(m, at).changes, 0)).immediate();
  }
  async removeDnd(msisdns: readonly string[]): Promise<number> {
    const del = this.#db.prepare('DELETE FROM dnd WHERE msisdn = ?');
    return this.#db.transaction(() => msisdns.reduce((n, m) => n + del.run(m).changes, 0)).immediate();
  }
  async findDnd(msisdns: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    // json_each keeps this one statement however many numbers a bulk request carries.
    const rows = this.#all<{ msisdn: string }>('SELECT msisdn FROM dnd WHERE msisdn IN (SELECT value FROM json_each(?))', JSON.stringify(msisdns));
    for (const r of rows) found.add(r.msisdn);
    return found;
  }

  async accept(request: AcceptRequest): Promise<AcceptResult> {
    const result = await this.#writer.accept(request);
    if (this.#writer.takeDeferred()) for (const listener of this.#deferListeners) listener();
    return result;
  }
  onDeferred(listener: () => void): () => void {
    this.#deferListeners.add(listener);
    return () => this.#deferListeners.delete(listener);
  }
  async expandDeferred(maxChunks: number): Promise<Array<{ lane: Lane; count: number }>> {
    return this.#woke(this.#writer.expandDeferred({ maxChunks }));
  }
  /** Makes the deferred rows of an account's batch, or of all its batches, before they are read. */
  #whole(scope: { accountId: string; batchId?: string }): void {
    this.#woke(this.#writer.expandDeferred(scope));
  }
  #woke(expanded: Array<{ lane: Lane; count: number }>): Array<{ lane: Lane; count: number }> {
    for (const lane of new Set(expanded.map((e) => e.lane))) for (const listener of this.#workListeners) listener(lane);
    return expanded;
  }
  onWork(listener: (lane: Lane) => void): () => void {
    this.#workListeners.add(listener);
    return () => this.#workListeners.delete(listener);
  }
  async findIdempotentResponse(accountId: string, key: string): Promise<StoredResponse | undefined> {
    const row = this.#get<{ request_hash: string; status_code: number; body: string }>(
      'SELECT request_hash, status_code, body FROM idempotency_keys WHERE account_id = ? AND key = ?', accountId, key);
    return row && { requestHash: row.request_hash, statusCode: row.status_code, body: row.body };
  }
  async getMessage(accountId: string, id: string): Promise<Message | undefined> {
    const sql = 'SELECT * FROM messages WHERE id = ? AND account_id = ?';
    let row = this.#get<MessageRow>(sql, id, accountId);
    if (!row) {
      this.#whole({ accountId });
      row = this.#get<MessageRow>(sql, id, accountId);
    }
    return row && toMessage(row);
  }
  async listMessages(q: MessageQuery): Promise<Message[]> {
    this.#whole(q.batchId ? { accountId: q.accountId, batchId: q.batchId } : { accountId: q.accountId });
    const where = ['account_id = ?'];
    const params: unknown[] = [q.accountId];
    if (q.statuses && q.statuses.length > 0) { where.push(`status IN (${q.statuses.map(() => '?').join(',')})`); params.push(...q.statuses); }
    if (q.batchId) { where.push('batch_id = ?'); params.push(q.batchId); }
    if (q.correlationId) { where.push('correlation_id = ?'); params.push(q.correlationId); }
    if (q.after) { where.push('id > ?'); params.push(q.after); }
    params.push(q.limit);
    return this.#all<MessageRow>(`SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`, ...params).map(toMessage);
  }
  async getBatch(accountId: string, id: string): Promise<Batch | undefined> {
    const row = this.#get<{ id: string; account_id: string; route_id: string; total_recipients: number; accepted_recipients: number; created_at: number; scheduled_at: number | null }>(
      'SELECT * FROM batches WHERE id = ? AND account_id = ?', id, accountId);
    if (!row) return undefined;
    this.#whole({ accountId, batchId: id });
    const counts: Batch['counts'] = {};
    for (const c of this.#all<{ status: Message['status']; n: number }>('SELECT status, COUNT(*) AS n FROM messages WHERE batch_id = ? GROUP BY status', id)) {
      counts[c.status] = c.n;
    }
    return {
      id: row.id, accountId: row.account_id, routeId: row.route_id, totalRecipients: row.total_recipients,
      acceptedRecipients: row.accepted_recipients, createdAt: row.created_at, scheduledAt: row.scheduled_at, counts,
    };
  }
  async listCampaigns(accountId: string, since: number): Promise<Campaign[]> {
    return this.#all<CampaignRow>('SELECT * FROM campaigns WHERE account_id = ? AND last_shoot_at >= ? ORDER BY name', accountId, since).map(toCampaign);
  }
  async claimDue(lane: Lane, now: number, limit: number, fence?: Fence): Promise<ClaimedMessage[]> {
    return this.#writer.claimDue(lane, now, limit, fence);
  }
  async recordSubmissions(outcomes: readonly SubmissionOutcome[]): Promise<Transition[]> {
    return this.#writer.recordSubmissions(outcomes);
  }
  async applyReceipts(receipts: readonly ReceiptUpdate[]): Promise<{ transitions: Transition[]; unmatched: ReceiptUpdate[] }> {
    return this.#writer.applyReceipts(receipts);
  }
  async applyParkedReceipts(expiredBefore: number, limit: number): Promise<{ transitions: Transition[]; applied: number; dropped: number; left: number }> {
    return this.#writer.applyParkedReceipts(expiredBefore, limit);
  }
  async recoverInDoubt(at: number): Promise<Transition[]> {
    return this.#writer.recoverInDoubt(at);
  }
  async listAwaitingReceipt(after: string | undefined, limit: number): Promise<AwaitingReceipt[]> {
    return this.#all<{ id: string; carrier_id: string; recipient: string; expires_at: number }>(
      "SELECT id, carrier_id, recipient, expires_at FROM messages WHERE status = 'SUBMITTED' AND id > ? ORDER BY id LIMIT ?", after ?? '', limit)
      .map((r) => ({ id: r.id, carrierId: r.carrier_id, recipient: r.recipient, expiresAt: r.expires_at }));
  }
  async finishAwaitingReceipt(expiredBefore: number, at: number): Promise<{ transitions: Transition[]; done: boolean }> {
    return this.#writer.finishAwaitingReceipt(expiredBefore, at);
  }
  async purgeIdempotencyKeys(before: number): Promise<number> {
    return this.#run('DELETE FROM idempotency_keys WHERE created_at < ?', before);
  }
  async countWaiting(): Promise<Partial<Record<Lane, number>>> {
    const out: Partial<Record<Lane, number>> = {};
    for (const r of this.#all<{ lane: Lane; n: number }>("SELECT lane, COUNT(*) AS n FROM messages WHERE status IN ('QUEUED', 'SCHEDULED') GROUP BY lane")) out[r.lane] = r.n;
    for (const [lane, n] of Object.entries(this.#writer.deferredWaiting()) as Array<[Lane, number]>) out[lane] = (out[lane] ?? 0) + n;
    return out;
  }
  async nextDueAt(lane: Lane): Promise<number | undefined> {
    return this.#writer.nextDueAt(lane);
  }

  async saveConnector(c: StoredConnector): Promise<void> {
    this.#run(`INSERT INTO connectors (name, settings, password_sealed, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, password_sealed = excluded.password_sealed, updated_at = excluded.updated_at`,
    c.connector.name, connectorSettings(c.connector), c.passwordSealed, c.createdAt, c.updatedAt);
  }
  async listConnectors(): Promise<StoredConnector[]> {
    return this.#all<ConnectorRow>('SELECT * FROM connectors ORDER BY name').map(toStoredConnector);
  }
  async removeConnector(name: string): Promise<boolean> {
    return this.#run('DELETE FROM connectors WHERE name = ?', name) > 0;
  }

  async saveConnectorStatus(rows: readonly ConnectorStatusRow[]): Promise<void> {
    const upsert = this.#db.prepare(`INSERT INTO connector_status (name, node_id, state, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET node_id = excluded.node_id, state = excluded.state, updated_at = excluded.updated_at`);
    this.#db.transaction(() => { for (const r of rows) upsert.run(r.name, r.nodeId, r.state, r.at); })();
  }
  async listConnectorStatus(): Promise<ConnectorStatusRow[]> {
    return this.#all<{ name: string; node_id: string; state: string; updated_at: number }>('SELECT * FROM connector_status ORDER BY name')
      .map((r) => ({ name: r.name, nodeId: r.node_id, state: r.state, at: r.updated_at }));
  }

  async cancelMessage(accountId: string, id: string, at: number): Promise<Transition | undefined> {
    this.#whole({ accountId });
    return this.#writer.cancelMessage(accountId, id, at);
  }

  async saveSmppUser({ user: u, passwordHash }: StoredSmppUser): Promise<'saved' | 'taken'> {
    const changed = this.#run(`INSERT INTO smpp_users (system_id, account_id, password_hash, ip_allowlist, max_binds, route, enabled, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (system_id) DO UPDATE SET password_hash = excluded.password_hash, ip_allowlist = excluded.ip_allowlist,
        max_binds = excluded.max_binds, route = excluded.route, enabled = excluded.enabled, updated_at = excluded.updated_at
      WHERE smpp_users.account_id = excluded.account_id`,
    u.systemId, u.accountId, passwordHash, JSON.stringify(u.ipAllowlist), u.maxBinds, u.route, u.enabled ? 1 : 0, u.createdAt, u.updatedAt);
    return changed > 0 ? 'saved' : 'taken';
  }
  async getSmppUser(systemId: string): Promise<StoredSmppUser | undefined> {
    const row = this.#get<SmppUserRow>('SELECT * FROM smpp_users WHERE system_id = ?', systemId);
    return row && toStoredSmppUser(row);
  }
  async listSmppUsers(accountId?: string): Promise<SmppUser[]> {
    const rows = accountId === undefined
      ? this.#all<SmppUserRow>('SELECT * FROM smpp_users ORDER BY system_id')
      : this.#all<SmppUserRow>('SELECT * FROM smpp_users WHERE account_id = ? ORDER BY system_id', accountId);
    return rows.map((r) => toStoredSmppUser(r).user);
  }
  async removeSmppUser(systemId: string): Promise<boolean> {
    return this.#run('DELETE FROM smpp_users WHERE system_id = ?', systemId) > 0;
  }
  async smppBindLockedUntil(systemId: string, now: number): Promise<number | undefined> {
    return this.#get<{ locked_until: number }>('SELECT locked_until FROM smpp_bind_failures WHERE system_id = ? AND locked_until > ?', systemId, now)?.locked_until;
  }
  async recordSmppBindFailure(systemId: string, at: number, rule: BindLockoutRule): Promise<number | undefined> {
    return this.#db.transaction(() => {
      const row = this.#get<{ failures: number; first_at: number; locked_until: number }>('SELECT * FROM smpp_bind_failures WHERE system_id = ?', systemId);
      const next = afterBindFailure(row && { failures: row.failures, firstAt: row.first_at, lockedUntil: row.locked_until }, at, rule);
      this.#run(`INSERT INTO smpp_bind_failures (system_id, failures, first_at, locked_until) VALUES (?, ?, ?, ?)
        ON CONFLICT (system_id) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, locked_until = excluded.locked_until`,
      systemId, next.failures, next.firstAt, next.lockedUntil);
      return next.lockedUntil > at ? next.lockedUntil : undefined;
    }).immediate();
  }
  async clearSmppBindFailures(systemId: string): Promise<void> {
    this.#run('DELETE FROM smpp_bind_failures WHERE system_id = ?', systemId);
  }
  async purgeSmppBindFailures(before: number): Promise<number> {
    return this.#run('DELETE FROM smpp_bind_failures WHERE locked_until < ? AND first_at < ?', before, before);
  }
  async saveSmppPart(p: SmppPart): Promise<number> {
    return this.#db.transaction(() => {
      this.#run(`INSERT INTO smpp_parts (system_id, key, sequence, total, body, meta, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (system_id, key, sequence) DO UPDATE SET total = excluded.total, body = excluded.body, meta = excluded.meta`,
      p.systemId, p.key, p.sequence, p.total, p.body.toString('base64'), p.meta, p.receivedAt);
      return this.#get<{ n: number }>('SELECT count(*) AS n FROM smpp_parts WHERE system_id = ? AND key = ?', p.systemId, p.key)?.n ?? 0;
    }).immediate();
  }
  async listSmppParts(systemId: string, key: string): Promise<SmppPart[]> {
    return this.#all<SmppPartRow>('SELECT * FROM smpp_parts WHERE system_id = ? AND key = ? ORDER BY sequence', systemId, key).map(toSmppPart);
  }
  async deleteSmppParts(systemId: string, key: string): Promise<void> {
    this.#run('DELETE FROM smpp_parts WHERE system_id = ? AND key = ?', systemId, key);
  }
  async purgeSmppParts(before: number): Promise<number> {
    return this.#run('DELETE FROM smpp_parts WHERE received_at < ?', before);
  }
  async takeSmppReceipts(systemId: string, limit: number, now: number, claimMs: number): Promise<SmppReceipt[]> {
    return this.#all<SmppReceiptRow>(
      `UPDATE smpp_receipts SET claimed_until = ? WHERE seq IN (
         SELECT seq FROM smpp_receipts WHERE system_id = ? AND claimed_until <= ? ORDER BY seq LIMIT ?
       ) RETURNING seq, message_id, system_id, status, error_code, done_at, submitted_at, recipient, sender`,
      now + claimMs, systemId, now, limit).map(toSmppReceipt).sort((a, b) => a.seq - b.seq);
  }
  async ackSmppReceipts(seqs: readonly number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    return this.#run('DELETE FROM smpp_receipts WHERE seq IN (SELECT value FROM json_each(?))', JSON.stringify(seqs));
  }
  async releaseSmppReceipts(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    this.#run('UPDATE smpp_receipts SET claimed_until = 0 WHERE seq IN (SELECT value FROM json_each(?))', JSON.stringify(seqs));
  }
  async countSmppReceipts(systemId: string): Promise<number> {
    return this.#get<{ n: number }>('SELECT count(*) AS n FROM smpp_receipts WHERE system_id = ?', systemId)?.n ?? 0;
  }

  // events and webhooks (sqlite-event-store.ts)
  async listEvents(query: EventQuery): Promise<StoredEvent[]> { return this.#events.listEvents(query); }
  async getEvent(accountId: string, seq: number): Promise<StoredEvent | undefined> { return this.#events.getEvent(accountId, seq); }
  async saveWebhookEndpoint(endpoint: StoredWebhookEndpoint): Promise<void> { this.#events.saveWebhookEndpoint(endpoint); }
  async ensureWebhookEndpoint(endpoint: StoredWebhookEndpoint): Promise<StoredWebhookEndpoint> { return this.#events.ensureWebhookEndpoint(endpoint); }
  async getWebhookEndpoint(id: string, accountId?: string): Promise<StoredWebhookEndpoint | undefined> { return this.#events.getWebhookEndpoint(id, accountId); }
  async listWebhookEndpoints(filter: { accountId?: string; enabledOnly?: boolean }): Promise<StoredWebhookEndpoint[]> { return this.#events.listWebhookEndpoints(filter); }
  async removeWebhookEndpoint(accountId: string, id: string, at: number): Promise<boolean> { return this.#events.removeWebhookEndpoint(accountId, id, at); }
  async fanOutEvents(limit: number, plan: (events: readonly StoredEvent[]) => NewDelivery[], now: number, options: FanOutOptions = {}): Promise<FanOutResult> {
    return this.#events.fanOutEvents(limit, plan, now, options);
  }
  async claimWebhookDeliveries(now: number, limit: number, claimMs: number, excludeEndpoints: readonly string[] = []): Promise<ClaimedDelivery[]> {
    return this.#events.claimWebhookDeliveries(now, limit, claimMs, excludeEndpoints);
  }
  async recordWebhookResults(results: readonly DeliveryResult[], now: number, disableFailingAfterMs: number): Promise<Array<{ id: string; accountId: string; reason: string }>> {
    return this.#events.recordWebhookResults(results, now, disableFailingAfterMs);
  }
  async listWebhookDeliveries(query: DeliveryQuery): Promise<WebhookDelivery[]> { return this.#events.listWebhookDeliveries(query); }
  async listWebhookAttempts(deliveryIds: readonly number[]): Promise<WebhookAttempt[]> { return this.#events.listWebhookAttempts(deliveryIds); }
  async redeliverEvent(accountId: string, seq: number, endpoints: ReadonlyArray<{ endpointId: string; url: string | null }>, now: number): Promise<number[]> {
    return this.#events.redeliverEvent(accountId, seq, endpoints, now);
  }
  async countPendingDeliveries(): Promise<number> { return this.#events.countPendingDeliveries(); }
  async purgeEvents(before: number, limit: number): Promise<number> { return this.#events.purgeEvents(before, limit); }

  // one-time passwords
  startOtpSession(session: OtpSession, guards: readonly OtpGuardSpec[], now: number, accept?: AcceptRequest): Promise<OtpStartResult> {
    return this.#otp.startOtpSession(session, guards, now, accept);
  }
  reserveOtpResend(accountId: string, sessionId: string, guards: readonly OtpGuardSpec[], cooldownMs: number, now: number,
    send?: { accept: AcceptRequest; channel: OtpChannelName }): Promise<OtpResendResult> {
    return this.#otp.reserveOtpResend(accountId, sessionId, guards, cooldownMs, now, send);
  }
  checkOtp(accountId: string, sessionId: string, now: number, options: OtpCheckOptions): Promise<OtpCheckOutcome | undefined> { return this.#otp.checkOtp(accountId, sessionId, now, options); }
  async getOtpSession(accountId: string, sessionId: string): Promise<OtpSession | undefined> { return this.#otp.getOtpSession(accountId, sessionId); }
  expireOtpSessions(now: number, limit: number): Promise<number> { return this.#otp.expireOtpSessions(now, limit); }
  async purgeOtp(before: number, now: number, limit: number): Promise<number> { return this.#otp.purgeOtp(before, now, limit); }
  async saveOtpChannel(definition: OtpChannelDefinition): Promise<void> { this.#otp.saveOtpChannel(definition); }
  async getOtpChannel(accountId: string, channelId: string): Promise<OtpChannelDefinition | undefined> { return this.#otp.getOtpChannel(accountId, channelId); }
  async listOtpChannels(accountId: string): Promise<OtpChannelDefinition[]> { return this.#otp.listOtpChannels(accountId); }
  async removeOtpChannel(accountId: string, channelId: string): Promise<boolean> { return this.#otp.removeOtpChannel(accountId, channelId); }
  async getOtpPolicy(accountId: string): Promise<OtpPolicy | undefined> { return this.#otp.getOtpPolicy(accountId); }
  async saveOtpPolicy(policy: OtpPolicy): Promise<void> { this.#otp.saveOtpPolicy(policy); }

  // the operator's content patterns (sqlite-content-pattern-store.ts)
  async listContentPatterns(): Promise<ContentPattern[]> { return this.#contentPatterns.list(); }
  async addContentPattern(pattern: ContentPattern, max: number): Promise<AddContentPatternResult> { return this.#contentPatterns.add(pattern, max); }
  async removeContentPattern(id: string): Promise<boolean> { return this.#contentPatterns.remove(id); }

  async ensureSetting(key: string, value: string): Promise<string> {
    this.#run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', key, value);
    return this.#get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)!.value;
  }
  async ping(): Promise<void> {
    this.#get('SELECT 1 AS one');
  }
  // Leases use the wall clock: every process on one SQLite file shares the machine's.
  async acquireLease(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | undefined> {
    const now = Date.now();
    const row = this.#get<{ token: number; expires_at: number }>(
      `INSERT INTO leases (name, holder, token, expires_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > ? THEN leases.token ELSE leases.token + 1 END,
         holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
       RETURNING token, expires_at`, name, holder, now + ttlMs, now, now);
    return row && { token: row.token, expiresAt: row.expires_at };
  }
  async releaseLease(name: string, holder: string, token: number): Promise<void> {
    this.#run('UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ?', name, holder, token);
  }
  async takeRateTokens(key: string, windowStart: number, want: number, limit: number): Promise<{ granted: number; total: number }> {
    return this.#db.transaction(() => {
      this.#run('INSERT INTO rate_windows (key_id, window_start, count) VALUES (?, ?, 0) ON CONFLICT DO NOTHING', key, windowStart);
      const taken = this.#get<{ count: number }>('SELECT count FROM rate_windows WHERE key_id = ? AND window_start = ?', key, windowStart)!.count;
      const granted = Math.max(0, Math.min(want, limit - taken));
      if (granted > 0) this.#run('UPDATE rate_windows SET count = count + ? WHERE key_id = ? AND window_start = ?', granted, key, windowStart);
      return { granted, total: taken + granted };
    }).immediate();
  }
  async purgeRateWindows(before: number): Promise<number> {
    return this.#run('DELETE FROM rate_windows WHERE window_start < ?', before);
  }
}
