// message_state values (SMPP 3.4 §5.2.28), as carried by the message_state TLV of a receipt and
// by query_sm_resp, and the 7-letter stat each has in the receipt text (Appendix B).

export const MessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;

export type MessageStateName = keyof typeof MessageState;

/** The receipt text's stat for each message_state. */
export const RECEIPT_STAT: Readonly<Record<number, string>> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD',
};
