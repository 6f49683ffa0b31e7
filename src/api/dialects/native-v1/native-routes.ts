// The native /v1 dialect (seed 001): thin handlers that turn JSON into service calls and back.
import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { DakiyaError } from '../../../domain/errors.ts';
import type { Caller, SendRequest } from '../../../services/send-service.ts';
import { canonicalJson } from '../../http/canonical-json.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { idempotencyKey } from '../../http/idempotency-key.ts';
import { caller } from '../../http/request-caller.ts';
import { chooseReportFormat, streamBatchReport } from './native-batch-report.ts';
import { nativeErrorBody } from './native-errors.ts';
import { parseOffsetTime, parseSince } from './native-times.ts';
import { nativeOtpRoutes } from './native-otp-routes.ts';
import { nativeWebhookRoutes } from './native-webhook-routes.ts';
import { renderBalances, renderBatch, renderBulk, renderEstimate, renderMessage, renderSend } from './native-render.ts';
import { BatchReportQuery, BulkBody, EstimateBody, IdParams, MessageListQuery, SendBody } from './native-schemas.ts';
import { errorReply, noEndpoint } from '../../http/error-reply.ts';

type Common = Omit<Static<typeof SendBody>, 'to'>;

export function nativeV1(ctx: HttpContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const api = app.withTypeProvider<TypeBoxTypeProvider>();

    api.setErrorHandler(errorReply(ctx.classify, nativeErrorBody));
    api.setNotFoundHandler((request, reply) => reply.code(404).send(nativeErrorBody(noEndpoint(request)).body));
    api.addHook('onRequest', ctx.authenticate);

    // /v1/messages/send is seed 001's channel-neutral spelling of the same send ("channel": "sms",
    // the one channel there is yet): its own lifecycle sample calls it.
    for (const url of ['/sms/send', '/messages/send']) {
      api.post(url, { schema: { body: SendBody } }, async (request, reply) => {
        const body = request.body;
        const input = toSendRequest(body, [{ to: body.to }]);
        return accept(request, reply, input, false, body.test_mode === true, (p) => renderSend(p, false));
      });
    }

    const admitBulk = ctx.admitBulk();

    api.post('/sms/bulk', { schema: { body: BulkBody }, bodyLimit: ctx.config.server.bulkBodyLimitBytes, onRequest: admitBulk }, async (request, reply) => {
      const body = request.body;
      const input = toSendRequest(body, body.recipients);
      return accept(request, reply, input, true, body.test_mode === true, (p) => renderBulk(p, body.recipients.length, false));
    });

    // An estimate may carry as many recipients as a bulk send, so it waits in the same line.
    api.post('/sms/estimate', { schema: { body: EstimateBody }, bodyLimit: ctx.config.server.bulkBodyLimitBytes, onRequest: admitBulk }, async (request) => {
      const body = request.body;
      const recipients = body.recipients ?? (body.to !== undefined ? [{ to: body.to }] : []);
      const prepared = await ctx.send.estimate(caller(request), toSendRequest(body, recipients), recipients.length > 1 || body.recipients !== undefined);
      return renderEstimate(prepared, recipients.length);
    });

    api.get('/messages/:id', { schema: { params: IdParams } }, async (request) => renderMessage(await ctx.reports.message(caller(request).accountId, request.params.id)));

    api.get('/messages', { schema: { querystring: MessageListQuery } }, async (request) => {
      const q = request.query;
      const limit = q.limit === undefined ? 100 : Number(q.limit);
      const list = await ctx.reports.messages(caller(request).accountId, {
        limit,
        ...(q.status !== undefined && { status: q.status }),
        ...(q.batch_id !== undefined && { batchId: q.batch_id }),
        ...(q.correlation_id !== undefined && { correlationId: q.correlation_id }),
        ...(q.after !== undefined && { after: q.after }),
        ...(q.since !== undefined && { since: parseSince(q.since) }),
      });
      return { status: 'ok', messages: list.map(renderMessage), next_cursor: list.length === limit ? list.at(-1)?.id ?? null : null };
    });

    api.get('/batches/:id', { schema: { params: IdParams } }, async (request) => renderBatch(await ctx.reports.batch(caller(request).accountId, request.params.id)));

    api.get('/batches/:id/report', { schema: { params: IdParams, querystring: BatchReportQuery } }, async (request, reply) => {
      const format = chooseReportFormat(request.query.format, request.headers.accept);
      const report = await ctx.reports.batchReport(caller(request).accountId, request.params.id);
      await streamBatchReport(reply, report, format, (error) => {
        // Too late for an error body: count it like one, and log it even when it is no bug.
        const e = ctx.classify(error, request);
        if (e.code !== 'ERR_INTERNAL') request.log.error({ err: error, reqId: request.id }, 'batch report cut short');
      });
    });

    api.get('/account/balance', async (request) => renderBalances(await ctx.reports.balances(caller(request).accountId)));

    nativeWebhookRoutes(app, ctx);
    nativeOtpRoutes(app, ctx);
  };

  async function accept(request: FastifyRequest, reply: FastifyReply, input: SendRequest, bulk: boolean, testMode: boolean,
    render: (p: import('../../../services/send-service.ts').Prepared) => Record<string, unknown>) {
    const key = idempotencyKey(request);
    const outcome = await ctx.send.send(caller(request), { ...input, testMode }, bulk, key === undefined ? undefined : {
      key,
      requestHash: createHash('sha256').update(`${request.method} ${request.routeOptions.url}\n${canonicalJson(request.body)}`).digest('hex'),
      render: (p) => ({ statusCode: 202, body: JSON.stringify(render(p)) }),
    });
    if (outcome.kind === 'replay') {
      return reply.code(outcome.stored.statusCode).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(outcome.stored.body);
    }
    if (outcome.kind === 'estimated') {
      return reply.code(200).send(bulk ? renderBulk(outcome.prepared, input.recipients.length, true) : renderSend(outcome.prepared, true));
    }
    return reply.code(202).send(render(outcome.prepared));
  }
}


function toSendRequest(body: Common, recipients: SendRequest['recipients']): SendRequest {
  let scheduleAt: number | undefined;
  if (body.schedule_at !== undefined) {
    scheduleAt = parseOffsetTime(body.schedule_at);
    if (Number.isNaN(scheduleAt)) throw new DakiyaError('ERR_INVALID_SCHEDULE', 'schedule_at must be ISO 8601 with an offset, e.g. 2026-05-31T10:00:00+05:30', { field: 'schedule_at' });
  }
  return {
    recipients,
    sender: body.sender,
    category: body.category,
    ...(body.message !== undefined && { message: body.message }),
    ...(body.template_id !== undefined && { templateId: body.template_id }),
    ...(body.variables !== undefined && { variables: body.variables }),
    ...(body.route !== undefined && { route: body.route }),
    ...(body.unicode !== undefined && { unicode: body.unicode }),
    ...(body.flash !== undefined && { flash: body.flash }),
    ...(body.correlation_id !== undefined && { correlationId: body.correlation_id }),
    ...(body.callback_url !== undefined && { callbackUrl: body.callback_url }),
    ...(scheduleAt !== undefined && { scheduleAt }),
    ...(body.queue_until_window_opens !== undefined && { queueUntilWindowOpens: body.queue_until_window_opens }),
    ...(body.validity_period !== undefined && { validitySeconds: body.validity_period }),
  };
}
