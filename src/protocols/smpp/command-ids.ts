// SMPP 3.4 command ids (§5.1.2.1): each command's spec name and its 32-bit command_id.

export const COMMAND_IDS = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  outbind: 0x0000000b,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  alert_notification: 0x00000102,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

export type CommandName = keyof typeof COMMAND_IDS;

const byId = new Map<number, CommandName>();
for (const name of Object.keys(COMMAND_IDS) as CommandName[]) byId.set(COMMAND_IDS[name], name);

/** The spec name of a command_id, or undefined for an id SMPP 3.4 does not define. */
export function commandName(id: number): CommandName | undefined {
  return byId.get(id);
}

/** Responses have the top bit of command_id set (§5.1.2.1); generic_nack is one. */
export function isResponseId(id: number): boolean {
  return id >= 0x80000000;
}

/** Requests that have no response PDU: the peer answers outbind with a bind, and alert_notification not at all. */
export const NO_RESPONSE: ReadonlySet<CommandName> = new Set(['outbind', 'alert_notification']);

/** The response command of a request, e.g. submit_sm → submit_sm_resp; undefined for outbind, alert_notification and responses. */
export function responseName(request: CommandName): CommandName | undefined {
  const id = COMMAND_IDS[request];
  if (isResponseId(id) || NO_RESPONSE.has(request)) return undefined;
  return byId.get((id | 0x80000000) >>> 0);
}
