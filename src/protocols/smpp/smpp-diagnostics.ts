// The library's diagnostics_channel events: it never logs; an application that wants logs or
// metrics subscribes (node:diagnostics_channel) and turns these messages into them. Each message
// is published only when the channel has subscribers, so an unobserved session pays nothing.
import diagnostics from 'node:diagnostics_channel';

export const channels = {
  /** { session, kind } after a bind succeeded (either role). */
  bound: diagnostics.channel('smpp:session:bound'),
  /** { session } after an unbind completed (sent or received). */
  unbound: diagnostics.channel('smpp:session:unbound'),
  /** { session, error } once the session has closed; error is undefined for a clean close. */
  closed: diagnostics.channel('smpp:session:closed'),
  /** { session, pdu, sequence_number } for each request PDU sent. `pdu` is what was passed to request(). */
  request: diagnostics.channel('smpp:pdu:request'),
  /** { session, pdu, request } for each response PDU received; `request` is undefined for an unknown sequence_number. */
  response: diagnostics.channel('smpp:pdu:response'),
  /** { session, pdu, sequence_number } when a request got no response within responseTimeoutMs. */
  timeout: diagnostics.channel('smpp:request:timeout'),
  /** { session, waitMs, queued } when the maxTps token bucket makes requests wait. */
  throttled: diagnostics.channel('smpp:throttled'),
  /** { session, error, command_id, sequence_number } for each PDU the reader rejected (bad length, unknown command, bad body). */
  readerInvalid: diagnostics.channel('smpp:reader:invalid'),
} as const;

/** The channel names, for subscribers: `diagnostics_channel.subscribe(SMPP_CHANNELS.bound, …)`. */
export const SMPP_CHANNELS = {
  bound: 'smpp:session:bound',
  unbound: 'smpp:session:unbound',
  closed: 'smpp:session:closed',
  request: 'smpp:pdu:request',
  response: 'smpp:pdu:response',
  timeout: 'smpp:request:timeout',
  throttled: 'smpp:throttled',
  readerInvalid: 'smpp:reader:invalid',
} as const;
