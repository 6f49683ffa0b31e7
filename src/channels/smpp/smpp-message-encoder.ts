// One message → the submit_sm PDUs that carry it: GSM 03.38 (data_coding 0, one septet per octet
// as SMPP sends it) or UCS-2 (8), flash as message class 0, concatenated by UDH with an 8- or
// 16-bit reference, by SAR TLVs, or in one PDU with message_payload; the DLT TLVs (the message's
// own principal entity id, else the connector's, and its template id); a receipt
// requested; the validity period set to the message's own expiry, so the carrier stops trying
// when we would.
import type { Connector } from '../../domain/connector.ts';
import { concatUdh, encodeGsm7, encodeUcs2, planSegments } from '../../protocols/gsm/index.ts';
import type { SubmitSm, Tlvs } from '../../protocols/smpp/index.ts';
import type { OutboundMessage } from '../channel.ts';

export type SubmitSmBody = Omit<SubmitSm, 'sequence_number' | 'command_status'>;

const ESM_UDHI = 0x40;
const REGISTERED_DELIVERY_FINAL = 0x01;

/** The submit_sm bodies for a message, one per part, in order; `reference` ties the parts together. */
export function encodeMessage(m: OutboundMessage, c: Connector, reference: number): SubmitSmBody[] {
  const ucs2 = m.encoding === 'UCS2';
  // 0x10 / 0x18: message class 0 (flash) in the GSM 7-bit / UCS-2 alphabet (3GPP TS 23.038 §4).
  const dataCoding = m.flash ? (ucs2 ? 0x18 : 0x10) : ucs2 ? 0x08 : 0x00;
  const alphanumeric = /[^0-9]/.test(m.sender);
  const base = {
    command: 'submit_sm' as const,
    service_type: '',
    source_addr_ton: alphanumeric ? 5 : c.sourceTon,
    source_addr_npi: alphanumeric ? 0 : c.sourceNpi,
    source_addr: m.sender,
    dest_addr_ton: c.destTon,
    dest_addr_npi: c.destNpi,
    destination_addr: m.recipient,
    esm_class: 0,
    protocol_id: 0,
    priority_flag: m.category === 'otp' ? 1 : 0,
    schedule_delivery_time: '',
    validity_period: absoluteTime(m.expiresAt),
    registered_delivery: REGISTERED_DELIVERY_FINAL,
    replace_if_present_flag: 0,
    data_coding: dataCoding,
    sm_default_msg_id: 0,
  };
  let dlt: Tlvs | undefined;
  const peId = m.entityId ?? c.dlt.peId;
  if (peId !== null) (dlt ??= {})[hexTag(c.dlt.peIdTag)] = `${peId}\0`;
  if (m.templateId !== null) (dlt ??= {})[hexTag(c.dlt.templateIdTag)] = `${m.templateId}\0`;

  // The common case first: a text that fits one segment needs no plan of its parts.
  if (m.segments === 1 && c.concat !== 'udh16') return [withTlvs({ ...base, short_message: encode(m.body, ucs2) }, undefined, dlt)];
  const plan = planSegments(m.body, { encoding: m.encoding, reference16: c.concat === 'udh16' });
  if (plan.segments.length === 1) return [withTlvs({ ...base, short_message: encode(m.body, ucs2) }, undefined, dlt)];
  if (c.concat === 'payload') return [withTlvs({ ...base, short_message: Buffer.alloc(0) }, { message_payload: encode(m.body, ucs2) }, dlt)];
  const total = plan.segments.length;
  return plan.segments.map((text, i) => {
    if (c.concat === 'sar') {
      return withTlvs({ ...base, short_message: encode(text, ucs2) }, { sar_msg_ref_num: reference & 0xffff, sar_total_segments: total, sar_segment_seqnum: i + 1 }, dlt);
    }
    const udh = concatUdh(c.concat === 'udh16' ? reference & 0xffff : reference & 0xff, total, i + 1, { reference16: c.concat === 'udh16' });
    return withTlvs({ ...base, esm_class: ESM_UDHI, short_message: Buffer.concat([udh, encode(text, ucs2)]) }, undefined, dlt);
  });
}

function encode(text: string, ucs2: boolean): Buffer {
  const bytes = ucs2 ? encodeUcs2(text) : encodeGsm7(text);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The body with its TLVs: the concatenation ones, then the DLT ones (none at all: no tlvs field). */
function withTlvs(body: SubmitSmBody, tlvs: Tlvs | undefined, dlt: Tlvs | undefined): SubmitSmBody {
  const merged = tlvs === undefined ? dlt : dlt === undefined ? tlvs : { ...tlvs, ...dlt };
  if (merged !== undefined) body.tlvs = merged;
  return body;
}

function hexTag(tag: number): `0x${string}` {
  return `0x${tag.toString(16).padStart(4, '0')}`;
}

/** SMPP 3.4 §7.1.1 absolute time, in UTC: YYMMDDhhmmsstnnp with t = tenths, nn = quarter hours, p = '+'. */
export function absoluteTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}${Math.floor(d.getUTCMilliseconds() / 100)}00+`;
}
