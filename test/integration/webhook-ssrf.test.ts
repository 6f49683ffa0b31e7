// The SSRF guard on customer URLs, through the API: every loopback, private, link-local, CGNAT,
// metadata and IPv6-local form is refused at registration (webhook endpoints) and at acceptance
// (callback_url) with nothing stored or charged; and a name that resolved to a public address at
// registration but resolves to a private one at delivery is refused then, without connecting.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { transactional } from '../dialects/native-v1/sample-requests.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../fixtures/webhook-receiver.ts';

const blockedForms = [
  'http://127.0.0.1/hook', 'http://2130706433/hook', 'http://0x7f000001/hook', 'http://127.1/hook', 'http://017700000001/hook',
  'http://[::ffff:127.0.0.1]/hook', 'http://[::ffff:7f00:1]/hook', 'http://[::1]/hook', 'http://0.0.0.0/hook', 'http://localhost/hook',
  'http://10.0.0.1/hook', 'http://172.16.5.4/hook', 'http://192.168.1.1/hook', 'http://100.64.0.1/hook',
  'http://169.254.169.254/latest/meta-data/', 'http://metadata.google.internal/computeMetadata/v1/', 'http://[fe80::1]/hook',
  'http://[fc00::1]/hook', 'http://[fd12:3456::1]/hook', 'http://[::]/hook',
  // Names whose answers are private (the injected resolver below).
  'https://inside.example/hook', 'https://mixed.example/hook',
];

describe('SSRF guard on webhook and callback URLs', () => {
  let t: TestGateway;
  let receiver: WebhookReceiver;
  const answers = new Map<string, string[]>([
    ['inside.example', ['10.1.2.3']],
    ['mixed.example', ['93.184.216.34', '192.168.0.10']],
    ['rebind.example', ['93.184.216.34']],
    ['rebind-cb.example', ['93.184.216.34']],
  ]);

  before(async () => {
    receiver = await startWebhookReceiver();
    t = await startTestGateway({
      flags: { 'webhooks.pollMs': 10 },
      resolve: async (host) => {
        const list = answers.get(host);
        if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      },
    });
  });
  after(async () => {
    await t.stop();
    await receiver.close();
  });

  test('every blocked form is refused at registration, and nothing is stored', async () => {
    for (const url of blockedForms) {
      const res = await t.request('POST', '/v1/webhooks', { url });
      assert.equal(res.status, 422, `${url}: ${res.raw}`);
      assert.equal(res.body.error_code, 'ERR_WEBHOOK_URL_NOT_ALLOWED', url);
      assert.equal(res.body.details.field, 'url');
      assert.match(res.body.details.reason, /^URL_(HOST|ADDRESS)_BLOCKED$/, url);
    }
    assert.deepEqual((await t.request('GET', '/v1/webhooks')).body.webhooks, []);
    // The same forms are refused when an endpoint's URL is changed.
    const ok = await t.request('POST', '/v1/webhooks', { url: 'https://rebind.example/hook' });
    assert.equal(ok.status, 201, ok.raw);
    for (const url of blockedForms.slice(0, 5)) {
      assert.equal((await t.request('PATCH', `/v1/webhooks/${ok.body.id}`, { url })).body.error_code, 'ERR_WEBHOOK_URL_NOT_ALLOWED', url);
    }
    assert.equal((await t.request('GET', `/v1/webhooks/${ok.body.id}`)).body.url, 'https://rebind.example/hook');
    assert.equal((await t.request('DELETE', `/v1/webhooks/${ok.body.id}`)).status, 204);
  });

  test('every blocked form is refused as a callback_url, with no message stored and no credit spent', async () => {
    const balance = async () => (await t.request('GET', '/v1/account/balance')).raw;
    const before = await balance();
    for (const url of blockedForms) {
      const res = await t.request('POST', '/v1/sms/send', { ...transactional('x'), callback_url: url });
      assert.equal(res.status, 422, `${url}: ${res.raw}`);
      assert.equal(res.body.error_code, 'ERR_WEBHOOK_URL_NOT_ALLOWED', url);
      assert.equal(res.body.details.field, 'callback_url');
    }
    assert.equal(await balance(), before);
    assert.deepEqual((await t.request('GET', '/v1/messages')).body.messages, []);
  });

  test('a name that re-resolves to a private address by delivery time is refused then, without connecting', async () => {
    const port = new URL(receiver.url).port;
    const created = await t.request('POST', '/v1/webhooks', { url: `http://rebind.example:${port}/hook`, events: ['message.delivered'] });
    assert.equal(created.status, 201, created.raw);
    const sent = await t.request('POST', '/v1/sms/send', { ...transactional('Rebind'), callback_url: `http://rebind-cb.example:${port}/cb` });
    assert.equal(sent.status, 202, sent.raw);
    // The attacker's DNS now answers with the receiver's loopback address.
    answers.set('rebind.example', ['127.0.0.1']);
    answers.set('rebind-cb.example', ['93.184.216.34', '127.0.0.1']);
    const attempted = async (endpointId: string) => t.until(async () => {
      const d = (await t.request('GET', `/v1/webhooks/${endpointId}/deliveries`)).body.deliveries[0];
      return d && d.attempt_log.length >= 1 ? d : undefined;
    });
    for (const d of [await attempted(created.body.id), await attempted('callback')]) {
      assert.equal(d.attempt_log[0].status_code, null);
      assert.match(d.attempt_log[0].error, /^blocked: /);
      assert.equal(d.state, 'pending', 'retried later, in case the name comes back to a public address');
    }
    assert.equal(receiver.received.length, 0, 'nothing reached the loopback receiver');
  });
});
