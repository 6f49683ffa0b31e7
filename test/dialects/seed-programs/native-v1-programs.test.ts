// Seed 001's runnable samples (its curl quick test, its request lifecycle's send function, its OTP
// lifecycle class, its send-with-retry function) and seed 004's curl balance examples, run against a gateway listening on 127.0.0.1 with
// only the host, the key and the placeholders substituted (test/fixtures/seed-programs/README.md):
// each prints what the gateway answered, and the gateway holds the effect.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { OutboundMessage } from '../../../src/channels/channel.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { type PythonRequests, program, run, source, substitute, unavailable } from './seed-programs.ts';

const seedHost = 'https://api.techtonetworks.com';
/** The seed 001 templates the samples name, registered as a customer would register them (sender TECHTO). */
const templates = [
  { template_id: 'SANDBOX_TEST_001', sender: 'TECHTO', category: 'transactional', text: 'Test message from TechTo sandbox' },
  { template_id: 'TN_SHIP_001', sender: 'TECHTO', category: 'transactional', text: 'Your order #{#var#} has shipped. Delivery by {#var#}. Track: {#url#}' },
  { template_id: 'OTP_LOGIN_001', sender: 'TECHTO', category: 'otp', text: 'Your TechTo verification code is {#num#}. Do not share it. - TECHTO' },
  { template_id: 'DLT_TEMPLATE_ORDER_CONFIRM', sender: 'TECHTO', category: 'transactional', text: 'Order {#str#} confirmed. Delivery on {#var#}. - TECHTO' },
];
/** Seed 001 §5 "Send Single SMS", the body send_with_retry is given. */
const singleSms = { to: '919876543210', sender: 'TECHTO', message: 'Your order #12345 has shipped. Delivery by May 31. Track: https://t.tn/tr12345', template_id: 'TN_SHIP_001', category: 'transactional' };
const pythons: PythonRequests[] = ['shim', 'real'];

describe('seed 001 and seed 004 sample programs against a listening gateway', () => {
  let t: TestGateway;
  let key: string;
  let base: string;
  const carrier: OutboundMessage[] = [];

  const skipped = async (ctx: TestContext, language: Parameters<typeof unavailable>[0]): Promise<boolean> => {
    const reason = await unavailable(language);
    if (reason) ctx.skip(reason);
    return reason !== undefined;
  };
  const balances = async () => (await t.request('GET', '/v1/account/balance', undefined, { key })).raw;
  const transactional = (raw: string): number => JSON.parse(raw).balances.find((b: { route: string }) => b.route === 'transactional').credits;
  /** Runs one function of a seed 001 Python sample and returns what it printed, parsed. */
  const callPython = async (file: string, requests: PythonRequests, expression: string) => {
    const out = await run('python', substitute(source(program(file)), [[seedHost, base]]), { requests, call: { apiKey: key, expression } });
    assert.equal(out.code, 0, `exit ${out.code}\n${out.stdout}\n${out.stderr}`);
    return JSON.parse(out.stdout);
  };
  const runCurl = async (file: string, pairs: Array<[string | RegExp, string]>) => {
    const out = await run('curl', substitute(source(program(file)), pairs));
    assert.equal(out.code, 0, `exit ${out.code}\n${out.stdout}\n${out.stderr}`);
    return out.stdout;
  };

  before(async () => {
    t = await startTestGateway({ flags: { 'otp.resendCooldownSeconds': 0 } });
    const created = await t.admin('POST', '/accounts', { name: 'Seed 001 programs', credits: { transactional: 100, otp: 100 }, rate_limit_per_minute: 1_000_000 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.account_id as string;
    key = created.body.api_key as string;
    assert.equal((await t.admin('POST', `/accounts/${id}/senders`, { sender: 'TECHTO' })).status, 201);
    for (const template of templates) {
      const r = await t.admin('POST', `/accounts/${id}/templates`, template);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const submit = t.gateway.channel.submit.bind(t.gateway.channel);
    t.gateway.channel.submit = async (messages) => {
      carrier.push(...messages);
      return submit(messages);
    };
    await t.gateway.http.listen({ host: '127.0.0.1', port: 0 });
    const address = t.gateway.http.server.address();
    assert.ok(address && typeof address === 'object');
    base = `http://127.0.0.1:${address.port}`;
  });
  after(async () => t?.stop());

  test('seed 001\'s curl quick test (test_mode) is accepted and sends and charges nothing', async (ctx) => {
    if (await skipped(ctx, 'curl')) return;
    const before = await balances();
    const stdout = await runCurl('001-sms-send-test-mode.curl.sh', [[seedHost, base], ['YOUR_API_KEY', key]]);
    const answer = JSON.parse(stdout);
    assert.deepEqual([answer.status, answer.to, answer.test_mode, answer.credits_debited], ['accepted', '919876543210', true, 0], stdout);
    assert.equal(await balances(), before, 'no credit moved');
    assert.equal(carrier.filter((m) => m.recipient === '919876543210' && m.body === 'Test message from TechTo sandbox').length, 0, 'nothing reached the carrier');
  });

  for (const requests of pythons) {
    test(`seed 001's send_with_retry (Python, ${requests} requests) returns the 202 body, and the message is stored and charged`, async (ctx) => {
      if (await skipped(ctx, requests === 'real' ? 'python-real-requests' : 'python')) return;
      const before = transactional(await balances());
      const result = await callPython('001-send-with-retry.py', requests, `send_with_retry(${JSON.stringify(singleSms)})`);
      assert.deepEqual([result.status, result.to, result.credits_debited], ['accepted', '919876543210', 1], JSON.stringify(result));
      const stored = await t.request('GET', `/v1/messages/${result.message_id}`, undefined, { key });
      assert.equal(stored.status, 200, stored.raw);
      assert.deepEqual([stored.body.to, stored.body.template_id, stored.body.sender], ['919876543210', 'TN_SHIP_001', 'TECHTO']);
      assert.equal(transactional(await balances()), before - 1);
    });

    test(`seed 001's request lifecycle, send_transactional_sms (Python, ${requests} requests), returns the message id of the stored message`, async (ctx) => {
      if (await skipped(ctx, requests === 'real' ? 'python-real-requests' : 'python')) return;
      const order = requests === 'shim' ? 'A1001' : 'A1002';
      const messageId = await callPython('001-send-transactional-sms.py', requests, `send_transactional_sms("9876543210", ${JSON.stringify(order)}, "25 Nov")`);
      assert.equal(typeof messageId, 'string');
      const stored = await t.request('GET', `/v1/messages/${messageId}`, undefined, { key });
      assert.equal(stored.status, 200, stored.raw);
      assert.deepEqual([stored.body.to, stored.body.template_id, stored.body.correlation_id, stored.body.channel],
        ['919876543210', 'DLT_TEMPLATE_ORDER_CONFIRM', `order-${order}`, 'sms'], stored.raw);
      const delivered = await t.until(async () => carrier.find((m) => m.recipient === '919876543210' && m.body.includes(order)));
      assert.equal(delivered.body, `Order ${order} confirmed. Delivery on 25 Nov. - TECHTO`);
    });

    test(`seed 001's OTPService (Python, ${requests} requests) generates, resends and verifies a code the carrier got`, async (ctx) => {
      if (await skipped(ctx, requests === 'real' ? 'python-real-requests' : 'python')) return;
      const mobile = requests === 'shim' ? '9888012345' : '9888012346';
      const sent = await callPython('001-otp-service.py', requests, `OTPService().generate_and_send(${JSON.stringify(mobile)})`);
      assert.deepEqual([sent.mobile, sent.channel_used, sent.template_id, sent.max_attempts, sent.sends], [`91${mobile}`, 'sms', 'OTP_LOGIN_001', 3, 1], JSON.stringify(sent));
      const resent = await callPython('001-otp-service.py', requests, `OTPService().resend(${JSON.stringify(sent.session_id)})`);
      assert.deepEqual([resent.session_id, resent.sends], [sent.session_id, 2], JSON.stringify(resent));
      // A resend re-sends the same code: both texts the carrier got carry it.
      const texts = await t.until(async () => { const l = carrier.filter((m) => m.recipient === `91${mobile}`); return l.length === 2 && l.map((m) => m.body); });
      const code = /verification code is (\d{6})\./.exec(texts[0]!)?.[1];
      assert.ok(code, texts[0]);
      assert.equal(texts[1], texts[0]);
      const verified = await callPython('001-otp-service.py', requests, `OTPService().verify(${JSON.stringify(mobile)}, ${JSON.stringify(sent.session_id)}, ${JSON.stringify(code)})`);
      assert.deepEqual([verified.verified, verified.attempts_remaining], [true, 2], JSON.stringify(verified));
      const session = await t.request('GET', `/v1/otp/${sent.session_id}`, undefined, { key });
      assert.equal(session.body.otp_status, 'verified', session.raw);
    });
  }

  for (const file of ['004-account-balance-bearer.curl.sh', '004-account-balance-access-token.curl.sh']) {
    test(`seed 004's curl ${file.includes('bearer') ? 'with an Authorization: Bearer header' : 'with ?access_token='} prints the account's balances`, async (ctx) => {
      if (await skipped(ctx, 'curl')) return;
      const stdout = await runCurl(file, [['{endpoint}', `${base}/v1/`], [/38e896f5567031198243[0-9a-f]*x{4}/, key]]);
      assert.equal(stdout, await balances());
    });
  }
});
