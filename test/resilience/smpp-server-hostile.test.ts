// Hostile connections to the SMPP server: an HTTP request, a TLS ClientHello, command_length 0, 8
// and 2^31, a partial PDU then silence, a submit before binding, 1,000 connections that never
// bind, a bound session that goes silent. The gateway stays up, each bad socket is answered or
// closed (by the reader at once, or by the bind and inactivity timers), and a well-behaved
// customer bound all along keeps getting its submit_sm_resp promptly.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { encodeGsm7 } from '../../src/protocols/gsm/index.ts';
import { CommandStatus, connect, decode, encode, type SmppSession } from '../../src/protocols/smpp/index.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

const bindTimeoutMs = 1000;
const inactivityTimeoutMs = 2500;
let t: TestGateway;
let port: number;
let customer: SmppSession;

before(async () => {
  t = await startTestGateway({
    flags: {
      'smpp.enabled': true, 'smpp.host': '127.0.0.1', 'smpp.port': 0, 'smpp.bindTimeoutMs': bindTimeoutMs,
      'smpp.inactivityTimeoutMs': inactivityTimeoutMs, 'smpp.maxConnections': 5000,
    },
  });
  port = t.gateway.smppServer!.port;
  assert.equal((await t.admin('PUT', '/smpp-users/good', { account_id: t.account.id, password: 'secret' })).status, 200);
  // The well-behaved customer keeps its link alive with enquire_link, well inside the inactivity timeout.
  customer = await connect({ host: '127.0.0.1', port, enquireLinkMs: 100 });
  customer.on('error', () => {});
  await customer.bind('transmitter', { system_id: 'good', password: 'secret' });
});
after(async () => {
  customer.destroy();
  await t.stop();
});

/** A submit by the good customer answers ESME_ROK within a second. */
async function customerIsServed(): Promise<void> {
  const started = performance.now();
  const resp = await customer.request({
    command: 'submit_sm', source_addr: 'DAKIYA', destination_addr: '919876543210', short_message: Buffer.from(encodeGsm7('Still here')),
    tlvs: { '0x1401': 'T-PLAIN-1' },
  });
  assert.equal(resp.command_status, 0);
  assert.ok(performance.now() - started < 1000, `submit_sm_resp took ${Math.round(performance.now() - started)} ms`);
}

interface Raw {
  socket: net.Socket;
  received: () => Buffer;
  closed: Promise<number>;
}

/** A raw TCP connection; `closed` resolves with the ms until the server closed it. */
async function raw(): Promise<Raw> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const opened = performance.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - opened)));
  return { socket, received: () => Buffer.concat(chunks), closed };
}

function header(length: number, commandId = 0x00000004, seq = 1): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length >>> 0, 0);
  b.writeUInt32BE(commandId, 4);
  b.writeUInt32BE(0, 8);
  b.writeUInt32BE(seq, 12);
  return b;
}

async function closedAtOnceWithNack(bytes: Buffer): Promise<void> {
  const c = await raw();
  c.socket.write(bytes);
  const ms = await c.closed;
  assert.ok(ms < bindTimeoutMs, `closed after ${Math.round(ms)} ms, not by the reader`);
  const nack = decode(c.received().subarray(0, 16));
  assert.equal(nack.command, 'generic_nack');
  assert.equal(nack.command_status, CommandStatus.ESME_RINVCMDLEN);
  await customerIsServed();
}

test('an HTTP request is answered generic_nack and closed', async () => {
  await closedAtOnceWithNack(Buffer.from('GET / HTTP/1.1\r\nHost: smpp.example\r\n\r\n'));
});

test('a TLS ClientHello is answered generic_nack and closed', async () => {
  const hello = Buffer.from('16030100a5010000a10303' + '00'.repeat(32) + '000002c02f0100', 'hex');
  await closedAtOnceWithNack(hello);
});

test('command_length 0, 8 and 2^31 are answered generic_nack and closed', async () => {
  await closedAtOnceWithNack(header(0));
  await closedAtOnceWithNack(header(8));
  await closedAtOnceWithNack(header(0x80000000));
});

test('a partial PDU followed by silence is closed by the bind timer', async () => {
  const c = await raw();
  c.socket.write(header(64).subarray(0, 10));
  const ms = await c.closed;
  assert.ok(ms >= bindTimeoutMs - 50 && ms < bindTimeoutMs + 1000, `closed after ${Math.round(ms)} ms`);
  await customerIsServed();
});

test('a submit_sm before binding is refused with ESME_RINVBNDSTS, then the bind timer closes the socket', async () => {
  const c = await raw();
  c.socket.write(encode({ command: 'submit_sm', sequence_number: 7, source_addr: 'DAKIYA', destination_addr: '919876543210', short_message: Buffer.from('hi') }));
  await c.closed;
  const resp = decode(c.received().subarray(0, 16));
  assert.equal(resp.command, 'submit_sm_resp');
  assert.equal(resp.command_status, CommandStatus.ESME_RINVBNDSTS);
  assert.equal(resp.sequence_number, 7);
  await customerIsServed();
});

test('a bound session that goes silent is closed by the inactivity timer', async () => {
  const idle = await connect({ host: '127.0.0.1', port, enquireLinkMs: 0 });
  idle.on('error', () => {});
  await idle.bind('transceiver', { system_id: 'good', password: 'secret' });
  const started = performance.now();
  await new Promise((resolve) => idle.once('close', resolve));
  const ms = performance.now() - started;
  assert.ok(ms >= inactivityTimeoutMs - 100 && ms < inactivityTimeoutMs + 1500, `closed after ${Math.round(ms)} ms`);
  await customerIsServed();
});

test('1,000 connections that never bind are all closed by the bind timer while the customer keeps being served', async () => {
  const baseline = t.gateway.smppServer!.connections;
  const crowd = await Promise.all(Array.from({ length: 1000 }, () => raw()));
  // While the crowd is still open (the bind timer has not reached them all).
  assert.ok(t.gateway.smppServer!.connections > baseline + 100);
  for (let i = 0; i < 5; i++) await customerIsServed();
  const times = await Promise.all(crowd.map((c) => c.closed));
  assert.ok(Math.max(...times) < bindTimeoutMs + 3000, `the last closed after ${Math.round(Math.max(...times))} ms`);
  await t.until(async () => t.gateway.smppServer!.connections === baseline, 5000);
  await customerIsServed();
  assert.equal(customer.state, 'bound_tx');
});
