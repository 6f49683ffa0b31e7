// What the simulator reads from a submission to count concatenated messages: the UDH's
// concatenation element (8- or 16-bit reference, 3GPP TS 23.040 §9.2.3.24.1/.8) or the SAR TLVs
// (SMPP 3.4 §5.3.2.22–24), and the message text for rules that match on it.
import { decodeGsm7, decodeUcs2, parseConcatUdh } from '../protocols/gsm/index.ts';
import type { DataSm, SubmitSm } from '../protocols/smpp/index.ts';

export interface MessagePart {
  scheme: 'udh8' | 'udh16' | 'sar';
  reference: number;
  total: number;
  sequence: number;
}

const UDHI = 0x40;

/** The octets after the UDH (if esm_class says there is one) of short_message, or of message_payload. */
export function userData(pdu: SubmitSm | DataSm): Buffer {
  const data = pdu.command === 'submit_sm' && pdu.short_message.length > 0 ? pdu.short_message : (pdu.tlvs?.message_payload ?? Buffer.alloc(0));
  if ((pdu.esm_class & UDHI) === 0 || data.length === 0) return data;
  return data.subarray(Math.min(data.length, 1 + data[0]!));
}

export function messagePart(pdu: SubmitSm | DataSm): MessagePart | undefined {
  const t = pdu.tlvs;
  if (t?.sar_msg_ref_num !== undefined && t.sar_total_segments !== undefined && t.sar_segment_seqnum !== undefined) {
    return { scheme: 'sar', reference: t.sar_msg_ref_num, total: t.sar_total_segments, sequence: t.sar_segment_seqnum };
  }
  if ((pdu.esm_class & UDHI) === 0) return undefined;
  const data = pdu.command === 'submit_sm' && pdu.short_message.length > 0 ? pdu.short_message : t?.message_payload;
  if (data === undefined || data.length === 0) return undefined;
  const info = parseConcatUdh(data);
  if (info === undefined) return undefined;
  return { scheme: has16BitConcat(data) ? 'udh16' : 'udh8', ...info };
}

function has16BitConcat(udh: Buffer): boolean {
  const end = 1 + udh[0]!;
  for (let i = 1; i + 1 < end; i += 2 + udh[i + 1]!) if (udh[i] === 0x08) return true;
  return false;
}

/** The message text as data_coding says: UCS-2 (8), latin1 (3), else unpacked GSM-7. */
export function messageText(pdu: SubmitSm | DataSm): string {
  const data = userData(pdu);
  if (pdu.data_coding === 3) return data.toString('latin1');
  try {
    return pdu.data_coding === 8 ? decodeUcs2(data) : decodeGsm7(data);
  } catch {
    return data.toString('latin1');
  }
}
