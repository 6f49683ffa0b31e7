// Golden request → response pairs for the apiKey JSON dialect (seed 003): each of the seed's sample
// requests as written (six are in single quotes, so not JSON, and get the 400 that says so), and the
// same request as the JSON it means, which gets the seed's response byte for byte (ids aside). The
// ids answered are the native API's own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { addSeedTemplates, assertSent, post, seedTemplates } from './json-api-client.ts';

/** The seed's sample request bodies, verbatim (its numbers are 91XXXXXXXXXX placeholders). */
const samples = {
  single: "{\n  'sender': 'senderName'\\\n  'to': '91XXXXXXXXXX'\\\n  'text': 'Hello World!'\\\n  'type': 'TRANS'\\\n}",
  otp: "{\n  'sender': 'senderName'\\\n  'to': '91XXXXXXXXXX'\\\n  'text': 'Hello World!'\\\n  'type': 'OTP'\\\n}",
  bulk: "{\n  'sender': 'senderName'\\\n  'to': '\"91XXXXXXXXX1, 91XXXXXXXXXX2, 91XXXXXXXXXX3'\\\n  'text': 'Hello World!'\\\n  'type': 'TRANS'\\\n}",
  unicode: "{\n  'sender': 'senderName'\\\n  'to': '91XXXXXXXXXX'\\\n  'text': 'Hello World!'\\\n  'type': 'TRANS'\\\n  'unicode': 1\n}",
  flash: "{\n  'sender': 'senderName'\\\n  'to': '91XXXXXXXXXX'\\\n  'text': 'Hello World!'\\\n  'type': 'TRANS'\\\n  'flash': 1\\\n}",
  template: "{\n  'sender': 'senderName'\\\n  'to': '91XXXXXXXXXX'\\\n  'text': 'Hello World!'\\\n  'type': 'TRANS'\\\n  'templateId' :'templateId'\\\n}",
  templateCustom: '{\n  "sender": "AOCAPI",\n  "to": "91XXXXXXXXXX",\n  "templateId": "150716565XXXXXXXXXX",\n  "custom": ["var1","var2"],\n  "type": "TRANS"\n}',
} as const;

const singleQuotes = '{"id":null,"data":[],"totalCount":0,"message":"Invalid JSON Body: Use Double Quotes Around Keys And Strings, Not Single Quotes",'
  + '"error":{"status":400,"code":"ERR_INVALID_JSON","message":"The body is not JSON: keys and strings must be in double quotes (\\"to\\": \\"919876543210\\"), not single quotes (\'to\': \'919876543210\'), with commas between fields."}}';

/**
 * The JSON a single-quoted sample means: double quotes, commas for the seed's line-end backslashes,
 * the stray quote of the bulk sample dropped; then a registered sender and real numbers.
 */
function asJson(sample: string, numbers: readonly string[]): string {
  let n = 0;
  return sample.replace('\'"', '\'').replaceAll('\'', '"').replace(/\\\n/g, ',\n').replace(/,\n\}$/, '\n}')
    .replaceAll('senderName', 'DAKIYA').replace(':"templateId"', ':"T-INTL-1"')
    .replace(/91X{9}[X\d]{1,2}/g, () => numbers[n++]!);
}

describe('seed 003 sample requests', () => {
  let t: TestGateway;
  const native = async (id: string) => {
    const res = await t.request('GET', `/v1/messages/${id}`);
    assert.equal(res.status, 200, res.raw);
    return res.body;
  };

  before(async () => {
    t = await startTestGateway({ clock: new TestClock('2026-11-22T06:00:00Z') });
    await addSeedTemplates(t, t.account.id);
  });
  after(async () => t.stop());

  for (const name of ['single', 'otp', 'bulk', 'unicode', 'flash', 'template'] as const) {
    test(`the ${name} sample as the seed writes it (single quotes) is a 400 that says JSON needs double quotes, and sends nothing`, async () => {
      const before = await t.gateway.core.store.listMessages({ accountId: t.account.id, limit: 1000 });
      const res = await post(t, samples[name]);
      assert.equal(res.status, 400);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(res.raw, singleQuotes);
      assert.equal((await t.gateway.core.store.listMessages({ accountId: t.account.id, limit: 1000 })).length, before.length);
    });
  }

  test('send single message: one recipient, id = the message id, messageId <id>:1', async () => {
    const res = await post(t, asJson(samples.single, ['919876500001']));
    const id = assertSent(res, [['919876500001', 1]]);
    const m = await native(id);
    assert.equal(m.to, '919876500001');
    assert.equal(m.category, 'transactional');
    assert.equal(m.batch_id, null);
    // No templateId: the text was matched against the account's templates (the most specific wins).
    assert.equal(m.template_id, 'T-INTL-1');
  });

  test('send OTP SMS: type OTP goes out as an OTP message', async () => {
    const id = assertSent(await post(t, asJson(samples.otp, ['919876500002'])), [['919876500002', 1]]);
    const m = await native(id);
    assert.equal(m.category, 'otp');
    assert.equal(m.template_id, seedTemplates.helloOtp.template_id);
  });

  test('send bulk SMS: a comma-separated to is one batch, id = the batch id, messageId <id>:<position>', async () => {
    const numbers = ['919876500011', '919876500012', '919876500013'];
    const body = asJson(samples.bulk, numbers);
    assert.match(body, /"to": "919876500011, 919876500012, 919876500013"/);
    const id = assertSent(await post(t, body), [[numbers[0]!, 1], [numbers[1]!, 2], [numbers[2]!, 3]]);
    const batch = await t.request('GET', `/v1/batches/${id}`);
    assert.equal(batch.status, 200, batch.raw);
    assert.equal(batch.body.accepted_recipients, 3);
    const listed = await t.request('GET', `/v1/messages?batch_id=${id}`);
    assert.deepEqual(listed.body.messages.map((m: any) => m.to).sort(), numbers);
  });

  test('send SMS with unicode: "unicode":1 is echoed after totalCount and the message is UCS-2', async () => {
    const id = assertSent(await post(t, asJson(samples.unicode, ['919876500021'])), [['919876500021', 1]], { unicode: true });
    assert.equal((await native(id)).encoding, 'UCS2');
  });

  test('send flash SMS: "flash":1 is echoed where unicode is and the message is a flash message', async () => {
    const id = assertSent(await post(t, asJson(samples.flash, ['919876500031'])), [['919876500031', 1]], { flash: true });
    assert.equal((await native(id)).flash, true);
  });

  test('send template SMS: the text is checked against the named template', async () => {
    const body = asJson(samples.template, ['919876500041']);
    assert.match(body, /"templateId" :"T-INTL-1"/);
    const id = assertSent(await post(t, body), [['919876500041', 1]]);
    assert.equal((await native(id)).template_id, 'T-INTL-1');
  });

  test('send SMS with templateId: custom fills the template\'s variables in order', async () => {
    const body = samples.templateCustom.replace('AOCAPI', 'DAKIYA').replace('91XXXXXXXXXX', '919876500051')
      .replace('150716565XXXXXXXXXX', seedTemplates.twoVariables.template_id);
    const id = assertSent(await post(t, body), [['919876500051', 1]]);
    const stored = await t.gateway.core.store.getMessage(t.account.id, id);
    assert.equal(stored?.body, 'Dear var1, your reference is var2.');
    assert.equal(stored?.templateId, seedTemplates.twoVariables.template_id);
  });

  test('unicode and flash together are echoed in that order', async () => {
    const res = await post(t, { sender: 'DAKIYA', to: '919876500061', text: 'Hello World!', type: 'TRANS', unicode: true, flash: 1 });
    assertSent(res, [['919876500061', 1]], { unicode: true, flash: true });
  });

  test('unicode and flash 0 (or false) are not echoed', async () => {
    const res = await post(t, { sender: 'DAKIYA', to: '919876500062', text: 'Hello World!', type: 'TRANS', unicode: 0, flash: false });
    assertSent(res, [['919876500062', 1]]);
  });

  test('the seed\'s clients may send the key\'s contentType header, no Content-Type, text/plain or form type: the body is read as JSON', async () => {
    const body = JSON.stringify({ sender: 'DAKIYA', to: '919876500071', text: 'Hello World!', type: 'TRANS' });
    for (const headers of [{ contentType: 'application/json', 'content-type': 'text/plain;charset=UTF-8' }, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'application/json; charset=utf-8' }]) {
      assertSent(await post(t, body, { headers }), [['919876500071', 1]]);
    }
    const res = await t.gateway.http.inject({ method: 'POST', url: '/json-api/sms', headers: { apikey: t.account.apiKey }, payload: Buffer.from(body) });
    assert.equal(res.statusCode, 200, res.body);
  });
});
