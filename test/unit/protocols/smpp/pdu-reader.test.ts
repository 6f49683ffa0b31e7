// The reader fed hex bytes in every split: whole PDUs out, invalid ones reported and read past,
// an untrustworthy command_length fatal at once, and nothing buffered beyond the cap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandStatus, type FrameHeader, type Pdu, PduReader, type SmppError } from '../../../../src/protocols/smpp/index.ts';
import { cstr, fromHex, pduHex, text } from './hex.ts';

function record(maxCommandLength?: number) {
  const out = { pdus: [] as Pdu[], invalid: [] as Array<{ error: SmppError; header: FrameHeader }>, fatal: [] as Array<{ error: SmppError; header: FrameHeader }> };
  const reader = new PduReader({
    onPdu: (pdu) => out.pdus.push(pdu),
    onInvalid: (error, header) => out.invalid.push({ error, header }),
    onFatal: (error, header) => out.fatal.push({ error, header }),
  }, maxCommandLength === undefined ? {} : { maxCommandLength });
  return { reader, out };
}

const stream = fromHex([
  '00000010 00000015 00000000 00000001',
  pduHex(0x00000004, 0, 2, cstr(''), '05 00', cstr('DAKIYA'), '01 01', cstr('919876543210'), '00 00 00', cstr(''), cstr(''), '01 00 00 00', '05', text('Hello'), '1400 0002 4142'),
  pduHex(0x80000004, 0, 3, cstr('abc')),
  pduHex(0x80000004, 0x58, 4),
].join(''));

test('reads several PDUs from one chunk', () => {
  const { reader, out } = record();
  reader.push(stream);
  assert.deepEqual(out.pdus.map((p) => [p.command, p.sequence_number]), [['enquire_link', 1], ['submit_sm', 2], ['submit_sm_resp', 3], ['submit_sm_resp', 4]]);
  assert.equal(reader.bufferedBytes, 0);
});

test('reads the same PDUs when the stream is split in two at every byte offset', () => {
  const { out: whole } = (() => { const r = record(); r.reader.push(stream); return r; })();
  for (let cut = 1; cut < stream.length; cut++) {
    const { reader, out } = record();
    reader.push(stream.subarray(0, cut));
    reader.push(stream.subarray(cut));
    assert.deepEqual(out.pdus, whole.pdus, `split at ${cut}`);
  }
});

test('reads the same PDUs when fed one byte at a time', () => {
  const { reader, out } = record();
  for (const byte of stream) reader.push(Buffer.of(byte));
  assert.equal(out.pdus.length, 4);
  assert.equal(out.pdus[1]!.command, 'submit_sm');
  assert.equal(reader.bufferedBytes, 0);
});

for (const [label, length] of [['0', 0], ['8', 8], ['15', 15], ['2^31', 2 ** 31], ['one above the cap', 1025]] as const) {
  test(`stops at a command_length of ${label}, reporting ESME_RINVCMDLEN, and ignores what follows`, () => {
    const { reader, out } = record(1024);
    const head = Buffer.alloc(16);
    head.writeUInt32BE(length, 0);
    head.writeUInt32BE(0x15, 4);
    head.writeUInt32BE(9, 12);
    reader.push(Buffer.concat([head, fromHex('00000010 00000015 00000000 00000001')]));
    assert.equal(out.fatal.length, 1);
    assert.equal(out.fatal[0]!.error.code, 'SMPP_ERR_INVALID_LENGTH');
    assert.equal(out.fatal[0]!.error.command_status, CommandStatus.ESME_RINVCMDLEN);
    assert.equal(out.fatal[0]!.header.sequence_number, 9);
    assert.equal(out.pdus.length, 0);
    assert.ok(reader.stopped);
  });
}

test('rejects a too-long command_length as soon as its 4 octets arrive, buffering nothing more', () => {
  const { reader, out } = record();
  reader.push(fromHex('7fff'));
  assert.equal(out.fatal.length, 0);
  reader.push(fromHex('ffff'));
  assert.equal(out.fatal.length, 1);
  reader.push(Buffer.alloc(100_000));
  assert.equal(reader.bufferedBytes, 0);
});

test('reports an unknown command_id with ESME_RINVCMDID and reads on', () => {
  const { reader, out } = record();
  reader.push(fromHex(pduHex(0x00000099, 0, 5, 'aabb') + '00000010 00000015 00000000 00000006'));
  assert.equal(out.invalid.length, 1);
  assert.equal(out.invalid[0]!.error.command_status, CommandStatus.ESME_RINVCMDID);
  assert.equal(out.invalid[0]!.header.sequence_number, 5);
  assert.deepEqual(out.pdus.map((p) => p.sequence_number), [6]);
});

test('reports a truncated body and reads on', () => {
  const { reader, out } = record();
  reader.push(fromHex(pduHex(0x00000004, 0, 7, cstr(''), '05 00', text('DAKI')) + '00000010 00000015 00000000 00000008'));
  assert.equal(out.invalid.length, 1);
  assert.equal(out.invalid[0]!.header.command_id, 0x00000004);
  assert.deepEqual(out.pdus.map((p) => p.sequence_number), [8]);
});

test('holds a partial PDU without reporting anything', () => {
  const { reader, out } = record();
  reader.push(stream.subarray(0, 20));
  assert.equal(out.pdus.length, 1);
  assert.equal(reader.bufferedBytes, 4);
});

test('never throws on random garbage and ends every chunk stopped, framed or waiting below the cap', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 2000; i++) {
    const { reader } = record(4096);
    const garbage = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
    reader.push(garbage);
    assert.ok(reader.stopped || reader.bufferedBytes < 4096);
  }
});
