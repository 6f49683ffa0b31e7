// Interop with an independent SMPP implementation: the npm `smpp` package (farhadi/node-smpp) plays
// the carrier's SMSC; our connector binds to it. HTTP send → our connector → that SMSC → its
// receipt → the message is DELIVERED, with receipts read from the standard text and from TLVs.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';
import { creditsOn, waitForStatus } from '../dialects/native-v1/api-reads.ts';
import { transactional } from '../dialects/native-v1/sample-requests.ts';

// The package has no types; it is a dev-only interop peer.
const smpp = createRequire(import.meta.url)('smpp') as any;

interface Seen { source_addr: string; destination_addr: string; data_coding: number; message: string; tlv1400: string | undefined; tlv1401: string | undefined; esm_class: number }
const seen: Seen[] = [];
const binds: Array<{ system_id: string; password: string }> = [];
let nextId = 0x0a00;
/** How the SMSC answers the next submit_sm: a receipt by text, by TLVs, or a refusal. */
let mode: 'text' | 'tlv' | 'reject' | 'early' = 'text';

const server = smpp.createServer({ debug: false }, (session: any) => {
  session.on('error', () => {});
  session.on('bind_transceiver', (pdu: any) => {
    binds.push({ system_id: pdu.system_id, password: pdu.password });
    if (pdu.password !== 'secret') {
      session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
      return;
    }
    session.send(pdu.response({ system_id: 'NODE-SMSC' }));
  });
  session.on('enquire_link', (pdu: any) => session.send(pdu.response()));
  session.on('submit_sm', (pdu: any) => {
    const message = typeof pdu.short_message === 'string' ? pdu.short_message : pdu.short_message.message;
    seen.push({
      source_addr: pdu.source_addr, destination_addr: pdu.destination_addr, data_coding: pdu.data_coding, message,
      tlv1400: pdu[0x1400]?.toString('latin1'), tlv1401: pdu[0x1401]?.toString('latin1'), esm_class: pdu.esm_class,
    });
    if (mode === 'reject') {
      session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
      return;
    }
    // The carrier answers in upper-case hex, zero-padded, and reports in decimal: Dakiya matches them.
    const id = (nextId++).toString(16).toUpperCase().padStart(8, '0');
    if (mode === 'early') {
      // The receipt overtakes the submit_sm_resp, and comes twice.
      const receipt = { source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 4, short_message: `id:${parseInt(id, 16)} sub:001 dlvrd:001 submit date:2611221000 done date:2611221001 stat:DELIVRD err:000 text:x` };
      session.deliver_sm(receipt);
      session.deliver_sm(receipt);
      setTimeout(() => session.send(pdu.response({ message_id: id })), 100);
      return;
    }
    session.send(pdu.response({ message_id: id }));
    const receipt = mode === 'text'
      ? { short_message: `id:${parseInt(id, 16)} sub:001 dlvrd:001 submit date:2611221000 done date:2611221001 stat:DELIVRD err:000 text:${message.slice(0, 20)}` }
      : { short_message: '', receipted_message_id: String(parseInt(id, 16)), message_state: 2 };
    setTimeout(() => session.deliver_sm({
      source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 4, ...receipt,
    }), 20);
  });
});

let t: TestGateway;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  t = await startTestGateway({ flags: { 'smpp.upstream.reloadMs': 100 } });
  await t.gateway.core.connectors.save({
    name: 'node-smpp', host: '127.0.0.1', port, systemId: 'dakiya', password: 'secret', routes: ['transactional'],
    messageIds: { submit: 'hex', receipt: 'decimal' }, dlt: { peId: '1201159000000000001' },
  });
  await t.until(async () => t.gateway.smpp.states()[0]?.up, 10_000);
});
after(async () => {
  await t.stop();
  await new Promise((resolve) => server.close(resolve));
});

test('our connector binds to an independent SMSC with its credentials', () => {
  assert.deepEqual(binds.at(-1), { system_id: 'dakiya', password: 'secret' });
});

test('a message goes out over SMPP and its text receipt (decimal id for a hex submit id) delivers it', async () => {
  mode = 'text';
  const res = await t.request('POST', '/v1/sms/send', transactional('Hello interop'));
  assert.equal(res.status, 202, res.raw);
  const m = await waitForStatus(t, res.body.message_id, 'DELIVERED', { timeoutMs: 10_000 });
  assert.equal(m.status, 'DELIVERED');
  const s = seen.at(-1)!;
  assert.deepEqual([s.source_addr, s.destination_addr, s.data_coding, s.message, s.tlv1401], ['DAKIYA', '919876543210', 0, 'Hello interop', 'T-PLAIN-1\0']);
  assert.equal(s.tlv1400, '1201159000000000001\0', 'a template registered without a PE id goes under the connector\'s');
});


test('a receipt given only by TLVs (receipted_message_id, message_state) delivers it too', async () => {
  mode = 'tlv';
  const res = await t.request('POST', '/v1/sms/send', transactional('Hello TLV'));
  assert.equal(res.status, 202, res.raw);
  await waitForStatus(t, res.body.message_id, 'DELIVERED', { timeoutMs: 10_000 });
});

test('a receipt that overtakes its submit_sm_resp, and comes twice, delivers the message once', async () => {
  mode = 'early';
  const res = await t.request('POST', '/v1/sms/send', transactional('Hello early'));
  assert.equal(res.status, 202, res.raw);
  await waitForStatus(t, res.body.message_id, 'DELIVERED', { timeoutMs: 10_000 });
  const transitions = await t.gateway.metrics.registry.getSingleMetricAsString('dakiya_message_transitions_total');
  assert.match(transitions, /to="DELIVERED"} 3\b/, 'three messages delivered so far, the early one once');
});

test('a refusal from the only connector rejects the message and refunds it', async () => {
  mode = 'reject';
  const who = await t.createAccount({ transactional: 5 });
  const res = await t.request('POST', '/v1/sms/send', transactional('Hello refused'), { key: who.apiKey });
  assert.equal(res.status, 202, res.raw);
  const m = await waitForStatus(t, res.body.message_id, 'REJECTED', { key: who.apiKey, timeoutMs: 10_000 });
  assert.equal(m.error_code, 'ERR_CARRIER_REJECTED');
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 5);
});

test('a template registered under its own DLT entity, or a Techto peid, puts that PE id in the TLV instead of the connector\'s', async () => {
  mode = 'text';
  const registered = { template_id: 'T-ENTITY-1', sender: 'DAKIYA', category: 'transactional', text: 'Entity {#var#} ships today', entity_id: '1201159000000000077' };
  assert.equal((await t.admin('POST', `/accounts/${t.account.id}/templates`, registered)).status, 201);
  const native = await t.request('POST', '/v1/sms/send', { to: '9876543210', sender: 'DAKIYA', template_id: 'T-ENTITY-1', message: 'Entity A12 ships today', category: 'transactional' });
  assert.equal(native.status, 202, native.raw);
  await waitForStatus(t, native.body.message_id, 'DELIVERED', { timeoutMs: 10_000 });
  assert.deepEqual([seen.at(-1)!.message, seen.at(-1)!.tlv1400, seen.at(-1)!.tlv1401], ['Entity A12 ships today', '1201159000000000077\0', 'T-ENTITY-1\0']);

  const query = new URLSearchParams({ token: t.account.apiKey, sender: 'DAKIYA', number: '9876543210', route: '2', message: 'Hello peid', templateid: 'T-PLAIN-1', peid: '1201159000000000055' });
  const techto = await t.request('GET', `/http-api/send?${query}`, undefined, { key: null });
  assert.equal(techto.status, 200, techto.raw);
  await waitForStatus(t, techto.body.message_id, 'DELIVERED', { timeoutMs: 10_000 });
  assert.deepEqual([seen.at(-1)!.message, seen.at(-1)!.tlv1400], ['Hello peid', '1201159000000000055\0']);
});
