// Golden request → response pairs for the Techto HTTP API (seed 000): sends on each route number
// and message type, to one number and many, scheduled and with a test token; the balance per route;
// and the delivery report by the batch's or one message's id once the sandbox carrier has answered.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { call, query, type Reply, setUpAccount, templates, uuid } from './techto-client.ts';

const order = (n: string) => `Your order ${n} has shipped. - Techto`;

describe('Techto HTTP API: send, credits, dlr', () => {
  let t: TestGateway;
  let account: TestAccount;
  // 11:30 IST: inside the promotional window.
  const clock = new TestClock('2026-11-22T11:30:00+05:30');

  before(async () => {
    t = await startTestGateway({ clock });
    account = await setUpAccount(t);
  });
  after(async () => t.stop());

  const send = (params: Record<string, string>, token = account.apiKey) =>
    call(t, 'GET', `/http-api/send?${query({ token, sender: 'TECHTO', route: '2', message: order('A12'), templateid: templates.order.template_id, ...params })}`);
  /** Asserts the success body byte for byte (ids aside) and returns the batch id and message ids. */
  const sent = (res: Reply, numbers: string[], credits = numbers.length, rejected = '[]'): { batch: string; ids: string[] } => {
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const data = numbers.map((n) => `\\{"number":"${n}","message_id":"(${uuid})"\\}`).join(',');
    const m = new RegExp(`^\\{"status":"success","code":100,"message":"Message submitted successfully","message_id":"(${uuid})","numbers":${numbers.length},"credits":${credits},"data":\\[${data}\\],"rejected":${rejected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\}$`).exec(res.raw);
    assert.ok(m, `not the success body: ${res.raw}`);
    return { batch: m[1]!, ids: m.slice(2) };
  };
  /** The messages a send's message_id stands for: one number's message, or several numbers' batch. */
  const messagesOf = async (batch: string) => {
    const one = await t.request('GET', `/v1/messages/${batch}`, undefined, { key: account.apiKey });
    if (one.status === 200) return [one.body as Record<string, any>];
    const res = await t.request('GET', `/v1/messages?batch_id=${batch}&limit=1000`, undefined, { key: account.apiKey });
    assert.equal(res.status, 200, res.raw);
    return res.body.messages as Array<Record<string, any>>;
  };
  const credits = async (token = account.apiKey) => call(t, 'GET', `/http-api/credits?token=${token}`);

  test('a text to one number on route 2 is a single send: message_id is the message\'s own, with the credits it took', async () => {
    const res = await call(t, 'GET', `/http-api/send?token=${account.apiKey}&sender=TECHTO&number=9876500001&route=2&type=1&message=Your+order+A12+has+shipped.+-+Techto&templateid=1207161234567890001`);
    const { batch, ids } = sent(res, ['919876500001']);
    assert.equal(batch, ids[0]);
    const [m] = await messagesOf(batch);
    assert.deepEqual([m!.message_id, m!.batch_id ?? null, m!.to, m!.route, m!.category, m!.template_id, m!.encoding, m!.flash, m!.sender],
      [ids[0], null, '919876500001', 'transactional', 'transactional', templates.order.template_id, 'GSM7', false, 'TECHTO']);
  });

  test('comma-separated numbers, in any spelling, are one batch; a trailing comma is ignored', async () => {
    const { batch } = sent(await send({ number: '9876500002, +91 98765 00003,919876500004,' }), ['919876500002', '919876500003', '919876500004']);
    assert.equal((await messagesOf(batch)).length, 3);
  });

  test('numbers that cannot be sent are listed with their code and the rest is sent', async () => {
    const res = await send({ number: '9876500005,12345,9876500006' });
    sent(res, ['919876500005', '919876500006'], 2, '[{"number":"12345","code":103,"message":"Not an Indian mobile number: expected 10 digits starting with 6-9, optionally after 0, 91 or +91; write international numbers with + and the country code."}]');
  });

  test('POST carries the same parameters as form fields, as JSON, or in the query string', async () => {
    const params = { token: account.apiKey, sender: 'TECHTO', number: '9876500007', route: '2', message: order('B7'), templateid: templates.order.template_id };
    sent(await call(t, 'POST', '/http-api/send', { form: query(params) }), ['919876500007']);
    sent(await call(t, 'POST', '/http-api/send', { json: { ...params, number: 9876500007, route: 2 } }), ['919876500007']);
    sent(await call(t, 'POST', `/http-api/send?${query(params)}`), ['919876500007']);
  });

  test('type 2 sends a flash SMS and type 3 forces Unicode; type 1 picks UCS-2 by itself for Hindi', async () => {
    const [flash] = await messagesOf(sent(await send({ number: '9876500008', type: '2' }), ['919876500008']).batch);
    assert.deepEqual([flash!.encoding, flash!.flash], ['GSM7', true]);
    const [unicode] = await messagesOf(sent(await send({ number: '9876500008', type: '3' }), ['919876500008']).batch);
    assert.deepEqual([unicode!.encoding, unicode!.flash], ['UCS2', false]);
    const hindi = { type: '1', message: 'नमस्ते Asha, आपका ऑर्डर भेज दिया गया है', templateid: templates.hindi.template_id };
    const [text] = await messagesOf(sent(await send({ number: '9876500008', ...hindi }), ['919876500008']).batch);
    assert.deepEqual([text!.encoding, text!.flash, text!.segments], ['UCS2', false, 1]);
  });

  test('route 4 is Trans OTP, route 1 promotional, route 9 international, route 10 transactional', async () => {
    const otp = sent(await send({ number: '9876500009', route: '4', message: 'Your OTP is 4821. - Techto', templateid: templates.otp.template_id }), ['919876500009']);
    const promo = sent(await send({ number: '9876500009', route: '1', sender: '123456', message: 'Flat 20% off today at Techto', templateid: templates.promo.template_id }), ['919876500009']);
    const intl = sent(await send({ number: '+447911123456', route: '9', message: 'Your parcel has shipped', templateid: '' }), ['447911123456']);
    const ten = sent(await send({ number: '9876500009', route: '10' }), ['919876500009']);
    const shown = async (batch: string) => { const [m] = await messagesOf(batch); return [m!.route, m!.category, m!.template_id]; };
    assert.deepEqual(await shown(otp.batch), ['otp', 'otp', templates.otp.template_id]);
    assert.deepEqual(await shown(promo.batch), ['promotional', 'promotional', templates.promo.template_id]);
    assert.deepEqual(await shown(intl.batch), ['international', 'transactional', null]);
    assert.deepEqual(await shown(ten.batch), ['transactional', 'transactional', templates.order.template_id]);
  });

  test('without route the send is transactional (route 2); without templateid the template is found from the text', async () => {
    const res = await call(t, 'GET', `/http-api/send?${query({ token: account.apiKey, sender: 'TECHTO', number: '9876500010', message: order('C3') })}`);
    const [m] = await messagesOf(sent(res, ['919876500010']).batch);
    assert.deepEqual([m!.route, m!.template_id], ['transactional', templates.order.template_id]);
  });

  test('a schedule in India Standard Time or ISO 8601 with an offset holds the batch until then', async () => {
    const local = await messagesOf(sent(await send({ number: '9876500011', schedule: '2026-11-23 09:30' }), ['919876500011']).batch);
    assert.deepEqual([local[0]!.status, local[0]!.scheduled_at], ['SCHEDULED', '2026-11-23T04:00:00.000Z']);
    const iso = await messagesOf(sent(await send({ number: '9876500011', schedule: '2026-11-23T10:15:30+05:30' }), ['919876500011']).batch);
    assert.equal(iso[0]!.scheduled_at, '2026-11-23T04:45:30.000Z');
    // "+05:30" left unencoded in a URL arrives as " 05:30".
    const plus = await call(t, 'GET', `/http-api/send?${query({ token: account.apiKey, sender: 'TECHTO', number: '9876500011', message: order('D4'), templateid: templates.order.template_id })}&schedule=2026-11-23T10:15:30+05:30`);
    assert.equal((await messagesOf(sent(plus, ['919876500011']).batch))[0]!.scheduled_at, '2026-11-23T04:45:30.000Z');
  });

  test('seed 004\'s Authorization: Bearer and ?access_token= stand in for token', async () => {
    const params = query({ sender: 'TECHTO', number: '9876500012', message: order('E5'), templateid: templates.order.template_id });
    sent(await call(t, 'GET', `/http-api/send?${params}&access_token=${account.apiKey}`), ['919876500012']);
    const res = await t.gateway.http.inject({ method: 'GET', url: `/http-api/send?${params}`, headers: { authorization: `Bearer ${account.apiKey}` } });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('a test token validates and prices the send, answers no ids, and sends and charges nothing', async () => {
    const created = await t.admin('POST', `/accounts/${account.id}/keys`, { label: 'staging', mode: 'test' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const before = (await credits()).raw;
    const res = await send({ number: '9876500013,9876500014' }, created.body.api_key);
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.raw, '{"status":"success","code":100,"message":"Message submitted successfully","message_id":null,"numbers":2,"credits":2,"data":[{"number":"919876500013","message_id":null},{"number":"919876500014","message_id":null}],"rejected":[],"test":true}');
    assert.equal((await credits()).raw, before);
    const refused = await send({ number: '9876500013', sender: 'NOSUCH' }, created.body.api_key);
    assert.deepEqual([refused.status, refused.body.code], [422, 102]);
  });

  test('credits lists each route\'s balance under its seed number, other routes with route null', async () => {
    const other = await setUpAccount(t, { transactional: 500, otp: 7, international: 20, service_implicit: 3 });
    const res = await credits(other.apiKey);
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.raw, '{"status":"success","code":100,"credits":[{"route":2,"name":"Transactional","route_id":"transactional","balance":500},{"route":4,"name":"Trans OTP","route_id":"otp","balance":7},{"route":9,"name":"International","route_id":"international","balance":20},{"route":null,"name":"service implicit traffic","route_id":"service_implicit","balance":3}]}');
    sent(await send({ number: '9876500015,9876500016', route: '10' }, other.apiKey), ['919876500015', '919876500016']);
    assert.match((await credits(other.apiKey)).raw, /\{"route":2,"name":"Transactional","route_id":"transactional","balance":498\}/);
  });

  test('dlr by the batch\'s message_id lists every number\'s status once the carrier has answered', async () => {
    // 919999900001 is the sandbox's deactivated number: it fails with ERR_NUMBER_INACTIVE.
    const { batch, ids } = sent(await send({ number: '9876500017,9999900001' }), ['919876500017', '919999900001']);
    const report = await t.until(async () => {
      const res = await call(t, 'GET', `/http-api/dlr?token=${account.apiKey}&message_id=${batch}`);
      assert.equal(res.status, 200, res.raw);
      return res.body.report.every((d: { status: string }) => d.status === 'DELIVERED' || d.status === 'FAILED') && res;
    });
    assert.equal(report.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(report.raw, `{"status":"success","code":100,"message_id":"${batch}","numbers":2,"report":[`
      + `{"number":"919876500017","message_id":"${ids[0]}","status":"DELIVERED","code":null,"error":"","submitted_at":"2026-11-22 11:30:00","done_at":"2026-11-22 11:30:00"},`
      + `{"number":"919999900001","message_id":"${ids[1]}","status":"FAILED","code":143,"error":"The mobile number is deactivated; remove it from your list.","submitted_at":"2026-11-22 11:30:00","done_at":"2026-11-22 11:30:00"}]}`);
    const one = await call(t, 'GET', `/http-api/dlr?token=${account.apiKey}&message_id=${ids[1]}`);
    assert.equal(one.status, 200, one.raw);
    assert.deepEqual([one.body.numbers, one.body.report.length, one.body.report[0].code], [1, 1, 143]);
  });

  test('dlr shows a scheduled number as SCHEDULED and a waiting one as PENDING, with no times yet', async () => {
    const { batch } = sent(await send({ number: '9876500018', schedule: '2026-11-24 10:00' }), ['919876500018']);
    const res = await call(t, 'GET', `/http-api/dlr?token=${account.apiKey}&message_id=${batch}`);
    assert.deepEqual(res.body.report.map((d: any) => [d.status, d.code, d.error, d.submitted_at, d.done_at]), [['SCHEDULED', null, '', '', '']]);
  });

  test('dlr of an unknown id, or of another account\'s batch, is 404 and shows nothing of it', async () => {
    const { batch } = sent(await send({ number: '9876500019' }), ['919876500019']);
    const other = await setUpAccount(t);
    for (const [token, id] of [[other.apiKey, batch], [account.apiKey, '0190a000-0000-7000-8000-000000000000'], [account.apiKey, 'kJ09981hjkksuj95']] as const) {
      const res = await call(t, 'GET', `/http-api/dlr?token=${token}&message_id=${id}`);
      assert.equal(res.status, 404, res.raw);
      assert.deepEqual(res.body, { status: 'error', code: 125, message: 'Unknown message_id', error: 'ERR_NOT_FOUND', detail: `No message or batch ${id} in this account.` });
    }
  });
});
