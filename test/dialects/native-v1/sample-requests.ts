// Request bodies the /v1 tests start from, matching the fixture account's senders and templates,
// and the sandbox's magic numbers named by what they do (src/channels/sandbox/sandbox-numbers.ts).

export type Body = Record<string, unknown>;

/** T-PLAIN-1 is `{#var#}`: any text of up to 30 characters matches it. */
export function transactional(text = 'Hello', to = '9876543210'): Body {
  return { to, sender: 'DAKIYA', template_id: 'T-PLAIN-1', category: 'transactional', message: text };
}

export function otp(code = '482913', to = '9876543210'): Body {
  return { to, sender: 'DAKIYA', template_id: 'T-OTP-1', category: 'otp', message: `Your OTP is ${code}. Valid for 10 minutes. - DAKIYA` };
}

/** Promotional traffic goes out from the numeric header 123456, 09:00-21:00 IST only. */
export function promotional(name = 'Priya', to = '9876543210'): Body {
  return { to, sender: '123456', template_id: 'T-PROMO-1', category: 'promotional', message: `Hi ${name}, flat 30% off today only!` };
}

/** International numbers need no DLT template, so any text (and any length) can be tried on them. */
export function international(text: string, to = '+447911123456'): Body {
  return { to, route: 'international', sender: 'DAKIYA', category: 'transactional', message: text };
}

export function bulk(recipients: Array<string | Body>, common: Body = { sender: 'DAKIYA', template_id: 'T-PLAIN-1', category: 'transactional', message: 'Hello' }): Body {
  return { recipients: recipients.map((r) => (typeof r === 'string' ? { to: r } : r)), ...common };
}

export const sandbox = {
  numberInactive: '919999900001',
  unreachableThenDelivered: '919999900002',
  dndAtCarrier: '919999900003',
  unreachableUntilExpiry: '919999900004',
  carrierDownOnce: '919999900005',
  noReceipt: '919999900006',
  carrierRejects: '919999900007',
} as const;
