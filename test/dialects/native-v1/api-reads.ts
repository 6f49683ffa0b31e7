// Reading state back through the /v1 API: a message until it reaches a status, and a balance.
import type { TestGateway } from '../../fixtures/test-gateway.ts';

export async function readMessage(t: TestGateway, id: string, key?: string): Promise<any> {
  const res = await t.request('GET', `/v1/messages/${id}`, undefined, key === undefined ? {} : { key });
  if (res.status !== 200) throw new Error(`GET /v1/messages/${id}: ${res.status} ${res.raw}`);
  return res.body;
}

/** Polls GET /v1/messages/:id until the message has `status` (and, if given, satisfies `also`). */
export function waitForStatus(t: TestGateway, id: string, status: string, options: { key?: string; also?: (m: any) => boolean; timeoutMs?: number } = {}): Promise<any> {
  return t.until(async () => {
    const m = await readMessage(t, id, options.key);
    return m.status === status && (options.also?.(m) ?? true) && m;
  }, options.timeoutMs);
}

export async function creditsOn(t: TestGateway, route: string, key?: string): Promise<number> {
  const res = await t.request('GET', '/v1/account/balance', undefined, key === undefined ? {} : { key });
  const entry = (res.body.balances as Array<{ route: string; credits: number }>).find((b) => b.route === route);
  if (!entry) throw new Error(`no balance on route ${route}: ${res.raw}`);
  return entry.credits;
}
