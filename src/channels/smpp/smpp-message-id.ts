// Carrier message ids as correlation keys. Carriers write the same id differently in the
// submit_sm_resp and in the receipt (hex in one, decimal in the other, upper or lower case,
// zero-padded or not): each side is read by the connector's declared format into one canonical
// form, and prefixed with the connector's name, since two carriers may issue the same id.
import type { MessageIdFormat } from '../../domain/connector.ts';

const hexDigits = /^[0-9a-f]+$/;
const decimalDigits = /^[0-9]+$/;

/** The canonical form of a carrier's message id: numbers as lower-case hex without leading zeros. */
export function canonicalMessageId(raw: string, format: MessageIdFormat): string {
  const id = raw.trim().toLowerCase();
  if (format === 'hex' && hexDigits.test(id)) return BigInt(`0x${id}`).toString(16);
  if (format === 'decimal' && decimalDigits.test(id)) return BigInt(id).toString(16);
  // Free text (or a carrier that broke its own format): case and leading zeros still do not count.
  const stripped = id.replace(/^0+(?=.)/, '');
  return stripped;
}

/** The key a message (or part) is stored under: never contains a comma, which joins the parts of one message. */
export function carrierKey(connector: string, raw: string, format: MessageIdFormat): string {
  return `${connector}:${canonicalMessageId(raw, format).replaceAll(',', '%2c')}`;
}
