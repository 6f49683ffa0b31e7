// Random and mutated PDUs for the fuzz test and scripts/smpp-fuzz.ts, and the reader-level check
// every input must pass: the reader never throws, every frame ends as a decoded PDU, an invalid
// PDU (answered with its error _resp or generic_nack) or a fatal length (generic_nack, close),
// nothing is buffered past the cap, and a decoded PDU re-encodes to the same PDU.
import assert from 'node:assert/strict';
import {
  COMMAND_IDS, type CommandName, decode, encode, type Pdu, type PduInput, PduReader, SmppError, TLV_TAGS, type TlvName,
} from '../../../../src/protocols/smpp/index.ts';

export type Random = () => number;

/** A small fast PRNG (mulberry32), so a failing seed can be replayed. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Random, n: number) => Math.floor(r() * n);
const u8 = (r: Random) => int(r, 256);
const str = (r: Random, max = 20) => Array.from({ length: int(r, max + 1) }, () => String.fromCharCode(1 + int(r, 255))).join('');
const octets = (r: Random, max: number) => Buffer.from(Array.from({ length: int(r, max + 1) }, () => u8(r)));

type Kind = 's' | 'i' | 'sm';
const SM: Array<[string, Kind]> = [['service_type', 's'], ['source_addr_ton', 'i'], ['source_addr_npi', 'i'], ['source_addr', 's'], ['dest_addr_ton', 'i'], ['dest_addr_npi', 'i'],
  ['destination_addr', 's'], ['esm_class', 'i'], ['protocol_id', 'i'], ['priority_flag', 'i'], ['schedule_delivery_time', 's'], ['validity_period', 's'],
  ['registered_delivery', 'i'], ['replace_if_present_flag', 'i'], ['data_coding', 'i'], ['sm_default_msg_id', 'i'], ['short_message', 'sm']];
const BIND: Array<[string, Kind]> = [['system_id', 's'], ['password', 's'], ['system_type', 's'], ['interface_version', 'i'], ['addr_ton', 'i'], ['addr_npi', 'i'], ['address_range', 's']];
const FIELDS: Partial<Record<CommandName, Array<[string, Kind]>>> = {
  bind_transmitter: BIND, bind_receiver: BIND, bind_transceiver: BIND,
  bind_transmitter_resp: [['system_id', 's']], bind_receiver_resp: [['system_id', 's']], bind_transceiver_resp: [['system_id', 's']],
  outbind: [['system_id', 's'], ['password', 's']],
  submit_sm: SM, deliver_sm: SM,
  submit_sm_resp: [['message_id', 's']], deliver_sm_resp: [['message_id', 's']], data_sm_resp: [['message_id', 's']],
  data_sm: [['service_type', 's'], ['source_addr_ton', 'i'], ['source_addr_npi', 'i'], ['source_addr', 's'], ['dest_addr_ton', 'i'], ['dest_addr_npi', 'i'],
    ['destination_addr', 's'], ['esm_class', 'i'], ['registered_delivery', 'i'], ['data_coding', 'i']],
  query_sm: [['message_id', 's'], ['source_addr_ton', 'i'], ['source_addr_npi', 'i'], ['source_addr', 's']],
  query_sm_resp: [['message_id', 's'], ['final_date', 's'], ['message_state', 'i'], ['error_code', 'i']],
  cancel_sm: [['service_type', 's'], ['message_id', 's'], ['source_addr_ton', 'i'], ['source_addr_npi', 'i'], ['source_addr', 's'], ['dest_addr_ton', 'i'], ['dest_addr_npi', 'i'], ['destination_addr', 's']],
  replace_sm: [['message_id', 's'], ['source_addr_ton', 'i'], ['source_addr_npi', 'i'], ['source_addr', 's'], ['schedule_delivery_time', 's'], ['validity_period', 's'],
    ['registered_delivery', 'i'], ['sm_default_msg_id', 'i'], ['short_message', 'sm']],
  alert_notification: [['source_addr_ton', 'i'], ['source_addr_npi', 'i'], ['source_addr', 's'], ['esme_addr_ton', 'i'], ['esme_addr_npi', 'i'], ['esme_addr', 's']],
};
const COMMANDS = Object.keys(COMMAND_IDS) as CommandName[];
const TLV_NAMES = Object.keys(TLV_TAGS) as TlvName[];

function randomTlvs(r: Random): Record<string, unknown> | undefined {
  if (r() < 0.5) return undefined;
  const tlvs: Record<string, unknown> = {};
  for (let n = int(r, 5); n > 0; n--) {
    if (r() < 0.3) {
      tlvs[`0x${(0x1400 + int(r, 0x100)).toString(16)}`] = octets(r, 30);
      continue;
    }
    const name = TLV_NAMES[int(r, TLV_NAMES.length)]!;
    const type = TLV_TAGS[name].type;
    tlvs[name] = type === 'int1' ? u8(r) : type === 'int2' ? int(r, 65536) : type === 'int4' ? int(r, 2 ** 32) : type === 'cstring' ? str(r) : octets(r, 40);
  }
  return tlvs;
}

/** A random well-formed PDU of a random command. */
export function randomPdu(r: Random): PduInput {
  const command = COMMANDS[int(r, COMMANDS.length)]!;
  const pdu: Record<string, unknown> = { command, command_status: r() < 0.8 ? 0 : int(r, 0x100), sequence_number: 1 + int(r, 0x7fffffff) };
  const fields = FIELDS[command];
  const bodyless = command.endsWith('_resp') && pdu.command_status !== 0 && r() < 0.5;
  if (fields !== undefined && !bodyless) {
    for (const [name, kind] of fields) pdu[name] = kind === 's' ? str(r) : kind === 'i' ? u8(r) : octets(r, 254);
  }
  if (command === 'submit_multi') {
    Object.assign(pdu, Object.fromEntries(SM.filter(([n]) => !n.startsWith('dest')).map(([n, k]) => [n, k === 's' ? str(r) : k === 'i' ? u8(r) : octets(r, 100)])));
    pdu.dest_addresses = Array.from({ length: int(r, 4) }, () => (r() < 0.7
      ? { dest_flag: 1, dest_addr_ton: u8(r), dest_addr_npi: u8(r), destination_addr: str(r) }
      : { dest_flag: 2, dl_name: str(r) }));
  }
  if (command === 'submit_multi_resp' && !bodyless) {
    pdu.message_id = str(r);
    pdu.unsuccess_smes = Array.from({ length: int(r, 3) }, () => ({ dest_addr_ton: u8(r), dest_addr_npi: u8(r), destination_addr: str(r), error_status_code: int(r, 2 ** 32) }));
  }
  if (!bodyless || fields === undefined) {
    const tlvs = randomTlvs(r);
    if (tlvs !== undefined) pdu.tlvs = tlvs;
  }
  return pdu as PduInput;
}

/** The bytes of a random PDU, damaged in one of several ways (or not at all). */
export function mutated(r: Random): Buffer {
  const bytes = Buffer.from(encode(randomPdu(r)));
  switch (int(r, 8)) {
    case 0: return bytes;
    case 1: { for (let n = 1 + int(r, 4); n > 0; n--) bytes[int(r, bytes.length)] = u8(r); return bytes; }
    case 2: { const cut = int(r, bytes.length); bytes.writeUInt32BE(Math.max(cut, 16), 0); return bytes.subarray(0, cut); }
    case 3: { const extra = octets(r, 20); const out = Buffer.concat([bytes, extra]); out.writeUInt32BE(out.length, 0); return out; }
    case 4: { bytes.writeUInt32BE(int(r, 2) === 0 ? int(r, 16) : bytes.length + int(r, 64) - 32 >>> 0, 0); return bytes; }
    case 5: { bytes.writeUInt32BE(int(r, 2 ** 32), 4); return bytes; }
    case 6: return octets(r, 64);
    default: { const other = encode(randomPdu(r)); const out = Buffer.concat([bytes, other]); out[int(r, out.length)] = u8(r); return out; }
  }
}

export interface ReaderOutcome {
  pdus: number;
  invalid: number;
  fatal: number;
}

/** Feeds `input` to a reader in random pieces and checks the invariants; returns what happened. */
export function checkReader(input: Buffer, r: Random, maxCommandLength = 4096): ReaderOutcome {
  const out: ReaderOutcome = { pdus: 0, invalid: 0, fatal: 0 };
  const reader = new PduReader({
    onPdu(pdu: Pdu) {
      out.pdus++;
      let again: Buffer;
      try {
        again = encode(pdu);
      } catch (error) {
        assert.fail(`a decoded ${pdu.command} does not re-encode: ${(error as Error).message}`);
      }
      assert.deepEqual(decode(again), pdu);
    },
    onInvalid(error: SmppError) {
      assert.ok(error instanceof SmppError && error.command_status !== undefined);
      out.invalid++;
    },
    onFatal(error: SmppError) {
      assert.equal(error.code, 'SMPP_ERR_INVALID_LENGTH');
      out.fatal++;
    },
  }, { maxCommandLength });
  let off = 0;
  while (off < input.length) {
    const n = 1 + int(r, input.length - off);
    reader.push(input.subarray(off, off + n));
    off += n;
  }
  assert.ok(out.fatal <= 1);
  assert.ok(reader.stopped || reader.bufferedBytes < maxCommandLength, 'the reader holds more than one PDU\'s worth');
  return out;
}

/** A random valid PDU survives encode → decode → encode unchanged. */
export function checkRoundTrip(r: Random): void {
  const bytes = encode(randomPdu(r));
  const pdu = decode(bytes);
  assert.deepEqual(encode(pdu), bytes);
}
