// Request schemas of the admin API (/admin/v1), used by the CLI and the dashboard.
import { Type } from 'typebox';
import { messageCategories } from '../../domain/message.ts';
import { routeCategories } from '../../domain/route.ts';

export const AccountId = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const AccountKeyId = Type.Object({ id: Type.String({ maxLength: 100 }), keyId: Type.String({ maxLength: 100 }) });
export const AccountSender = Type.Object({ id: Type.String({ maxLength: 100 }), sender: Type.String({ maxLength: 20 }) });
export const AccountTemplate = Type.Object({ id: Type.String({ maxLength: 100 }), templateId: Type.String({ maxLength: 64 }) });
export const RouteIdParams = Type.Object({ id: Type.String({ maxLength: 40 }) });

export const CreateAccount = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  credits: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.Integer({ minimum: 0 }))),
  rate_limit_per_minute: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false });

export const UpdateAccount = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
  rate_limit_per_minute: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
}, { additionalProperties: false });

export const CreateKey = Type.Object({
  label: Type.Optional(Type.String({ maxLength: 100 })),
  mode: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('test')])),
  ip_allowlist: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
}, { additionalProperties: false });

export const UpsertRoute = Type.Object({
  category: Type.Union(routeCategories.map((c) => Type.Literal(c))),
  price_per_segment: Type.Integer({ minimum: 0 }),
  refund_on_undelivered: Type.Optional(Type.Boolean()),
  resend_in_doubt: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });

export const AddCredits = Type.Object({
  route: Type.String({ minLength: 1, maxLength: 40 }),
  amount: Type.Integer(),
  note: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });

export const AddSender = Type.Object({
  sender: Type.String({ minLength: 1, maxLength: 20 }),
  kind: Type.Optional(Type.Union([Type.Literal('dlt-header'), Type.Literal('numeric-header'), Type.Literal('international')])),
}, { additionalProperties: false });

export const SetStatus = Type.Object({ status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]) }, { additionalProperties: false });

export const AddTemplate = Type.Object({
  template_id: Type.String({ minLength: 1, maxLength: 64 }),
  sender: Type.String({ minLength: 1, maxLength: 20 }),
  category: Type.Union(messageCategories.map((c) => Type.Literal(c))),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
}, { additionalProperties: false });

export const DndNumbers = Type.Object({ numbers: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 100_000 }) }, { additionalProperties: false });

export const LedgerQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) });
