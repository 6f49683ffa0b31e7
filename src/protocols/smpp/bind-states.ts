// Which PDUs each side may send in which session state: SMPP 3.4 §2.3 (bind types) and §2.4
// (the operations each bind allows). The session checks its own requests against these before
// sending and answers the peer's out-of-state requests with ESME_RINVBNDSTS.
import type { CommandName } from './command-ids.ts';

export type BindKind = 'transmitter' | 'receiver' | 'transceiver';
export type SessionState = 'open' | 'binding' | 'bound_tx' | 'bound_rx' | 'bound_trx' | 'unbinding' | 'closed';
export type Role = 'esme' | 'smsc';

export const BOUND_STATE: Record<BindKind, SessionState> = { transmitter: 'bound_tx', receiver: 'bound_rx', transceiver: 'bound_trx' };
export const BIND_COMMAND = { transmitter: 'bind_transmitter', receiver: 'bind_receiver', transceiver: 'bind_transceiver' } as const;
export const BIND_KIND: Partial<Record<CommandName, BindKind>> = {
  bind_transmitter: 'transmitter', bind_receiver: 'receiver', bind_transceiver: 'transceiver',
};

const BOUND: readonly SessionState[] = ['bound_tx', 'bound_rx', 'bound_trx'];
const TX: readonly SessionState[] = ['bound_tx', 'bound_trx'];
const RX: readonly SessionState[] = ['bound_rx', 'bound_trx'];
const OPEN: readonly SessionState[] = ['open'];

/** Requests an ESME sends, and the states (of the ESME's session) in which it may. */
const FROM_ESME: Partial<Record<CommandName, readonly SessionState[]>> = {
  bind_transmitter: OPEN,
  bind_receiver: OPEN,
  bind_transceiver: OPEN,
  submit_sm: TX,
  submit_multi: TX,
  data_sm: TX,
  query_sm: TX,
  cancel_sm: TX,
  replace_sm: TX,
  enquire_link: BOUND,
  unbind: BOUND,
};

/** Requests an SMSC sends, and the states in which it may. */
const FROM_SMSC: Partial<Record<CommandName, readonly SessionState[]>> = {
  outbind: OPEN,
  deliver_sm: RX,
  data_sm: RX,
  alert_notification: RX,
  enquire_link: BOUND,
  unbind: BOUND,
};

function table(sender: Role): Partial<Record<CommandName, readonly SessionState[]>> {
  return sender === 'esme' ? FROM_ESME : FROM_SMSC;
}

/** Whether a `sender` may ever send this request (false: the other side's operation). */
export function sends(sender: Role, command: CommandName): boolean {
  return table(sender)[command] !== undefined;
}

/** Whether a `sender` may send this request while the session is in `state`. */
export function allowedIn(sender: Role, command: CommandName, state: SessionState): boolean {
  return table(sender)[command]?.includes(state) ?? false;
}
