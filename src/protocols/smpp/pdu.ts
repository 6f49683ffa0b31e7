// The PDU model: one plain object per PDU, fields in the spec's snake_case and wire order
// (SMPP 3.4 §4). C-octet strings are latin1 JS strings; short_message is a Buffer (never
// transcoded here); sm_length is derived when encoding. TLVs live in `tlvs`, in wire order.
import type { CommandName } from './command-ids.ts';
import type { Tlvs } from './tlv-tags.ts';

interface PduBase<C extends CommandName> {
  command: C;
  command_status: number;
  sequence_number: number;
  tlvs?: Tlvs;
}

export interface BindBody {
  system_id: string;
  password: string;
  system_type: string;
  interface_version: number;
  addr_ton: number;
  addr_npi: number;
  address_range: string;
}
export interface BindTransmitter extends PduBase<'bind_transmitter'>, BindBody {}
export interface BindReceiver extends PduBase<'bind_receiver'>, BindBody {}
export interface BindTransceiver extends PduBase<'bind_transceiver'>, BindBody {}
export type Bind = BindTransmitter | BindReceiver | BindTransceiver;

/** §4.1.2: the body is omitted when command_status is not 0; system_id is then absent. */
export interface BindRespBody { system_id?: string }
export interface BindTransmitterResp extends PduBase<'bind_transmitter_resp'>, BindRespBody {}
export interface BindReceiverResp extends PduBase<'bind_receiver_resp'>, BindRespBody {}
export interface BindTransceiverResp extends PduBase<'bind_transceiver_resp'>, BindRespBody {}
export type BindResp = BindTransmitterResp | BindReceiverResp | BindTransceiverResp;

export interface Outbind extends PduBase<'outbind'> { system_id: string; password: string }
export interface Unbind extends PduBase<'unbind'> {}
export interface UnbindResp extends PduBase<'unbind_resp'> {}
export interface EnquireLink extends PduBase<'enquire_link'> {}
export interface EnquireLinkResp extends PduBase<'enquire_link_resp'> {}
export interface GenericNack extends PduBase<'generic_nack'> {}

/** The short message layout shared by submit_sm and deliver_sm (§4.4.1, §4.6.1). */
export interface ShortMessageBody {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  replace_if_present_flag: number;
  data_coding: number;
  sm_default_msg_id: number;
  short_message: Buffer;
}
export interface SubmitSm extends PduBase<'submit_sm'>, ShortMessageBody {}
export interface DeliverSm extends PduBase<'deliver_sm'>, ShortMessageBody {}

/** A body-less error response (§4.4.2 allows it) has no message_id. */
export interface SubmitSmResp extends PduBase<'submit_sm_resp'> { message_id?: string }
export interface DeliverSmResp extends PduBase<'deliver_sm_resp'> { message_id?: string }

export type MultiDestination =
  | { dest_flag: 1; dest_addr_ton: number; dest_addr_npi: number; destination_addr: string }
  | { dest_flag: 2; dl_name: string };

/** §4.5.1: as submit_sm, with a list of destinations (SME addresses or distribution lists). */
export interface SubmitMulti extends PduBase<'submit_multi'>, Omit<ShortMessageBody, 'dest_addr_ton' | 'dest_addr_npi' | 'destination_addr'> {
  dest_addresses: MultiDestination[];
}

export interface UnsuccessSme {
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  error_status_code: number;
}
export interface SubmitMultiResp extends PduBase<'submit_multi_resp'> {
  message_id?: string;
  unsuccess_smes?: UnsuccessSme[];
}

/** §4.7.1 */
export interface DataSm extends PduBase<'data_sm'> {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  registered_delivery: number;
  data_coding: number;
}
export interface DataSmResp extends PduBase<'data_sm_resp'> { message_id?: string }

/** §4.8.1 */
export interface QuerySm extends PduBase<'query_sm'> {
  message_id: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
}
export interface QuerySmResp extends PduBase<'query_sm_resp'> {
  message_id?: string;
  final_date?: string;
  message_state?: number;
  error_code?: number;
}

/** §4.9.1 */
export interface CancelSm extends PduBase<'cancel_sm'> {
  service_type: string;
  message_id: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
}
export interface CancelSmResp extends PduBase<'cancel_sm_resp'> {}

/** §4.10.1 */
export interface ReplaceSm extends PduBase<'replace_sm'> {
  message_id: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  sm_default_msg_id: number;
  short_message: Buffer;
}
export interface ReplaceSmResp extends PduBase<'replace_sm_resp'> {}

/** §4.12.1 */
export interface AlertNotification extends PduBase<'alert_notification'> {
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  esme_addr_ton: number;
  esme_addr_npi: number;
  esme_addr: string;
}

export type Pdu =
  | BindTransmitter | BindTransmitterResp | BindReceiver | BindReceiverResp | BindTransceiver | BindTransceiverResp
  | Outbind | Unbind | UnbindResp | EnquireLink | EnquireLinkResp | GenericNack
  | SubmitSm | SubmitSmResp | SubmitMulti | SubmitMultiResp | DeliverSm | DeliverSmResp
  | DataSm | DataSmResp | QuerySm | QuerySmResp | CancelSm | CancelSmResp | ReplaceSm | ReplaceSmResp
  | AlertNotification;

/** The PDU type of a command name: PduOf<'submit_sm'> is SubmitSm. */
export type PduOf<C extends CommandName> = Extract<Pdu, { command: C }>;

/**
 * What encode() and SmppSession.request() accept: the command plus any of its fields. Missing
 * header fields are 0; missing request fields are '' or 0 (short_message: empty). A response whose
 * mandatory fields are all missing is encoded with an empty body (as an error response may be).
 */
export type PduInput<T extends Pdu = Pdu> = T extends Pdu ? { command: T['command'] } & Partial<Omit<T, 'command'>> : never;
