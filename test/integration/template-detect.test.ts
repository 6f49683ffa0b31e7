// Template auto-detection through the send service (seed 002 sends without a template id): the
// stored message carries the detected template, per recipient, and refusals store and charge nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DakiyaError } from '../../src/domain/errors.ts';
import { sendPolicy } from '../../src/gateway.ts';
import { type Caller, type SendRequest, SendService } from '../../src/services/send-service.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

let t: TestGateway;
let service: SendService;
let caller: Caller;

const shopTemplates = [
  { template_id: 'S-LOGIN', text: 'Your login code is {#num#}. - SHOPIN' },
  { template_id: 'S-ORDER', text: 'Dear {#str#}, your order {#num#} has shipped. - SHOPIN' },
  { template_id: 'S-ORDER-ANY', text: 'Dear {#var#}, your order {#var#} has shipped. - SHOPIN' },
  { template_id: 'S-SALE-1', text: 'Sale ends {#var#}. - SHOPIN' },
  { template_id: 'S-SALE-2', text: 'Sale ends {#var#}. - SHOPIN' },
];

before(async () => {
  t = await startTestGateway();
  const id = t.account.id;
  for (const sender of ['SHOPIN', 'NOTMPL']) assert.equal((await t.admin('POST', `/accounts/${id}/senders`, { sender })).status, 201);
  for (const template of shopTemplates) {
    const created = await t.admin('POST', `/accounts/${id}/templates`, { ...template, sender: 'SHOPIN', category: 'transactional' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
  const core = t.gateway.core;
  service = new SendService({ store: core.store, profiles: core.profiles, clock: core.clock, ids: core.ids, policy: sendPolicy(t.config) });
  caller = { accountId: id, keyId: 'test-key', keyMode: 'live' };
});
after(async () => { await t.stop(); });

function request(fields: Partial<SendRequest>): SendRequest {
  return { recipients: [{ to: '9876543210' }], sender: 'SHOPIN', category: 'transactional', detectTemplate: true, ...fields };
}

async function send(fields: Partial<SendRequest>, bulk = false) {
  const outcome = await service.send(caller, request(fields), bulk);
  assert.equal(outcome.kind, 'accepted');
  return outcome.kind === 'accepted' ? outcome.prepared : assert.fail('not accepted');
}

async function storedTemplateIds(messageIds: readonly string[]): Promise<(string | null)[]> {
  return Promise.all(messageIds.map(async (id) => (await t.gateway.core.store.getMessage(t.account.id, id))?.templateId ?? null));
}

async function transactionalBalance(): Promise<number> {
  return (await t.gateway.core.store.getBalances(t.account.id)).find((b) => b.routeId === 'transactional')!.balance;
}

/** Expects the send to be refused with `code`, storing and charging nothing; answers the error. */
async function expectRefused(fields: Partial<SendRequest>, code: string, bulk = false): Promise<DakiyaError> {
  const balance = await transactionalBalance();
  const stored = (await t.gateway.core.store.listMessages({ accountId: t.account.id, limit: 10_000 })).length;
  const error = await service.send(caller, request(fields), bulk).then(() => assert.fail('accepted'), (e: unknown) => e);
  assert.ok(error instanceof DakiyaError, String(error));
  assert.equal(error.code, code, error.message);
  assert.equal(await transactionalBalance(), balance);
  assert.equal((await t.gateway.core.store.listMessages({ accountId: t.account.id, limit: 10_000 })).length, stored);
  return error;
}

test('stores a single send with the id of the template its text matches, and charges it', async () => {
  const balance = await transactionalBalance();
  const prepared = await send({ message: 'Your login code is 482913. - SHOPIN' });
  assert.deepEqual(await storedTemplateIds(prepared.messages.map((m) => m.id)), ['S-LOGIN']);
  assert.equal(await transactionalBalance(), balance - prepared.debit);
});

test('picks the typed template for digits and the {#var#} one when a {#num#} is given letters', async () => {
  const digits = await send({ message: 'Dear Asha, your order 1042 has shipped. - SHOPIN' });
  const letters = await send({ message: 'Dear Asha, your order AB-12 has shipped. - SHOPIN' });
  assert.deepEqual(await storedTemplateIds([digits.messages[0]!.id, letters.messages[0]!.id]), ['S-ORDER', 'S-ORDER-ANY']);
});

test('detects each recipient’s own text in a bulk', async () => {
  const prepared = await send({
    recipients: [
      { to: '9876500001', message: 'Your login code is 1111. - SHOPIN' },
      { to: '9876500002', message: 'Dear Ravi, your order 7 has shipped. - SHOPIN' },
      { to: '9876500003', message: 'Dear Ravi, your order #7 has shipped. - SHOPIN' },
    ],
  }, true);
  assert.deepEqual(await storedTemplateIds(prepared.messages.map((m) => m.id)), ['S-LOGIN', 'S-ORDER', 'S-ORDER-ANY']);
});

test('detects the shared text of a bulk once for every recipient', async () => {
  const prepared = await send({ message: 'Your login code is 2222. - SHOPIN', recipients: [{ to: '9876500011' }, { to: '9876500012' }] }, true);
  assert.deepEqual(await storedTemplateIds(prepared.messages.map((m) => m.id)), ['S-LOGIN', 'S-LOGIN']);
});

test('rejects only the bulk recipient whose text matches no template, naming the closest', async () => {
  const prepared = await send({
    recipients: [
      { to: '9876500021', message: 'Your login code is 3333. - SHOPIN' },
      { to: '9876500022', message: 'Your login code was 3333. - SHOPIN' },
    ],
  }, true);
  assert.equal(prepared.messages.length, 1);
  assert.deepEqual(prepared.rejected.map((r) => [r.index, r.error.code]), [[1, 'ERR_DLT_TEMPLATE_MISMATCH']]);
  assert.deepEqual(prepared.rejected[0]!.error.details, {
    reason: 'no_match', sender: 'SHOPIN', category: 'transactional', template_id: 'S-LOGIN', position: 'Your login code '.length, expected: 'literal "is "', found: 'was 3333. - SHOPIN',
  });
});

test('refuses a single send whose text matches no template with the closest template and position', async () => {
  const error = await expectRefused({ message: 'Your login code is 48291X. - SHOPIN' }, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.equal(error.details?.reason, 'no_match');
  assert.equal(error.details?.template_id, 'S-LOGIN');
  assert.equal(error.details?.position, 'Your login code is 48291'.length);
});

test('refuses a text that ties two templates as ambiguous, naming both', async () => {
  const error = await expectRefused({ message: 'Sale ends tonight. - SHOPIN' }, 'ERR_DLT_TEMPLATE_MISMATCH');
  assert.deepEqual(error.details, { reason: 'ambiguous', sender: 'SHOPIN', category: 'transactional', candidates: ['S-SALE-1', 'S-SALE-2'] });
});

test('refuses a bulk whose every text is ambiguous, listing each recipient', async () => {
  const error = await expectRefused({ message: 'Sale ends tonight. - SHOPIN', recipients: [{ to: '9876500031' }, { to: '9876500032' }] }, 'ERR_DLT_TEMPLATE_MISMATCH', true);
  assert.deepEqual((error.details?.rejected as { index: number }[]).map((r) => r.index), [0, 1]);
});

test('answers ERR_TEMPLATE_REQUIRED when the sender has no template to detect', async () => {
  const error = await expectRefused({ sender: 'NOTMPL', message: 'Your login code is 1. - SHOPIN' }, 'ERR_TEMPLATE_REQUIRED');
  assert.deepEqual(error.details, { reason: 'no_template', sender: 'NOTMPL', category: 'transactional' });
});

test('does not detect among templates of another category', async () => {
  const error = await expectRefused({ category: 'otp', route: 'otp', message: 'Your login code is 482913. - SHOPIN' }, 'ERR_TEMPLATE_REQUIRED');
  assert.equal(error.details?.category, 'otp');
});

test('uses a given template id instead of detecting', async () => {
  const prepared = await send({ templateId: 'S-ORDER-ANY', message: 'Dear Asha, your order 1042 has shipped. - SHOPIN' });
  assert.deepEqual(await storedTemplateIds([prepared.messages[0]!.id]), ['S-ORDER-ANY']);
});

test('still requires a template id when detection is not asked for', async () => {
  await expectRefused({ detectTemplate: false, message: 'Your login code is 482913. - SHOPIN' }, 'ERR_TEMPLATE_REQUIRED');
});
