// The codec against PDUs written by hand from SMPP 3.4 §4's layouts: each decodes to the expected
// object, and encoding that object gives back the same octets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMAND_IDS, CommandStatus, decode, encode, type Pdu, SmppError } from '../../../../src/protocols/smpp/index.ts';
import { cstr, fromHex, pduHex, text } from './hex.ts';

const SM_HEADER_FIELDS = {
  service_type: '', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'DAKIYA',
  dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '919876543210',
  esm_class: 0, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '', validity_period: '',
  registered_delivery: 1, replace_if_present_flag: 0, data_coding: 0, sm_default_msg_id: 0,
};
const SM_HEADER_HEX = `${cstr('')} 05 00 ${cstr('DAKIYA')} 01 01 ${cstr('919876543210')} 00 00 00 ${cstr('')} ${cstr('')} 01 00 00 00`;

const cases: Array<{ name: string; hex: string; pdu: Pdu }> = [
  {
    name: 'bind_transmitter',
    hex: pduHex(0x00000002, 0, 1, cstr('dakiya'), cstr('secret'), cstr('SMPP'), '34 01 01', cstr('^91')),
    pdu: { command: 'bind_transmitter', command_status: 0, sequence_number: 1, system_id: 'dakiya', password: 'secret', system_type: 'SMPP', interface_version: 0x34, addr_ton: 1, addr_npi: 1, address_range: '^91' },
  },
  {
    name: 'bind_receiver',
    hex: pduHex(0x00000001, 0, 2, cstr('dakiya'), cstr('pw'), cstr(''), '34 00 00', cstr('')),
    pdu: { command: 'bind_receiver', command_status: 0, sequence_number: 2, system_id: 'dakiya', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
  },
  {
    name: 'bind_transceiver',
    hex: pduHex(0x00000009, 0, 3, cstr('a'), cstr('b'), cstr(''), '34 00 00', cstr('')),
    pdu: { command: 'bind_transceiver', command_status: 0, sequence_number: 3, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
  },
  {
    name: 'bind_transceiver_resp with sc_interface_version',
    hex: pduHex(0x80000009, 0, 3, cstr('SMSC'), '0210 0001 34'),
    pdu: { command: 'bind_transceiver_resp', command_status: 0, sequence_number: 3, system_id: 'SMSC', tlvs: { sc_interface_version: 0x34 } },
  },
  {
    name: 'bind_transmitter_resp refusing with no body (§4.1.2)',
    hex: pduHex(0x80000002, 0x0e, 1),
    pdu: { command: 'bind_transmitter_resp', command_status: CommandStatus.ESME_RINVPASWD, sequence_number: 1 },
  },
  {
    name: 'bind_receiver_resp',
    hex: pduHex(0x80000001, 0, 2, cstr('SMSC')),
    pdu: { command: 'bind_receiver_resp', command_status: 0, sequence_number: 2, system_id: 'SMSC' },
  },
  {
    name: 'outbind',
    hex: pduHex(0x0000000b, 0, 9, cstr('smsc'), cstr('pw')),
    pdu: { command: 'outbind', command_status: 0, sequence_number: 9, system_id: 'smsc', password: 'pw' },
  },
  { name: 'unbind', hex: pduHex(0x00000006, 0, 10), pdu: { command: 'unbind', command_status: 0, sequence_number: 10 } },
  { name: 'unbind_resp', hex: pduHex(0x80000006, 0, 10), pdu: { command: 'unbind_resp', command_status: 0, sequence_number: 10 } },
  { name: 'enquire_link', hex: '00000010 00000015 00000000 7fffffff', pdu: { command: 'enquire_link', command_status: 0, sequence_number: 0x7fffffff } },
  { name: 'enquire_link_resp', hex: '00000010 80000015 00000000 00000004', pdu: { command: 'enquire_link_resp', command_status: 0, sequence_number: 4 } },
  { name: 'generic_nack', hex: '00000010 80000000 00000003 00000005', pdu: { command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDID, sequence_number: 5 } },
  {
    name: 'submit_sm with two DLT vendor TLVs',
    hex: pduHex(0x00000004, 0, 7, SM_HEADER_HEX, '05', text('Hello'), '1400 000d', text('1101234567890'), '1401 0004 01020304'),
    pdu: {
      command: 'submit_sm', command_status: 0, sequence_number: 7, ...SM_HEADER_FIELDS, short_message: Buffer.from('Hello'),
      tlvs: { '0x1400': Buffer.from('1101234567890'), '0x1401': Buffer.from([1, 2, 3, 4]) },
    },
  },
  {
    name: 'submit_sm with SAR TLVs',
    hex: pduHex(0x00000004, 0, 8, SM_HEADER_HEX, '02', '4869', '020c 0002 1234', '020e 0001 03', '020f 0001 01'),
    pdu: {
      command: 'submit_sm', command_status: 0, sequence_number: 8, ...SM_HEADER_FIELDS, short_message: Buffer.from('Hi'),
      tlvs: { sar_msg_ref_num: 0x1234, sar_total_segments: 3, sar_segment_seqnum: 1 },
    },
  },
  {
    name: 'submit_sm carrying message_payload and an empty short_message',
    hex: pduHex(0x00000004, 0, 11, SM_HEADER_HEX, '00', '0424 0003 616263'),
    pdu: {
      command: 'submit_sm', command_status: 0, sequence_number: 11, ...SM_HEADER_FIELDS, short_message: Buffer.alloc(0),
      tlvs: { message_payload: Buffer.from('abc') },
    },
  },
  {
    name: 'submit_sm_resp',
    hex: pduHex(0x80000004, 0, 7, cstr('0a1b2c3d')),
    pdu: { command: 'submit_sm_resp', command_status: 0, sequence_number: 7, message_id: '0a1b2c3d' },
  },
  {
    name: 'submit_sm_resp throttled with no body (§4.4.2)',
    hex: pduHex(0x80000004, 0x58, 7),
    pdu: { command: 'submit_sm_resp', command_status: CommandStatus.ESME_RTHROTTLED, sequence_number: 7 },
  },
  {
    name: 'deliver_sm receipt with receipted_message_id, message_state and network_error_code',
    hex: pduHex(0x00000005, 0, 12, cstr(''), '01 01', cstr('919876543210'), '05 00', cstr('DAKIYA'), '04 00 00', cstr(''), cstr(''), '00 00 00 00',
      '0c', text('id:1 stat:OK'), '001e 0009', cstr('0a1b2c3d'), '0427 0001 02', '0423 0003 030000'),
    pdu: {
      command: 'deliver_sm', command_status: 0, sequence_number: 12,
      service_type: '', source_addr_ton: 1, source_addr_npi: 1, source_addr: '919876543210', dest_addr_ton: 5, dest_addr_npi: 0, destination_addr: 'DAKIYA',
      esm_class: 4, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '', validity_period: '', registered_delivery: 0, replace_if_present_flag: 0,
      data_coding: 0, sm_default_msg_id: 0, short_message: Buffer.from('id:1 stat:OK'),
      tlvs: { receipted_message_id: '0a1b2c3d', message_state: 2, network_error_code: Buffer.from([3, 0, 0]) },
    },
  },
  { name: 'deliver_sm_resp', hex: pduHex(0x80000005, 0, 12, '00'), pdu: { command: 'deliver_sm_resp', command_status: 0, sequence_number: 12, message_id: '' } },
  { name: 'deliver_sm_resp with no body', hex: pduHex(0x80000005, 0, 12), pdu: { command: 'deliver_sm_resp', command_status: 0, sequence_number: 12 } },
  {
    name: 'submit_multi to an address and a distribution list',
    hex: pduHex(0x00000021, 0, 13, cstr(''), '05 00', cstr('DAKIYA'), '02', '01 01 01', cstr('919876543210'), '02', cstr('staff'),
      '00 00 00', cstr(''), cstr(''), '01 00 08 00', '02', '0041'),
    pdu: {
      command: 'submit_multi', command_status: 0, sequence_number: 13, service_type: '', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'DAKIYA',
      dest_addresses: [{ dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '919876543210' }, { dest_flag: 2, dl_name: 'staff' }],
      esm_class: 0, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '', validity_period: '', registered_delivery: 1, replace_if_present_flag: 0,
      data_coding: 8, sm_default_msg_id: 0, short_message: Buffer.from([0, 0x41]),
    },
  },
  {
    name: 'submit_multi_resp with one unsuccessful destination',
    hex: pduHex(0x80000021, 0, 13, cstr('77'), '01', '01 01', cstr('919800000000'), '0000000b'),
    pdu: {
      command: 'submit_multi_resp', command_status: 0, sequence_number: 13, message_id: '77',
      unsuccess_smes: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '919800000000', error_status_code: CommandStatus.ESME_RINVDSTADR }],
    },
  },
  {
    name: 'data_sm',
    hex: pduHex(0x00000103, 0, 14, cstr('WAP'), '01 01', cstr('9111'), '01 01', cstr('9122'), '00 01 04', '0424 0002 0102', '020a 0002 0b84'),
    pdu: {
      command: 'data_sm', command_status: 0, sequence_number: 14, service_type: 'WAP', source_addr_ton: 1, source_addr_npi: 1, source_addr: '9111',
      dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '9122', esm_class: 0, registered_delivery: 1, data_coding: 4,
      tlvs: { message_payload: Buffer.from([1, 2]), source_port: 0x0b84 },
    },
  },
  {
    name: 'data_sm_resp',
    hex: pduHex(0x80000103, 0, 14, cstr('m1'), '001d 0003', cstr('ok')),
    pdu: { command: 'data_sm_resp', command_status: 0, sequence_number: 14, message_id: 'm1', tlvs: { additional_status_info_text: 'ok' } },
  },
  {
    name: 'query_sm',
    hex: pduHex(0x00000003, 0, 15, cstr('m1'), '05 00', cstr('DAKIYA')),
    pdu: { command: 'query_sm', command_status: 0, sequence_number: 15, message_id: 'm1', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'DAKIYA' },
  },
  {
    name: 'query_sm_resp',
    hex: pduHex(0x80000003, 0, 15, cstr('m1'), cstr('250101120000000+'), '02 00'),
    pdu: { command: 'query_sm_resp', command_status: 0, sequence_number: 15, message_id: 'm1', final_date: '250101120000000+', message_state: 2, error_code: 0 },
  },
  {
    name: 'cancel_sm',
    hex: pduHex(0x00000008, 0, 16, cstr(''), cstr('m1'), '05 00', cstr('DAKIYA'), '01 01', cstr('919876543210')),
    pdu: {
      command: 'cancel_sm', command_status: 0, sequence_number: 16, service_type: '', message_id: 'm1', source_addr_ton: 5, source_addr_npi: 0,
      source_addr: 'DAKIYA', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '919876543210',
    },
  },
  { name: 'cancel_sm_resp', hex: pduHex(0x80000008, 0, 16), pdu: { command: 'cancel_sm_resp', command_status: 0, sequence_number: 16 } },
  {
    name: 'replace_sm',
    hex: pduHex(0x00000007, 0, 17, cstr('m1'), '05 00', cstr('DAKIYA'), cstr(''), cstr('000001000000000R'), '01 00', '03', text('new')),
    pdu: {
      command: 'replace_sm', command_status: 0, sequence_number: 17, message_id: 'm1', source_addr_ton: 5, source_addr_npi: 0, source_addr: 'DAKIYA',
      schedule_delivery_time: '', validity_period: '000001000000000R', registered_delivery: 1, sm_default_msg_id: 0, short_message: Buffer.from('new'),
    },
  },
  { name: 'replace_sm_resp', hex: pduHex(0x80000007, 0, 17), pdu: { command: 'replace_sm_resp', command_status: 0, sequence_number: 17 } },
  {
    name: 'alert_notification with ms_availability_status',
    hex: pduHex(0x00000102, 0, 18, '01 01', cstr('919876543210'), '05 00', cstr('DAKIYA'), '0422 0001 00'),
    pdu: {
      command: 'alert_notification', command_status: 0, sequence_number: 18, source_addr_ton: 1, source_addr_npi: 1, source_addr: '919876543210',
      esme_addr_ton: 5, esme_addr_npi: 0, esme_addr: 'DAKIYA', tlvs: { ms_availability_status: 0 },
    },
  },
];

for (const c of cases) {
  test(`decodes a hand-written ${c.name} and encodes it back to the same octets`, () => {
    const bytes = fromHex(c.hex);
    const pdu = decode(bytes);
    assert.deepEqual(pdu, c.pdu);
    assert.equal(encode(pdu).toString('hex'), bytes.toString('hex'));
  });
}

test('has a hand-written case for every SMPP 3.4 command', () => {
  const covered = new Set(cases.map((c) => c.pdu.command));
  assert.deepEqual(Object.keys(COMMAND_IDS).filter((name) => !covered.has(name as Pdu['command'])), []);
});

test('encodes a submit_sm given only some fields, defaulting the rest to empty and zero', () => {
  const bytes = encode({ command: 'submit_sm', sequence_number: 1, destination_addr: '91', short_message: Buffer.from('x') });
  assert.equal(bytes.toString('hex'), pduHex(0x00000004, 0, 1, '00 00 00 00 00 00', cstr('91'), '00 00 00 00 00 00 00 00 00', '01 78').replace(/\s+/g, ''));
});

test('keeps TLVs in wire order, vendor tags among known ones', () => {
  const bytes = fromHex(pduHex(0x00000004, 0, 1, SM_HEADER_HEX, '00', '1401 0001 41', '0204 0002 0007', '1400 0001 42'));
  const pdu = decode(bytes);
  assert.deepEqual(Object.keys(pdu.tlvs ?? {}), ['0x1401', 'user_message_reference', '0x1400']);
  assert.deepEqual(encode(pdu), bytes);
});

test('decodes every TLV kind: 1-, 2- and 4-octet integers, C-string, octet string and a vendor tag', () => {
  const bytes = fromHex(pduHex(0x00000004, 0, 1, SM_HEADER_HEX, '00',
    '0427 0001 05', '020c 0002 abcd', '0017 0004 00015180', '001e 0004', cstr('abc'), '0423 0003 010203', 'fe01 0002 0000'));
  const pdu = decode(bytes);
  assert.deepEqual(pdu.tlvs, {
    message_state: 5, sar_msg_ref_num: 0xabcd, qos_time_to_live: 86400, receipted_message_id: 'abc',
    network_error_code: Buffer.from([1, 2, 3]), '0xfe01': Buffer.from([0, 0]),
  });
  assert.deepEqual(encode(pdu), bytes);
});

test('keeps a known TLV whose length does not fit its type raw, under its hex tag, so it re-encodes unchanged', () => {
  const bytes = fromHex(pduHex(0x00000005, 0, 1, SM_HEADER_HEX, '00', '0427 0002 0002', '001e 0003', text('abc')));
  const pdu = decode(bytes);
  assert.deepEqual(pdu.tlvs, { '0x0427': Buffer.from([0, 2]), '0x001e': Buffer.from('abc') });
  assert.deepEqual(encode(pdu), bytes);
});

test('encodes a vendor TLV given as a string as its latin1 octets without a NUL', () => {
  const pdu = decode(encode({ command: 'submit_sm', tlvs: { '0x1400': '1101234567890' } }));
  assert.deepEqual(pdu.tlvs, { '0x1400': Buffer.from('1101234567890') });
});

test('encodes alert_on_message_delivery with no value', () => {
  const bytes = encode({ command: 'submit_sm', tlvs: { alert_on_message_delivery: Buffer.alloc(0) } });
  assert.equal(bytes.subarray(-4).toString('hex'), '130c0000');
});

function decodeError(hexText: string): SmppError {
  try {
    decode(fromHex(hexText));
  } catch (error) {
    assert.ok(error instanceof SmppError);
    return error;
  }
  assert.fail('decode did not throw');
}

test('rejects a C-string with no NUL inside the body, with the field\'s status', () => {
  const e = decodeError(pduHex(0x00000004, 0, 1, cstr(''), '05 00', text('DAKIYA')));
  assert.equal(e.code, 'SMPP_ERR_INVALID_PDU');
  assert.equal(e.command_status, CommandStatus.ESME_RINVSRCADR);
});

test('rejects an sm_length that runs past the body with ESME_RINVMSGLEN', () => {
  const e = decodeError(pduHex(0x00000004, 0, 1, SM_HEADER_HEX, '09', text('short')));
  assert.equal(e.code, 'SMPP_ERR_INVALID_PDU');
  assert.equal(e.command_status, CommandStatus.ESME_RINVMSGLEN);
});

test('rejects a TLV that runs past the body with ESME_RINVOPTPARSTREAM', () => {
  const e = decodeError(pduHex(0x00000004, 0, 1, SM_HEADER_HEX, '00', '0424 0010 0102'));
  assert.equal(e.command_status, CommandStatus.ESME_RINVOPTPARSTREAM);
});

test('rejects stray octets after the body that are too short for a TLV header', () => {
  const e = decodeError(pduHex(0x00000015, 0, 1, '0102'));
  assert.equal(e.command_status, CommandStatus.ESME_RINVOPTPARSTREAM);
});

test('rejects a body that ends before a fixed field with ESME_RINVCMDLEN', () => {
  const e = decodeError(pduHex(0x00000002, 0, 1, cstr('a'), cstr('b'), cstr('')));
  assert.equal(e.command_status, CommandStatus.ESME_RINVCMDLEN);
});

test('rejects an unknown command_id with SMPP_ERR_UNKNOWN_COMMAND and ESME_RINVCMDID', () => {
  const e = decodeError(pduHex(0x00000099, 0, 1));
  assert.equal(e.code, 'SMPP_ERR_UNKNOWN_COMMAND');
  assert.equal(e.command_status, CommandStatus.ESME_RINVCMDID);
});

test('rejects a dest_flag other than 1 or 2 with ESME_RINVDESTFLAG', () => {
  const e = decodeError(pduHex(0x00000021, 0, 1, cstr(''), '00 00', cstr(''), '01', '03'));
  assert.equal(e.command_status, CommandStatus.ESME_RINVDESTFLAG);
});

test('rejects a buffer whose command_length is not its length', () => {
  const e = decodeError('00000011 00000015 00000000 00000001');
  assert.equal(e.code, 'SMPP_ERR_INVALID_LENGTH');
});

function encodeError(pdu: Parameters<typeof encode>[0]): SmppError {
  try {
    encode(pdu);
  } catch (error) {
    assert.ok(error instanceof SmppError);
    return error;
  }
  assert.fail('encode did not throw');
}

test('refuses to encode a C-string with a character beyond latin1', () => {
  assert.equal(encodeError({ command: 'submit_sm', source_addr: 'दकिया' }).code, 'SMPP_ERR_INVALID_FIELD');
});

test('refuses to encode a C-string with a NUL inside', () => {
  assert.match(encodeError({ command: 'submit_sm', source_addr: 'a\0b' }).message, /source_addr/);
});

test('refuses to encode a short_message over 255 octets, pointing to message_payload', () => {
  assert.match(encodeError({ command: 'submit_sm', short_message: Buffer.alloc(256) }).message, /message_payload/);
});

test('refuses to encode an integer field out of its range', () => {
  assert.match(encodeError({ command: 'submit_sm', data_coding: 256 }).message, /data_coding/);
  assert.match(encodeError({ command: 'submit_sm', tlvs: { sar_msg_ref_num: 70000 } }).message, /sar_msg_ref_num/);
});

test('refuses to encode a TLV name SMPP 3.4 does not define', () => {
  assert.match(encodeError({ command: 'submit_sm', tlvs: { dlt_pe_id: 'x' } as never }).message, /hex tag/);
});

test('refuses to encode a command SMPP 3.4 does not define', () => {
  assert.equal(encodeError({ command: 'broadcast_sm' } as never).code, 'SMPP_ERR_INVALID_FIELD');
});
