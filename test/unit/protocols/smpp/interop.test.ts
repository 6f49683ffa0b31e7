// Interoperability with another implementation: the npm `smpp` package (dev-only) as the SMSC for
// our client, and as the ESME against our server. Loopback only.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { test } from 'node:test';
import {
  connect, createServer, type DeliverSm, formatReceiptText, parseReceiptText, type Pdu, type SmppSession, type SubmitSm, type SubmitSmResp,
} from '../../../../src/protocols/smpp/index.ts';

/** The slice of the untyped `smpp` package these tests use. */
interface ThemPdu {
  command: string;
  command_status: number;
  sequence_number: number;
  [field: string]: unknown;
  response(fields?: Record<string, unknown>): ThemPdu;
}
interface ThemSession {
  on(event: string, listener: (pdu: ThemPdu) => void): void;
  send(pdu: ThemPdu): void;
  close(): void;
  destroy(): void;
  bind_transceiver(fields: Record<string, unknown>, cb: (pdu: ThemPdu) => void): void;
  submit_sm(fields: Record<string, unknown>, cb: (pdu: ThemPdu) => void): void;
  deliver_sm(fields: Record<string, unknown>, cb: (pdu: ThemPdu) => void): void;
  enquire_link(fields: Record<string, unknown>, cb: (pdu: ThemPdu) => void): void;
  unbind(fields: Record<string, unknown>, cb: (pdu: ThemPdu) => void): void;
}
interface ThemModule {
  createServer(listener: (session: ThemSession) => void): Server;
  connect(options: { url: string }, cb?: () => void): ThemSession;
}
const them = createRequire(import.meta.url)('smpp') as ThemModule;

function call(session: ThemSession, op: 'bind_transceiver' | 'submit_sm' | 'enquire_link' | 'unbind', fields: Record<string, unknown>): Promise<ThemPdu> {
  return new Promise((resolve) => session[op](fields, resolve));
}

async function listening(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

test('our client binds to an smpp-package SMSC, submits, and gets a receipt back', async () => {
  const seen: ThemPdu[] = [];
  let acked: (pdu: ThemPdu) => void;
  const receiptAcked = new Promise<ThemPdu>((resolve) => { acked = resolve; });
  const server = them.createServer((s) => {
    s.on('bind_transceiver', (pdu) => s.send(pdu.response({ system_id: 'THEM' })));
    s.on('enquire_link', (pdu) => s.send(pdu.response()));
    s.on('unbind', (pdu) => { s.send(pdu.response()); s.close(); });
    s.on('submit_sm', (pdu) => {
      seen.push(pdu);
      s.send(pdu.response({ message_id: 'THEM-1' }));
      s.deliver_sm({
        source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 4,
        short_message: formatReceiptText({ id: 'THEM-1', submit_date: '2501011200', done_date: '2501011201', stat: 'DELIVRD', text: 'Hello' }),
        receipted_message_id: 'THEM-1', message_state: 2,
      }, (resp) => acked(resp));
    });
  });
  const port = await listening(server);
  const session = await connect({ host: '127.0.0.1', port, enquireLinkMs: 0 });
  const receipts: DeliverSm[] = [];
  session.on('request', (pdu: Pdu) => {
    if (pdu.command === 'deliver_sm') receipts.push(pdu);
    session.respond(pdu);
  });
  assert.equal((await session.bind('transceiver', { system_id: 'us', password: 'pw' })).system_id, 'THEM');
  const submit: Omit<SubmitSm, 'sequence_number' | 'command_status'> = {
    command: 'submit_sm', service_type: '', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'DAKIYA', dest_addr_ton: 1, dest_addr_npi: 1,
    destination_addr: '919876543210', esm_class: 0, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '', validity_period: '',
    registered_delivery: 1, replace_if_present_flag: 0, data_coding: 0, sm_default_msg_id: 0, short_message: Buffer.from('Hello'),
    tlvs: { '0x1400': '1101234567890', '0x1401': '1107161234567890123' },
  };
  const resp = await session.request(submit) as SubmitSmResp;
  assert.equal(resp.message_id, 'THEM-1');
  assert.equal(seen[0]!.destination_addr, '919876543210');
  assert.equal(String((seen[0]!.short_message as { message: string }).message), 'Hello');
  assert.equal((seen[0]![0x1400] as Buffer).toString(), '1101234567890');
  assert.equal((await receiptAcked).command_status, 0);
  assert.equal(receipts[0]!.tlvs?.receipted_message_id, 'THEM-1');
  assert.equal(receipts[0]!.tlvs?.message_state, 2);
  assert.equal(parseReceiptText(receipts[0]!.short_message.toString('latin1'))?.stat, 'DELIVRD');
  await session.unbind();
  assert.equal(session.state, 'closed');
  server.close();
});

test('an smpp-package client binds to our server, submits, and gets a receipt back', async () => {
  const sessions: SmppSession[] = [];
  const server = createServer({ enquireLinkMs: 0 }, (session) => {
    sessions.push(session);
    session.on('bind', (pdu, accept) => accept(pdu.password === 'pw' ? 0 : 0x0e, 'DAKIYA'));
    session.on('request', (pdu: Pdu) => {
      if (pdu.command !== 'submit_sm') return session.respond(pdu, undefined, 0x03);
      session.respond(pdu, { message_id: 'US-1' });
      void session.request({
        command: 'deliver_sm', source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 4,
        short_message: Buffer.from(formatReceiptText({ id: 'US-1', submit_date: '2501011200', done_date: '2501011201', stat: 'DELIVRD' }), 'latin1'),
        tlvs: { receipted_message_id: 'US-1', message_state: 2, network_error_code: Buffer.from([3, 0, 0]) },
      });
    });
  });
  const port = await listening(server);
  const client = them.connect({ url: `smpp://127.0.0.1:${port}` });
  await once(client as unknown as import('node:events').EventEmitter, 'connect');
  const receipt = new Promise<ThemPdu>((resolve) => client.on('deliver_sm', (pdu) => { client.send(pdu.response()); resolve(pdu); }));
  const bound = await call(client, 'bind_transceiver', { system_id: 'them', password: 'pw' });
  assert.equal(bound.command_status, 0);
  assert.equal(bound.system_id, 'DAKIYA');
  assert.equal(sessions[0]!.state, 'bound_trx');
  assert.equal((await call(client, 'enquire_link', {})).command_status, 0);
  const resp = await call(client, 'submit_sm', { destination_addr: '919876543210', source_addr: 'THEM', short_message: 'Hello', registered_delivery: 1 });
  assert.equal(resp.command_status, 0);
  assert.equal(resp.message_id, 'US-1');
  const dlr = await receipt;
  assert.equal(dlr.receipted_message_id, 'US-1');
  assert.equal(dlr.message_state, 2);
  assert.equal(dlr.esm_class, 4);
  const closed = once(sessions[0]!, 'close');
  assert.equal((await call(client, 'unbind', {})).command_status, 0);
  await closed;
  client.destroy();
  server.close();
});

test('an smpp-package client that sends a bad password is refused with ESME_RINVPASWD', async () => {
  const server = createServer({ enquireLinkMs: 0 }, (session) => session.on('bind', (pdu, accept) => accept(pdu.password === 'pw' ? 0 : 0x0e)));
  const port = await listening(server);
  const client = them.connect({ url: `smpp://127.0.0.1:${port}` });
  await once(client as unknown as import('node:events').EventEmitter, 'connect');
  assert.equal((await call(client, 'bind_transceiver', { system_id: 'them', password: 'nope' })).command_status, 0x0e);
  client.destroy();
  server.close();
});
