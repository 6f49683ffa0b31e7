// Every way the Techto HTTP API refuses a request: each of the seed's numeric codes (103, 107-110,
// 112, 113) produced for real through the gateway, every other code a request can meet, and hostile
// input (repeated parameters, control characters, a 1 MB message, wrong types and content types),
// each answered in the dialect's error body with the catalogue's status and leaving the account as
// it was (no message, no charge); then every catalogue code rendered through the map, the map's
// shared numbers, and the reference page kept equal to the map.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sharedTechtoCodes, techtoCodes, techtoErrorBody, techtoMessages } from '../../../src/api/dialects/techto-http/techto-errors.ts';
import { DakiyaError, errorCatalogue, errorCodes, type ErrorCode } from '../../../src/domain/errors.ts';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { accountState } from '../native-v1/account-state.ts';
import { type Body, call, query, type Reply, setUpAccount, templates } from './techto-client.ts';

const dnd = ['919800000071', '919800000072'];
const order = (n: string) => `Your order ${n} has shipped. - Techto`;

describe('Techto HTTP API errors', () => {
  let t: TestGateway;
  let account: TestAccount;
  const clock = new TestClock('2026-11-22T11:30:00+05:30');
  /** The catalogue codes some request below met, so the last test can tell which none reached. */
  const reached = new Set<ErrorCode>();

  before(async () => {
    t = await startTestGateway({ clock, flags: { 'server.bulkBodyLimitBytes': 2_000_000, 'bulk.maxRecipients': 5, 'contentFilter.patterns': ['free\\s+money'] } });
    account = await setUpAccount(t);
    assert.equal((await t.admin('POST', '/dnd', { numbers: dnd })).status, 200);
  });
  after(async () => t.stop());

  const base = () => ({ token: account.apiKey, sender: 'TECHTO', number: '9876511111', route: '2', message: order('A1'), templateid: templates.order.template_id });
  const sendUrl = (params: Record<string, string | undefined>) => `/http-api/send?${query(Object.fromEntries(Object.entries({ ...base(), ...params }).filter(([, v]) => v !== undefined)) as Record<string, string>)}`;

  /** Calls, asserts the error body, and that the account's messages, credits and ledger did not move. */
  async function refused(request: { url: string; method?: string; body?: Body; account?: TestAccount }, status: number, code: number, error: ErrorCode, message: string): Promise<Reply> {
    const who = request.account ?? account;
    const beforeState = await accountState(t, who.id);
    const res = await call(t, request.method ?? (request.body ? 'POST' : 'GET'), request.url, request.body);
    assert.equal(res.status, status, `${request.url.slice(0, 200)}: ${res.raw.slice(0, 500)}`);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(Object.keys(res.body), ['status', 'code', 'message', 'error', 'detail', ...(res.body.rejected ? ['rejected'] : [])], res.raw);
    assert.deepEqual([res.body.status, res.body.code, res.body.error, res.body.message], ['error', code, error, message], res.raw.slice(0, 500));
    assert.equal(techtoCodes[error], code);
    assert.equal(typeof res.body.detail, 'string');
    assert.deepEqual(await accountState(t, who.id), beforeState, `refused but changed the account: ${res.raw.slice(0, 300)}`);
    reached.add(error);
    return res;
  }
  const get = (params: Record<string, string | undefined>, extra: Partial<{ account: TestAccount }> = {}) => ({ url: sendUrl(params), ...extra });

  describe('the seed\'s numbers, produced for real', () => {
    test('103: every number invalid, each listed with its reason', async () => {
      const res = await refused(get({ number: '12345,98765' }), 422, 103, 'ERR_INVALID_MOBILE', 'Invalid number');
      assert.deepEqual(res.body.rejected.map((r: any) => [r.number, r.code]), [['12345', 103], ['98765', 103]]);
    });

    test('103: no number sendable for mixed reasons (invalid and DND) is ERR_NO_VALID_RECIPIENTS', async () => {
      const res = await refused(get({ number: `12345,${dnd[0]}`, route: '1', sender: '123456', message: 'Flat 20% off today at Techto', templateid: templates.promo.template_id }), 422, 103, 'ERR_NO_VALID_RECIPIENTS', 'No valid number');
      assert.deepEqual(res.body.rejected.map((r: any) => [r.number, r.code]), [['12345', 103], [dnd[0], 112]]);
    });

    test('107: a text the operator\'s content filter blocks is spam blocked', async () => {
      await refused(get({ message: order('free money') }), 422, 107, 'ERR_CONTENT_BLOCKED', 'Spam blocked');
    });

    test('108: too few credits on the route is low credits, and the detail says how many', async () => {
      const poor = await setUpAccount(t, { transactional: 1 });
      const res = await refused(get({ token: poor.apiKey, number: '9876511112,9876511113' }, { account: poor }), 402, 108, 'ERR_INSUFFICIENT_CREDITS', 'Low credits');
      assert.match(res.body.detail, /2 credits needed, 1 available/);
    });

    test('109: a route number whose route the account lacks has no SMSC', async () => {
      const transOnly = await setUpAccount(t, { transactional: 10 });
      for (const route of ['1', '4', '9']) await refused(get({ token: transOnly.apiKey, route }, { account: transOnly }), 422, 109, 'ERR_ROUTE_NOT_FOUND', 'No SMSC for the route');
    });

    test('110: promotional (route 1) outside 9 AM-9 PM IST', async () => {
      clock.set('2026-11-22T22:30:00+05:30');
      try {
        await refused(get({ route: '1', sender: '123456', message: 'Flat 20% off today at Techto', templateid: templates.promo.template_id }), 422, 110, 'ERR_PROMOTIONAL_WINDOW_CLOSED', 'Promotional SMS only between 9 AM and 9 PM IST');
      } finally {
        clock.set('2026-11-22T11:30:00+05:30');
      }
    });

    test('112: all numbers on the DND registry, each listed', async () => {
      const res = await refused(get({ number: dnd.join(','), route: '1', sender: '123456', message: 'Flat 20% off today at Techto', templateid: templates.promo.template_id }), 422, 112, 'ERR_DND_SUBSCRIBER', 'All numbers are DND');
      assert.deepEqual(res.body.rejected, dnd.map((number) => ({ number, code: 112, message: errorCatalogue.ERR_DND_SUBSCRIBER.message })));
    });

    test('113: an unknown template id, a text not matching it, or no template at all', async () => {
      await refused(get({ templateid: '1207000000000000000' }), 422, 113, 'ERR_TEMPLATE_NOT_FOUND', 'Invalid template ID');
      await refused(get({ message: 'Goodbye' }), 422, 113, 'ERR_DLT_TEMPLATE_MISMATCH', 'Invalid template ID: message does not match the template');
      await refused(get({ message: 'Goodbye', templateid: undefined }), 422, 113, 'ERR_DLT_TEMPLATE_MISMATCH', 'Invalid template ID: message does not match the template');
      await refused(get({ sender: 'NOTMPL', templateid: undefined }), 422, 113, 'ERR_TEMPLATE_REQUIRED', 'Invalid template ID: a DLT template ID is required');
    });
  });

  describe('the other codes a request can meet', () => {
    test('101: no token, an unknown one, or one with white space (not read as another credential)', async () => {
      const res = await refused(get({ token: undefined }), 401, 101, 'ERR_UNAUTHORIZED', 'Missing parameter: token');
      assert.equal(res.body.detail, 'Missing token: pass your API token as the token parameter.');
      await refused(get({ token: 'dk_live_nope' }), 401, 101, 'ERR_UNAUTHORIZED', 'Invalid token');
      await refused({ url: `${sendUrl({ token: `${account.apiKey} x` })}&access_token=${account.apiKey}` }, 401, 101, 'ERR_UNAUTHORIZED', 'Invalid token');
    });

    test('the token is checked before anything else: a bad token with bad parameters is 101', async () => {
      await refused(get({ token: 'dk_live_nope', route: '77', number: undefined }), 401, 101, 'ERR_UNAUTHORIZED', 'Invalid token');
    });

    test('102 and 116: an unregistered or suspended sender ID', async () => {
      await refused(get({ sender: 'NOSUCH' }), 422, 102, 'ERR_SENDER_NOT_REGISTERED', 'Invalid sender ID');
      const other = await setUpAccount(t);
      assert.equal((await t.admin('PATCH', `/accounts/${other.id}/senders/TECHTO`, { status: 'suspended' })).status, 204);
      await refused(get({ token: other.apiKey }, { account: other }), 422, 116, 'ERR_SENDER_SUSPENDED', 'Sender ID suspended');
    });

    test('104: each missing parameter is named', async () => {
      for (const name of ['number', 'sender', 'message'] as const) {
        const res = await refused(get({ [name]: undefined }), 400, 104, 'ERR_INVALID_REQUEST', `Missing parameter: ${name}`);
        assert.equal(res.body.detail, `${name} is required.`);
      }
      await refused(get({ number: ' , ,' }), 400, 104, 'ERR_INVALID_REQUEST', 'Missing parameter: number');
    });

    test('104: malformed route, type, templateid and peid are named', async () => {
      for (const route of ['3', '02', '1.0', 'promo', '-1']) {
        const res = await refused(get({ route }), 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: route');
        assert.match(res.body.detail, /^route must be one of 1 \(Promotional\), 2 \(Transactional\), 4 \(Trans OTP\), 9 \(International\), 10 \(Transactional\)/);
      }
      for (const type of ['0', '4', 'text', '1 ']) await refused(get({ type }), 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: type');
      await refused(get({ templateid: '1207 1612' }), 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: templateid');
      await refused(get({ peid: 'P-1201' }), 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: peid');
      await refused(get({ peid: '1'.repeat(31) }), 400, 104, 'ERR_INVALID_REQUEST', 'Parameter too long: peid');
    });

    test('105 and 106: a text over the cap, or with characters no handset shows', async () => {
      await refused(get({ message: 'a'.repeat(5001) }), 422, 105, 'ERR_MESSAGE_TOO_LONG', 'Message too long');
      await refused(get({ route: '9', number: '+447911123456', templateid: undefined, message: 'a'.repeat(2000) }), 422, 105, 'ERR_MESSAGE_TOO_LONG', 'Message too long');
      await refused(get({ message: order('bell \u0007') }), 422, 106, 'ERR_INVALID_UNICODE', 'Message has characters that cannot be sent');
    });

    test('114 and 115: a suspended template, or one of another route, sender or principal entity', async () => {
      await refused(get({ templateid: templates.otp.template_id, message: 'Your OTP is 1234. - Techto' }), 422, 115, 'ERR_TEMPLATE_CATEGORY_MISMATCH', 'Template is for another route, sender ID or PE ID');
      const registered = { template_id: 'T-PE-1', sender: 'TECHTO', category: 'transactional', text: 'Entity check {#var#}', entity_id: '1201159000000000077' };
      assert.equal((await t.admin('POST', `/accounts/${account.id}/templates`, registered)).status, 201);
      for (const params of [{ templateid: 'T-PE-1' }, { templateid: undefined }]) {
        const res = await refused(get({ ...params, message: 'Entity check one', peid: '1201159000000000099' }), 422, 115, 'ERR_TEMPLATE_CATEGORY_MISMATCH', 'Template is for another route, sender ID or PE ID');
        assert.match(res.body.detail, /T-PE-1 is registered under DLT principal entity 1201159000000000077, not 1201159000000000099/);
      }
      const other = await setUpAccount(t);
      assert.equal((await t.admin('PATCH', `/accounts/${other.id}/templates/${templates.order.template_id}`, { status: 'suspended' })).status, 204);
      await refused(get({ token: other.apiKey }, { account: other }), 422, 114, 'ERR_DLT_TEMPLATE_SUSPENDED', 'Template suspended');
    });

    test('117: more numbers than a request may carry', async () => {
      await refused(get({ number: Array.from({ length: 6 }, (_, i) => `98765111${20 + i}`).join(',') }), 422, 117, 'ERR_TOO_MANY_RECIPIENTS', 'Too many numbers');
    });

    test('118: a schedule that is no time, is not a real date, has passed, or is too far ahead', async () => {
      for (const schedule of ['tomorrow', '2026-02-30 10:00', '2026-11-23 24:00', '2026-11-23T10:00:00', '2026-11-23T10:00:00+15:00', '2026-11-21 10:00', '2027-06-01 10:00']) {
        await refused(get({ schedule }), 422, 118, 'ERR_INVALID_SCHEDULE', 'Invalid schedule time');
      }
    });

    test('119: over the token\'s rate limit, with Retry-After', async () => {
      const created = await t.admin('POST', '/accounts', { name: 'Limited', credits: { transactional: 100 }, rate_limit_per_minute: 1 });
      const limited = { id: created.body.account_id, apiKey: created.body.api_key };
      await call(t, 'GET', `/http-api/credits?token=${limited.apiKey}`);
      const res = await call(t, 'GET', `/http-api/credits?token=${limited.apiKey}`);
      assert.match(String(res.headers['retry-after']), /^\d+$/);
      assert.deepEqual([res.status, res.body.code, res.body.message], [429, 119, `Too many requests, retry after ${res.headers['retry-after']} seconds`]);
      await refused(get({ token: limited.apiKey }, { account: limited }), 429, 119, 'ERR_RATE_LIMIT_EXCEEDED', `Too many requests, retry after ${res.headers['retry-after']} seconds`);
    });

    test('120 and 121: a token outside its IP allowlist, a suspended account', async () => {
      const created = await t.admin('POST', `/accounts/${account.id}/keys`, { ip_allowlist: ['203.0.113.0/24'] });
      assert.equal(created.status, 201);
      await refused(get({ token: created.body.api_key }), 403, 120, 'ERR_IP_NOT_ALLOWED', 'IP address not allowed for this token');
      const suspended = await setUpAccount(t);
      assert.equal((await t.admin('PATCH', `/accounts/${suspended.id}`, { status: 'suspended' })).status, 200);
      await refused(get({ token: suspended.apiKey }, { account: suspended }), 403, 121, 'ERR_ACCOUNT_SUSPENDED', 'Account suspended');
    });

    test('122-124: a body that is not JSON, too large, or of another content type', async () => {
      await refused({ url: '/http-api/send', body: { raw: { payload: '{"token":', contentType: 'application/json' } } }, 400, 122, 'ERR_INVALID_JSON', 'Invalid JSON body');
      await refused({ url: '/http-api/send', body: { form: query({ ...base(), message: 'a'.repeat(2_100_000) }) } }, 413, 123, 'ERR_PAYLOAD_TOO_LARGE', 'Request too large');
      await refused({ url: '/http-api/send', body: { raw: { payload: query(base()), contentType: 'text/plain' } } }, 415, 124, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type, send form fields or JSON');
      await refused({ url: '/http-api/send', body: { raw: { payload: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' } } }, 415, 124, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type, send form fields or JSON');
    });

    test('125: an unknown path or method under /http-api, whoever asks; a dlr without message_id is 104', async () => {
      for (const [method, url] of [['GET', '/http-api/sendsms'], ['GET', '/http-api'], ['POST', '/http-api/credits'], ['DELETE', '/http-api/send'], ['HEAD', sendUrl({})]] as const) {
        const res = await call(t, method, url);
        assert.equal(res.status, 404, `${method} ${url}`);
        if (method !== 'HEAD') assert.deepEqual([res.body.code, res.body.message, res.body.error], [125, 'Unknown endpoint', 'ERR_NOT_FOUND']);
      }
      reached.add('ERR_NOT_FOUND');
      await refused({ url: `/http-api/dlr?token=${account.apiKey}` }, 400, 104, 'ERR_INVALID_REQUEST', 'Missing parameter: message_id');
    });
  });

  describe('hostile input changes nothing', () => {
    test('a parameter given twice, in the query, in the body, or in both, is refused', async () => {
      await refused({ url: `${sendUrl({})}&number=9876511199` }, 400, 104, 'ERR_INVALID_REQUEST', 'Parameter given more than once: number');
      await refused({ url: '/http-api/send', body: { form: `${query(base())}&route=1` } }, 400, 104, 'ERR_INVALID_REQUEST', 'Parameter given more than once: route');
      await refused({ url: `/http-api/send?message=${encodeURIComponent(order('A2'))}`, body: { form: query(base()) } }, 400, 104, 'ERR_INVALID_REQUEST', 'Parameter given more than once: message');
      await refused({ url: '/http-api/send', body: { json: { ...base(), number: ['9876511111', '9876511112'] } } }, 400, 104, 'ERR_INVALID_REQUEST', 'Parameter given more than once: number');
    });

    test('control characters in any parameter but the text are refused by name', async () => {
      for (const [name, value] of [['number', '98765\u000011111'], ['sender', 'TECH\u001bTO'], ['templateid', '1207\u0085161234567890001'], ['route', '2\u0000'], ['schedule', '2026-11-23\u000b10:00']] as const) {
        const res = await refused(get({ [name]: value }), 400, 104, 'ERR_INVALID_REQUEST', `Invalid parameter: ${name}`);
        assert.match(res.body.detail, /contains the control character U\+00(00|1B|85|0B)/);
      }
      await refused(get({ token: `${account.apiKey}\u0000` }), 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: token');
    });

    test('a 1 MB message is refused by its length, unread further', async () => {
      await refused({ url: '/http-api/send', body: { form: query({ ...base(), message: 'x'.repeat(1_048_576) }) } }, 422, 105, 'ERR_MESSAGE_TOO_LONG', 'Message too long');
    });

    test('huge values of short parameters are refused as too long', async () => {
      for (const name of ['sender', 'route', 'type', 'templateid', 'schedule', 'token'] as const) {
        await refused(get({ [name]: '9'.repeat(100_000) }), 400, 104, 'ERR_INVALID_REQUEST', `Parameter too long: ${name}`);
      }
      await refused(get({ number: '9'.repeat(100_000) }), 422, 103, 'ERR_INVALID_MOBILE', 'Invalid number');
      // Several numbers: each refused one is listed, as given.
      const res = await refused(get({ number: `${'9'.repeat(50_000)},${'8'.repeat(50_000)}` }), 422, 103, 'ERR_INVALID_MOBILE', 'Invalid number');
      assert.deepEqual(res.body.rejected.map((r: { number: string; code: number }) => [r.number.length, r.code]), [[50_000, 103], [50_000, 103]]);
    });

    test('wrong JSON types are named: an object, a boolean, a body that is not an object', async () => {
      await refused({ url: '/http-api/send', body: { json: { ...base(), number: { to: '9876511111' } } } }, 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: number');
      await refused({ url: '/http-api/send', body: { json: { ...base(), route: true } } }, 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: route');
      await refused({ url: '/http-api/send', body: { json: { ...base(), route: 2.5 } } }, 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: route');
      await refused({ url: `/http-api/send?token=${account.apiKey}`, body: { json: [base()] } }, 400, 104, 'ERR_INVALID_REQUEST', 'Invalid parameter: body');
    });
  });

  test('every catalogue code renders with the catalogue\'s status, its number and this map\'s message', () => {
    for (const code of errorCodes) {
      const { statusCode, body } = techtoErrorBody(new DakiyaError(code));
      assert.equal(statusCode, errorCatalogue[code].status, code);
      assert.equal(JSON.stringify(body), JSON.stringify({ status: 'error', code: techtoCodes[code], message: techtoMessages[code], error: code, detail: errorCatalogue[code].message }), code);
    }
  });

  test('each number belongs to one catalogue code, except the numbers shared on purpose', () => {
    const byNumber = new Map<number, ErrorCode[]>();
    for (const code of errorCodes) byNumber.set(techtoCodes[code], [...(byNumber.get(techtoCodes[code]) ?? []), code]);
    const shared = Object.fromEntries([...byNumber].filter(([, codes]) => codes.length > 1).map(([n, codes]) => [n, codes.sort()]));
    assert.deepEqual(shared, Object.fromEntries(Object.entries(sharedTechtoCodes).map(([n, codes]) => [n, [...codes].sort()])));
    // The seed's own numbers, as the seed defines them.
    assert.deepEqual([103, 107, 108, 109, 110, 111, 112, 113].map((n) => byNumber.get(n)), [
      ['ERR_INVALID_MOBILE', 'ERR_NO_VALID_RECIPIENTS'], ['ERR_CONTENT_BLOCKED'], ['ERR_INSUFFICIENT_CREDITS'], ['ERR_ROUTE_NOT_FOUND'],
      ['ERR_PROMOTIONAL_WINDOW_CLOSED'], ['ERR_CARRIER_UNAVAILABLE'], ['ERR_DND_SUBSCRIBER'], ['ERR_DLT_TEMPLATE_MISMATCH', 'ERR_TEMPLATE_NOT_FOUND', 'ERR_TEMPLATE_REQUIRED'],
    ]);
  });

  test('the codes no request above reached are those no Techto request can meet', () => {
    assert.deepEqual(errorCodes.filter((c) => !reached.has(c)), [
      'ERR_CONFLICT', 'ERR_WEBHOOK_URL_NOT_ALLOWED', 'ERR_IDEMPOTENCY_KEY_REUSED',
      'ERR_OTP_LIMIT_EXCEEDED', 'ERR_OTP_COUNTRY_NOT_ALLOWED', 'ERR_OTP_CHANNEL_NOT_FOUND', 'ERR_OTP_CHANNEL_UNAVAILABLE', 'ERR_OTP_TEMPLATE_INVALID',
      'ERR_OTP_TEST_MODE_LIVE_KEY', 'ERR_OTP_RESEND_NOT_ALLOWED',
      'ERR_CARRIER_UNAVAILABLE', 'ERR_CARRIER_REJECTED', 'ERR_HANDSET_UNREACHABLE', 'ERR_UNDELIVERED', 'ERR_NUMBER_INACTIVE', 'ERR_MESSAGE_EXPIRED',
      'ERR_DELIVERY_UNKNOWN', 'ERR_CANCELLED', 'ERR_SERVICE_UNAVAILABLE', 'ERR_INTERNAL',
    ]);
  });

  test('the reference page lists exactly the map: number, catalogue code, status and message', () => {
    const page = readFileSync(new URL('../../../docs/reference/dialects/techto-http.md', import.meta.url), 'utf8');
    const rows = [...page.matchAll(/^\|\s*(\d{3})\s*\|\s*`(ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*`([^`]+)`\s*\|$/gm)].map((m) => [m[2]!, Number(m[1]), Number(m[3]), m[4]!] as const);
    assert.deepEqual(rows.map(([code]) => code).sort(), [...errorCodes].sort());
    for (const [code, number, status, message] of rows) {
      assert.deepEqual([number, status, message], [techtoCodes[code as ErrorCode], errorCatalogue[code as ErrorCode].status, techtoMessages[code as ErrorCode]], code);
    }
    const numbers = rows.map(([, n]) => n);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'the table is in number order');
  });
});
