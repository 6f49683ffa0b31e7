import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

test('a templated send is accepted, delivered by the sandbox and readable by id', async () => {
  const res = await t.request('POST', '/v1/sms/send', { to: '9876543210', sender: 'DAKIYA', template_id: 'T-OTP-1', message: 'Your OTP is 123456. Valid for 10 minutes. - DAKIYA', category: 'otp' });
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.to, '919876543210');
  const final = await t.until(async () => {
    const m = await t.request('GET', `/v1/messages/${res.body.message_id}`);
    return m.body.status === 'DELIVERED' && m.body;
  });
  assert.equal(final.credits, 1);
});
