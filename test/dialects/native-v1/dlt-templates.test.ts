// DLT templates on POST /v1/sms/send: a given text is checked against the template and a mismatch
// says where; variables (an array, or an object's values in order) build the text instead.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { otp } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const order = { to: '9876543210', sender: 'DAKIYA', template_id: 'T-ORDER-1', category: 'transactional' };

/** The text actually queued; the API does not return message bodies, so it is read from the store. */
async function storedText(messageId: string): Promise<string | undefined> {
  return (await t.gateway.core.store.getMessage(t.account.id, messageId))?.body;
}

test('accepts a message that matches its template', async () => {
  const res = await t.request('POST', '/v1/sms/send', otp('904112'));
  assert.equal(res.status, 202, res.raw);
  assert.equal(await storedText(res.body.message_id), 'Your OTP is 904112. Valid for 10 minutes. - DAKIYA');
});

test('reports the position, the expected part and the text found where a message leaves its template', async () => {
  const body = { ...otp(), message: 'Your OTP is 12a456. Valid for 10 minutes. - DAKIYA' };
  const error = await expectRejection(t, { url: '/v1/sms/send', body }, 422, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.deepEqual(error.details, { template_id: 'T-OTP-1', position: 14, expected: 'literal ". Valid for "', found: 'a456. Valid for 10 m' });
});

test('treats a literal that differs only in case as a mismatch', async () => {
  const body = { ...otp(), message: 'your OTP is 123456. Valid for 10 minutes. - DAKIYA' };
  const error = await expectRejection(t, { url: '/v1/sms/send', body }, 422, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.equal(error.details?.['position'], 0);
});

test('reports text that goes on after the end of the template', async () => {
  const body = { ...otp(), message: 'Your OTP is 123456. Valid for 10 minutes. - DAKIYA!!' };
  const error = await expectRejection(t, { url: '/v1/sms/send', body }, 422, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.equal(error.details?.['expected'], 'end of text');
  assert.equal(error.details?.['found'], '!!');
});

test('builds the text from variables given as an array, in order', async () => {
  const variables = ['Priya', 'A-1042', 'Rs 1,499', '31-05-2026', 'https://t.tn/A1042'];
  const res = await t.request('POST', '/v1/sms/send', { ...order, variables });
  assert.equal(res.status, 202, res.raw);
  assert.equal(await storedText(res.body.message_id), 'Dear Priya, your order A-1042 of Rs 1,499 ships on 31-05-2026. Track https://t.tn/A1042');
});

test('builds the text from variables given as an object, taking its values in order', async () => {
  const variables = { name: 'Rahul', order: 'B-7', amount: '₹250', date: '01-06-2026', link: 't.tn/b7' };
  const res = await t.request('POST', '/v1/sms/send', { ...order, variables });
  assert.equal(res.status, 202, res.raw);
  assert.equal(await storedText(res.body.message_id), 'Dear Rahul, your order B-7 of ₹250 ships on 01-06-2026. Track t.tn/b7');
  assert.equal(res.body.encoding, 'UCS2', 'the rupee sign is not in GSM 03.38');
});

test('refuses a variable that does not fit its typed slot, naming its index', async () => {
  const body = { ...otp(), message: undefined, variables: ['12ab', '10'] };
  const error = await expectRejection(t, { url: '/v1/sms/send', body }, 422, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.deepEqual(error.details, { template_id: 'T-OTP-1', variable_index: 0 });
});

test('refuses fewer variables than the template has', async () => {
  const body = { ...otp(), message: undefined, variables: ['123456'] };
  await expectRejection(t, { url: '/v1/sms/send', body }, 422, 'ERR_DLT_TEMPLATE_MISMATCH');
});

test('refuses a variable longer than the configured 30 characters', async () => {
  const body = { ...order, variables: ['P'.repeat(31), 'A-1', 'Rs 1', '31-05-2026', 't.tn/x'] };
  const error = await expectRejection(t, { url: '/v1/sms/send', body }, 422, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.equal(error.details?.['variable_index'], 0);
});
