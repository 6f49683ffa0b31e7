// The apiKey JSON dialect (seed 003), mounted at /json-api: POST /json-api/sms with the key in an
// `apiKey` header. Thin: the seed's body in, one send-service call, the seed's envelope out; every
// error in the same envelope with the catalogue's status.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Prepared } from '../../../services/send-service.ts';
import { canonicalJson } from '../../http/canonical-json.ts';
import { bodyOver } from '../../http/concurrency-gate.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { idempotencyKey } from '../../http/idempotency-key.ts';
import { caller } from '../../http/request-caller.ts';
import { jsonApiAuthenticate } from './json-api-auth.ts';
import { parseSmsBody, registerJsonApiParser } from './json-api-body.ts';
import { jsonApiErrorBody } from './json-api-errors.ts';
import { renderSent } from './json-api-render.ts';
import { errorReply, noEndpoint } from '../../http/error-reply.ts';

export function jsonApi(ctx: HttpContext) {
  return async (app: FastifyInstance): Promise<void> => {
    registerJsonApiParser(app);

    app.setErrorHandler(errorReply(ctx.classify, jsonApiErrorBody));
    // Unknown paths and methods are a 404 whoever asks: only the real endpoint authenticates.
    app.setNotFoundHandler((request, reply) => {
      const { statusCode, body } = jsonApiErrorBody(noEndpoint(request));
      return reply.code(statusCode).send(body);
    });

    // A `to` list may be as long as a native bulk request, so a body over the ordinary limit waits
    // for a slot as /v1/sms/bulk does (before it is read).
    const admitLarge = ctx.admitBulk(bodyOver(ctx.config.server.bodyLimitBytes));

    app.post('/sms', { bodyLimit: ctx.config.server.bulkBodyLimitBytes, onRequest: [jsonApiAuthenticate(ctx), admitLarge] }, async (request, reply) => {
      const { request: input, unicode, flash } = parseSmsBody(request.body);
      const bulk = input.recipients.length > 1;
      const render = (p: Prepared, testMode: boolean) => renderSent(p, { unicode, flash }, testMode);
      const key = idempotencyKey(request);
      const outcome = await ctx.send.send(caller(request), input, bulk, key === undefined ? undefined : {
        key,
        requestHash: createHash('sha256').update(`${request.method} ${request.routeOptions.url}\n${canonicalJson(request.body)}`).digest('hex'),
        render: (p) => ({ statusCode: 200, body: JSON.stringify(render(p, false)) }),
      });
      if (outcome.kind === 'replay') {
        return reply.code(outcome.stored.statusCode).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(outcome.stored.body);
      }
      // A test key's request was validated and priced only (the send service's rule).
      return reply.code(200).send(render(outcome.prepared, outcome.kind === 'estimated'));
    });
  };
}
