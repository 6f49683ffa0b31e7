// Golden request → response pairs for the SMS Handover SMS endpoints (seed 002): every sample URL of
// the seed (each language's, host swapped, XXXXX numbers made real) answered with the seed's bytes;
// the parameters (campaign, routeid, type, time, bulk_campaign, dlr_url); the balance check and its
// ERR: text; the delivery report pull and the campaign list Dakiya defines; and every error message
// a request can meet, with nothing stored or charged for it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { startWebhookReceiver, verifyStandardWebhook } from '../../fixtures/webhook-receiver.ts';

/** The seed's sample key, swapped for the account's in every sample URL. */
const seedKey = 'A277GF664N88EMD993D9400F04EDIC';
/** The seed's sample query strings, as each language writes them (PHP, Node, Go, Python, C#, Java). */
const simple = 'key=A277GF664N88EMD993D9400F04EDIC&campaign=0&type=text&contacts=9197656XXXXX,9198012XXXXX&senderid=DEMO&msg=Hello+People%2C+have+a+great+day';
const sampleUrls = {
  php: `https://console.smshandover.com/smsapi/index?${simple}`,
  node: `https://console.smshandover.com/smsapi/index?${simple}`,
  go: `https://console.smshandover.com/smsapi/index?${simple}`,
  python: `https://console.smshandover.com/smsapi/index?${simple}`,
  csharp: `https://console.smshandover.com/smsapi/index?${simple}`,
  java: `https://console.smshandover.com/smsapi/index?${simple}`,
  'simple sms': `https://console.smshandover.com/smsapi/index?${simple}`,
  'scheduled sms': 'https://console.smshandover.com/smsapi/index?key=A277GF664N88EMD993D9400F04EDIC&campaign=1&type=text&contacts=9197656XXXXX,9198012XXXXX&senderid=DEMO&msg=Hello+People%2C+have+a+great+day&time=2023-08-03+09%3A43',
};
const balanceUrl = 'https://console.smshandover.com/miscapi/A277GF664N88EMD993D9400F04EDIC/getBalance/true/';
/**
 * 9197656XXXXX → 919765612345: the placeholder digits made real. The seed's sender DEMO cannot carry
 * DLT traffic to Indian numbers (TRAI headers are six letters, and only those take templates), so
 * the samples send as DEMOSM, a header of the account's; DEMO itself is refused (tested below).
 */
const real = (url: string, key: string, sender = 'DEMOSM') => url.replace('https://console.smshandover.com', '').replaceAll(seedKey, key).replace(/X{5}/g, '12345').replace('senderid=DEMO&', `senderid=${sender}&`);

const templates = [
  { template_id: 'T-HO-GREET', sender: 'DEMOSM', category: 'transactional', text: 'Hello {#var#}, have a great day' },
  { template_id: 'T-HO-HI', sender: 'DEMOSM', category: 'transactional', text: 'hi{#var#}' },
  { template_id: 'T-HO-OTP', sender: 'DEMOSM', category: 'otp', text: 'Your code is {#num#}' },
];
const credits = { transactional: 200_000, otp: 1000, promotional: 1000, international: 1000, service_implicit: 1000, service_explicit: 1000 };
const success = /^\{"result":"success","message":"SMS SUBMITTED SUCCESSFULLY","sms_shoot_id":"[0-9a-f-]{36}"\}$/;
const failed = (message: string) => `{"result":"error","message":"${message}"}`;

interface Reply { status: number; raw: string; headers: Record<string, unknown> }

describe('SMS Handover SMS endpoints (seed 002)', () => {
  let t: TestGateway;
  let account: TestAccount;
  let key: string;

  const call = async (method: string, url: string, body?: { form?: string; json?: unknown }): Promise<Reply> => {
    const res = await t.gateway.http.inject({
      method: method as 'GET', url,
      ...(body?.form !== undefined && { payload: body.form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      ...(body?.json !== undefined && { payload: JSON.stringify(body.json), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.statusCode, raw: res.body, headers: res.headers };
  };
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const send = (params: Record<string, string>, k = key) => call('GET', `/smsapi/index?${query({ key: k, senderid: 'DEMOSM', msg: 'Hello Team, have a great day', ...params })}`);
  const shootOf = (res: Reply): string => {
    assert.equal(res.status, 200, res.raw);
    assert.match(res.raw, success);
    return JSON.parse(res.raw).sms_shoot_id;
  };
  /** The shoot's messages as the native API shows them (encoding, flash, template, route, …). */
  const messagesOf = async (shoot: string, k = key) => {
    // A shoot of one contact is its message; of more, a batch.
    const one = await t.request('GET', `/v1/messages/${shoot}`, undefined, { key: k });
    if (one.status === 200) return [one.body as Record<string, any>];
    const res = await t.request('GET', `/v1/messages?batch_id=${shoot}&limit=1000`, undefined, { key: k });
    assert.equal(res.status, 200, res.raw);
    return res.body.messages as Array<Record<string, any>>;
  };
  const balance = async (k = key) => (await call('GET', `/miscapi/${k}/getBalance/true/`)).raw;
  const campaigns = async () => (await call('GET', `/smsapi/campaigns?key=${key}`)).raw;

  async function setUpAccount(accountCredits: Record<string, number>): Promise<TestAccount> {
    const created = await t.admin('POST', '/accounts', { name: 'Handover account', credits: accountCredits, rate_limit_per_minute: 1_000_000 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.account_id as string;
    for (const sender of ['DEMOSM', 'DEMO', 'NOTMPL']) assert.equal((await t.admin('POST', `/accounts/${id}/senders`, { sender })).status, 201);
    for (const template of templates) assert.equal((await t.admin('POST', `/accounts/${id}/templates`, template)).status, 201);
    return { id, apiKey: created.body.api_key as string };
  }

  before(async () => {
    t = await startTestGateway({ flags: { 'webhooks.allowPrivateNetworks': true } });
    account = await setUpAccount(credits);
    key = account.apiKey;
  });
  after(async () => t.stop());

  test('every sample URL of the seed, host swapped, is answered with the seed\'s success bytes', async () => {
    for (const [name, url] of Object.entries(sampleUrls)) {
      const res = await call('GET', real(url, key));
      assert.equal(res.status, 200, `${name}: ${res.raw}`);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.match(res.raw, success, name);
      const messages = await messagesOf(JSON.parse(res.raw).sms_shoot_id);
      assert.deepEqual(messages.map((m) => m.to).sort(), ['919765612345', '919801212345'], name);
      for (const m of messages) {
        assert.equal(m.template_id, 'T-HO-GREET', 'the template was detected from the text');
        assert.equal(m.sender, 'DEMOSM');
        assert.equal(m.encoding, 'GSM7');
        assert.equal(m.flash, false);
        // The scheduled sample's time (2023) has passed: it is sent at once.
        assert.equal(m.scheduled_at, null, name);
        assert.equal(m.correlation_id, name === 'scheduled sms' ? 'campaign:1' : 'campaign:0');
      }
    }
  });

  test('the seed\'s sender DEMO, a four-letter header, has no DLT template to Indian numbers', async () => {
    const res = await call('GET', real(sampleUrls.php, key, 'DEMO'));
    assert.deepEqual([res.status, res.raw], [422, failed('DLT TEMPLATE REQUIRED')]);
  });

  test('POST carries the same parameters as form fields, as JSON, or in the query string', async () => {
    const params = { key, contacts: '919765612346', senderid: 'DEMOSM', msg: 'Hello People, have a great day' };
    shootOf(await call('POST', '/smsapi/index', { form: query(params) }));
    shootOf(await call('POST', '/smsapi/index', { json: params }));
    shootOf(await call('POST', `/smsapi/index?${query(params)}`));
    shootOf(await call('POST', `/smsapi/index?key=${key}`, { json: { contacts: 919765612346, senderid: 'DEMOSM', msg: 'Hello People, have a great day' } }));
  });

  test('one contact is a shoot of one message; contacts without the 91 prefix are the same numbers', async () => {
    const shoot = shootOf(await send({ contacts: '9765612347, +91 98012 12347,' }));
    assert.deepEqual((await messagesOf(shoot)).map((m) => m.to).sort(), ['919765612347', '919801212347']);
    // One contact is a single send: the shoot id is the message's own id, in no batch.
    const one = shootOf(await send({ contacts: '9765612348' }));
    const [message] = await messagesOf(one);
    assert.deepEqual([message!.message_id, message!.batch_id ?? null, message!.to], [one, null, '919765612348']);
  });

  test('type unicode forces UCS-2, flash sends a flash SMS, text (the default) picks the encoding', async () => {
    const [unicode] = await messagesOf(shootOf(await send({ contacts: '919765612349', type: 'unicode' })));
    assert.deepEqual([unicode!.encoding, unicode!.flash], ['UCS2', false]);
    const [flash] = await messagesOf(shootOf(await send({ contacts: '919765612349', type: 'flash' })));
    assert.deepEqual([flash!.encoding, flash!.flash], ['GSM7', true]);
    const [hindi] = await messagesOf(shootOf(await send({ contacts: '919765612349', type: 'text', msg: 'Hello नमस्ते, have a great day' })));
    assert.deepEqual([hindi!.encoding, hindi!.flash], ['UCS2', false]);
  });

  test('routeid picks the route by its id, and its category picks the template', async () => {
    const [otp] = await messagesOf(shootOf(await send({ contacts: '919765612350', routeid: 'otp', msg: 'Your code is 4321' })));
    assert.deepEqual([otp!.route, otp!.category, otp!.template_id], ['otp', 'otp', 'T-HO-OTP']);
    const [trans] = await messagesOf(shootOf(await send({ contacts: '919765612350', routeid: 'transactional' })));
    assert.deepEqual([trans!.route, trans!.template_id], ['transactional', 'T-HO-GREET']);
  });

  test('a future time schedules the shoot in India Standard Time', async () => {
    const at = Math.ceil((Date.now() + 2 * 86_400_000) / 60_000) * 60_000;
    const ist = new Date(at + 330 * 60_000).toISOString();
    const time = `${ist.slice(0, 10)} ${Number(ist.slice(11, 13))}:${ist.slice(14, 16)}`;
    const [m] = await messagesOf(shootOf(await send({ contacts: '919765612351', time })));
    assert.equal(m!.status, 'SCHEDULED');
    assert.equal(m!.scheduled_at, new Date(at).toISOString());
  });

  test('bulk_campaign sends each number its own text, under either of the seed\'s spellings', async () => {
    const list = '[{"mobile":9765612352,"msg":"hiPeter"},{"mobile":9801212352,"msg":"hiJohn"}]';
    for (const name of ['bulk_campaign', 'bulk_campaigm']) {
      const shoot = shootOf(await call('POST', '/smsapi/index', { form: query({ key, senderid: 'DEMOSM', [name]: list }) }));
      const texts = new Map((await messagesOf(shoot)).map((m) => [m.to, m.template_id]));
      assert.deepEqual(Object.fromEntries(texts), { '919765612352': 'T-HO-HI', '919801212352': 'T-HO-HI' });
    }
    const json = shootOf(await call('POST', '/smsapi/index', { json: { key, senderid: 'DEMOSM', bulk_campaign: JSON.parse(list) } }));
    assert.equal((await messagesOf(json)).length, 2);
  });

  test('the shoot id pulls the delivery report, number by number', async () => {
    const shoot = shootOf(await send({ contacts: '919765612353,919801212353' }));
    const report = await t.until(async () => {
      const res = await call('GET', `/smsapi/dlr?key=${key}&sms_shoot_id=${shoot}`);
      assert.equal(res.status, 200, res.raw);
      const body = JSON.parse(res.raw);
      return body.dlr.every((d: { status: string }) => d.status === 'DELIVERED') && { res, body };
    });
    assert.equal(report.res.headers['content-type'], 'application/json; charset=utf-8');
    const time = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}';
    const entry = (mobile: string) => `\\{"mobile":"${mobile}","status":"DELIVERED","error":"","message_id":"[0-9a-f-]{36}","submitted_at":"${time}","done_at":"${time}"\\}`;
    assert.match(report.res.raw, new RegExp(`^\\{"result":"success","sms_shoot_id":"${shoot}","contacts":"2","accepted":"2","dlr":\\[${entry('91976561235\\d|91980121235\\d')},${entry('91976561235\\d|91980121235\\d')}\\]\\}$`));
    const unknown = await call('GET', `/smsapi/dlr?key=${key}&sms_shoot_id=kJ09981hjkksuj95`);
    assert.deepEqual([unknown.status, unknown.raw], [404, failed('INVALID SMS SHOOT ID')]);
    // A shoot of one contact pulls its one message's report.
    const single = shootOf(await send({ contacts: '919765612359' }));
    const alone = await t.until(async () => {
      const res = await call('GET', `/smsapi/dlr?key=${key}&sms_shoot_id=${single}`);
      assert.equal(res.status, 200, res.raw);
      return JSON.parse(res.raw).dlr[0].status === 'DELIVERED' && res;
    });
    assert.match(alone.raw, new RegExp(`^\\{"result":"success","sms_shoot_id":"${single}","contacts":"1","accepted":"1","dlr":\\[\\{"mobile":"919765612359","status":"DELIVERED","error":"","message_id":"${single}","submitted_at":"${time}","done_at":"${time}"\\}\\]\\}$`));
    const other = await setUpAccount(credits);
    for (const id of [shoot, single]) {
      const foreign = await call('GET', `/smsapi/dlr?key=${other.apiKey}&sms_shoot_id=${id}`);
      assert.deepEqual([foreign.status, foreign.raw], [404, failed('INVALID SMS SHOOT ID')]);
    }
  });

  test('dlr_url receives each message\'s final event, signed with the account\'s callback secret', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const revealed = await t.request('POST', '/v1/webhooks/callback/rotate-secret', undefined, { key });
      assert.equal(revealed.status, 200, revealed.raw);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const shoot = shootOf(await send({ contacts: '919765612354', dlr_url: `${receiver.url}/dlr?ref=7` }));
      await receiver.waitFor((all) => all.length >= 1);
      const w = receiver.received[0]!;
      assert.equal(w.path, '/dlr?ref=7');
      const payload = w.json as { event: string; batch_id?: string; to?: string; correlation_id?: string };
      assert.equal(payload.event, 'message.delivered');
      assert.equal(payload.correlation_id, 'campaign:0');
      const headers = { 'webhook-id': w.headers['webhook-id']!, 'webhook-timestamp': w.headers['webhook-timestamp']!, 'webhook-signature': w.headers['webhook-signature']! };
      assert.deepEqual(verifyStandardWebhook(revealed.body.secret, headers, w.body, w.timestamp * 1000), { ok: true });
      assert.equal((await messagesOf(shoot)).length, 1);
    } finally {
      await receiver.close();
    }
  });

  test('campaigns are listed with their shoots, and one campaign with its shoot ids', async () => {
    const a = shootOf(await send({ contacts: '919765612355', campaign: '42' }));
    const b = shootOf(await send({ contacts: '919765612355,919801212355', campaign: '42' }));
    const list = JSON.parse(await campaigns());
    assert.equal(list.result, 'success');
    const byName = new Map(list.campaigns.map((c: { campaign: string }) => [c.campaign, c]));
    assert.deepEqual(Object.keys(byName.get('42') as object), ['campaign', 'shoots', 'messages', 'last_shoot']);
    assert.deepEqual([(byName.get('42') as any).shoots, (byName.get('42') as any).messages], ['2', '3']);
    assert.ok(byName.has('0') && byName.has('1'), 'the default campaign and the sample\'s campaign 1');
    const one = await call('GET', `/smsapi/campaigns?key=${key}&campaign=42`);
    assert.equal(one.status, 200, one.raw);
    const minute = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}';
    assert.match(one.raw, new RegExp(`^\\{"result":"success","campaign":"42","shoots":\\[\\{"sms_shoot_id":"${a}","contacts":"1","submitted":"${minute}"\\},\\{"sms_shoot_id":"${b}","contacts":"2","submitted":"${minute}"\\}\\]\\}$`));
  });

  test('getBalance answers the seed\'s array, every value a string, for the seed\'s URL with or without its slash', async () => {
    const other = await setUpAccount({ transactional: 500, otp: 7 });
    const res = await call('GET', real(balanceUrl, other.apiKey));
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.raw, '[{"ROUTE_ID":"otp","ROUTE":"otp traffic","BALANCE":"7"},{"ROUTE_ID":"transactional","ROUTE":"transactional traffic","BALANCE":"500"}]');
    assert.equal((await call('GET', `/miscapi/${other.apiKey}/getBalance/true`)).raw, res.raw);
    shootOf(await send({ contacts: '919765612356,919801212356' }, other.apiKey));
    assert.match(await balance(other.apiKey), /"ROUTE_ID":"transactional","ROUTE":"transactional traffic","BALANCE":"498"/);
  });

  test('getBalance errors are the seed\'s ERR: text', async () => {
    const cases: Array<[string, number, string]> = [
      ['/miscapi/dk_live_nope/getBalance/true/', 401, 'ERR: INVALID API KEY'],
      ['/miscapi//getBalance/true/', 401, 'ERR: MISSING API KEY'],
      [`/miscapi/${key}/getBalance/false/`, 404, 'ERR: UNKNOWN ENDPOINT'],
      ['/miscapi/', 404, 'ERR: UNKNOWN ENDPOINT'],
    ];
    for (const [url, status, text] of cases) {
      const res = await call('GET', url);
      assert.deepEqual([res.status, res.raw], [status, text], url);
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8', url);
    }
  });

  test('a test key answers a shoot id but sends, stores and charges nothing', async () => {
    const created = await t.admin('POST', `/accounts/${account.id}/keys`, { label: 'staging', mode: 'test' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const before = await balance();
    const shoot = shootOf(await send({ contacts: '919765612357' }, created.body.api_key));
    assert.equal(await balance(), before);
    const pulled = await call('GET', `/smsapi/dlr?key=${key}&sms_shoot_id=${shoot}`);
    assert.deepEqual([pulled.status, pulled.raw], [404, failed('INVALID SMS SHOOT ID')]);
  });

  test('50,000 contacts in one POST are accepted as one shoot', async () => {
    const contacts = Array.from({ length: 50_000 }, (_, i) => `9${String(700_000_000 + i)}`).join(',');
    // Scheduled a day ahead, so the test does not wait on 50,000 deliveries.
    const ist = new Date(Date.now() + 86_400_000 + 330 * 60_000).toISOString();
    const time = `${ist.slice(0, 10)} ${ist.slice(11, 16)}`;
    const res = await call('POST', '/smsapi/index', { form: query({ key, senderid: 'DEMOSM', msg: 'Hello Everyone, have a great day', contacts, time }) });
    const shoot = shootOf(res);
    const report = JSON.parse((await call('GET', `/smsapi/dlr?key=${key}&sms_shoot_id=${shoot}`)).raw);
    assert.deepEqual([report.contacts, report.accepted, report.dlr.length], ['50000', '50000', 50_000]);
    assert.ok(report.dlr.every((d: { status: string }) => d.status === 'SCHEDULED'));
  });

  test('every error a request can meet has the seed\'s shape and changes nothing', async () => {
    const poor = await setUpAccount({ transactional: 1 });
    const suspended = await setUpAccount(credits);
    assert.equal((await t.admin('PATCH', `/accounts/${suspended.id}`, { status: 'suspended' })).status, 200);
    const beforeBalance = await balance();
    const beforeCampaigns = await campaigns();
    const msg = 'Hello People, have a great day';
    const base = { key, contacts: '919765612360', senderid: 'DEMOSM', msg };
    const without = (name: keyof typeof base) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== name));
    const cases: Array<[string, number, string]> = [
      [`/smsapi/index?${query(without('key'))}`, 401, 'MISSING API KEY'],
      [`/smsapi/index?${query({ ...base, key: 'dk_live_nope' })}`, 401, 'INVALID API KEY'],
      [`/smsapi/index?${query({ ...base, key: suspended.apiKey })}`, 403, 'ACCOUNT SUSPENDED'],
      [`/smsapi/index?${query(without('contacts'))}`, 400, 'MISSING CONTACTS'],
      [`/smsapi/index?${query({ ...base, contacts: ',' })}`, 400, 'MISSING CONTACTS'],
      [`/smsapi/index?${query(without('senderid'))}`, 400, 'MISSING SENDER ID'],
      [`/smsapi/index?${query(without('msg'))}`, 400, 'MISSING MESSAGE'],
      [`/smsapi/index?${query(base)}&contacts=919801212360`, 400, 'CONTACTS GIVEN MORE THAN ONCE'],
      [`/smsapi/index?${query({ ...base, type: 'mms' })}`, 400, 'INVALID TYPE'],
      [`/smsapi/index?${query({ ...base, campaign: 'no spaces' })}`, 400, 'INVALID CAMPAIGN'],
      [`/smsapi/index?${query({ ...base, bulk_campaign: '[{mobile:1}]' })}`, 400, 'INVALID BULK CAMPAIGN'],
      [`/smsapi/index?${query({ ...base, bulk_campaign: '[{"mobile":9765612360}]', msg: '' })}`, 400, 'MISSING MESSAGE'],
      [`/smsapi/index?${query({ ...base, time: '2026-13-01 10:00' })}`, 422, 'INVALID SCHEDULE TIME'],
      [`/smsapi/index?${query({ ...base, time: 'tomorrow' })}`, 422, 'INVALID SCHEDULE TIME'],
      [`/smsapi/index?${query({ ...base, time: '2099-01-01 10:00' })}`, 422, 'INVALID SCHEDULE TIME'],
      [`/smsapi/index?${query({ ...base, msg: `Hello ${'a'.repeat(700)}, have a great day` })}`, 422, 'MESSAGE TOO LONG'],
      [`/smsapi/index?${query({ ...base, routeid: 'express' })}`, 422, 'INVALID ROUTE'],
      [`/smsapi/index?${query({ ...base, contacts: '12345,98765' })}`, 422, 'INVALID MOBILE NUMBER'],
      [`/smsapi/index?${query({ ...base, senderid: 'NOSUCH' })}`, 422, 'SENDER ID NOT REGISTERED'],
      [`/smsapi/index?${query({ ...base, senderid: 'NOTMPL' })}`, 422, 'DLT TEMPLATE REQUIRED'],
      [`/smsapi/index?${query({ ...base, msg: 'Goodbye People' })}`, 422, 'MESSAGE DOES NOT MATCH THE DLT TEMPLATE'],
      [`/smsapi/index?${query({ ...base, contacts: '12345', bulk_campaign: '[{"mobile":9765612360,"msg":"Goodbye"}]' })}`, 422, 'NO VALID CONTACTS'],
      [`/smsapi/index?${query({ ...base, dlr_url: 'ftp://example.com/dlr' })}`, 422, 'CALLBACK URL NOT ALLOWED'],
      [`/smsapi/index?${query({ ...base, key: poor.apiKey, contacts: '919765612360,919801212360' })}`, 402, 'INSUFFICIENT BALANCE'],
      [`/smsapi/dlr?key=${key}`, 400, 'MISSING SMS SHOOT ID'],
      [`/smsapi/campaigns?key=${key}&days=3651`, 400, 'INVALID DAYS'],
      [`/smsapi/indexx?${query(base)}`, 404, 'UNKNOWN ENDPOINT'],
      ['/smsapi', 404, 'UNKNOWN ENDPOINT'],
    ];
    for (const [url, status, message] of cases) {
      const res = await call('GET', url);
      assert.deepEqual([res.status, res.raw], [status, failed(message)], url);
    }
    const tooMany = Array.from({ length: 50_001 }, (_, i) => `9${String(710_000_000 + i)}`).join(',');
    const big = await call('POST', '/smsapi/index', { form: query({ ...base, contacts: tooMany }) });
    assert.deepEqual([big.status, big.raw], [422, failed('TOO MANY CONTACTS')]);
    const json = await call('POST', '/smsapi/index', { json: [base] });
    assert.deepEqual([json.status, json.raw], [400, failed('INVALID REQUEST BODY')]);
    // HEAD is not GET here: it is unknown, and sends nothing.
    const head = await call('HEAD', `/smsapi/index?${query(base)}`);
    assert.equal(head.status, 404);
    assert.equal(await balance(), beforeBalance, 'no credit moved');
    assert.equal(await campaigns(), beforeCampaigns, 'no shoot was stored');
    assert.match(await balance(poor.apiKey), /"BALANCE":"1"/);
  });
});
