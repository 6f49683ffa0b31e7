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
  entity_id: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
}, { additionalProperties: false });

export const DndNumbers = Type.Object({ numbers: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 100_000 }) }, { additionalProperties: false });

export const LedgerQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) });

export const ConnectorName = Type.Object({ name: Type.String({ maxLength: 40 }) });

const tlvTag = Type.Integer({ minimum: 0x1400, maximum: 0x3fff });
const idFormat = Type.Union([Type.Literal('hex'), Type.Literal('decimal'), Type.Literal('text')]);
const tonNpi = Type.Integer({ minimum: 0, maximum: 255 });

/** PUT /admin/v1/connectors/{name}: the whole connector (a PUT replaces it), password included. */
export const PutConnector = Type.Object({
  host: Type.String({ minLength: 1, maxLength: 253 }),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
  tls: Type.Optional(Type.Boolean()),
  system_id: Type.String({ minLength: 1, maxLength: 15 }),
  password: Type.String({ minLength: 1, maxLength: 8 }),
  system_type: Type.Optional(Type.String({ maxLength: 12 })),
  bind: Type.Optional(Type.Union([Type.Literal('trx'), Type.Literal('tx-rx')])),
  binds: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  window: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  tps: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  source_ton: Type.Optional(tonNpi), source_npi: Type.Optional(tonNpi), dest_ton: Type.Optional(tonNpi), dest_npi: Type.Optional(tonNpi),
  dlt: Type.Optional(Type.Object({
    pe_id: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{1,30}$' }), Type.Null()])),
    pe_id_tag: Type.Optional(tlvTag),
    template_id_tag: Type.Optional(tlvTag),
  }, { additionalProperties: false })),
  message_ids: Type.Optional(Type.Object({ submit: Type.Optional(idFormat), receipt: Type.Optional(idFormat) }, { additionalProperties: false })),
  concat: Type.Optional(Type.Union([Type.Literal('udh8'), Type.Literal('udh16'), Type.Literal('sar'), Type.Literal('payload')])),
  enabled: Type.Optional(Type.Boolean()),
  routes: Type.Array(Type.Object({
    route: Type.String({ maxLength: 40 }),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    weight: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 100 }),
}, { additionalProperties: false });

export const SmppUserParams = Type.Object({ systemId: Type.String({ maxLength: 15 }) });
export const SmppUserQuery = Type.Object({ account_id: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
export const PutSmppUser = Type.Object({
  account_id: Type.String({ minLength: 1, maxLength: 100 }),
  password: Type.String({ minLength: 1, maxLength: 8 }),
  ip_allowlist: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 })),
  max_binds: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  route: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const WebhookQuery = Type.Object({
  account_id: Type.Optional(Type.String({ maxLength: 100 })),
  disabled: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
});

export const AccountOtpChannel = Type.Object({ id: Type.String({ maxLength: 100 }), channelId: Type.String({ maxLength: 64 }) });

export const PutOtpChannel = Type.Object({
  template_id: Type.String({ minLength: 1, maxLength: 64 }),
  sender: Type.String({ minLength: 1, maxLength: 20 }),
  route: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()])),
  length: Type.Optional(Type.Integer()),
  expiry_seconds: Type.Optional(Type.Integer()),
  max_attempts: Type.Optional(Type.Integer()),
}, { additionalProperties: false });

export const PutOtpPolicy = Type.Object({
  allowed_countries: Type.Optional(Type.Array(Type.String({ maxLength: 2 }), { maxItems: 300 })),
  daily_budget: Type.Optional(Type.Integer({ minimum: 0 })),
}, { additionalProperties: false });

// Lengths and shapes are the service's to judge (storedPatternProblem), so every refusal of a
// pattern carries the same message on the API and the CLI.
export const AddContentPattern = Type.Object({
  pattern: Type.String(),
  description: Type.Optional(Type.String()),
}, { additionalProperties: false });

export const ContentPatternId = Type.Object({ id: Type.String({ maxLength: 100 }) });
