// What a rejected request must leave untouched, and the one assertion every negative API test
// goes through: exact status, the native error body, and an account state unchanged by it.
import assert from 'node:assert/strict';
import { nativeStatus } from '../../../src/api/dialects/native-v1/native-errors.ts';
import type { ErrorCode } from '../../../src/domain/errors.ts';
import type { TestGateway } from '../../fixtures/test-gateway.ts';

export interface AccountState {
  /** Per route: balance minus every refund so far. Only an accepted request moves it. */
  creditsBeforeRefunds: Record<string, number>;
  /** Ledger entry ids other than refunds (top-ups, adjustments, reserves). */
  ledger: number[];
  messageIds: string[];
}

/**
 * Read through the store port rather than the API, so it works for suspended accounts and revoked
 * keys too. Deliveries of earlier messages may refund credits at any moment, which is why refunds
 * are taken out instead of comparing raw balances. The three reads start in one synchronous run
 * (SQLite answers each before its promise exists), so no refund can fall between them.
 */
export async function accountState(t: TestGateway, accountId: string): Promise<AccountState> {
  const store = t.gateway.core.store;
  const [balances, ledger, messages] = await Promise.all([
    store.getBalances(accountId),
    store.listLedger(accountId, 1000),
    store.listMessages({ accountId, limit: 1000 }),
  ]);
  // A full page would hide what lies beyond it; no test account comes near this.
  if (ledger.length >= 1000 || messages.length >= 1000) throw new Error(`account ${accountId} is too busy for accountState`);
  const refunds = new Map<string, number>();
  for (const e of ledger) if (e.kind === 'refund') refunds.set(e.routeId, (refunds.get(e.routeId) ?? 0) + e.amount);
  return {
    creditsBeforeRefunds: Object.fromEntries(balances.map((b) => [b.routeId, b.balance - (refunds.get(b.routeId) ?? 0)])),
    ledger: ledger.filter((e) => e.kind !== 'refund').map((e) => e.id).sort((a, b) => a - b),
    messageIds: messages.map((m) => m.id),
  };
}

export interface ApiCall {
  method?: string;
  url: string;
  body?: unknown;
  /** Defaults to the fixture account's key; null sends no Authorization header. */
  key?: string | null;
  headers?: Record<string, string>;
  /** Whose state must stay unchanged; defaults to the fixture account. */
  accountId?: string;
}

export interface ErrorBody {
  status: 'error';
  code: number;
  error_code: ErrorCode;
  message: string;
  error_message: string;
  details?: Record<string, any>;
}

const bodyKeys = new Set(['status', 'code', 'error_code', 'message', 'error_message', 'details']);

/** Asserts a response is the native error body for `code` with HTTP `status`. */
export function assertErrorBody(res: { status: number; body: any; headers: Record<string, unknown>; raw: string }, status: number, code: ErrorCode): ErrorBody {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.raw}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.body as ErrorBody;
  assert.equal(body.status, 'error');
  assert.equal(body.code, status);
  assert.equal(body.error_code, code, res.raw);
  assert.equal(nativeStatus[code], status, `native-errors.ts maps ${code} to ${nativeStatus[code]}`);
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  assert.equal(body.error_message, body.message);
  assert.deepEqual(Object.keys(body).filter((k) => !bodyKeys.has(k)), [], `unexpected keys in ${res.raw}`);
  return body;
}

/** Sends the call, asserts it was refused with `status` and `code` in the native error body, and that it changed nothing. */
export async function expectRejection(t: TestGateway, call: ApiCall, status: number, code: ErrorCode): Promise<ErrorBody> {
  const accountId = call.accountId ?? t.account.id;
  const before = await accountState(t, accountId);
  const res = await t.request(call.method ?? (call.body === undefined ? 'GET' : 'POST'), call.url, call.body, {
    ...(call.key !== undefined && { key: call.key }),
    ...(call.headers && { headers: call.headers }),
  });
  const body = assertErrorBody(res, status, code);
  assert.deepEqual(await accountState(t, accountId), before, `${call.method ?? ''} ${call.url} was refused but changed the account`);
  return body;
}

/** For positive calls that must not store or charge anything (estimate, test mode). */
export async function expectNoChange<T>(t: TestGateway, accountId: string, action: () => Promise<T>): Promise<T> {
  const before = await accountState(t, accountId);
  const result = await action();
  assert.deepEqual(await accountState(t, accountId), before);
  return result;
}
