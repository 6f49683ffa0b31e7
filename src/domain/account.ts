// Accounts (the operator's customers), their API keys, sender IDs and DLT templates.
import type { MessageCategory } from './message.ts';
import type { SenderKind } from './sender-id.ts';

export type AccountStatus = 'active' | 'suspended';

export interface Account {
  id: string;
  name: string;
  status: AccountStatus;
  /** Per-key request limit for this account's keys; null = the configured default. */
  rateLimitPerMinute: number | null;
  createdAt: number;
}

export type KeyMode = 'live' | 'test';

export interface ApiKey {
  id: string;
  accountId: string;
  /** Shown in lists so a person can tell keys apart; never enough to use the key. */
  prefix: string;
  label: string;
  mode: KeyMode;
  status: 'active' | 'revoked';
  /** Client IPs or CIDR blocks allowed to use the key; empty = any. */
  ipAllowlist: string[];
  createdAt: number;
  revokedAt: number | null;
}

export interface SenderId {
  accountId: string;
  sender: string;
  kind: SenderKind;
  status: 'active' | 'suspended';
  createdAt: number;
}

export interface DltTemplate {
  accountId: string;
  templateId: string;
  sender: string;
  category: MessageCategory;
  text: string;
  status: 'active' | 'suspended';
  createdAt: number;
  /** The DLT principal entity (PE) id the template is registered under; messages on it are sent under it. */
  entityId?: string | null;
}

/** A DLT principal entity (PE) id, as the DLT platforms issue them: 1-30 digits. */
export function isDltEntityId(value: string): boolean {
  return /^\d{1,30}$/.test(value);
}
