// /admin/v1/accounts/:id/senders and /templates: registering sender IDs and the DLT templates
// that use them, and suspending either.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from '../../dialects/native-v1/account-state.ts';

let t: TestGateway;
let account: TestAccount;
before(async () => {
  t = await startTestGateway();
  account = await t.createAccount();
});
after(async () => { await t.stop(); });

const operator = (method: string, url: string, body?: unknown) => ({ method, url: `/admin/v1${url}`, body, key: t.operatorToken, accountId: account.id });
const addSender = (sender: string, kind?: string) => t.admin('POST', `/accounts/${account.id}/senders`, { sender, ...(kind && { kind }) });
const addTemplate = (body: Record<string, unknown>) => t.admin('POST', `/accounts/${account.id}/templates`, body);

test('registers six capital letters as a DLT header with 201', async () => {
  const res = await addSender('TECHTO');
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual({ ...res.body, created_at: 0 }, { account_id: account.id, sender: 'TECHTO', kind: 'dlt-header', status: 'active', created_at: 0 });
});

test('registers six digits as a numeric promotional header', async () => {
  assert.equal((await addSender('567890')).body.kind, 'numeric-header');
});

test('upper-cases a sender before registering it', async () => {
  assert.equal((await addSender('shopin')).body.sender, 'SHOPIN');
});

test('registers an alphanumeric international sender', async () => {
  const res = await addSender('Dakiya1');
  assert.deepEqual([res.body.sender, res.body.kind], ['DAKIYA1', 'international']);
});

test('lists the account\'s senders', async () => {
  const res = await t.admin('GET', `/accounts/${account.id}/senders`);
  assert.ok(res.body.senders.some((s: { sender: string }) => s.sender === 'DAKIYA'));
});

test('refuses a sender registered twice with 409 ERR_CONFLICT', async () => {
  await expectRejection(t, operator('POST', `/accounts/${account.id}/senders`, { sender: 'dakiya' }), 409, 'ERR_CONFLICT');
});

test('refuses a DLT header that is not six letters with 400 ERR_INVALID_REQUEST', async () => {
  const error = await expectRejection(t, operator('POST', `/accounts/${account.id}/senders`, { sender: 'ABC', kind: 'dlt-header' }), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'sender' });
});

test('refuses punctuation in a sender with 400 ERR_INVALID_REQUEST', async () => {
  await expectRejection(t, operator('POST', `/accounts/${account.id}/senders`, { sender: 'DAK-YA' }), 400, 'ERR_INVALID_REQUEST');
});

test('refuses a sender for an unknown account with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('POST', '/accounts/no-such-account/senders', { sender: 'TECHTO' }), 404, 'ERR_NOT_FOUND');
});

test('suspends and reactivates a sender with PATCH and 204', async () => {
  await addSender('PAUSED');
  assert.equal((await t.admin('PATCH', `/accounts/${account.id}/senders/PAUSED`, { status: 'suspended' })).status, 204);
  const listed = (await t.admin('GET', `/accounts/${account.id}/senders`)).body.senders.find((s: { sender: string }) => s.sender === 'PAUSED');
  assert.equal(listed.status, 'suspended');
  assert.equal((await t.admin('PATCH', `/accounts/${account.id}/senders/paused`, { status: 'active' })).status, 204);
});

test('refuses PATCH of an unknown sender with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('PATCH', `/accounts/${account.id}/senders/NOSUCH`, { status: 'suspended' }), 404, 'ERR_NOT_FOUND');
});

test('registers a DLT template with 201 and makes it usable at once', async () => {
  const res = await addTemplate({ template_id: 'TN_SHIP_001', sender: 'DAKIYA', category: 'transactional', text: 'Your order {#str#} has shipped.' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual({ ...res.body, created_at: 0 }, {
    account_id: account.id, template_id: 'TN_SHIP_001', sender: 'DAKIYA', category: 'transactional', text: 'Your order {#str#} has shipped.', status: 'active', created_at: 0,
    entity_id: null,
  });
  const sent = await t.request('POST', '/v1/sms/send', { to: '9876543210', sender: 'DAKIYA', template_id: 'TN_SHIP_001', category: 'transactional', variables: ['12345'] }, { key: account.apiKey });
  assert.equal(sent.status, 202, sent.raw);
});

test('registers a template under its DLT principal entity, and refuses an entity id that is not 1-30 digits', async () => {
  const res = await addTemplate({ template_id: 'TN_PE_001', sender: 'DAKIYA', category: 'transactional', text: 'Hello {#var#}', entity_id: '1201159000000000077' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.entity_id, '1201159000000000077');
  const listed = (await t.admin('GET', `/accounts/${account.id}/templates`)).body.templates.find((tpl: { template_id: string }) => tpl.template_id === 'TN_PE_001');
  assert.equal(listed.entity_id, '1201159000000000077');
  for (const entity_id of ['12011590000000000AB', '1'.repeat(31)]) {
    const body = { template_id: 'TN_PE_BAD', sender: 'DAKIYA', category: 'transactional', text: 'Hello {#var#}', entity_id };
    await expectRejection(t, operator('POST', `/accounts/${account.id}/templates`, body), 400, 'ERR_INVALID_REQUEST');
  }
  assert.equal((await t.admin('GET', `/accounts/${account.id}/templates`)).body.templates.some((tpl: { template_id: string }) => tpl.template_id === 'TN_PE_BAD'), false);
});

test('lists the account\'s templates', async () => {
  const res = await t.admin('GET', `/accounts/${account.id}/templates`);
  assert.ok(res.body.templates.some((tpl: { template_id: string }) => tpl.template_id === 'T-OTP-1'));
});

test('refuses a template for an unregistered sender with 422 ERR_SENDER_NOT_REGISTERED', async () => {
  const body = { template_id: 'T-ORPHAN', sender: 'NOSUCH', category: 'transactional', text: 'Hello {#var#}' };
  await expectRejection(t, operator('POST', `/accounts/${account.id}/templates`, body), 422, 'ERR_SENDER_NOT_REGISTERED');
});

test('refuses a template id registered twice with 409 ERR_CONFLICT', async () => {
  const body = { template_id: 'T-OTP-1', sender: 'DAKIYA', category: 'otp', text: 'Code {#num#}' };
  await expectRejection(t, operator('POST', `/accounts/${account.id}/templates`, body), 409, 'ERR_CONFLICT');
});

test('refuses a template id with spaces or slashes with 400 ERR_INVALID_REQUEST', async () => {
  const body = { template_id: 'T 1/2', sender: 'DAKIYA', category: 'otp', text: 'Code {#num#}' };
  const error = await expectRejection(t, operator('POST', `/accounts/${account.id}/templates`, body), 400, 'ERR_INVALID_REQUEST');
  assert.deepEqual(error.details, { field: 'template_id' });
});

test('refuses a template with more than 50 variables with 400 ERR_INVALID_REQUEST', async () => {
  const body = { template_id: 'T-MANY', sender: 'DAKIYA', category: 'transactional', text: '{#var#} '.repeat(51) };
  await expectRejection(t, operator('POST', `/accounts/${account.id}/templates`, body), 400, 'ERR_INVALID_REQUEST');
});

test('refuses a template of an unknown category with 400 ERR_INVALID_REQUEST', async () => {
  const body = { template_id: 'T-CAT', sender: 'DAKIYA', category: 'marketing', text: 'Hi {#var#}' };
  await expectRejection(t, operator('POST', `/accounts/${account.id}/templates`, body), 400, 'ERR_INVALID_REQUEST');
});

test('suspends a template with PATCH and 204', async () => {
  assert.equal((await t.admin('PATCH', `/accounts/${account.id}/templates/T-ORDER-1`, { status: 'suspended' })).status, 204);
  const listed = (await t.admin('GET', `/accounts/${account.id}/templates`)).body.templates.find((tpl: { template_id: string }) => tpl.template_id === 'T-ORDER-1');
  assert.equal(listed.status, 'suspended');
});

test('refuses PATCH of an unknown template with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('PATCH', `/accounts/${account.id}/templates/T-NOPE`, { status: 'suspended' }), 404, 'ERR_NOT_FOUND');
});

test('answers the sender and template lists of an unknown account with 404 ERR_NOT_FOUND', async () => {
  await expectRejection(t, operator('GET', '/accounts/no-such-account/senders'), 404, 'ERR_NOT_FOUND');
  await expectRejection(t, operator('GET', '/accounts/no-such-account/templates'), 404, 'ERR_NOT_FOUND');
});
