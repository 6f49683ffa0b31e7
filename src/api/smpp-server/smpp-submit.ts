// submit_sm → what the send service needs: the text decoded by data_coding (from short_message or
// message_payload, past a UDH), the concatenation reference of a part (UDH or SAR TLVs), the DLT
// template id TLV, registered_delivery, schedule and validity. Nothing here is a business rule:
// the send service validates and prices the result exactly as it does an HTTP request.
import { isDltEntityId } from '../../domain/account.ts';
import { DakiyaError } from '../../domain/errors.ts';
import type { MessageCategory } from '../../domain/message.ts';
import type { SmppUser } from '../../domain/smpp-user.ts';
import { decodeGsm7, decodeUcs2, parseConcatUdh } from '../../protocols/gsm/index.ts';
import { CommandStatus, parseSmppTime, type SubmitSm } from '../../protocols/smpp/index.ts';
import type { SendRequest } from '../../services/send-service.ts';
import type { SendingProfile } from '../../store/store.ts';

export type Alphabet = 'gsm7' | 'latin1' | 'ucs2';

export interface SubmitOptions {
  /** How data_coding 0 is read. */
  defaultAlphabet: 'gsm7' | 'latin1';
  /** TLV key ('0x1401') of the DLT template id. */
  templateIdKey: `0x${string}`;
  /** TLV key ('0x1400') of the DLT principal entity id, which the message is sent upstream under. */
  entityIdKey: `0x${string}`;
}

export interface DecodedSubmit {
  to: string;
  sender: string;
  /** The user data past any UDH, copied off the socket's buffer. */
  body: Buffer;
  alphabet: Alphabet;
  flash: boolean;
  templateId: string | undefined;
  entityId: string | undefined;
  receipt: boolean;
  scheduleAt: number | undefined;
  validitySeconds: number | undefined;
  /** The part this submission is of a long message, when it is one of several. */
  concat: { reference: number; total: number; sequence: number } | undefined;
}

/** A submission refused before it reaches the send service, with the status that says why. */
export class SubmitRefused extends Error {
  readonly command_status: number;
  constructor(command_status: number, message: string) {
    super(message);
    this.command_status = command_status;
  }
}

const UDHI = 0x40;

/** data_coding → alphabet and flash (SMPP 3.4 §5.2.19; 0x10/0x18/0xF0 are GSM 03.38 message class 0). */
function coding(dataCoding: number, options: SubmitOptions): { alphabet: Alphabet; flash: boolean } {
  switch (dataCoding) {
    case 0x00: return { alphabet: options.defaultAlphabet, flash: false };
    case 0x01: case 0x03: return { alphabet: 'latin1', flash: false };
    case 0x08: return { alphabet: 'ucs2', flash: false };
    case 0x10: case 0xf0: return { alphabet: 'gsm7', flash: true };
    case 0x18: return { alphabet: 'ucs2', flash: true };
    default: throw new SubmitRefused(CommandStatus.ESME_RSUBMITFAIL, `data_coding 0x${dataCoding.toString(16)} is not supported (0, 1, 3, 8, 0x10, 0x18, 0xF0 are)`);
  }
}

function tlvText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = (Buffer.isBuffer(value) ? value.toString('latin1') : String(value)).replace(/\0+$/, '').trim();
  return text === '' ? undefined : text;
}

export function decodeSubmit(pdu: SubmitSm, options: SubmitOptions, now: number): DecodedSubmit {
  const { alphabet, flash } = coding(pdu.data_coding, options);
  const tlvs = pdu.tlvs;
  const payload = tlvs?.message_payload;
  let body: Buffer = Buffer.isBuffer(payload) && payload.length > 0 ? payload : pdu.short_message;
  let concat: DecodedSubmit['concat'];
  if ((pdu.esm_class & UDHI) !== 0) {
    const udhl = body[0];
    if (udhl === undefined || body.length < 1 + udhl) throw new SubmitRefused(CommandStatus.ESME_RINVESMCLASS, 'esm_class says a UDH leads the message, but none fits in it');
    const info = parseConcatUdh(body.subarray(0, 1 + udhl));
    if (info && info.total > 1) concat = info;
    body = body.subarray(1 + udhl);
  }
  const sarRef = tlvs?.sar_msg_ref_num;
  const sarTotal = tlvs?.sar_total_segments;
  const sarSeq = tlvs?.sar_segment_seqnum;
  if (concat === undefined && typeof sarRef === 'number' && typeof sarTotal === 'number' && typeof sarSeq === 'number' && sarTotal > 1) {
    if (sarSeq < 1 || sarSeq > sarTotal) throw new SubmitRefused(CommandStatus.ESME_RINVOPTPARAMVAL, 'sar_segment_seqnum is outside 1..sar_total_segments');
    concat = { reference: sarRef, total: sarTotal, sequence: sarSeq };
  }
  let scheduleAt: number | undefined;
  let validitySeconds: number | undefined;
  try {
    const t = parseSmppTime(pdu.schedule_delivery_time);
    if (t) scheduleAt = t.kind === 'absolute' ? t.at : now + t.ms;
  } catch {
    throw new SubmitRefused(CommandStatus.ESME_RINVSCHED, 'schedule_delivery_time is not an SMPP time');
  }
  try {
    const t = parseSmppTime(pdu.validity_period);
    if (t) validitySeconds = Math.max(1, Math.round((t.kind === 'absolute' ? t.at - (scheduleAt ?? now) : t.ms) / 1000));
  } catch {
    throw new SubmitRefused(CommandStatus.ESME_RINVEXPIRY, 'validity_period is not an SMPP time');
  }
  const entityId = tlvText(tlvs?.[options.entityIdKey]);
  if (entityId !== undefined && !isDltEntityId(entityId)) {
    throw new SubmitRefused(CommandStatus.ESME_RINVOPTPARAMVAL, 'the DLT principal entity id TLV must be 1-30 digits');
  }
  return {
    to: pdu.destination_addr,
    sender: pdu.source_addr,
    // A copy: the socket's chunk is not kept alive by a part waiting for the others.
    body: concat === undefined ? body : Buffer.from(body),
    alphabet, flash,
    templateId: tlvText(tlvs?.[options.templateIdKey]),
    entityId,
    // §5.2.17: bits 0-1 ask for an SMSC delivery receipt (1: on any outcome, 2: on failure; both are sent on any outcome).
    receipt: (pdu.registered_delivery & 0x03) !== 0,
    scheduleAt, validitySeconds, concat,
  };
}

/** The text of user data in its alphabet. */
export function decodeText(body: Buffer, alphabet: Alphabet): string {
  try {
    if (alphabet === 'gsm7') return decodeGsm7(body);
    if (alphabet === 'ucs2') return decodeUcs2(body);
    return body.toString('latin1');
  } catch (error) {
    throw new SubmitRefused(CommandStatus.ESME_RSUBMITFAIL, `the message is not valid ${alphabet === 'gsm7' ? 'GSM 03.38 (unpacked septets)' : 'UCS-2'}: ${(error as Error).message}`);
  }
}

/**
 * The send request for one whole message. With a DLT template, the template's category decides
 * (and the user's route carries it if it accepts that category); without one, the user's route.
 */
export function toSendRequest(d: DecodedSubmit, text: string, user: SmppUser, profile: SendingProfile | undefined): SendRequest {
  const template = d.templateId === undefined ? undefined : profile?.templates.find((t) => t.templateId === d.templateId);
  const route = profile?.routes.find((r) => r.id === user.route);
  let category: MessageCategory;
  let routeId: string | undefined;
  if (template) {
    category = template.category;
    routeId = route && (route.category === category || route.category === 'international') ? route.id : undefined;
  } else {
    category = route === undefined || route.category === 'international' ? 'transactional' : route.category;
    routeId = user.route;
  }
  if (text === '') throw new DakiyaError('ERR_INVALID_REQUEST', 'the message is empty', { field: 'short_message' });
  const request: SendRequest = {
    recipients: [{ to: d.to }],
    sender: d.sender,
    message: text,
    category,
    unicode: d.alphabet === 'ucs2',
    flash: d.flash,
    // The promotional window holds a message until it opens, as an SMSC queues: an ESME cannot be asked to resubmit later.
    queueUntilWindowOpens: true,
  };
  if (routeId !== undefined) request.route = routeId;
  if (d.templateId !== undefined) request.templateId = d.templateId;
  if (d.entityId !== undefined) request.entityId = d.entityId;
  if (d.scheduleAt !== undefined) request.scheduleAt = d.scheduleAt;
  if (d.validitySeconds !== undefined) request.validitySeconds = d.validitySeconds;
  if (d.receipt) request.receiptTo = user.systemId;
  return request;
}
