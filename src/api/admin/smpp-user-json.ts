// An SMPP user as the admin API and the CLI show it (never its password or hash).
import type { SmppUser } from '../../domain/smpp-user.ts';

export function smppUserJson(u: SmppUser): Record<string, unknown> {
  return {
    system_id: u.systemId, account_id: u.accountId, ip_allowlist: u.ipAllowlist, max_binds: u.maxBinds, route: u.route,
    enabled: u.enabled, created_at: new Date(u.createdAt).toISOString(), updated_at: new Date(u.updatedAt).toISOString(),
  };
}
