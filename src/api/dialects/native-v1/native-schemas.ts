// Request schemas of the native /v1 dialect (seed 001 §5 shapes). One TypeBox object is the
// validator, the handler's type and (later) the OpenAPI document.
import { Type } from 'typebox';
import { messageCategories } from '../../../domain/message.ts';

const Variables = Type.Union([
  Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 }),
  Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 500 }), { maxProperties: 50 }),
]);

const common = {
  sender: Type.String({ minLength: 1, maxLength: 20 }),
  message: Type.Optional(Type.String({ maxLength: 5000 })),
  template_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  variables: Type.Optional(Variables),
  category: Type.Union(messageCategories.map((c) => Type.Literal(c))),
  route: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  channel: Type.Optional(Type.Literal('sms')),
  unicode: Type.Optional(Type.Boolean()),
  flash: Type.Optional(Type.Boolean()),
  correlation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  callback_url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  schedule_at: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  queue_until_window_opens: Type.Optional(Type.Boolean()),
  validity_period: Type.Optional(Type.Integer({ minimum: 60, maximum: 2_592_000 })),
  test_mode: Type.Optional(Type.Boolean()),
};

export const SendBody = Type.Object({ to: Type.String({ minLength: 1, maxLength: 40 }), ...common }, { additionalProperties: false });

const BulkRecipient = Type.Object({
  to: Type.String({ minLength: 1, maxLength: 40 }),
  message: Type.Optional(Type.String({ maxLength: 5000 })),
  variables: Type.Optional(Variables),
}, { additionalProperties: false });

// No maxItems on recipients: the send service counts them against bulk.maxRecipients and answers
// ERR_TOO_MANY_RECIPIENTS, which a schema error would hide behind ERR_INVALID_REQUEST. The bulk
// body limit bounds the array meanwhile.
export const BulkBody = Type.Object({ recipients: Type.Array(BulkRecipient, { minItems: 1 }), ...common }, { additionalProperties: false });

export const EstimateBody = Type.Object({
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  recipients: Type.Optional(Type.Array(BulkRecipient, { minItems: 1 })),
  ...common,
}, { additionalProperties: false });

export const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

export const MessageListQuery = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 20 })),
  batch_id: Type.Optional(Type.String({ maxLength: 100 })),
  correlation_id: Type.Optional(Type.String({ maxLength: 128 })),
  after: Type.Optional(Type.String({ maxLength: 100 })),
  since: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  access_token: Type.Optional(Type.String()),
});

export const BatchReportQuery = Type.Object({
  format: Type.Optional(Type.String({ maxLength: 20 })),
  access_token: Type.Optional(Type.String()),
});
