// The Techto Networks HTTP API dialect (seed 000), mounted at /http-api: send (GET|POST /send),
// the balance per route (GET /credits) and the delivery report (GET /dlr). Thin: parameters in,
// service calls, the dialect's JSON out; every error in one body with a numeric code.
import type { FastifyInstance } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { registerFormParser } from '../../http/form-params.ts';
import { techtoAuthenticate } from './techto-auth.ts';
import { techtoErrorBody } from './techto-errors.ts';
import { techtoReportRoutes } from './techto-report-routes.ts';
import { techtoSendRoutes } from './techto-send-routes.ts';

export function techtoHttp(ctx: HttpContext) {
  return async (app: FastifyInstance): Promise<void> => {
    registerFormParser(app, ctx.config.server.bulkBodyLimitBytes);

    app.setErrorHandler((error, request, reply) => {
      const e = ctx.classify(error, request);
      const { statusCode, body } = techtoErrorBody(e);
      if (e.details?.['retry_after'] !== undefined) reply.header('retry-after', String(e.details['retry_after']));
      return reply.code(statusCode).send(body);
    });
    // Unknown paths and methods are a 404 whoever asks: only the real endpoints authenticate.
    app.setNotFoundHandler((request, reply) => {
      const { statusCode, body } = techtoErrorBody(new DakiyaError('ERR_NOT_FOUND', `No endpoint ${request.method} ${request.url.split('?')[0]}.`, { problem: 'no_endpoint' }));
      return reply.code(statusCode).send(body);
    });

    await app.register(async (endpoints) => {
      endpoints.addHook('preHandler', techtoAuthenticate(ctx));
      techtoSendRoutes(endpoints, ctx);
      techtoReportRoutes(endpoints, ctx);
    });
  };
}
