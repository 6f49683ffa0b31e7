// How the json-api tests call the gateway: POST /json-api/sms with the seed's apiKey header, and the
// templates the seed's samples need on top of the fixture account's.
import assert from 'node:assert/strict';
import type { TestGateway } from '../../fixtures/test-gateway.ts';

export interface Reply { status: number; raw: string; body: any; headers: Record<string, unknown> }

export interface CallOptions {
  /** The apiKey header; null sends none. Defaults to the fixture account's key. */
  key?: string | null;
  headers?: Record<string, string>;
  url?: string;
  method?: string;
  ip?: string;
}

/** Sends `body` as written (a string goes byte for byte) with Content-Type application/json unless headers say otherwise. */
export async function post(t: TestGateway, body: unknown, options: CallOptions = {}): Promise<Reply> {
  const key = options.key === undefined ? t.account.apiKey : options.key;
  const res = await t.gateway.http.inject({
    method: (options.method ?? 'POST') as 'POST',
    url: options.url ?? '/json-api/sms',
    headers: { 'content-type': 'application/json', ...(key !== null && { apiKey: key }), ...options.headers },
    ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(options.ip !== undefined && { remoteAddress: options.ip }),
  });
  let parsed: unknown;
  try { parsed = res.body ? JSON.parse(res.body) : undefined; } catch { parsed = undefined; }
  return { status: res.statusCode, raw: res.body, body: parsed, headers: res.headers };
}

/** Templates for the seed's sample texts, registered for sender DAKIYA. */
export const seedTemplates = {
  /** "Hello World!" sent as OTP (the fixture's OTP template is for codes). */
  helloOtp: { template_id: 'T-J3-OTP', sender: 'DAKIYA', category: 'otp', text: 'Hello {#var#}' },
  /** Two variables, for `custom: ["var1","var2"]`. */
  twoVariables: { template_id: '1507165650000000001', sender: 'DAKIYA', category: 'transactional', text: 'Dear {#var#}, your reference is {#var#}.' },
} as const;

export async function addSeedTemplates(t: TestGateway, accountId: string): Promise<void> {
  for (const template of Object.values(seedTemplates)) {
    const res = await t.admin('POST', `/accounts/${accountId}/templates`, template);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
}

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Asserts the seed's success envelope byte for byte, ids aside, and returns the id: one data entry
 * per recipient (messageId `<id>:<n>`, n its position in `to`), then the echoed flags.
 */
export function assertSent(res: Reply, recipients: ReadonlyArray<readonly [string, number]>, echo: { unicode?: boolean; flash?: boolean } = {}): string {
  assert.equal(res.status, 200, res.raw);
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  const data = recipients.map(([to, n]) => `\\{"recipient":"${to}","messageId":"\\1:${n}"\\}`).join(',');
  const tail = `${echo.unicode ? '"unicode":1,' : ''}${echo.flash ? '"flash":1,' : ''}"message":"Message Sent Successfully!","error":null`;
  const shape = new RegExp(`^\\{"id":"(${uuid})","data":\\[${data}\\],"totalCount":${recipients.length},${escape(tail)}\\}$`);
  const m = shape.exec(res.raw);
  assert.ok(m, `not the seed's envelope: ${res.raw}`);
  return m[1]!;
}

/** The exact error envelope this dialect answers (the error's own message aside when not given). */
export function assertRefused(res: Reply, status: number, code: string, message: string): any {
  assert.equal(res.status, status, res.raw);
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  assert.deepEqual(Object.keys(res.body), ['id', 'data', 'totalCount', 'message', 'error', ...(res.body.rejected ? ['rejected'] : [])], res.raw);
  assert.equal(res.body.id, null);
  assert.deepEqual(res.body.data, []);
  assert.equal(res.body.totalCount, 0);
  assert.equal(res.body.message, message, res.raw);
  assert.equal(res.body.error.status, status);
  assert.equal(res.body.error.code, code, res.raw);
  assert.equal(typeof res.body.error.message, 'string');
  return res.body;
}
