// Bytes → PDU object (SMPP 3.4 §3.2, §4). One pass over the body with a cursor; C-strings become
// latin1 strings, short_message and octet TLVs are views of the input (no copy). Anything that
// does not parse throws SmppError SMPP_ERR_INVALID_PDU carrying the command_status a response
// should report. Over ~400 lines: one reader per body layout, kept beside their shared primitives.
import { COMMAND_IDS, type CommandName } from './command-ids.ts';
import { CommandStatus } from './command-status.ts';
import type { MultiDestination, Pdu, UnsuccessSme } from './pdu.ts';
import { SmppError } from './smpp-errors.ts';
import { hexTagKey, type TlvDefinition, tlvByTag, type Tlvs } from './tlv-tags.ts';

/** The status to report when a C-string field does not end inside the body (§5.1.3). */
const fieldStatus: Record<string, number> = {
  system_id: CommandStatus.ESME_RINVSYSID,
  password: CommandStatus.ESME_RINVPASWD,
  system_type: CommandStatus.ESME_RINVSYSTYP,
  service_type: CommandStatus.ESME_RINVSERTYP,
  source_addr: CommandStatus.ESME_RINVSRCADR,
  destination_addr: CommandStatus.ESME_RINVDSTADR,
  message_id: CommandStatus.ESME_RINVMSGID,
  schedule_delivery_time: CommandStatus.ESME_RINVSCHED,
  validity_period: CommandStatus.ESME_RINVEXPIRY,
  dl_name: CommandStatus.ESME_RINVDLNAME,
};

function malformed(message: string, status: number): SmppError {
  return new SmppError('SMPP_ERR_INVALID_PDU', message, { command_status: status });
}

class Cursor {
  buf: Buffer;
  pos: number;
  end: number;
  constructor(buf: Buffer, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  u8(field: string): number {
    if (this.pos >= this.end) throw malformed(`the body ends before ${field}`, CommandStatus.ESME_RINVCMDLEN);
    return this.buf[this.pos++]!;
  }

  u32(field: string): number {
    const p = this.pos;
    if (p + 4 > this.end) throw malformed(`the body ends inside ${field}`, CommandStatus.ESME_RINVCMDLEN);
    this.pos = p + 4;
    return this.buf.readUInt32BE(p);
  }

  cstr(field: string): string {
    const buf = this.buf;
    const start = this.pos;
    const end = this.end;
    let i = start;
    while (i < end && buf[i] !== 0) i++;
    if (i >= end) throw malformed(`${field} has no terminating NUL inside the body`, fieldStatus[field] ?? CommandStatus.ESME_RSYSERR);
    this.pos = i + 1;
    return latin1(buf, start, i);
  }

  /** sm_length then short_message (§4.4.1). */
  shortMessage(): Buffer {
    const n = this.u8('sm_length');
    const p = this.pos;
    if (p + n > this.end) throw malformed(`sm_length ${n} runs past the end of the body`, CommandStatus.ESME_RINVMSGLEN);
    this.pos = p + n;
    return view(this.buf, p, p + n);
  }
}

const fcc = String.fromCharCode;

/**
 * latin1 text of buf[start, end). Short strings (addresses, ids: nearly every C-string in a PDU)
 * are built by one String.fromCharCode call with one argument per octet, which measures several
 * times faster than a native slice or a concatenation loop; longer ones go native.
 */
function latin1(b: Buffer, s: number, end: number): string {
  switch (end - s) {
    case 0: return '';
    case 1: return fcc(b[s]!);
    case 2: return fcc(b[s]!, b[s + 1]!);
    case 3: return fcc(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!);
    case 10: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!);
    case 11: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!);
    case 12: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!);
    case 13: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!);
    case 14: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!);
    case 15: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!);
    case 16: return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!, b[s + 15]!);
    default: return b.toString('latin1', s, end);
  }
}

/** A Buffer viewing buf[start, end) without copying (Buffer.from on the ArrayBuffer is cheaper than subarray). */
function view(buf: Buffer, start: number, end: number): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start);
}

/** Per tag: its definition when SMPP 3.4 defines it, else its hex key (cached on first sight, so at most 65,536 entries). */
const tags = new Map<number, TlvDefinition | `0x${string}`>();
function tagEntry(tag: number): TlvDefinition | `0x${string}` {
  let entry = tags.get(tag);
  if (entry === undefined) {
    // The hex key goes through an object literal once so the cached string is the internalized
    // one: later keyed stores of it then skip the string-table lookup.
    entry = tlvByTag(tag) ?? (Object.keys({ [hexTagKey(tag)]: 0 })[0] as `0x${string}`);
    tags.set(tag, entry);
  }
  return entry;
}

/** TLVs until the end of the body (§3.2.4.1). Each known tag with a length its type allows becomes a named field. */
function readTlvs(c: Cursor): Tlvs {
  const tlvs: Record<string, number | string | Buffer> = {};
  const buf = c.buf;
  const end = c.end;
  let p = c.pos;
  while (p < end) {
    if (p + 4 > end) throw malformed(`${end - p} stray octet(s) where a TLV header needs 4`, CommandStatus.ESME_RINVOPTPARSTREAM);
    const tag = (buf[p]! << 8) | buf[p + 1]!;
    const len = (buf[p + 2]! << 8) | buf[p + 3]!;
    const v = p + 4;
    if (v + len > end) throw malformed(`TLV 0x${tag.toString(16).padStart(4, '0')} of length ${len} runs past the end of the body`, CommandStatus.ESME_RINVOPTPARSTREAM);
    p = v + len;
    const def = tagEntry(tag);
    if (typeof def !== 'string') {
      switch (def.type) {
        case 'int1': if (len === 1) { tlvs[def.name] = buf[v]!; continue; } break;
        case 'int2': if (len === 2) { tlvs[def.name] = (buf[v]! << 8) | buf[v + 1]!; continue; } break;
        case 'int4': if (len === 4) { tlvs[def.name] = buf.readUInt32BE(v); continue; } break;
        case 'cstring':
          // Only a clean C-string becomes a string; anything else stays raw so it re-encodes unchanged.
          if (len > 0 && buf[p - 1] === 0 && buf.indexOf(0, v) === p - 1) { tlvs[def.name] = latin1(buf, v, p - 1); continue; }
          break;
        case 'octets': tlvs[def.name] = view(buf, v, p); continue;
      }
    }
    tlvs[typeof def === 'string' ? def : hexTagKey(tag)] = view(buf, v, p);
  }
  c.pos = p;
  return tlvs as Tlvs;
}

type BodyDecoder = (c: Cursor, command_status: number, sequence_number: number) => Pdu;

function bind<C extends 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver'>(command: C): BodyDecoder {
  return (c, command_status, sequence_number) => ({
    command,
    command_status,
    sequence_number,
    system_id: c.cstr('system_id'),
    password: c.cstr('password'),
    system_type: c.cstr('system_type'),
    interface_version: c.u8('interface_version'),
    addr_ton: c.u8('addr_ton'),
    addr_npi: c.u8('addr_npi'),
    address_range: c.cstr('address_range'),
  }) as Pdu;
}

/** A response whose body is one C-string; an empty body (an error response, §4.1.2) leaves it out. */
function oneString(command: CommandName, field: 'system_id' | 'message_id'): BodyDecoder {
  return (c, command_status, sequence_number) => {
    const pdu: Record<string, unknown> = { command, command_status, sequence_number };
    if (c.pos < c.end) pdu[field] = c.cstr(field);
    return pdu as unknown as Pdu;
  };
}

function headerOnly(command: CommandName): BodyDecoder {
  return (_c, command_status, sequence_number) => ({ command, command_status, sequence_number }) as Pdu;
}

function shortMessage(command: 'submit_sm' | 'deliver_sm'): BodyDecoder {
  return (c, command_status, sequence_number) => ({
    command,
    command_status,
    sequence_number,
    service_type: c.cstr('service_type'),
    source_addr_ton: c.u8('source_addr_ton'),
    source_addr_npi: c.u8('source_addr_npi'),
    source_addr: c.cstr('source_addr'),
    dest_addr_ton: c.u8('dest_addr_ton'),
    dest_addr_npi: c.u8('dest_addr_npi'),
    destination_addr: c.cstr('destination_addr'),
    esm_class: c.u8('esm_class'),
    protocol_id: c.u8('protocol_id'),
    priority_flag: c.u8('priority_flag'),
    schedule_delivery_time: c.cstr('schedule_delivery_time'),
    validity_period: c.cstr('validity_period'),
    registered_delivery: c.u8('registered_delivery'),
    replace_if_present_flag: c.u8('replace_if_present_flag'),
    data_coding: c.u8('data_coding'),
    sm_default_msg_id: c.u8('sm_default_msg_id'),
    short_message: c.shortMessage(),
  });
}

function destinations(c: Cursor): MultiDestination[] {
  const n = c.u8('number_of_dests');
  const list: MultiDestination[] = [];
  for (let i = 0; i < n; i++) {
    const flag = c.u8('dest_flag');
    if (flag === 1) {
      list.push({ dest_flag: 1, dest_addr_ton: c.u8('dest_addr_ton'), dest_addr_npi: c.u8('dest_addr_npi'), destination_addr: c.cstr('destination_addr') });
    } else if (flag === 2) {
      list.push({ dest_flag: 2, dl_name: c.cstr('dl_name') });
    } else {
      throw malformed(`dest_flag ${flag} is neither 1 (SME address) nor 2 (distribution list)`, CommandStatus.ESME_RINVDESTFLAG);
    }
  }
  return list;
}

const submitMulti: BodyDecoder = (c, command_status, sequence_number) => ({
  command: 'submit_multi',
  command_status,
  sequence_number,
  service_type: c.cstr('service_type'),
  source_addr_ton: c.u8('source_addr_ton'),
  source_addr_npi: c.u8('source_addr_npi'),
  source_addr: c.cstr('source_addr'),
  dest_addresses: destinations(c),
  esm_class: c.u8('esm_class'),
  protocol_id: c.u8('protocol_id'),
  priority_flag: c.u8('priority_flag'),
  schedule_delivery_time: c.cstr('schedule_delivery_time'),
  validity_period: c.cstr('validity_period'),
  registered_delivery: c.u8('registered_delivery'),
  replace_if_present_flag: c.u8('replace_if_present_flag'),
  data_coding: c.u8('data_coding'),
  sm_default_msg_id: c.u8('sm_default_msg_id'),
  short_message: c.shortMessage(),
});

const submitMultiResp: BodyDecoder = (c, command_status, sequence_number) => {
  if (c.pos === c.end) return { command: 'submit_multi_resp', command_status, sequence_number };
  const message_id = c.cstr('message_id');
  const n = c.u8('no_unsuccess');
  const unsuccess_smes: UnsuccessSme[] = [];
  for (let i = 0; i < n; i++) {
    unsuccess_smes.push({
      dest_addr_ton: c.u8('dest_addr_ton'),
      dest_addr_npi: c.u8('dest_addr_npi'),
      destination_addr: c.cstr('destination_addr'),
      error_status_code: c.u32('error_status_code'),
    });
  }
  return { command: 'submit_multi_resp', command_status, sequence_number, message_id, unsuccess_smes };
};

const dataSm: BodyDecoder = (c, command_status, sequence_number) => ({
  command: 'data_sm',
  command_status,
  sequence_number,
  service_type: c.cstr('service_type'),
  source_addr_ton: c.u8('source_addr_ton'),
  source_addr_npi: c.u8('source_addr_npi'),
  source_addr: c.cstr('source_addr'),
  dest_addr_ton: c.u8('dest_addr_ton'),
  dest_addr_npi: c.u8('dest_addr_npi'),
  destination_addr: c.cstr('destination_addr'),
  esm_class: c.u8('esm_class'),
  registered_delivery: c.u8('registered_delivery'),
  data_coding: c.u8('data_coding'),
});

const querySm: BodyDecoder = (c, command_status, sequence_number) => ({
  command: 'query_sm',
  command_status,
  sequence_number,
  message_id: c.cstr('message_id'),
  source_addr_ton: c.u8('source_addr_ton'),
  source_addr_npi: c.u8('source_addr_npi'),
  source_addr: c.cstr('source_addr'),
});

const querySmResp: BodyDecoder = (c, command_status, sequence_number) => {
  if (c.pos === c.end) return { command: 'query_sm_resp', command_status, sequence_number };
  return {
    command: 'query_sm_resp',
    command_status,
    sequence_number,
    message_id: c.cstr('message_id'),
    final_date: c.cstr('final_date'),
    message_state: c.u8('message_state'),
    error_code: c.u8('error_code'),
  };
};

const cancelSm: BodyDecoder = (c, command_status, sequence_number) => ({
  command: 'cancel_sm',
  command_status,
  sequence_number,
  service_type: c.cstr('service_type'),
  message_id: c.cstr('message_id'),
  source_addr_ton: c.u8('source_addr_ton'),
  source_addr_npi: c.u8('source_addr_npi'),
  source_addr: c.cstr('source_addr'),
  dest_addr_ton: c.u8('dest_addr_ton'),
  dest_addr_npi: c.u8('dest_addr_npi'),
  destination_addr: c.cstr('destination_addr'),
});

const replaceSm: BodyDecoder = (c, command_status, sequence_number) => ({
  command: 'replace_sm',
  command_status,
  sequence_number,
  message_id: c.cstr('message_id'),
  source_addr_ton: c.u8('source_addr_ton'),
  source_addr_npi: c.u8('source_addr_npi'),
  source_addr: c.cstr('source_addr'),
  schedule_delivery_time: c.cstr('schedule_delivery_time'),
  validity_period: c.cstr('validity_period'),
  registered_delivery: c.u8('registered_delivery'),
  sm_default_msg_id: c.u8('sm_default_msg_id'),
  short_message: c.shortMessage(),
});

const alertNotification: BodyDecoder = (c, command_status, sequence_number) => ({
  command: 'alert_notification',
  command_status,
  sequence_number,
  source_addr_ton: c.u8('source_addr_ton'),
  source_addr_npi: c.u8('source_addr_npi'),
  source_addr: c.cstr('source_addr'),
  esme_addr_ton: c.u8('esme_addr_ton'),
  esme_addr_npi: c.u8('esme_addr_npi'),
  esme_addr: c.cstr('esme_addr'),
});

const decoders: Record<CommandName, BodyDecoder> = {
  generic_nack: headerOnly('generic_nack'),
  bind_receiver: bind('bind_receiver'),
  bind_receiver_resp: oneString('bind_receiver_resp', 'system_id'),
  bind_transmitter: bind('bind_transmitter'),
  bind_transmitter_resp: oneString('bind_transmitter_resp', 'system_id'),
  query_sm: querySm,
  query_sm_resp: querySmResp,
  submit_sm: shortMessage('submit_sm'),
  submit_sm_resp: oneString('submit_sm_resp', 'message_id'),
  deliver_sm: shortMessage('deliver_sm'),
  deliver_sm_resp: oneString('deliver_sm_resp', 'message_id'),
  unbind: headerOnly('unbind'),
  unbind_resp: headerOnly('unbind_resp'),
  replace_sm: replaceSm,
  replace_sm_resp: headerOnly('replace_sm_resp'),
  cancel_sm: cancelSm,
  cancel_sm_resp: headerOnly('cancel_sm_resp'),
  bind_transceiver: bind('bind_transceiver'),
  bind_transceiver_resp: oneString('bind_transceiver_resp', 'system_id'),
  outbind: (c, command_status, sequence_number) => ({ command: 'outbind', command_status, sequence_number, system_id: c.cstr('system_id'), password: c.cstr('password') }),
  enquire_link: headerOnly('enquire_link'),
  enquire_link_resp: headerOnly('enquire_link_resp'),
  submit_multi: submitMulti,
  submit_multi_resp: submitMultiResp,
  alert_notification: alertNotification,
  data_sm: dataSm,
  data_sm_resp: oneString('data_sm_resp', 'message_id'),
};

const EMPTY = Buffer.alloc(0);
const cursor = new Cursor(EMPTY, 0, 0);

function u32(b: Buffer, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

const byId = new Map<number, BodyDecoder>();
for (const name of Object.keys(decoders) as CommandName[]) byId.set(COMMAND_IDS[name], decoders[name]);

/**
 * Decodes the PDU at buf[start, start + length), whose command_length the caller has checked.
 * TLVs are read after any body (SMPP 3.4 allows them on fewer PDUs; later versions and real
 * SMSCs put them on more). Throws SmppError SMPP_ERR_UNKNOWN_COMMAND or SMPP_ERR_INVALID_PDU.
 */
export function decodeAt(buf: Buffer, start: number, length: number): Pdu {
  const id = u32(buf, start + 4);
  const decoder = byId.get(id);
  if (decoder === undefined) {
    throw new SmppError('SMPP_ERR_UNKNOWN_COMMAND', `command_id 0x${id.toString(16).padStart(8, '0')} is not an SMPP 3.4 command`, { command_status: CommandStatus.ESME_RINVCMDID });
  }
  // One cursor for every decode: decoding is synchronous and calls no user code, so never re-entered.
  // (It keeps a reference to the last buffer decoded until the next decode.)
  const c = cursor;
  c.buf = buf;
  c.pos = start + 16;
  c.end = start + length;
  const pdu = decoder(c, u32(buf, start + 8), u32(buf, start + 12));
  if (c.pos < c.end) pdu.tlvs = readTlvs(c);
  return pdu;
}

/**
 * Decodes one whole PDU: `buf` must hold exactly command_length octets. Strings are copied out;
 * short_message and octet-string TLVs are views of `buf`. Throws SmppError (SMPP_ERR_INVALID_LENGTH,
 * SMPP_ERR_UNKNOWN_COMMAND, SMPP_ERR_INVALID_PDU) with the command_status a response would carry.
 */
export function decode(buf: Buffer): Pdu {
  if (buf.length < 16) throw new SmppError('SMPP_ERR_INVALID_LENGTH', `a PDU has at least 16 octets, got ${buf.length}`, { command_status: CommandStatus.ESME_RINVCMDLEN });
  const length = buf.readUInt32BE(0);
  if (length !== buf.length) {
    throw new SmppError('SMPP_ERR_INVALID_LENGTH', `command_length is ${length} but the buffer holds ${buf.length} octets`, { command_status: CommandStatus.ESME_RINVCMDLEN });
  }
  return decodeAt(buf, 0, length);
}
