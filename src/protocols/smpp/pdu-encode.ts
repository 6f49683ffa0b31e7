// PDU object → bytes (SMPP 3.4 §3.2, §4). Two passes: the exact length first (cheap: string and
// Buffer lengths), then the bytes straight into the target, so encodeInto() can fill a slab the
// writer reuses and encode() makes one allocation per PDU. Over ~400 lines: one writer per body
// layout, kept together because they share the field primitives and read best side by side.
import { COMMAND_IDS, type CommandName } from './command-ids.ts';
import type { MultiDestination, PduInput, UnsuccessSme } from './pdu.ts';
import { SmppError } from './smpp-errors.ts';
import { TLV_TAGS, type TlvType } from './tlv-tags.ts';

/** The loose view of a PDU the encoder reads: any field may be missing (and then defaults). */
type Fields = Record<string, any>;

function invalid(field: string, why: string): SmppError {
  return new SmppError('SMPP_ERR_INVALID_FIELD', `${field} ${why}`);
}

function cstrLength(s: unknown, field: string): number {
  if (s === undefined) return 1;
  if (typeof s !== 'string') throw invalid(field, `must be a string, got ${typeof s}`);
  return s.length + 1;
}

function putCString(buf: Buffer, pos: number, s: string | undefined, field: string): number {
  if (s !== undefined) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      // A NUL would end the field early and shift every field after it.
      if (c === 0 || c > 0xff) throw invalid(field, `must be latin1 text without NUL (character ${i} is U+${c.toString(16).padStart(4, '0')})`);
      buf[pos++] = c;
    }
  }
  buf[pos] = 0;
  return pos + 1;
}

function putU8(buf: Buffer, pos: number, v: number | undefined, field: string): number {
  if (v === undefined) v = 0;
  else if ((v & 0xff) !== v) throw invalid(field, `must be an integer from 0 to 255, got ${v}`);
  buf[pos] = v;
  return pos + 1;
}

function putU16(buf: Buffer, pos: number, v: number | undefined, field: string): number {
  if (v === undefined) v = 0;
  else if ((v & 0xffff) !== v) throw invalid(field, `must be an integer from 0 to 65535, got ${v}`);
  buf[pos] = v >>> 8;
  buf[pos + 1] = v & 0xff;
  return pos + 2;
}

function putU32(buf: Buffer, pos: number, v: number | undefined, field: string): number {
  if (v === undefined) v = 0;
  else if (v >>> 0 !== v) throw invalid(field, `must be an integer from 0 to 4294967295, got ${v}`);
  buf[pos] = v >>> 24;
  buf[pos + 1] = (v >>> 16) & 0xff;
  buf[pos + 2] = (v >>> 8) & 0xff;
  buf[pos + 3] = v & 0xff;
  return pos + 4;
}

function octetsLength(v: unknown, field: string): number {
  if (v === undefined) return 0;
  if (v instanceof Uint8Array) return v.length;
  throw invalid(field, 'must be a Buffer');
}

function smLength(v: unknown): number {
  const n = octetsLength(v, 'short_message');
  // §4.4.1: sm_length is one octet (the spec caps it at 254; 255 is accepted so any received PDU re-encodes).
  if (n > 255) throw invalid('short_message', `is ${n} octets; at most 255 fit in sm_length (use the message_payload TLV)`);
  return n;
}

function putShortMessage(buf: Buffer, pos: number, v: Uint8Array | undefined): number {
  if (v === undefined || v.length === 0) {
    buf[pos] = 0;
    return pos + 1;
  }
  buf[pos] = v.length;
  buf.set(v, pos + 1);
  return pos + 1 + v.length;
}

// --- TLVs (§3.2.4.1): 2-octet tag, 2-octet length, value -----------------------------------

/** Per TLV key: its tag and type ('raw' for hex keys), known names preloaded, hex keys parsed once. */
const keys = new Map<string, { tag: number; type: TlvType | 'raw' }>(
  Object.entries(TLV_TAGS as Record<string, { tag: number; type: TlvType }>).map(([name, def]) => [name, def]),
);

function tlvKey(key: string): { tag: number; type: TlvType | 'raw' } {
  let entry = keys.get(key);
  if (entry === undefined) {
    if (!/^0x[0-9a-f]{1,4}$/i.test(key)) throw invalid(`tlvs.${key}`, "is not a TLV SMPP 3.4 defines; key other TLVs by hex tag, e.g. '0x1400'");
    entry = { tag: Number.parseInt(key.slice(2), 16), type: 'raw' };
    // Bounded: at most 65,536 tags, in a few spellings each.
    if (keys.size < 300_000) keys.set(key, entry);
  }
  return entry;
}

function tlvValueLength(type: TlvType, v: unknown, key: string): number {
  switch (type) {
    case 'int1': if (typeof v !== 'number' || (v & 0xff) !== v) throw invalid(`tlvs.${key}`, `must be an integer from 0 to 255, got ${String(v)}`); return 1;
    case 'int2': if (typeof v !== 'number' || (v & 0xffff) !== v) throw invalid(`tlvs.${key}`, `must be an integer from 0 to 65535, got ${String(v)}`); return 2;
    case 'int4': if (typeof v !== 'number' || v >>> 0 !== v) throw invalid(`tlvs.${key}`, `must be an integer from 0 to 4294967295, got ${String(v)}`); return 4;
    case 'cstring': return typeof v === 'string' ? v.length + 1 : cstrLength(v, `tlvs.${key}`);
    case 'octets': return v instanceof Uint8Array ? v.length : octetsLength(v, `tlvs.${key}`);
  }
}

function tlvsLength(tlvs: Fields | undefined): number {
  if (tlvs === undefined) return 0;
  let n = 0;
  for (const key in tlvs) {
    const v = tlvs[key];
    if (v === undefined) continue;
    const def = tlvKey(key);
    const len = def.type !== 'raw' ? tlvValueLength(def.type, v, key)
      : typeof v === 'string' || v instanceof Uint8Array ? v.length : octetsLength(v, `tlvs.${key}`);
    if (len > 0xffff) throw invalid(`tlvs.${key}`, `is ${len} octets; a TLV holds at most 65535`);
    n += 4 + len;
  }
  return n;
}

function putRaw(buf: Buffer, pos: number, v: string | Uint8Array, key: string): number {
  const n = v.length;
  buf[pos] = n >>> 8;
  buf[pos + 1] = n & 0xff;
  pos += 2;
  if (typeof v !== 'string') {
    buf.set(v, pos);
    return pos + n;
  }
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c > 0xff) throw invalid(`tlvs.${key}`, 'must be latin1 text or a Buffer');
    buf[pos++] = c;
  }
  return pos;
}

/** Writes the TLVs; tlvsLength() has already checked every value's type and size. */
function putTlvs(buf: Buffer, pos: number, tlvs: Fields | undefined): number {
  if (tlvs === undefined) return pos;
  for (const key in tlvs) {
    const v = tlvs[key];
    if (v === undefined) continue;
    const def = tlvKey(key);
    buf[pos] = def.tag >>> 8;
    buf[pos + 1] = def.tag & 0xff;
    pos += 2;
    switch (def.type) {
      case 'raw': pos = putRaw(buf, pos, v, key); break;
      case 'int1': pos = putU8(buf, putU16(buf, pos, 1, key), v, key); break;
      case 'int2': pos = putU16(buf, putU16(buf, pos, 2, key), v, key); break;
      case 'int4': pos = putU32(buf, putU16(buf, pos, 4, key), v, key); break;
      case 'cstring': pos = putCString(buf, putU16(buf, pos, v.length + 1, key), v, `tlvs.${key}`); break;
      case 'octets': pos = putRaw(buf, pos, v, key); break;
    }
  }
  return pos;
}

// --- bodies -------------------------------------------------------------------------------

interface BodyCodec {
  length(p: Fields): number;
  write(p: Fields, buf: Buffer, pos: number): number;
}

const empty: BodyCodec = { length: () => 0, write: (_p, _b, pos) => pos };

const bind: BodyCodec = {
  length: (p) => cstrLength(p.system_id, 'system_id') + cstrLength(p.password, 'password') + cstrLength(p.system_type, 'system_type')
    + 3 + cstrLength(p.address_range, 'address_range'),
  write(p, buf, pos) {
    pos = putCString(buf, pos, p.system_id, 'system_id');
    pos = putCString(buf, pos, p.password, 'password');
    pos = putCString(buf, pos, p.system_type, 'system_type');
    pos = putU8(buf, pos, p.interface_version, 'interface_version');
    pos = putU8(buf, pos, p.addr_ton, 'addr_ton');
    pos = putU8(buf, pos, p.addr_npi, 'addr_npi');
    return putCString(buf, pos, p.address_range, 'address_range');
  },
};

/** Responses whose one mandatory field is a C-string (system_id or message_id); an error response may omit it (§4.1.2, §4.4.2). */
function oneString(field: 'system_id' | 'message_id'): BodyCodec {
  return {
    length: (p) => (p[field] === undefined && p.tlvs === undefined ? 0 : cstrLength(p[field], field)),
    write: (p, buf, pos) => (p[field] === undefined && p.tlvs === undefined ? pos : putCString(buf, pos, p[field], field)),
  };
}

const outbind: BodyCodec = {
  length: (p) => cstrLength(p.system_id, 'system_id') + cstrLength(p.password, 'password'),
  write: (p, buf, pos) => putCString(buf, putCString(buf, pos, p.system_id, 'system_id'), p.password, 'password'),
};

const shortMessage: BodyCodec = {
  length: (p) => cstrLength(p.service_type, 'service_type') + cstrLength(p.source_addr, 'source_addr') + cstrLength(p.destination_addr, 'destination_addr')
    + cstrLength(p.schedule_delivery_time, 'schedule_delivery_time') + cstrLength(p.validity_period, 'validity_period')
    + 12 + smLength(p.short_message),
  write(p, buf, pos) {
    pos = putCString(buf, pos, p.service_type, 'service_type');
    pos = putU8(buf, pos, p.source_addr_ton, 'source_addr_ton');
    pos = putU8(buf, pos, p.source_addr_npi, 'source_addr_npi');
    pos = putCString(buf, pos, p.source_addr, 'source_addr');
    pos = putU8(buf, pos, p.dest_addr_ton, 'dest_addr_ton');
    pos = putU8(buf, pos, p.dest_addr_npi, 'dest_addr_npi');
    pos = putCString(buf, pos, p.destination_addr, 'destination_addr');
    pos = putU8(buf, pos, p.esm_class, 'esm_class');
    pos = putU8(buf, pos, p.protocol_id, 'protocol_id');
    pos = putU8(buf, pos, p.priority_flag, 'priority_flag');
    pos = putCString(buf, pos, p.schedule_delivery_time, 'schedule_delivery_time');
    pos = putCString(buf, pos, p.validity_period, 'validity_period');
    pos = putU8(buf, pos, p.registered_delivery, 'registered_delivery');
    pos = putU8(buf, pos, p.replace_if_present_flag, 'replace_if_present_flag');
    pos = putU8(buf, pos, p.data_coding, 'data_coding');
    pos = putU8(buf, pos, p.sm_default_msg_id, 'sm_default_msg_id');
    return putShortMessage(buf, pos, p.short_message);
  },
};

function destinationsLength(list: MultiDestination[] | undefined): number {
  if (list === undefined) return 1;
  if (!Array.isArray(list) || list.length > 255) throw invalid('dest_addresses', 'must be an array of at most 255 destinations');
  let n = 1;
  for (const d of list) {
    n += d.dest_flag === 2 ? 1 + cstrLength(d.dl_name, 'dl_name') : 3 + cstrLength(d.destination_addr, 'destination_addr');
  }
  return n;
}

const submitMulti: BodyCodec = {
  length: (p) => cstrLength(p.service_type, 'service_type') + cstrLength(p.source_addr, 'source_addr') + destinationsLength(p.dest_addresses)
    + cstrLength(p.schedule_delivery_time, 'schedule_delivery_time') + cstrLength(p.validity_period, 'validity_period')
    + 10 + smLength(p.short_message),
  write(p, buf, pos) {
    pos = putCString(buf, pos, p.service_type, 'service_type');
    pos = putU8(buf, pos, p.source_addr_ton, 'source_addr_ton');
    pos = putU8(buf, pos, p.source_addr_npi, 'source_addr_npi');
    pos = putCString(buf, pos, p.source_addr, 'source_addr');
    const list: MultiDestination[] = p.dest_addresses ?? [];
    pos = putU8(buf, pos, list.length, 'number_of_dests');
    for (const d of list) {
      if (d.dest_flag === 2) {
        buf[pos++] = 2;
        pos = putCString(buf, pos, d.dl_name, 'dl_name');
      } else if (d.dest_flag === 1) {
        buf[pos++] = 1;
        pos = putU8(buf, pos, d.dest_addr_ton, 'dest_addr_ton');
        pos = putU8(buf, pos, d.dest_addr_npi, 'dest_addr_npi');
        pos = putCString(buf, pos, d.destination_addr, 'destination_addr');
      } else {
        throw invalid('dest_flag', 'must be 1 (SME address) or 2 (distribution list)');
      }
    }
    pos = putU8(buf, pos, p.esm_class, 'esm_class');
    pos = putU8(buf, pos, p.protocol_id, 'protocol_id');
    pos = putU8(buf, pos, p.priority_flag, 'priority_flag');
    pos = putCString(buf, pos, p.schedule_delivery_time, 'schedule_delivery_time');
    pos = putCString(buf, pos, p.validity_period, 'validity_period');
    pos = putU8(buf, pos, p.registered_delivery, 'registered_delivery');
    pos = putU8(buf, pos, p.replace_if_present_flag, 'replace_if_present_flag');
    pos = putU8(buf, pos, p.data_coding, 'data_coding');
    pos = putU8(buf, pos, p.sm_default_msg_id, 'sm_default_msg_id');
    return putShortMessage(buf, pos, p.short_message);
  },
};

const submitMultiResp: BodyCodec = {
  length(p) {
    if (p.message_id === undefined && p.unsuccess_smes === undefined && p.tlvs === undefined) return 0;
    const list: UnsuccessSme[] = p.unsuccess_smes ?? [];
    if (!Array.isArray(list) || list.length > 255) throw invalid('unsuccess_smes', 'must be an array of at most 255 entries');
    let n = cstrLength(p.message_id, 'message_id') + 1;
    for (const u of list) n += 6 + cstrLength(u.destination_addr, 'destination_addr');
    return n;
  },
  write(p, buf, pos) {
    if (p.message_id === undefined && p.unsuccess_smes === undefined && p.tlvs === undefined) return pos;
    pos = putCString(buf, pos, p.message_id, 'message_id');
    const list: UnsuccessSme[] = p.unsuccess_smes ?? [];
    buf[pos++] = list.length;
    for (const u of list) {
      pos = putU8(buf, pos, u.dest_addr_ton, 'dest_addr_ton');
      pos = putU8(buf, pos, u.dest_addr_npi, 'dest_addr_npi');
      pos = putCString(buf, pos, u.destination_addr, 'destination_addr');
      pos = putU32(buf, pos, u.error_status_code, 'error_status_code');
    }
    return pos;
  },
};

const dataSm: BodyCodec = {
  length: (p) => cstrLength(p.service_type, 'service_type') + cstrLength(p.source_addr, 'source_addr') + cstrLength(p.destination_addr, 'destination_addr') + 7,
  write(p, buf, pos) {
    pos = putCString(buf, pos, p.service_type, 'service_type');
    pos = putU8(buf, pos, p.source_addr_ton, 'source_addr_ton');
    pos = putU8(buf, pos, p.source_addr_npi, 'source_addr_npi');
    pos = putCString(buf, pos, p.source_addr, 'source_addr');
    pos = putU8(buf, pos, p.dest_addr_ton, 'dest_addr_ton');
    pos = putU8(buf, pos, p.dest_addr_npi, 'dest_addr_npi');
    pos = putCString(buf, pos, p.destination_addr, 'destination_addr');
    pos = putU8(buf, pos, p.esm_class, 'esm_class');
    pos = putU8(buf, pos, p.registered_delivery, 'registered_delivery');
    return putU8(buf, pos, p.data_coding, 'data_coding');
  },
};

const querySm: BodyCodec = {
  length: (p) => cstrLength(p.message_id, 'message_id') + 2 + cstrLength(p.source_addr, 'source_addr'),
  write(p, buf, pos) {
    pos = putCString(buf, pos, p.message_id, 'message_id');
    pos = putU8(buf, pos, p.source_addr_ton, 'source_addr_ton');
    pos = putU8(buf, pos, p.source_addr_npi, 'source_addr_npi');
    return putCString(buf, pos, p.source_addr, 'source_addr');
  },
};

const querySmResp: BodyCodec = {
  length: (p) => (p.message_id === undefined && p.final_date === undefined && p.tlvs === undefined
    ? 0 : cstrLength(p.message_id, 'message_id') + cstrLength(p.final_date, 'final_date') + 2),
  write(p, buf, pos) {
    if (p.message_id === undefined && p.final_date === undefined && p.tlvs === undefined) return pos;
    pos = putCString(buf, pos, p.message_id, 'message_id');
    pos = putCString(buf, pos, p.final_date, 'final_date');
    pos = putU8(buf, pos, p.message_state, 'message_state');
    return putU8(buf, pos, p.error_code, 'error_code');
  },
};

const cancelSm: BodyCodec = {
  length: (p) => cstrLength(p.service_type, 'service_type') + cstrLength(p.message_id, 'message_id') + cstrLength(p.source_addr, 'source_addr')
    + cstrLength(p.destination_addr, 'destination_addr') + 4,
  write(p, buf, pos) {
    pos = putCString(buf, pos, p.service_type, 'service_type');
    pos = putCString(buf, pos, p.message_id, 'message_id');
    pos = putU8(buf, pos, p.source_addr_ton, 'source_addr_ton');
    pos = putU8(buf, pos, p.source_addr_npi, 'source_addr_npi');
    pos = putCString(buf, pos, p.source_addr, 'source_addr');
    pos = putU8(buf, pos, p.dest_addr_ton, 'dest_addr_ton');
    pos = putU8(buf, pos, p.dest_addr_npi, 'dest_addr_npi');
    return putCString(buf, pos, p.destination_addr, 'destination_addr');
  },
};

const replaceSm: BodyCodec = {
  length: (p) => cstrLength(p.message_id, 'message_id') + cstrLength(p.source_addr, 'source_addr') + cstrLength(p.schedule_delivery_time, 'schedule_delivery_time')
    + cstrLength(p.validity_period, 'validity_period') + 5 + smLength(p.short_message),
  write(p, buf, pos) {
    pos = putCString(buf, pos, p.message_id, 'message_id');
    pos = putU8(buf, pos, p.source_addr_ton, 'source_addr_ton');
    pos = putU8(buf, pos, p.source_addr_npi, 'source_addr_npi');
    pos = putCString(buf, pos, p.source_addr, 'source_addr');
    pos = putCString(buf, pos, p.schedule_delivery_time, 'schedule_delivery_time');
    pos = putCString(buf, pos, p.validity_period, 'validity_period');
    pos = putU8(buf, pos, p.registered_delivery, 'registered_delivery');
    pos = putU8(buf, pos, p.sm_default_msg_id, 'sm_default_msg_id');
    return putShortMessage(buf, pos, p.short_message);
  },
};

const alertNotification: BodyCodec = {
  length: (p) => cstrLength(p.source_addr, 'source_addr') + cstrLength(p.esme_addr, 'esme_addr') + 4,
  write(p, buf, pos) {
    pos = putU8(buf, pos, p.source_addr_ton, 'source_addr_ton');
    pos = putU8(buf, pos, p.source_addr_npi, 'source_addr_npi');
    pos = putCString(buf, pos, p.source_addr, 'source_addr');
    pos = putU8(buf, pos, p.esme_addr_ton, 'esme_addr_ton');
    pos = putU8(buf, pos, p.esme_addr_npi, 'esme_addr_npi');
    return putCString(buf, pos, p.esme_addr, 'esme_addr');
  },
};

const bodies: Record<CommandName, BodyCodec> = {
  generic_nack: empty,
  bind_receiver: bind,
  bind_receiver_resp: oneString('system_id'),
  bind_transmitter: bind,
  bind_transmitter_resp: oneString('system_id'),
  query_sm: querySm,
  query_sm_resp: querySmResp,
  submit_sm: shortMessage,
  submit_sm_resp: oneString('message_id'),
  deliver_sm: shortMessage,
  deliver_sm_resp: oneString('message_id'),
  unbind: empty,
  unbind_resp: empty,
  replace_sm: replaceSm,
  replace_sm_resp: empty,
  cancel_sm: cancelSm,
  cancel_sm_resp: empty,
  bind_transceiver: bind,
  bind_transceiver_resp: oneString('system_id'),
  outbind,
  enquire_link: empty,
  enquire_link_resp: empty,
  submit_multi: submitMulti,
  submit_multi_resp: submitMultiResp,
  alert_notification: alertNotification,
  data_sm: dataSm,
  data_sm_resp: oneString('message_id'),
};

interface Command {
  id: number;
  body: BodyCodec;
}

const commands = new Map<unknown, Command>((Object.keys(bodies) as CommandName[]).map((name) => [name, { id: COMMAND_IDS[name], body: bodies[name] }]));

function commandOf(pdu: Fields): Command {
  const c = commands.get(pdu.command);
  if (c === undefined) throw invalid('command', `'${String(pdu.command)}' is not an SMPP 3.4 command`);
  return c;
}

function lengthOf(p: Fields, c: Command): number {
  return 16 + c.body.length(p) + tlvsLength(p.tlvs);
}

function writeInto(p: Fields, c: Command, target: Buffer, offset: number, length: number): void {
  let pos = putU32(target, offset, length, 'command_length');
  pos = putU32(target, pos, c.id, 'command_id');
  pos = putU32(target, pos, p.command_status, 'command_status');
  pos = putU32(target, pos, p.sequence_number, 'sequence_number');
  pos = c.body.write(p, target, pos);
  pos = putTlvs(target, pos, p.tlvs);
  if (pos !== offset + length) throw new Error(`encodeInto: wrote ${pos - offset} octets for a length of ${length} (an encoder bug)`);
}

/** The encoded size of a PDU in octets (its command_length). Throws SmppError SMPP_ERR_INVALID_FIELD. */
export function encodedLength(pdu: PduInput): number {
  return lengthOf(pdu, commandOf(pdu));
}

/**
 * Encodes into `target` at `offset`, which must have encodedLength(pdu) octets free; returns that
 * length. Throws SmppError SMPP_ERR_INVALID_FIELD (then `target` holds partial bytes).
 */
export function encodeInto(pdu: PduInput, target: Buffer, offset: number, length?: number): number {
  const c = commandOf(pdu);
  const n = length ?? lengthOf(pdu, c);
  if (offset + n > target.length) throw new RangeError(`encodeInto: ${n} octets do not fit at offset ${offset} of ${target.length}`);
  writeInto(pdu, c, target, offset, n);
  return n;
}

/** One PDU as a new Buffer. Throws SmppError SMPP_ERR_INVALID_FIELD when a field cannot be encoded. */
export function encode(pdu: PduInput): Buffer {
  const c = commandOf(pdu);
  const length = lengthOf(pdu, c);
  const buf = Buffer.allocUnsafe(length);
  writeInto(pdu, c, buf, 0, length);
  return buf;
}
