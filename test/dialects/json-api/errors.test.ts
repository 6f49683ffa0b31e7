// Every way POST /json-api/sms refuses a request: each catalogue code it can meet driven by a real
// request, answered in the seed's envelope with the catalogue's status and this dialect's message,
// and leaving the account as it was (no message, no charge); every other code rendered through the
// map; the reference page kept equal to the map.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { jsonApiErrorBody, jsonApiMessages } from '../../../src/api/dialects/json-api/json-api-errors.ts';
import { DakiyaError, errorCatalogue, errorCodes, type ErrorCode } from '../../../src/domain/errors.ts';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { accountState } from '../native-v1/account-state.ts';
import { assertRefused, type CallOptions, post, type Reply } from './json-api-client.ts';

const trans = (extra: Record<string, unknown> = {}) => ({ sender: 'DAKIYA', to: '919876511111', text: 'Hello World!', type: 'TRANS', ...extra });
const abroad = (extra: Record<string, unknown> = {}) => ({ sender: 'DAKIYA', to: '+447911123456', text: 'Hello World!', type: 'INTL', ...extra });
const promo = (to: string) => ({ sender: '123456', to, templateId: 'T-PROMO-1', custom: ['Asha', '20'], type: 'PROMO' });
const dnd = '919800000077';

describe('json-api errors', () => {
  let t: TestGateway;
  const clock = new TestClock('2026-11-22T06:00:00Z');
  /** Code ↔ the request that met it, so the last test can tell which codes no request reached. */
  const reached = new Set<ErrorCode>();

  before(async () => {
    t = await startTestGateway({ clock, flags: { 'server.bodyLimitBytes': 4096, 'server.bulkBodyLimitBytes': 16_384, 'bulk.maxRecipients': 5, 'contentFilter.patterns': ['free\\s+money'] } });
    assert.equal((await t.admin('POST', '/dnd', { numbers: [dnd] })).status, 200);
  });
  after(async () => t.stop());

  /** Sends, asserts the envelope, and that the account's messages, credits and ledger did not move. */
  async function refused(body: unknown, status: number, code: ErrorCode, message: string, options: CallOptions & { account?: TestAccount } = {}): Promise<Reply> {
    const account = options.account ?? t.account;
    const beforeState = await accountState(t, account.id);
    const res = await post(t, body, { ...options, ...(options.account && options.key === undefined && { key: options.account.apiKey }) });
    assertRefused(res, status, code, message);
    assert.deepEqual(await accountState(t, account.id), beforeState, `refused but changed the account: ${res.raw}`);
    reached.add(code);
    return res;
  }

  test('no apiKey header: 401 Missing API Key', async () => {
    const res = await refused(trans(), 401, 'ERR_UNAUTHORIZED', 'Missing API Key', { key: null });
    assert.deepEqual(res.body.error, { status: 401, code: 'ERR_UNAUTHORIZED', message: 'Missing API key: send it in the apiKey header.', details: { field: 'apiKey' } });
  });

  test('an unknown key: 401 Invalid API Key, before the body is looked at', async () => {
    await refused('{nonsense', 401, 'ERR_UNAUTHORIZED', 'Invalid API Key', { key: 'dk_live_not-a-real-key' });
  });

  test('a key with white space (or the header twice) is refused, not read as another credential', async () => {
    await refused(trans(), 401, 'ERR_UNAUTHORIZED', 'Invalid API Key', { key: `${t.account.apiKey} x`, url: `/json-api/sms?access_token=${t.account.apiKey}` });
  });

  test('apiKey wins over an Authorization header; without apiKey, seed 004\'s Bearer is accepted', async () => {
    await refused(trans(), 401, 'ERR_UNAUTHORIZED', 'Invalid API Key', { key: 'dk_live_wrong', headers: { authorization: `Bearer ${t.account.apiKey}` } });
    const res = await post(t, trans({ to: '919876511112' }), { key: null, headers: { authorization: `Bearer ${t.account.apiKey}` } });
    assert.equal(res.status, 200, res.raw);
  });

  test('a key outside its IP allowlist: 403', async () => {
    const created = await t.admin('POST', `/accounts/${t.account.id}/keys`, { ip_allowlist: ['203.0.113.0/24'] });
    assert.equal(created.status, 201);
    await refused(trans(), 403, 'ERR_IP_NOT_ALLOWED', 'IP Address Not Allowed For This API Key', { key: created.body.api_key });
  });

  test('a suspended account: 403', async () => {
    const account = await t.createAccount();
    assert.equal((await t.admin('PATCH', `/accounts/${account.id}`, { status: 'suspended' })).status, 200);
    await refused(trans(), 403, 'ERR_ACCOUNT_SUSPENDED', 'Account Suspended', { account });
  });

  test('over the key\'s rate limit: 429 with Retry-After, in the envelope', async () => {
    const created = await t.admin('POST', '/accounts', { name: 'Limited', credits: { transactional: 100 }, rate_limit_per_minute: 1 });
    const account = { id: created.body.account_id, apiKey: created.body.api_key };
    await post(t, '{}', { key: account.apiKey });
    const res = await refused(trans(), 429, 'ERR_RATE_LIMIT_EXCEEDED', `Too Many Requests, Retry After ${(await post(t, '{}', { key: account.apiKey })).headers['retry-after']} Seconds`, { account });
    assert.match(String(res.headers['retry-after']), /^\d+$/);
    assert.equal(res.body.error.details.retry_after, Number(res.headers['retry-after']));
    assert.equal(res.headers['ratelimit-limit'], '1');
  });

  test('malformed JSON (not a quoting slip): 400 Invalid JSON Body with the parser\'s reason', async () => {
    const res = await refused('{"sender": "DAKIYA",', 400, 'ERR_INVALID_JSON', 'Invalid JSON Body');
    assert.match(res.body.error.message, /^The body is not valid JSON: /);
  });

  test('an empty body: 400 Invalid JSON Body', async () => {
    await refused('', 400, 'ERR_INVALID_JSON', 'Invalid JSON Body');
  });

  test('JSON that is not an object: 400 Invalid body', async () => {
    await refused('[1,2]', 400, 'ERR_INVALID_REQUEST', 'Invalid body');
  });

  test('a multipart body: 415', async () => {
    await refused('--x\r\n\r\n--x--', 415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content Type, Send JSON', { headers: { 'content-type': 'multipart/form-data; boundary=x' } });
  });

  test('a body over the limit: 413', async () => {
    await refused(trans({ text: 'a'.repeat(20_000) }), 413, 'ERR_PAYLOAD_TOO_LARGE', 'Request Body Too Large');
  });

  test('each missing required field is named', async () => {
    for (const field of ['sender', 'to', 'type', 'text'] as const) {
      const body: Record<string, unknown> = trans();
      delete body[field];
      const res = await refused(body, 400, 'ERR_INVALID_REQUEST', `Missing ${field}`);
      assert.equal(res.body.error.details.field, field);
    }
    await refused(trans({ text: undefined, templateId: 'T-PLAIN-1' }), 400, 'ERR_INVALID_REQUEST', 'Missing custom');
  });

  test('malformed fields are named: an unknown type, a flag that is not 0/1, custom without templateId, a number as templateId', async () => {
    const res = await refused(trans({ type: 'BULK' }), 400, 'ERR_INVALID_REQUEST', 'Invalid type');
    assert.match(res.body.error.message, /TRANS, OTP, PROMO, INTL, SI, SE/);
    await refused(trans({ unicode: 2 }), 400, 'ERR_INVALID_REQUEST', 'Invalid unicode');
    await refused(trans({ flash: 'yes' }), 400, 'ERR_INVALID_REQUEST', 'Invalid flash');
    await refused(trans({ custom: ['x'] }), 400, 'ERR_INVALID_REQUEST', 'Invalid custom');
    await refused(trans({ templateId: 150716565 }), 400, 'ERR_INVALID_REQUEST', 'Invalid templateId');
  });

  test('unknown fields are ignored', async () => {
    assert.equal((await post(t, trans({ to: '919876511113', contentType: 'application/json', campaign: 7 }))).status, 200);
  });

  test('an unknown path or method: 404 Unknown Endpoint, whoever asks', async () => {
    await refused(undefined, 404, 'ERR_NOT_FOUND', 'Unknown Endpoint', { method: 'GET', key: null });
    await refused(trans(), 404, 'ERR_NOT_FOUND', 'Unknown Endpoint', { url: '/json-api/sms/send' });
  });

  test('an Idempotency-Key reused with another body: 422; the same body is replayed, not sent twice', async () => {
    const headers = { 'idempotency-key': 'json-api-1' };
    const first = await post(t, trans({ to: '919876511114' }), { headers });
    const again = await post(t, trans({ to: '919876511114' }), { headers });
    assert.equal(again.raw, first.raw);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    await refused(trans({ to: '919876511115' }), 422, 'ERR_IDEMPOTENCY_KEY_REUSED', 'Idempotency Key Already Used With Another Request', { headers });
  });

  test('the send service\'s refusals of a single send', async () => {
    await refused(trans({ to: '12345' }), 422, 'ERR_INVALID_MOBILE', 'Invalid Mobile Number');
    await refused(trans({ sender: 'NOPE12' }), 422, 'ERR_SENDER_NOT_REGISTERED', 'Sender ID Not Registered');
    await refused(trans({ type: 'SI' }), 422, 'ERR_TEMPLATE_REQUIRED', 'DLT Template Required');
    const missing = await refused(trans({ templateId: 'T-NOPE' }), 422, 'ERR_TEMPLATE_NOT_FOUND', 'Template ID Not Found');
    assert.equal(missing.body.error.details.template_id, 'T-NOPE');
    await refused(trans({ templateId: 'T-INTL-1', text: 'Bye now' }), 422, 'ERR_DLT_TEMPLATE_MISMATCH', 'Message Does Not Match The DLT Template');
    await refused(trans({ templateId: 'T-OTP-1', text: undefined, custom: ['1234', '5'] }), 422, 'ERR_TEMPLATE_CATEGORY_MISMATCH', 'Template Is For Another Type Or Sender ID');
    await refused(promo(dnd), 422, 'ERR_DND_SUBSCRIBER', 'Number Is On DND');
    await refused(abroad({ text: 'bell \u0007' }), 422, 'ERR_INVALID_UNICODE', 'Message Has Characters That Cannot Be Sent');
    await refused(abroad({ text: 'a'.repeat(2000) }), 422, 'ERR_MESSAGE_TOO_LONG', 'Message Too Long');
  });

  test('a text the operator\'s content filter blocks: 422', async () => {
    await refused(abroad({ text: 'Claim FREE money' }), 422, 'ERR_CONTENT_BLOCKED', 'Message Blocked By Content Filter');
  });

  test('a promotional send outside 9 AM-9 PM IST: 422', async () => {
    clock.set('2026-11-22T17:00:00Z');
    try {
      await refused(promo('919876511116'), 422, 'ERR_PROMOTIONAL_WINDOW_CLOSED', 'Promotional SMS Only Between 9 AM And 9 PM IST');
    } finally {
      clock.set('2026-11-22T06:00:00Z');
    }
  });

  test('a suspended sender or template: 422', async () => {
    const account = await t.createAccount();
    assert.equal((await t.admin('PATCH', `/accounts/${account.id}/templates/T-INTL-1`, { status: 'suspended' })).status, 204);
    await refused(trans({ templateId: 'T-INTL-1' }), 422, 'ERR_DLT_TEMPLATE_SUSPENDED', 'DLT Template Suspended', { account });
    assert.equal((await t.admin('PATCH', `/accounts/${account.id}/senders/DAKIYA`, { status: 'suspended' })).status, 204);
    await refused(trans(), 422, 'ERR_SENDER_SUSPENDED', 'Sender ID Suspended', { account });
  });

  test('no credits, or no international route, on the account: 402 and 422', async () => {
    const account = await t.createAccount({ transactional: 0 });
    await refused(trans(), 402, 'ERR_INSUFFICIENT_CREDITS', 'Insufficient Balance', { account });
    await refused(abroad(), 422, 'ERR_ROUTE_NOT_FOUND', 'Route Not Available', { account });
  });

  test('more numbers in to than a request may carry: 422', async () => {
    const to = Array.from({ length: 6 }, (_, i) => `91987651120${i}`).join(',');
    await refused(trans({ to }), 422, 'ERR_TOO_MANY_RECIPIENTS', 'Too Many Recipients');
  });

  test('a bulk send none of whose numbers can be sent to: 422, each listed in rejected by its position', async () => {
    const res = await refused(promo(`12345, ${dnd}`), 422, 'ERR_NO_VALID_RECIPIENTS', 'No Valid Recipients');
    // Each number says why in the service's own words, as in a partly accepted send's `rejected`.
    const invalid = res.body.rejected[0].error.message as string;
    assert.match(invalid, /^Not an Indian mobile number/);
    assert.deepEqual(res.body.rejected, [
      { recipient: '12345', position: 1, error: { code: 'ERR_INVALID_MOBILE', message: invalid } },
      { recipient: dnd, position: 2, error: { code: 'ERR_DND_SUBSCRIBER', message: errorCatalogue.ERR_DND_SUBSCRIBER.message } },
    ]);
  });

  test('a bulk send accepts its valid numbers and lists the others after error, by position', async () => {
    const res = await post(t, trans({ to: '919876511121,12345, 919876511123' }));
    assert.equal(res.status, 200, res.raw);
    const id = res.body.id as string;
    assert.deepEqual(res.body.data, [{ recipient: '919876511121', messageId: `${id}:1` }, { recipient: '919876511123', messageId: `${id}:3` }]);
    assert.equal(res.body.totalCount, 2);
    assert.deepEqual(Object.keys(res.body), ['id', 'data', 'totalCount', 'message', 'error', 'rejected']);
    assert.equal(res.body.error, null);
    assert.deepEqual(res.body.rejected.map((r: any) => [r.recipient, r.position, r.error.code]), [['12345', 2, 'ERR_INVALID_MOBILE']]);
  });

  test('tenants are apart: another account\'s template is unknown, its message unreadable, its send charged to it alone', async () => {
    const other = await t.createAccount();
    assert.equal((await t.admin('POST', `/accounts/${t.account.id}/templates`, { template_id: 'T-ONLY-A', sender: 'DAKIYA', category: 'transactional', text: 'Only {#var#}' })).status, 201);
    await refused(trans({ templateId: 'T-ONLY-A', text: 'Only us' }), 422, 'ERR_TEMPLATE_NOT_FOUND', 'Template ID Not Found', { account: other });
    const mine = await accountState(t, t.account.id);
    const sent = await post(t, trans({ to: '919876511131' }), { key: other.apiKey });
    assert.equal(sent.status, 200, sent.raw);
    assert.deepEqual(await accountState(t, t.account.id), mine);
    assert.equal((await t.request('GET', `/v1/messages/${sent.body.id}`)).status, 404);
    assert.equal((await t.request('GET', `/v1/messages/${sent.body.id}`, undefined, { key: other.apiKey })).status, 200);
  });

  test('a test key validates and prices but sends and charges nothing: the envelope has no ids', async () => {
    const created = await t.admin('POST', `/accounts/${t.account.id}/keys`, { mode: 'test' });
    const beforeState = await accountState(t, t.account.id);
    const res = await post(t, trans({ to: '919876511141, 919876511142' }), { key: created.body.api_key });
    assert.equal(res.raw, '{"id":null,"data":[{"recipient":"919876511141","messageId":null},{"recipient":"919876511142","messageId":null}],"totalCount":2,"message":"Message Sent Successfully!","error":null}');
    assert.deepEqual(await accountState(t, t.account.id), beforeState);
    await refused(trans({ sender: 'NOPE12' }), 422, 'ERR_SENDER_NOT_REGISTERED', 'Sender ID Not Registered', { key: created.body.api_key });
  });

  test('every catalogue code renders in the envelope with its status and this dialect\'s message', () => {
    for (const code of errorCodes) {
      const { statusCode, body } = jsonApiErrorBody(new DakiyaError(code));
      assert.equal(statusCode, errorCatalogue[code].status, code);
      assert.equal(JSON.stringify(body), JSON.stringify({
        id: null, data: [], totalCount: 0, message: jsonApiMessages[code],
        error: { status: errorCatalogue[code].status, code, message: errorCatalogue[code].message },
      }), code);
    }
  });

  test('the codes no request above reached are those this endpoint cannot meet', () => {
    const unreachable = errorCodes.filter((c) => !reached.has(c));
    assert.deepEqual(unreachable, [
      'ERR_CONFLICT', 'ERR_WEBHOOK_URL_NOT_ALLOWED', 'ERR_INVALID_SCHEDULE',
      'ERR_OTP_LIMIT_EXCEEDED', 'ERR_OTP_COUNTRY_NOT_ALLOWED', 'ERR_OTP_CHANNEL_NOT_FOUND', 'ERR_OTP_CHANNEL_UNAVAILABLE', 'ERR_OTP_TEMPLATE_INVALID',
      'ERR_OTP_TEST_MODE_LIVE_KEY', 'ERR_OTP_RESEND_NOT_ALLOWED',
      'ERR_CARRIER_UNAVAILABLE', 'ERR_CARRIER_REJECTED', 'ERR_HANDSET_UNREACHABLE', 'ERR_UNDELIVERED', 'ERR_NUMBER_INACTIVE', 'ERR_MESSAGE_EXPIRED',
      'ERR_DELIVERY_UNKNOWN', 'ERR_CANCELLED', 'ERR_SERVICE_UNAVAILABLE', 'ERR_INTERNAL',
    ]);
  });

  test('the reference page lists every catalogue code with its status and this map\'s message', () => {
    const page = readFileSync(new URL('../../../docs/reference/dialects/json-api.md', import.meta.url), 'utf8');
    const rows = new Map([...page.matchAll(/^\|\s*`(ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*`([^`]+)`\s*\|$/gm)].map((m) => [m[1]!, [Number(m[2]), m[3]!]]));
    assert.deepEqual([...rows.keys()].sort(), [...errorCodes].sort());
    for (const code of errorCodes) assert.deepEqual(rows.get(code), [errorCatalogue[code].status, jsonApiMessages[code]], code);
  });
});
