// Every optional parameter (TLV) of SMPP 3.4 §5.3.2: its spec name, tag and value type.
// Integers are big-endian of 1, 2 or 4 octets; 'cstring' is a NUL-terminated latin1 string;
// 'octets' a raw Buffer (network_error_code, message_payload, subaddresses, …).

export type TlvType = 'int1' | 'int2' | 'int4' | 'cstring' | 'octets';

export const TLV_TAGS = {
  dest_addr_subunit: { tag: 0x0005, type: 'int1' },
  dest_network_type: { tag: 0x0006, type: 'int1' },
  dest_bearer_type: { tag: 0x0007, type: 'int1' },
  dest_telematics_id: { tag: 0x0008, type: 'int2' },
  source_addr_subunit: { tag: 0x000d, type: 'int1' },
  source_network_type: { tag: 0x000e, type: 'int1' },
  source_bearer_type: { tag: 0x000f, type: 'int1' },
  source_telematics_id: { tag: 0x0010, type: 'int2' },
  qos_time_to_live: { tag: 0x0017, type: 'int4' },
  payload_type: { tag: 0x0019, type: 'int1' },
  additional_status_info_text: { tag: 0x001d, type: 'cstring' },
  receipted_message_id: { tag: 0x001e, type: 'cstring' },
  ms_msg_wait_facilities: { tag: 0x0030, type: 'int1' },
  privacy_indicator: { tag: 0x0201, type: 'int1' },
  source_subaddress: { tag: 0x0202, type: 'octets' },
  dest_subaddress: { tag: 0x0203, type: 'octets' },
  user_message_reference: { tag: 0x0204, type: 'int2' },
  user_response_code: { tag: 0x0205, type: 'int1' },
  source_port: { tag: 0x020a, type: 'int2' },
  destination_port: { tag: 0x020b, type: 'int2' },
  sar_msg_ref_num: { tag: 0x020c, type: 'int2' },
  language_indicator: { tag: 0x020d, type: 'int1' },
  sar_total_segments: { tag: 0x020e, type: 'int1' },
  sar_segment_seqnum: { tag: 0x020f, type: 'int1' },
  sc_interface_version: { tag: 0x0210, type: 'int1' },
  callback_num_pres_ind: { tag: 0x0302, type: 'int1' },
  callback_num_atag: { tag: 0x0303, type: 'octets' },
  number_of_messages: { tag: 0x0304, type: 'int1' },
  callback_num: { tag: 0x0381, type: 'octets' },
  dpf_result: { tag: 0x0420, type: 'int1' },
  set_dpf: { tag: 0x0421, type: 'int1' },
  ms_availability_status: { tag: 0x0422, type: 'int1' },
  network_error_code: { tag: 0x0423, type: 'octets' },
  message_payload: { tag: 0x0424, type: 'octets' },
  delivery_failure_reason: { tag: 0x0425, type: 'int1' },
  more_messages_to_send: { tag: 0x0426, type: 'int1' },
  message_state: { tag: 0x0427, type: 'int1' },
  ussd_service_op: { tag: 0x0501, type: 'int1' },
  display_time: { tag: 0x1201, type: 'int1' },
  sms_signal: { tag: 0x1203, type: 'int2' },
  ms_validity: { tag: 0x1204, type: 'int1' },
  // §5.3.2.41: no value; present or absent. An empty Buffer here.
  alert_on_message_delivery: { tag: 0x130c, type: 'octets' },
  its_reply_type: { tag: 0x1380, type: 'int1' },
  its_session_info: { tag: 0x1383, type: 'octets' },
} as const satisfies Record<string, { tag: number; type: TlvType }>;

export type TlvName = keyof typeof TLV_TAGS;

type ValueOf<T extends TlvType> = T extends 'cstring' ? string : T extends 'octets' ? Buffer : number;

/** The known TLVs by spec name, typed by their value type. */
export type KnownTlvs = { -readonly [K in TlvName]?: ValueOf<(typeof TLV_TAGS)[K]['type']> };

/**
 * A PDU's TLVs in wire order. Tags SMPP 3.4 does not define (vendor TLVs such as India's DLT
 * 0x1400 / 0x1401), and known tags whose length does not fit their type, are keyed by lowercase
 * 4-digit hex, '0x1400', with the raw value as a Buffer. On encode a string there is written as its
 * latin1 octets, without a terminating NUL (add '\0' yourself if the peer wants one).
 */
export type Tlvs = KnownTlvs & { [hexTag: `0x${string}`]: Buffer | string };

export type TlvValue = number | string | Buffer;

export interface TlvDefinition {
  readonly name: TlvName;
  readonly tag: number;
  readonly type: TlvType;
}

const byTag = new Map<number, TlvDefinition>();
for (const name of Object.keys(TLV_TAGS) as TlvName[]) byTag.set(TLV_TAGS[name].tag, { name, ...TLV_TAGS[name] });

/** The definition of a tag SMPP 3.4 defines, else undefined. */
export function tlvByTag(tag: number): TlvDefinition | undefined {
  return byTag.get(tag);
}

/** '0x1400' for 0x1400: the key of a TLV the library keeps raw. */
export function hexTagKey(tag: number): `0x${string}` {
  return `0x${tag.toString(16).padStart(4, '0')}`;
}
