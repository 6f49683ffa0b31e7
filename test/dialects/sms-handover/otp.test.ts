// Golden request → response pairs for the SMS Handover OTP endpoints (seed 002): send-otp/index and
// verify-otp/index by GET with a query, POST with form fields, POST with a query and POST with
// JSON; every error message the seed's clients can meet on them, byte for byte; and the code
// checked is the one the carrier was handed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { OutboundMessage } from '../../../src/channels/channel.ts';
import { handoverMessages } from '../../../src/api/dialects/sms-handover/handover-errors.ts';
import { errorCatalogue, errorCodes } from '../../../src/domain/errors.ts';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';

const bodyLimit = 16_384;
/** The channel's template: one {#num#}, which the code fills. */
const template = { template_id: 'T-OTP-HO', sender: 'DAKIYA', category: 'otp', text: '{#num#} is your verification code. - DAKIYA' };
const codeIn = (text: string): string => /^(\d+) is your verification code\./.exec(text)?.[1] ?? '';
/** A mobile with the country code, in a number range of its own (the new-range guard counts per range). */
const mobile = (n: number): string => `9198${String(n).padStart(3, '0')}54321`;
const reference = /^\{"result":"success","reference":"[^"]+"\}$/;
const matched = (value: string) => `{"result":"success","match":"${value}"}`;
const failed = (message: string) => `{"result":"error","message":"${message}"}`;

interface Reply { status: number; raw: string; headers: Record<string, unknown> }

describe('SMS Handover OTP endpoints (seed 002)', () => {
  let t: TestGateway;
  let key: string;
  const clock = new TestClock('2026-11-22T10:00:00Z');
  const carrier: OutboundMessage[] = [];

  const call = async (method: string, url: string, body?: { form?: string; json?: unknown; type?: string }, ip?: string): Promise<Reply> => {
    const res = await t.gateway.http.inject({
      method: method as 'GET', url,
      ...(ip !== undefined && { remoteAddress: ip }),
      ...(body?.form !== undefined && { payload: body.form, headers: { 'content-type': body.type ?? 'application/x-www-form-urlencoded' } }),
      ...(body?.json !== undefined && { payload: JSON.stringify(body.json), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.statusCode, raw: res.body, headers: res.headers };
  };
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const sendOtp = (to: string, channel = 'login', k = key) => call('GET', `/send-otp/index?${query({ key: k, channel_id: channel, mobile: to })}`);
  const verifyOtp = (ref: string, otp: string) => call('GET', `/verify-otp/index?${query({ key, reference: ref, otp })}`);
  const referenceOf = (res: Reply): string => {
    assert.equal(res.status, 200, res.raw);
    assert.match(res.raw, reference);
    return JSON.parse(res.raw).reference;
  };
  /** The code in the nth message the carrier was handed for this number. */
  const delivered = async (to: string, nth = 1): Promise<string> => {
    const list = await t.until(async () => { const l = carrier.filter((m) => m.recipient === to); return l.length >= nth && l; });
    const code = codeIn(list[nth - 1]!.body);
    assert.match(code, /^\d{6}$/);
    return code;
  };
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

  async function defineChannels(accountId: string, channels: Record<string, Record<string, unknown>>): Promise<void> {
    const created = await t.admin('POST', `/accounts/${accountId}/templates`, template);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const [id, extra] of Object.entries(channels)) {
      const put = await t.admin('PUT', `/accounts/${accountId}/otp-channels/${id}`, { template_id: template.template_id, sender: 'DAKIYA', ...extra });
      assert.equal(put.status, 200, JSON.stringify(put.body));
    }
  }

  before(async () => {
    t = await startTestGateway({ clock, flags: { 'server.bodyLimitBytes': bodyLimit } });
    key = t.account.apiKey;
    const channel = t.gateway.channel;
    const submit = channel.submit.bind(channel);
    channel.submit = async (messages) => {
      carrier.push(...messages);
      return submit(messages);
    };
    // `x` is the channel id of the seed's own sample URLs.
    await defineChannels(t.account.id, { login: { expiry_seconds: 120 }, x: {} });
  });
  after(async () => t.stop());

  test('GET with a query sends the code and verifies the code the carrier received', async () => {
    const ref = referenceOf(await sendOtp(mobile(1)));
    const code = await delivered(mobile(1));
    assert.equal(carrier.find((m) => m.recipient === mobile(1))!.body, `${code} is your verification code. - DAKIYA`);
    const res = await verifyOtp(ref, code);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.raw, matched('true'));
  });

  test('POST with form fields sends and verifies', async () => {
    const ref = referenceOf(await call('POST', '/send-otp/index', { form: query({ key, channel_id: 'login', mobile: mobile(2) }) }));
    const code = await delivered(mobile(2));
    const res = await call('POST', '/verify-otp/index', { form: query({ key, reference: ref, otp: code }), type: 'application/x-www-form-urlencoded; charset=UTF-8' });
    assert.equal(res.raw, matched('true'));
  });

  test('POST with the parameters in the query string sends and verifies', async () => {
    const ref = referenceOf(await call('POST', `/send-otp/index?${query({ key, channel_id: 'login', mobile: mobile(3) })}`));
    const code = await delivered(mobile(3));
    assert.equal((await call('POST', `/verify-otp/index?${query({ key, reference: ref, otp: code })}`)).raw, matched('true'));
  });

  test('POST may split the parameters between the query string and a form or JSON body', async () => {
    const ref = referenceOf(await call('POST', `/send-otp/index?key=${key}`, { form: query({ channel_id: 'login', mobile: mobile(4) }) }));
    const code = await delivered(mobile(4));
    assert.equal((await call('POST', `/verify-otp/index?key=${key}`, { json: { reference: ref, otp: code } })).raw, matched('true'));
  });

  test('the seed\'s sample URLs work as written, host aside', async () => {
    const ref = referenceOf(await call('GET', `/send-otp/index?key=${key}&channel_id=x&mobile=919887112345`));
    const code = await delivered('919887112345');
    assert.equal((await call('GET', `/verify-otp/index?key=${key}&reference=${ref}&otp=${code}`)).raw, matched('true'));
  });

  test('a mobile written as the native API accepts it (no country code, +91, spaces) is the same number', async () => {
    referenceOf(await sendOtp('9805054321'));
    await delivered('919805054321');
    referenceOf(await sendOtp('+91 98060 54321'));
    await delivered('919806054321');
  });

  test('a wrong code is match false, the right one true, and the right one again expired (single use)', async () => {
    const ref = referenceOf(await sendOtp(mobile(7)));
    const code = await delivered(mobile(7));
    assert.equal((await verifyOtp(ref, wrong(code))).raw, matched('false'));
    assert.equal((await verifyOtp(ref, code)).raw, matched('true'));
    assert.equal((await verifyOtp(ref, code)).raw, matched('expired'));
  });

  test('the right code after the channel\'s expiry is match expired', async () => {
    const ref = referenceOf(await sendOtp(mobile(8)));
    const code = await delivered(mobile(8));
    clock.advance(120_000);
    const res = await verifyOtp(ref, code);
    assert.equal(res.status, 200);
    assert.equal(res.raw, matched('expired'));
  });

  test('the right code after five wrong ones is match expired (locked)', async () => {
    const ref = referenceOf(await sendOtp(mobile(9)));
    const code = await delivered(mobile(9));
    for (let i = 0; i < 5; i++) assert.equal((await verifyOtp(ref, wrong(code))).raw, matched('false'), `attempt ${i + 1}`);
    assert.equal((await verifyOtp(ref, code)).raw, matched('expired'));
  });

  test('a sixth send to one number within ten minutes is a 429 with Retry-After', async () => {
    for (let i = 0; i < 5; i++) referenceOf(await sendOtp(mobile(10)));
    const res = await sendOtp(mobile(10));
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 600, String(res.headers['retry-after']));
    assert.equal(res.raw, failed(`TOO MANY OTP REQUESTS, RETRY AFTER ${retryAfter} SECONDS`));
    await delivered(mobile(10), 5);
    assert.equal(carrier.filter((m) => m.recipient === mobile(10)).length, 5, 'the refused send reached no carrier');
  });

  test('a missing or empty parameter is named in the error', async () => {
    const cases: Array<[string, number, string]> = [
      [`/send-otp/index?${query({ channel_id: 'login', mobile: mobile(11) })}`, 401, 'MISSING API KEY'],
      [`/send-otp/index?${query({ key: '', channel_id: 'login', mobile: mobile(11) })}`, 401, 'MISSING API KEY'],
      [`/send-otp/index?${query({ key, mobile: mobile(11) })}`, 400, 'MISSING CHANNEL ID'],
      [`/send-otp/index?${query({ key, channel_id: 'login' })}`, 400, 'MISSING MOBILE'],
      [`/send-otp/index?${query({ key, channel_id: 'login', mobile: '' })}`, 400, 'MISSING MOBILE'],
      [`/verify-otp/index?${query({ reference: 'r', otp: '123456' })}`, 401, 'MISSING API KEY'],
      [`/verify-otp/index?${query({ key, otp: '123456' })}`, 400, 'MISSING REFERENCE'],
      [`/verify-otp/index?${query({ key, reference: 'r' })}`, 400, 'MISSING OTP'],
    ];
    for (const [url, status, message] of cases) {
      const res = await call('GET', url);
      assert.deepEqual([res.status, res.raw], [status, failed(message)], url);
    }
    assert.equal(carrier.filter((m) => m.recipient === mobile(11)).length, 0);
  });

  test('a bad key, channel, mobile, reference or code is refused with the seed\'s intuitive message', async () => {
    const cases: Array<[string, number, string]> = [
      [`/send-otp/index?${query({ key: 'dk_live_nope', channel_id: 'login', mobile: mobile(12) })}`, 401, 'INVALID API KEY'],
      [`/send-otp/index?${query({ key, channel_id: 'nope', mobile: mobile(12) })}`, 422, 'INVALID CHANNEL ID'],
      [`/send-otp/index?${query({ key, channel_id: 'login', mobile: '12345' })}`, 422, 'INVALID MOBILE NUMBER'],
      [`/send-otp/index?${query({ key, channel_id: 'login', mobile: '+14155550123' })}`, 403, 'OTP NOT ALLOWED TO THIS COUNTRY'],
      [`/verify-otp/index?${query({ key: 'dk_live_nope', reference: 'r', otp: '123456' })}`, 401, 'INVALID API KEY'],
      [`/verify-otp/index?${query({ key, reference: 'DJJD730ND930C993', otp: '909812' })}`, 404, 'INVALID REFERENCE'],
      [`/verify-otp/index?${query({ key, reference: 'DJJD730ND930C993', otp: '90a812' })}`, 400, 'INVALID OTP'],
    ];
    for (const [url, status, message] of cases) {
      const res = await call('GET', url);
      assert.deepEqual([res.status, res.raw], [status, failed(message)], url);
    }
  });

  test('another account\'s reference is an invalid reference', async () => {
    const ref = referenceOf(await sendOtp(mobile(13)));
    const other = await t.createAccount();
    const res = await call('GET', `/verify-otp/index?${query({ key: other.apiKey, reference: ref, otp: await delivered(mobile(13)) })}`);
    assert.deepEqual([res.status, res.raw], [404, failed('INVALID REFERENCE')]);
  });

  test('a parameter given twice is refused, whether in the query, the body or both', async () => {
    const twiceInQuery = await call('GET', `/send-otp/index?key=${key}&channel_id=login&mobile=${mobile(14)}&mobile=${mobile(15)}`);
    assert.deepEqual([twiceInQuery.status, twiceInQuery.raw], [400, failed('MOBILE GIVEN MORE THAN ONCE')]);
    const twiceInBody = await call('POST', '/verify-otp/index', { form: `key=${key}&reference=r&otp=1&otp=2` });
    assert.deepEqual([twiceInBody.status, twiceInBody.raw], [400, failed('OTP GIVEN MORE THAN ONCE')]);
    const queryAndBody = await call('POST', `/send-otp/index?key=${key}`, { form: `key=${key}&channel_id=login&mobile=${mobile(14)}` });
    assert.deepEqual([queryAndBody.status, queryAndBody.raw], [400, failed('API KEY GIVEN MORE THAN ONCE')]);
    assert.equal(carrier.filter((m) => m.recipient === mobile(14) || m.recipient === mobile(15)).length, 0);
  });

  test('a body over the configured limit, of another type, or not an object is refused', async () => {
    const big = await call('POST', '/send-otp/index', { form: `key=${key}&channel_id=login&mobile=${mobile(16)}&pad=${'a'.repeat(bodyLimit)}` });
    assert.deepEqual([big.status, big.raw], [413, failed('REQUEST BODY TOO LARGE')]);
    const text = await call('POST', '/send-otp/index', { form: `key=${key}`, type: 'text/plain' });
    assert.deepEqual([text.status, text.raw], [415, failed('UNSUPPORTED CONTENT TYPE, SEND FORM FIELDS OR JSON')]);
    const list = await call('POST', `/send-otp/index?key=${key}`, { json: [mobile(16)] });
    assert.deepEqual([list.status, list.raw], [400, failed('INVALID REQUEST BODY')]);
    const broken = await call('POST', '/send-otp/index', { form: '{"key":', type: 'application/json' });
    assert.deepEqual([broken.status, broken.raw], [400, failed('INVALID JSON BODY')]);
  });

  test('an account without OTP credits is told its balance is insufficient', async () => {
    const poor = await t.createAccount({ transactional: 0, otp: 0, promotional: 0, international: 0, service_implicit: 0, service_explicit: 0 });
    await defineChannels(poor.id, { login: {} });
    const res = await sendOtp(mobile(17), 'login', poor.apiKey);
    assert.deepEqual([res.status, res.raw], [402, failed('INSUFFICIENT BALANCE')]);
  });

  test('the key\'s IP allowlist and the account\'s rate limit apply as on every other dialect', async () => {
    const fenced = await t.admin('POST', `/accounts/${t.account.id}/keys`, { label: 'office', ip_allowlist: ['10.1.2.3'] });
    assert.equal(fenced.status, 201, JSON.stringify(fenced.body));
    const outside = await call('GET', `/send-otp/index?${query({ key: fenced.body.api_key, channel_id: 'login', mobile: mobile(18) })}`, undefined, '192.0.2.7');
    assert.deepEqual([outside.status, outside.raw], [403, failed('IP ADDRESS NOT ALLOWED FOR THIS API KEY')]);
    const inside = await call('GET', `/send-otp/index?${query({ key: fenced.body.api_key, channel_id: 'login', mobile: mobile(18) })}`, undefined, '10.1.2.3');
    assert.match(inside.raw, reference);

    const created = await t.admin('POST', '/accounts', { name: 'Slow account', rate_limit_per_minute: 2 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const slow = created.body.api_key as string;
    const ask = () => call('GET', `/verify-otp/index?${query({ key: slow, reference: 'r', otp: '123456' })}`);
    assert.equal((await ask()).status, 404);
    assert.equal((await ask()).headers['ratelimit-remaining'], '0');
    const limited = await ask();
    assert.equal(limited.status, 429);
    assert.equal(limited.raw, failed(`TOO MANY REQUESTS, RETRY AFTER ${limited.headers['retry-after']} SECONDS`));
  });

  test('an unknown path or method inside the dialect is a 404 in the seed\'s shape', async () => {
    for (const [method, url] of [['GET', '/send-otp/indexx'], ['POST', '/verify-otp/'], ['GET', '/send-otp'], ['PUT', `/send-otp/index?key=${key}`], ['HEAD', `/send-otp/index?key=${key}&channel_id=login&mobile=${mobile(19)}`]] as const) {
      const res = await call(method, url);
      assert.equal(res.status, 404, `${method} ${url}`);
      if (method !== 'HEAD') assert.equal(res.raw, failed('UNKNOWN ENDPOINT'), `${method} ${url}`);
    }
    assert.equal(carrier.filter((m) => m.recipient === mobile(19)).length, 0, 'HEAD sends nothing');
  });

  test('the reference page lists every catalogue code with its status and this map\'s message', () => {
    const page = readFileSync(new URL('../../../docs/reference/dialects/sms-handover.md', import.meta.url), 'utf8');
    const rows = new Map([...page.matchAll(/^\|\s*`(ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*`([^`]+)`\s*\|$/gm)].map((m) => [m[1]!, [Number(m[2]), m[3]!]]));
    assert.deepEqual([...rows.keys()].sort(), [...errorCodes].sort());
    for (const code of errorCodes) assert.deepEqual(rows.get(code), [errorCatalogue[code].status, handoverMessages[code]], code);
  });
});
