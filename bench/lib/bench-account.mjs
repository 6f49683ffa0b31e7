// Creates the bench account through the admin API, as an operator would: a huge rate limit and
// balance, sender DAKIYA and one {#var#}-style transactional DLT template.
import { expectStatus, request } from './http-json.mjs';

export const sender = 'DAKIYA';
export const template = {
  template_id: 'BENCH-TXN-1',
  sender,
  category: 'transactional',
  text: 'Dear {#var#}, your order {#num#} has been shipped and will reach you soon. - DAKIYA',
};
/** What every bench message carries: the template and its two variables (52 GSM-7 chars, one segment). */
export const message = { sender, template_id: template.template_id, category: 'transactional', variables: ['Asha', '482913'] };

/** @returns {Promise<{ id: string, apiKey: string }>} */
export async function createBenchAccount(gateway, credits = 100_000_000) {
  const admin = (method, path, body) => request(`${gateway.url}/admin/v1${path}`, { method, body, token: gateway.adminToken });
  const created = expectStatus(await admin('POST', '/accounts', {
    name: 'bench', credits: { transactional: credits }, rate_limit_per_minute: 100_000_000,
  }), 201, 'account create');
  const id = created.account_id;
  expectStatus(await admin('POST', `/accounts/${id}/senders`, { sender }), 201, 'sender add');
  expectStatus(await admin('POST', `/accounts/${id}/templates`, template), 201, 'template add');
  return { id, apiKey: created.api_key };
}

export async function addCredits(gateway, accountId, amount) {
  return expectStatus(await request(`${gateway.url}/admin/v1/accounts/${accountId}/credits`, {
    method: 'POST', token: gateway.adminToken, body: { route: 'transactional', amount, note: 'bench' },
  }), 200, 'credits add');
}

/** `count` distinct valid Indian mobiles (91 + 10 digits starting with 9), from `offset`; avoids the sandbox's magic 9199999000xx block. */
export function indianNumbers(count, offset = 0) {
  const out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = String(919_100_000_000 + offset + i);
  return out;
}

export function bulkBody(numbers, extra = {}) {
  return JSON.stringify({ ...message, ...extra, recipients: numbers.map((to) => ({ to })) });
}
