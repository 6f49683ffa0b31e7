// A deliver_sm or data_sm from the carrier → what it says about one of our submissions. The
// message_state and receipted_message_id TLVs win when present; otherwise the standard receipt
// text (`id:… stat:… err:…`). Intermediate states (ENROUTE, ACCEPTD, UNKNOWN) finish nothing.
import type { ErrorCode } from '../../domain/errors.ts';
import { type DataSm, type DeliverSm, parseReceiptText } from '../../protocols/smpp/index.ts';
import type { ReceiptUpdate } from '../../store/store.ts';

export type ReceiptReading =
  | { kind: 'final'; messageId: string; status: ReceiptUpdate['status']; errorCode: ErrorCode | null }
  | { kind: 'intermediate'; messageId: string }
  /** Not a delivery receipt: a mobile-originated message or a user acknowledgement. */
  | { kind: 'other' }
  /** Flagged as a receipt, but no message id can be found in it. */
  | { kind: 'unreadable' };

/** esm_class bits 2-5 (SMPP 3.4 §5.2.12): 0x04 SMSC delivery receipt, 0x20 intermediate notification. */
const MESSAGE_TYPE = 0x3c;
const DELIVERY_RECEIPT = 0x04;
const INTERMEDIATE = 0x20;

/** message_state (§5.3.2.35) by number, and the receipt text's `stat:` words (Appendix B). */
const states: Record<string, { status: ReceiptUpdate['status']; errorCode: ErrorCode | null } | 'intermediate'> = {
  1: 'intermediate', ENROUTE: 'intermediate',
  2: { status: 'DELIVERED', errorCode: null }, DELIVRD: { status: 'DELIVERED', errorCode: null }, DELIVERED: { status: 'DELIVERED', errorCode: null },
  3: { status: 'EXPIRED', errorCode: 'ERR_HANDSET_UNREACHABLE' }, EXPIRED: { status: 'EXPIRED', errorCode: 'ERR_HANDSET_UNREACHABLE' },
  4: { status: 'FAILED', errorCode: 'ERR_CARRIER_REJECTED' }, DELETED: { status: 'FAILED', errorCode: 'ERR_CARRIER_REJECTED' },
  5: { status: 'FAILED', errorCode: 'ERR_UNDELIVERED' }, UNDELIV: { status: 'FAILED', errorCode: 'ERR_UNDELIVERED' }, UNDELIVERABLE: { status: 'FAILED', errorCode: 'ERR_UNDELIVERED' },
  6: 'intermediate', ACCEPTD: 'intermediate', ACCEPTED: 'intermediate',
  7: 'intermediate', UNKNOWN: 'intermediate',
  8: { status: 'FAILED', errorCode: 'ERR_CARRIER_REJECTED' }, REJECTD: { status: 'FAILED', errorCode: 'ERR_CARRIER_REJECTED' }, REJECTED: { status: 'FAILED', errorCode: 'ERR_CARRIER_REJECTED' },
};

export function readReceipt(pdu: DeliverSm | DataSm): ReceiptReading {
  const type = pdu.esm_class & MESSAGE_TYPE;
  if (type !== DELIVERY_RECEIPT && type !== INTERMEDIATE) return { kind: 'other' };
  const tlvs = pdu.tlvs ?? {};
  const payload = pdu.command === 'deliver_sm' && pdu.short_message.length > 0 ? pdu.short_message : tlvs.message_payload;
  const text = payload ? parseReceiptText(payload.toString('latin1')) : undefined;
  const messageId = tlvs.receipted_message_id?.trim() || text?.id?.trim();
  if (!messageId) return { kind: 'unreadable' };
  if (type === INTERMEDIATE) return { kind: 'intermediate', messageId };
  const state = (tlvs.message_state !== undefined ? states[tlvs.message_state] : undefined) ?? (text?.stat ? states[text.stat.trim().toUpperCase()] : undefined);
  if (state === undefined || state === 'intermediate') return { kind: 'intermediate', messageId };
  return { kind: 'final', messageId, ...state };
}
