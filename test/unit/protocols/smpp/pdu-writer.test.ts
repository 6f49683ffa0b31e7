// The writer batches a tick's PDUs into one socket write and reports backpressure until 'drain'.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { decode, PduReader, type Pdu, PduWriter, SmppError } from '../../../../src/protocols/smpp/index.ts';
import { boundEsme } from './session-harness.ts';

class FakeSocket extends EventEmitter {
  chunks: Buffer[] = [];
  accept = true;
  write(chunk: Buffer): boolean {
    this.chunks.push(Buffer.from(chunk));
    return this.accept;
  }
}

const tick = () => new Promise((r) => setImmediate(r));

test('writes all PDUs written in one tick with one socket write', async () => {
  const socket = new FakeSocket();
  const writer = new PduWriter(socket);
  for (let i = 1; i <= 100; i++) writer.write({ command: 'enquire_link_resp', sequence_number: i });
  assert.equal(socket.chunks.length, 0);
  await tick();
  assert.equal(socket.chunks.length, 1);
  const pdus: Pdu[] = [];
  new PduReader({ onPdu: (p) => pdus.push(p), onInvalid: assert.fail, onFatal: assert.fail }).push(socket.chunks[0]!);
  assert.deepEqual(pdus.map((p) => p.sequence_number), Array.from({ length: 100 }, (_, i) => i + 1));
});

test('replaces the sequence_number without touching the caller\'s object', async () => {
  const socket = new FakeSocket();
  const writer = new PduWriter(socket);
  const pdu = { command: 'enquire_link', sequence_number: 1 } as const;
  writer.write(pdu, 0x7fffffff);
  writer.flush();
  assert.equal(decode(socket.chunks[0]!).sequence_number, 0x7fffffff);
  assert.equal(pdu.sequence_number, 1);
});

test('throws on a PDU that cannot be encoded and writes nothing of it', async () => {
  const socket = new FakeSocket();
  const writer = new PduWriter(socket);
  writer.write({ command: 'enquire_link', sequence_number: 1 });
  assert.throws(() => writer.write({ command: 'submit_sm', source_addr: '\u0900' }), SmppError);
  writer.write({ command: 'enquire_link', sequence_number: 2 });
  writer.flush();
  assert.equal(socket.chunks[0]!.length, 32);
});

test('writes a PDU larger than its slab', async () => {
  const socket = new FakeSocket();
  const writer = new PduWriter(socket);
  writer.write({ command: 'submit_sm', tlvs: { message_payload: Buffer.alloc(40_000, 1) } });
  writer.flush();
  assert.equal((decode(socket.chunks[0]!).tlvs?.message_payload as Buffer).length, 40_000);
});

test('stays blocked after the socket refuses more until it drains', async () => {
  const socket = new FakeSocket();
  let drained = 0;
  const writer = new PduWriter(socket, () => drained++);
  socket.accept = false;
  writer.write({ command: 'enquire_link', sequence_number: 1 });
  writer.flush();
  assert.ok(writer.blocked);
  socket.emit('drain');
  assert.ok(!writer.blocked);
  assert.equal(drained, 1);
});

test('holds requests while the socket is blocked and sends them after drain', async () => {
  const { session, peer } = await boundEsme('transmitter');
  const socket = peer.socket.other;
  const realWrite = socket.write.bind(socket);
  let refuse = true;
  // The next write is accepted but reports a full buffer, as a slow network would.
  socket.write = ((chunk: Buffer) => { realWrite(chunk); return !refuse; }) as typeof socket.write;
  const first = session.request({ command: 'submit_sm' });
  await peer.next('submit_sm');
  const second = session.request({ command: 'submit_sm' });
  assert.equal(session.queued, 1);
  assert.equal(await peer.settle(), 0);
  refuse = false;
  socket.emit('drain');
  const req2 = await peer.next('submit_sm');
  peer.send({ command: 'submit_sm_resp', sequence_number: req2.sequence_number, message_id: 'b' });
  peer.send({ command: 'submit_sm_resp', sequence_number: req2.sequence_number - 1, message_id: 'a' });
  await Promise.all([first, second]);
  session.destroy();
});
