// The campaigns table's row (the same columns on SQLite and PostgreSQL) and its mapping.
import type { Campaign } from './store.ts';

export interface CampaignRow {
  account_id: string; name: string; shoots: number; messages: number; created_at: number; last_shoot_at: number;
}

export function toCampaign(r: CampaignRow): Campaign {
  return { accountId: r.account_id, name: r.name, shoots: Number(r.shoots), messages: Number(r.messages), createdAt: Number(r.created_at), lastShootAt: Number(r.last_shoot_at) };
}
