// The seed 003 success envelope, keys in the seed's order:
// {"id","data":[{"recipient","messageId"}],"totalCount",["unicode":1],["flash":1],"message","error":null}
// `id` is the message id of a single send and the batch id of a bulk send (each the native API's
// id: GET /v1/messages/<id>, GET /v1/batches/<id>); `messageId` is `<id>:<n>`, n the recipient's
// 1-based position in `to`. Recipients the service refused are listed after `error` in `rejected`.
import type { Prepared } from '../../../services/send-service.ts';
import type { RejectedRecipient } from './json-api-errors.ts';

export const sentMessage = 'Message Sent Successfully!';

export interface SentEnvelope {
  id: string | null;
  data: { recipient: string; messageId: string | null }[];
  totalCount: number;
  unicode?: 1;
  flash?: 1;
  message: typeof sentMessage;
  error: null;
  rejected?: RejectedRecipient[];
}

/** `testMode`: a test key's request, validated and priced but not stored, so nothing has an id. */
export function renderSent(p: Prepared, echo: { unicode: boolean; flash: boolean }, testMode: boolean): SentEnvelope {
  const id = testMode ? null : p.batchId ?? p.messages[0]!.id;
  const refused = new Set(p.rejected.map((r) => r.index));
  const data: SentEnvelope['data'] = [];
  // Messages keep the order of the recipients they were made for, minus the refused ones.
  let next = 0;
  for (let i = 0; next < p.messages.length; i++) {
    if (refused.has(i)) continue;
    data.push({ recipient: p.messages[next++]!.recipient, messageId: id === null ? null : `${id}:${i + 1}` });
  }
  return {
    id, data, totalCount: data.length,
    ...(echo.unicode && { unicode: 1 as const }),
    ...(echo.flash && { flash: 1 as const }),
    message: sentMessage,
    error: null,
    ...(p.rejected.length > 0 && {
      rejected: p.rejected.map((r) => ({ recipient: r.to, position: r.index + 1, error: { code: r.error.code, message: r.error.message } })),
    }),
  };
}
