// Row shapes of the store tables (the same columns on SQLite and PostgreSQL) and their mapping to
// domain objects. Flags arrive as 0/1 from SQLite and as booleans from PostgreSQL.
import type { Account, ApiKey, DltTemplate, SenderId } from '../domain/account.ts';
import type { Message } from '../domain/message.ts';
import type { Route } from '../domain/route.ts';
import type { Connector } from '../domain/connector.ts';
import type { StoredSmppUser } from '../domain/smpp-user.ts';
import type { LedgerEntry, SmppPart, SmppReceipt, StoredConnector } from './store.ts';

export interface MessageRow {
  id: string; account_id: string; batch_id: string | null; route_id: string; category: string; lane: string;
  recipient: string; sender: string; body: string; template_id: string | null; encoding: string; segments: number;
  flash: number | boolean; credits: number; status: string; error_code: string | null; correlation_id: string | null;
  due_at: number; scheduled_at: number | null; expires_at: number; created_at: number; submitted_at: number | null; done_at: number | null;
  carrier_id: string | null; attempts: number;
}

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id, accountId: r.account_id, batchId: r.batch_id, routeId: r.route_id,
    category: r.category as Message['category'], lane: r.lane as Message['lane'], recipient: r.recipient,
    sender: r.sender, body: r.body, templateId: r.template_id, encoding: r.encoding as Message['encoding'],
    segments: r.segments, flash: Boolean(r.flash), credits: r.credits, status: r.status as Message['status'],
    errorCode: r.error_code, correlationId: r.correlation_id, dueAt: r.due_at, scheduledAt: r.scheduled_at, expiresAt: r.expires_at,
    createdAt: r.created_at, submittedAt: r.submitted_at, doneAt: r.done_at, carrierId: r.carrier_id, attempts: r.attempts,
  };
}

export interface AccountRow { id: string; name: string; status: string; rate_limit_per_minute: number | null; created_at: number }
export function toAccount(r: AccountRow): Account {
  return { id: r.id, name: r.name, status: r.status as Account['status'], rateLimitPerMinute: r.rate_limit_per_minute, createdAt: r.created_at };
}

export interface ApiKeyRow {
  id: string; account_id: string; prefix: string; label: string; mode: string; status: string;
  ip_allowlist: string; created_at: number; revoked_at: number | null;
}
export function toApiKey(r: ApiKeyRow): ApiKey {
  return {
    id: r.id, accountId: r.account_id, prefix: r.prefix, label: r.label, mode: r.mode as ApiKey['mode'],
    status: r.status as ApiKey['status'], ipAllowlist: JSON.parse(r.ip_allowlist) as string[],
    createdAt: r.created_at, revokedAt: r.revoked_at,
  };
}

export interface RouteRow {
  id: string; category: string; price_per_segment: number; refund_on_undelivered: number | boolean;
  resend_in_doubt: number | boolean; enabled: number | boolean; description: string;
}
export function toRoute(r: RouteRow): Route {
  return {
    id: r.id, category: r.category as Route['category'], pricePerSegment: r.price_per_segment,
    refundOnUndelivered: Boolean(r.refund_on_undelivered), resendInDoubt: Boolean(r.resend_in_doubt),
    enabled: Boolean(r.enabled), description: r.description,
  };
}

export interface SenderRow { account_id: string; sender: string; kind: string; status: string; created_at: number }
export function toSender(r: SenderRow): SenderId {
  return { accountId: r.account_id, sender: r.sender, kind: r.kind as SenderId['kind'], status: r.status as SenderId['status'], createdAt: r.created_at };
}

export interface TemplateRow { account_id: string; template_id: string; sender: string; category: string; text: string; status: string; created_at: number; entity_id: string | null }
export function toTemplate(r: TemplateRow): DltTemplate {
  return {
    accountId: r.account_id, templateId: r.template_id, sender: r.sender, category: r.category as DltTemplate['category'],
    text: r.text, status: r.status as DltTemplate['status'], createdAt: r.created_at, entityId: r.entity_id ?? null,
  };
}

export interface LedgerRow {
  id: number; account_id: string; route_id: string; amount: number; kind: string;
  message_id: string | null; batch_id: string | null; note: string; created_at: number;
}
export function toLedgerEntry(r: LedgerRow): LedgerEntry {
  return {
    id: r.id, accountId: r.account_id, routeId: r.route_id, amount: r.amount, kind: r.kind as LedgerEntry['kind'],
    messageId: r.message_id, batchId: r.batch_id, note: r.note, createdAt: r.created_at,
  };
}

export interface ConnectorRow { name: string; settings: string; password_sealed: string; created_at: number; updated_at: number }
export function toStoredConnector(r: ConnectorRow): StoredConnector {
  return { connector: { ...JSON.parse(r.settings) as Connector, name: r.name }, passwordSealed: r.password_sealed, createdAt: r.created_at, updatedAt: r.updated_at };
}
/** The settings column: the connector without its name (the key). */
export function connectorSettings(c: Connector): string {
  const { name: _name, ...settings } = c;
  return JSON.stringify(settings);
}

export interface SmppUserRow {
  system_id: string; account_id: string; password_hash: string; ip_allowlist: string; max_binds: number; route: string;
  enabled: number | boolean; created_at: number; updated_at: number;
}
export function toStoredSmppUser(r: SmppUserRow): StoredSmppUser {
  return {
    user: {
      systemId: r.system_id, accountId: r.account_id, ipAllowlist: JSON.parse(r.ip_allowlist) as string[], maxBinds: r.max_binds,
      route: r.route, enabled: Boolean(r.enabled), createdAt: r.created_at, updatedAt: r.updated_at,
    },
    passwordHash: r.password_hash,
  };
}

export interface SmppReceiptRow {
  seq: number; message_id: string; system_id: string; status: string; error_code: string | null; done_at: number;
  submitted_at: number; recipient: string; sender: string;
}
export function toSmppReceipt(r: SmppReceiptRow): SmppReceipt {
  return {
    seq: r.seq, messageId: r.message_id, systemId: r.system_id, status: r.status as SmppReceipt['status'], errorCode: r.error_code,
    doneAt: r.done_at, submittedAt: r.submitted_at, recipient: r.recipient, sender: r.sender,
  };
}

export interface SmppPartRow { system_id: string; key: string; sequence: number; total: number; body: string; meta: string; received_at: number }
export function toSmppPart(r: SmppPartRow): SmppPart {
  return { systemId: r.system_id, key: r.key, sequence: r.sequence, total: r.total, body: Buffer.from(r.body, 'base64'), meta: r.meta, receivedAt: r.received_at };
}
