// Interop with an independent SMPP implementation as the customer: the npm `smpp` package
// (farhadi/node-smpp) binds a transceiver to our SMPP server, submits, gets our message id in the
// submit_sm_resp and, once the sandbox delivered the message, the receipt as a deliver_sm.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { parseReceiptText } from '../../src/protocols/smpp/index.ts';
import { readMessage } from '../dialects/native-v1/api-reads.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

// The package has no types; it is a dev-only interop peer.
const smpp = createRequire(import.meta.url)('smpp') as any;
// India's DLT template id TLV, which the package does not know by itself.
smpp.addTLV('dlt_template_id', { id: 0x1401, type: smpp.types.tlv.cstring });

let t: TestGateway;
let session: any;

before(async () => {
  t = await startTestGateway({ flags: { 'smpp.enabled': true, 'smpp.host': '127.0.0.1', 'smpp.port': 0 } });
  const res = await t.admin('PUT', '/smpp-users/nodesmpp', { account_id: t.account.id, password: 'pw123' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
});
after(async () => {
  session?.close();
  await t.stop();
});

function call(method: string, fields: Record<string, unknown>): Promise<any> {
  return new Promise((resolve) => session[method](fields, resolve));
}

test('an independent ESME binds, submits, gets our message id and receives the receipt as deliver_sm', async () => {
  session = smpp.connect({ url: `smpp://127.0.0.1:${t.gateway.smppServer!.port}`, auto_enquire_link_period: 0 });
  session.on('error', () => {});
  await new Promise((resolve) => session.once('connect', resolve));
  const receipts: any[] = [];
  const gotReceipt = new Promise<void>((resolve) => {
    session.on('deliver_sm', (pdu: any) => {
      receipts.push(pdu);
      session.send(pdu.response());
      resolve();
    });
  });

  const bind = await call('bind_transceiver', { system_id: 'nodesmpp', password: 'pw123' });
  assert.equal(bind.command_status, 0);
  assert.equal(bind.system_id, 'DAKIYA');

  const resp = await call('submit_sm', {
    source_addr: 'DAKIYA', destination_addr: '919876543210', short_message: 'Hello from node-smpp', registered_delivery: 1,
    dlt_template_id: 'T-PLAIN-1',
  });
  assert.equal(resp.command_status, 0);
  assert.match(resp.message_id, /^[0-9a-f-]{36}$/);
  const m = await readMessage(t, resp.message_id);
  assert.equal(m.template_id, 'T-PLAIN-1');
  assert.equal((await t.gateway.core.store.getMessage(t.account.id, resp.message_id))?.body, 'Hello from node-smpp');

  await gotReceipt;
  const r = receipts[0];
  assert.equal(r.esm_class & 0x3c, 0x04);
  assert.equal(r.receipted_message_id, resp.message_id);
  assert.equal(r.message_state, 2);
  const text = typeof r.short_message === 'string' ? r.short_message : r.short_message.message;
  const parsed = parseReceiptText(text);
  assert.equal(parsed?.id, resp.message_id);
  assert.equal(parsed?.stat, 'DELIVRD');

  const unbound = await call('unbind', {});
  assert.equal(unbound.command_status, 0);
});
