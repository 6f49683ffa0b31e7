// How the Techto HTTP API tests call the gateway: the seed's GET with query parameters, or a POST
// with form fields, JSON or any raw body; and an account with the senders and DLT templates the
// samples need (real-looking 19-digit DLT template ids).
import assert from 'node:assert/strict';
import type { TestAccount, TestGateway } from '../../fixtures/test-gateway.ts';

export interface Reply { status: number; raw: string; body: any; headers: Record<string, unknown> }

export interface Body {
  form?: string;
  json?: unknown;
  /** Sent byte for byte with this Content-Type. */
  raw?: { payload: string; contentType: string };
}

export async function call(t: TestGateway, method: string, url: string, body: Body = {}): Promise<Reply> {
  const res = await t.gateway.http.inject({
    method: method as 'GET', url,
    ...(body.form !== undefined && { payload: body.form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ...(body.json !== undefined && { payload: JSON.stringify(body.json), headers: { 'content-type': 'application/json' } }),
    ...(body.raw !== undefined && { payload: body.raw.payload, headers: { 'content-type': body.raw.contentType } }),
  });
  let parsed: unknown;
  try { parsed = res.body ? JSON.parse(res.body) : undefined; } catch { parsed = undefined; }
  return { status: res.statusCode, raw: res.body, body: parsed, headers: res.headers };
}

export const query = (params: Record<string, string>): string => new URLSearchParams(params).toString();

export const templates = {
  order: { template_id: '1207161234567890001', sender: 'TECHTO', category: 'transactional', text: 'Your order {#var#} has shipped. - Techto' },
  otp: { template_id: '1207161234567890002', sender: 'TECHTO', category: 'otp', text: 'Your OTP is {#num#}. - Techto' },
  promo: { template_id: '1207161234567890003', sender: '123456', category: 'promotional', text: 'Flat {#num#}% off today at Techto' },
  hindi: { template_id: '1207161234567890004', sender: 'TECHTO', category: 'transactional', text: 'नमस्ते {#var#}, आपका ऑर्डर भेज दिया गया है' },
} as const;

export const fullCredits = { promotional: 1000, transactional: 1000, otp: 1000, international: 1000 };

export async function setUpAccount(t: TestGateway, credits: Record<string, number> = fullCredits): Promise<TestAccount> {
  const created = await t.admin('POST', '/accounts', { name: 'Techto account', credits, rate_limit_per_minute: 1_000_000 });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.account_id as string;
  for (const sender of ['TECHTO', '123456', 'NOTMPL']) assert.equal((await t.admin('POST', `/accounts/${id}/senders`, { sender })).status, 201);
  for (const template of Object.values(templates)) assert.equal((await t.admin('POST', `/accounts/${id}/templates`, template)).status, 201);
  return { id, apiKey: created.body.api_key as string };
}

export const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
