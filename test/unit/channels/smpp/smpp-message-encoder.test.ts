// Messages become the submit_sm PDUs a carrier expects: encoding, concatenation, flash, DLT TLVs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { absoluteTime, encodeMessage } from '../../../../src/channels/smpp/smpp-message-encoder.ts';
import type { OutboundMessage } from '../../../../src/channels/channel.ts';
import { type Connector, connectorDefaults } from '../../../../src/domain/connector.ts';
import { decodeGsm7, decodeUcs2, parseConcatUdh, planSegments } from '../../../../src/protocols/gsm/index.ts';

const connector: Connector = {
  ...connectorDefaults, dlt: { ...connectorDefaults.dlt, peId: '1201159000000000001' }, messageIds: { ...connectorDefaults.messageIds },
  name: 'c1', host: 'h', systemId: 's', routes: [{ routeId: 'transactional', priority: 0, weight: 1 }],
};

function message(body: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  const plan = planSegments(body);
  return {
    id: 'm1', routeId: 'transactional', category: 'transactional', recipient: '919876543210', sender: 'DAKIYA', body,
    encoding: plan.encoding, segments: plan.segments.length, flash: false, templateId: '1107161234567890123', expiresAt: Date.UTC(2026, 10, 22, 10, 30, 15, 700),
    ...overrides,
  };
}

test('a short GSM message is one submit_sm with unpacked septets, a receipt request and the DLT TLVs', () => {
  const [pdu, ...rest] = encodeMessage(message('Hello [world] €5'), connector, 7);
  assert.equal(rest.length, 0);
  assert.equal(pdu!.data_coding, 0);
  assert.equal(pdu!.esm_class, 0);
  assert.equal(pdu!.registered_delivery, 1);
  assert.equal(decodeGsm7(pdu!.short_message), 'Hello [world] €5');
  assert.equal(pdu!.short_message.length, 16 + 3, 'each of [ ] € takes an escape septet more');
  assert.deepEqual([pdu!.source_addr_ton, pdu!.source_addr_npi, pdu!.source_addr], [5, 0, 'DAKIYA']);
  assert.deepEqual([pdu!.dest_addr_ton, pdu!.dest_addr_npi, pdu!.destination_addr], [1, 1, '919876543210']);
  assert.deepEqual(pdu!.tlvs, { '0x1400': '1201159000000000001\0', '0x1401': '1107161234567890123\0' });
  assert.equal(pdu!.validity_period, '261122103015700+');
});

test('a message sent under its own DLT entity carries that PE id, not the connector\'s', () => {
  const [pdu] = encodeMessage(message('Hello', { entityId: '1201159000000000077' }), connector, 7);
  assert.deepEqual(pdu!.tlvs, { '0x1400': '1201159000000000077\0', '0x1401': '1107161234567890123\0' });
  const [none] = encodeMessage(message('Hello', { entityId: '1201159000000000077' }), { ...connector, dlt: { ...connector.dlt, peId: null } }, 7);
  assert.equal(none!.tlvs?.['0x1400'], '1201159000000000077\0', 'and carries it where the connector has none');
});

test('a long GSM message is split into UDH parts with one 8-bit reference, numbered in order', () => {
  const body = 'x'.repeat(400);
  const pdus = encodeMessage(message(body), connector, 0x1ff);
  assert.equal(pdus.length, 3);
  let text = '';
  pdus.forEach((pdu, i) => {
    assert.equal(pdu.esm_class, 0x40);
    const udh = pdu.short_message.subarray(0, 6);
    assert.deepEqual(parseConcatUdh(udh), { reference: 0xff, total: 3, sequence: i + 1 });
    text += decodeGsm7(pdu.short_message.subarray(6));
  });
  assert.equal(text, body);
});

test('a long unicode message travels as UCS-2 parts of 67 units, data_coding 8', () => {
  const body = 'नमस्ते '.repeat(20);
  const pdus = encodeMessage(message(body), connector, 1);
  assert.equal(pdus.length, Math.ceil(body.length / 67));
  assert.ok(pdus.every((p) => p.data_coding === 8 && p.short_message.length <= 140));
  assert.equal(pdus.map((p) => decodeUcs2(p.short_message.subarray(6))).join(''), body);
});

test('16-bit references, SAR TLVs and message_payload are the other concatenation modes', () => {
  const body = 'y'.repeat(320);
  const udh16 = encodeMessage(message(body), { ...connector, concat: 'udh16' }, 0x1234);
  assert.deepEqual(parseConcatUdh(udh16[0]!.short_message.subarray(0, 7)), { reference: 0x1234, total: 3, sequence: 1 });
  assert.ok(udh16.every((p) => p.short_message.length <= 160));
  const sar = encodeMessage(message(body), { ...connector, concat: 'sar' }, 0x1234);
  assert.deepEqual(sar.map((p) => [p.esm_class, p.tlvs?.sar_msg_ref_num, p.tlvs?.sar_total_segments, p.tlvs?.sar_segment_seqnum]),
    [[0, 0x1234, 3, 1], [0, 0x1234, 3, 2], [0, 0x1234, 3, 3]]);
  const payload = encodeMessage(message(body), { ...connector, concat: 'payload' }, 1);
  assert.equal(payload.length, 1);
  assert.equal(payload[0]!.short_message.length, 0);
  assert.equal(decodeGsm7(payload[0]!.tlvs!.message_payload!), body);
});

test('flash messages are message class 0 in either alphabet; numeric senders keep the connector TON/NPI', () => {
  assert.equal(encodeMessage(message('hi', { flash: true }), connector, 1)[0]!.data_coding, 0x10);
  assert.equal(encodeMessage(message('नमस्ते', { flash: true }), connector, 1)[0]!.data_coding, 0x18);
  const numeric = encodeMessage(message('hi', { sender: '56161' }), { ...connector, sourceTon: 3, sourceNpi: 9 }, 1)[0]!;
  assert.deepEqual([numeric.source_addr_ton, numeric.source_addr_npi], [3, 9]);
});

test('without a PE id or template id, no DLT TLV is sent', () => {
  const pdu = encodeMessage(message('hi', { templateId: null }), { ...connector, dlt: { ...connector.dlt, peId: null } }, 1)[0]!;
  assert.equal(pdu.tlvs, undefined);
});

test('absolute times are UTC in the SMPP format', () => {
  assert.equal(absoluteTime(Date.UTC(2027, 0, 2, 3, 4, 5, 0)), '270102030405000+');
});
