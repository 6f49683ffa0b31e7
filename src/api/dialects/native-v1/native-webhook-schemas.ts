// Request schemas of the native /v1 webhook and event endpoints.
import { Type } from 'typebox';

const Events = Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 20 });

export const EndpointBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  events: Type.Optional(Events),
  description: Type.Optional(Type.String({ maxLength: 200 })),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const EndpointPatch = Type.Object({
  url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  events: Type.Optional(Events),
  description: Type.Optional(Type.String({ maxLength: 200 })),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const DeliveryListQuery = Type.Object({
  state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  access_token: Type.Optional(Type.String()),
});

export const EventListQuery = Type.Object({
  after: Type.Optional(Type.String({ maxLength: 45 })),
  since: Type.Optional(Type.String({ maxLength: 40 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  access_token: Type.Optional(Type.String()),
});
