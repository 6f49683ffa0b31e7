// Inputs a careless or hostile client sends: oversized and mistyped bodies, broken JSON,
// prototype-pollution keys, control characters, broken UTF-16, over-long fields, injection-looking
// text. Each is refused with its catalogue code and changes nothing, or is taken as plain data.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { bulk, transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const json = { 'content-type': 'application/json' };
const intl = { to: '9876543210', sender: 'DAKIYA', template_id: 'T-INTL-1', category: 'transactional' };

test('refuses a send body over 1 MiB with 413 ERR_PAYLOAD_TOO_LARGE', async () => {
  const body = JSON.stringify({ ...transactional(), message: 'x'.repeat(1_100_000) });
  await expectRejection(t, { url: '/v1/sms/send', body, headers: json }, 413, 'ERR_PAYLOAD_TOO_LARGE');
});

test('reads bulk bodies over 1 MiB, up to the bulk limit', async () => {
  const body = JSON.stringify({ ...bulk(['9876543210']), message: 'x'.repeat(1_100_000) });
  // Parsed, then refused by the schema for the message length: not a 413.
  const error = await expectRejection(t, { url: '/v1/sms/bulk', body, headers: json }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'message' });
});

test('refuses a bulk body over 16 MiB with 413 ERR_PAYLOAD_TOO_LARGE', async () => {
  const body = JSON.stringify({ ...bulk(['9876543210']), message: 'x'.repeat(17 * 1024 * 1024) });
  await expectRejection(t, { url: '/v1/sms/bulk', body, headers: json }, 413, 'ERR_PAYLOAD_TOO_LARGE');
});

test('refuses a body that is not application/json with 415 ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
  const body = JSON.stringify(transactional());
  for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
    await expectRejection(t, { url: '/v1/sms/send', body, headers: { 'content-type': type } }, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
  }
});

test('refuses a body without a Content-Type with 415 ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: JSON.stringify(transactional()) }, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
});

test('refuses malformed JSON with 400 ERR_INVALID_JSON', async () => {
  for (const body of ['{"to": "9876543210",', "{'to': '9876543210'}", '{"to": 9876543210}}']) {
    await expectRejection(t, { url: '/v1/sms/send', body, headers: json }, 400, 'ERR_INVALID_JSON');
  }
});

test('refuses an empty body declared as JSON with 400 ERR_INVALID_JSON', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: '', headers: json }, 400, 'ERR_INVALID_JSON');
});

test('refuses JSON that is not an object with 400 ERR_INVALID_REQUEST', async () => {
  for (const body of ['[]', '"send"', 'null', '42']) {
    await expectRejection(t, { url: '/v1/sms/send', body, headers: json }, 400, 'ERR_INVALID_REQUEST');
  }
});

test('refuses a __proto__ key in variables with 400 ERR_INVALID_JSON and pollutes no prototype', async () => {
  const body = `{"to":"9876543210","sender":"DAKIYA","template_id":"T-INTL-1","category":"transactional","variables":{"__proto__":{"polluted":"yes"}}}`;
  await expectRejection(t, { url: '/v1/sms/send', body, headers: json }, 400, 'ERR_INVALID_JSON');
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('refuses a constructor.prototype key with 400 ERR_INVALID_JSON', async () => {
  const body = `{"to":"9876543210","sender":"DAKIYA","template_id":"T-INTL-1","category":"transactional","variables":{"constructor":{"prototype":{"polluted":"yes"}}}}`;
  await expectRejection(t, { url: '/v1/sms/send', body, headers: json }, 400, 'ERR_INVALID_JSON');
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('takes constructor and toString as ordinary variable names', async () => {
  for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
    const res = await t.request('POST', '/v1/sms/send', { ...intl, variables: { [name]: 'Ravi' } });
    assert.equal(res.status, 202, res.raw);
    assert.equal((await t.gateway.core.store.getMessage(t.account.id, res.body.message_id))?.body, 'Hello Ravi');
  }
});

test('refuses a nested object among the variables with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: { ...intl, variables: { name: { first: 'Ravi' } } } }, 400, 'ERR_INVALID_REQUEST');
});

test('refuses more than 50 variables with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: { ...intl, variables: Array.from({ length: 51 }, () => 'x') } }, 400, 'ERR_INVALID_REQUEST');
});

test('refuses control characters in the text with 422 ERR_INVALID_UNICODE', async () => {
  for (const c of ['\u0000', '\u001b', '\u007f', '\u0085']) {
    await expectRejection(t, { url: '/v1/sms/send', body: transactional(`Hi${c}there`) }, 422, 'ERR_INVALID_UNICODE');
  }
});

test('refuses a control character that arrives through a variable with 422 ERR_INVALID_UNICODE', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: { ...intl, variables: ['Ravi\u0000'] } }, 422, 'ERR_INVALID_UNICODE');
});

test('allows line feeds and carriage returns in the text', async () => {
  const res = await t.request('POST', '/v1/sms/send', transactional('Line one\r\nLine two'));
  assert.equal(res.status, 202, res.raw);
});

test('refuses an unpaired surrogate with 422 ERR_INVALID_UNICODE', async () => {
  for (const escaped of ['\\ud83d', '\\ude00', 'a\\ude00\\ud83d']) {
    const body = `{"to":"9876543210","sender":"DAKIYA","template_id":"T-PLAIN-1","category":"transactional","message":"${escaped}"}`;
    await expectRejection(t, { url: '/v1/sms/send', body, headers: json }, 422, 'ERR_INVALID_UNICODE');
  }
});

test('refuses an unpaired surrogate arriving through a variable with 422 ERR_INVALID_UNICODE', async () => {
  const body = `{"to":"9876543210","sender":"DAKIYA","template_id":"T-INTL-1","category":"transactional","variables":["Ravi\\ud83d"]}`;
  await expectRejection(t, { url: '/v1/sms/send', body, headers: json }, 422, 'ERR_INVALID_UNICODE');
});

test('refuses a recipient of 41 or more characters with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectRejection(t, { url: '/v1/sms/send', body: transactional('Hi', '9'.repeat(41)) }, 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'to' });
});

test('refuses a recipient of 33 to 40 characters with 422 ERR_INVALID_MOBILE', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: transactional('Hi', '9'.repeat(40)) }, 422, 'ERR_INVALID_MOBILE');
});

test('refuses a message over 5000 characters with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: transactional('x'.repeat(5001)) }, 400, 'ERR_INVALID_REQUEST');
});

test('refuses a fractional or out-of-range validity_period with 400 ERR_INVALID_REQUEST', async () => {
  for (const validity of [90.5, 2_592_001, '600']) {
    await expectRejection(t, { url: '/v1/sms/send', body: { ...transactional(), validity_period: validity } }, 400, 'ERR_INVALID_REQUEST');
  }
});

test('treats SQL in a filter as a literal value', async () => {
  const res = await t.request('GET', `/v1/messages?correlation_id=${encodeURIComponent("' OR '1'='1")}`);
  assert.equal(res.status, 200, res.raw);
  assert.deepEqual(res.body.messages, []);
});

test('answers broken percent-encoding in the path with 400 ERR_INVALID_REQUEST in the error body', async () => {
  await expectRejection(t, { url: '/v1/messages/%E0%A4%A' }, 400, 'ERR_INVALID_REQUEST');
});
