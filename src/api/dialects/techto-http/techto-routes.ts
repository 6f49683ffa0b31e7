// The Techto Networks HTTP API dialect (seed 000), mounted at /http-api: send (GET|POST /send),
// the balance per route (GET /credits) and the delivery report (GET /dlr). Thin: parameters in,
// service calls, the dialect's JSON out; every error in one body with a numeric code.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../../http/http-context.ts';
import { registerFormParser } from '../../http/form-params.ts';
import { techtoAuthenticate } from './techto-auth.ts';
import { techtoErrorBody } from './techto-errors.ts';
import { techtoReportRoutes } from './techto-report-routes.ts';
import { techtoSendRoutes } from './techto-send-routes.ts';
import { errorReply, noEndpoint } from '../../http/error-reply.ts';

export function techtoHttp(ctx: HttpContext) {
  return async (app: FastifyInstance): Promise<void> => {
    registerFormParser(app, ctx.config.server.bulkBodyLimitBytes);

    app.setErrorHandler(errorReply(ctx.classify, techtoErrorBody));
    // Unknown paths and methods are a 404 whoever asks: only the real endpoints authenticate.
    app.setNotFoundHandler((request, reply) => {
      const { statusCode, body } = techtoErrorBody(noEndpoint(request));
      return reply.code(statusCode).send(body);
    });

    await app.register(async (endpoints) => {
      endpoints.addHook('preHandler', techtoAuthenticate(ctx));
      techtoSendRoutes(endpoints, ctx);
      techtoReportRoutes(endpoints, ctx);
    });
  };
}
