// SMPP users: the system_id/password pairs a customer's ESME binds with to Dakiya's SMPP server,
// one account each, with the rules the server applies to their binds and submissions.
import { DakiyaError } from './errors.ts';

export interface SmppUser {
  /** Unique across the deployment; SMPP 3.4 §5.2.1 caps it at 15 characters (16 octets with the NUL). */
  systemId: string;
  accountId: string;
  /** Client IPs or CIDR blocks allowed to bind; empty = any. Checked before the password. */
  ipAllowlist: string[];
  /** Sessions the account may hold on one node at once. */
  maxBinds: number;
  /** Route id for submissions without a DLT template (with one, the template's category decides). */
  route: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What the store keeps: the user and a keyed hash of the password, never the password. */
export interface StoredSmppUser {
  user: SmppUser;
  passwordHash: string;
}

/** Failed binds per system_id, counted in the store so a lockout holds on every node. */
export interface BindLockoutRule {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

const systemIdPattern = /^[\x21-\x7e]{1,15}$/;

export function validateSystemId(systemId: string): void {
  if (!systemIdPattern.test(systemId)) {
    throw new DakiyaError('ERR_INVALID_REQUEST', 'system_id must be 1-15 printable ASCII characters without spaces (SMPP 3.4 limit)', { field: 'system_id' });
  }
}

export function validateSmppPassword(password: string): void {
  // SMPP 3.4 §5.2.2: a C-octet string of at most 9 octets, so 8 characters.
  if (!/^[\x20-\x7e]{1,8}$/.test(password)) {
    throw new DakiyaError('ERR_INVALID_REQUEST', 'password must be 1-8 printable ASCII characters (SMPP 3.4 limit)', { field: 'password' });
  }
}

export interface BindFailureState {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

/**
 * One more failed bind: failures within the window of the first add up; the one that reaches the
 * limit locks binds for lockMs and starts a fresh count.
 */
export function afterBindFailure(previous: BindFailureState | undefined, at: number, rule: BindLockoutRule): BindFailureState {
  const fresh = previous === undefined || previous.firstAt + rule.windowMs <= at;
  const failures = fresh ? 1 : previous.failures + 1;
  const lockedUntil = previous?.lockedUntil ?? 0;
  if (failures >= rule.maxFailures) return { failures: 0, firstAt: at, lockedUntil: Math.max(lockedUntil, at + rule.lockMs) };
  return { failures, firstAt: fresh ? at : previous.firstAt, lockedUntil };
}
