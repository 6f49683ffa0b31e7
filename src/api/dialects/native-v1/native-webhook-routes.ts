// The native /v1 webhook endpoints (register, change, rotate secrets, see every attempt) and the
// event log (pull what webhooks may have missed, redeliver). Registered inside the native dialect,
// so its authentication and error format apply.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { renderDelivery, renderEndpoint, renderEvent } from './native-webhook-render.ts';
import { DeliveryListQuery, EndpointBody, EndpointPatch, EventListQuery } from './native-webhook-schemas.ts';
import { IdParams } from './native-schemas.ts';
import { parseSince } from './native-times.ts';

export function nativeWebhookRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { webhooks } = ctx;

  api.post('/webhooks', { schema: { body: EndpointBody } }, async (request, reply) => {
    const { endpoint, secret } = await webhooks.create(account(request), request.body);
    // The secret is shown here once; only its sealed form is kept.
    return reply.code(201).send({ ...renderEndpoint(endpoint), secret });
  });
  api.get('/webhooks', async (request) => ({ webhooks: (await webhooks.list(account(request))).map(renderEndpoint) }));
  api.get('/webhooks/:id', { schema: { params: IdParams } }, async (request) => renderEndpoint(await webhooks.get(account(request), request.params.id)));
  api.patch('/webhooks/:id', { schema: { params: IdParams, body: EndpointPatch } }, async (request) =>
    renderEndpoint(await webhooks.update(account(request), request.params.id, request.body)));
  api.delete('/webhooks/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await webhooks.remove(account(request), request.params.id);
    return reply.code(204).send();
  });
  api.post('/webhooks/:id/rotate-secret', { schema: { params: IdParams } }, async (request) => {
    const id = request.params.id;
    const rotated = id === 'callback' ? await webhooks.rotateCallbackSecret(account(request)) : await webhooks.rotateSecret(account(request), id);
    return { secret: rotated.secret, previous_secret_valid_until: rotated.previousValidUntil === null ? null : new Date(rotated.previousValidUntil).toISOString() };
  });
  api.get('/webhooks/:id/deliveries', { schema: { params: IdParams, querystring: DeliveryListQuery } }, async (request) => {
    const q = request.query;
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (limit < 1 || limit > 200) throw new DakiyaError('ERR_INVALID_REQUEST', 'limit must be 1-200', { field: 'limit' });
    const list = await webhooks.deliveries(account(request), request.params.id, {
      limit, ...(q.state !== undefined && { state: q.state }), ...(q.before !== undefined && { before: Number(q.before) }),
    });
    return { deliveries: list.map(renderDelivery), next_cursor: list.length === limit ? String(list[list.length - 1]!.id) : null };
  });

  api.get('/events', { schema: { querystring: EventListQuery } }, async (request) => {
    const q = request.query;
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (limit < 1 || limit > 1000) throw new DakiyaError('ERR_INVALID_REQUEST', 'limit must be 1-1000', { field: 'limit' });
    const since = q.since === undefined ? undefined : parseSince(q.since);
    const events = await webhooks.events(account(request), { limit, ...(q.after !== undefined && { after: q.after }), ...(since !== undefined && { since }) });
    // The cursor of the last event read, even on a short page: a client keeps polling from it.
    return { events: events.map(renderEvent), next_cursor: events.at(-1)?.cursor ?? q.after ?? null, has_more: events.length === limit };
  });
  api.get('/events/:id', { schema: { params: IdParams } }, async (request) => {
    const { event, deliveries } = await webhooks.event(account(request), request.params.id);
    return { ...renderEvent(event), deliveries: deliveries.map(renderDelivery) };
  });
  // The body is optional ({"endpoint_id": "…"} to redeliver to one endpoint only), so it is checked here.
  api.post('/events/:id/redeliver', { schema: { params: IdParams } }, async (request, reply) => {
    const body = request.body ?? {};
    const endpointId = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['endpoint_id'] : undefined;
    if (typeof body !== 'object' || Array.isArray(body) || Object.keys(body as object).some((k) => k !== 'endpoint_id')
      || (endpointId !== undefined && (typeof endpointId !== 'string' || endpointId.length === 0 || endpointId.length > 100))) {
      throw new DakiyaError('ERR_INVALID_REQUEST', 'the body may only be {"endpoint_id": "<id>"}', { field: 'endpoint_id' });
    }
    const ids = await webhooks.redeliver(account(request), request.params.id, endpointId as string | undefined);
    return reply.code(202).send({ event_id: request.params.id, deliveries: ids });
  });
}

function account(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal) throw new DakiyaError('ERR_UNAUTHORIZED');
  return principal.account.id;
}
