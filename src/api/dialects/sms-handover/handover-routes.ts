// The SMS Handover dialect (seed 002), mounted at the root because the seed's paths are
// /smsapi/index, /miscapi/<key>/getBalance/true/, /send-otp/index and /verify-otp/index.
// Thin: parameters in, service calls, the seed's JSON (or, for the balance, its text errors) out.
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from '../../http/http-context.ts';
import { handoverAuthenticate } from './handover-auth.ts';
import { handoverBalanceRoutes } from './handover-balance-routes.ts';
import { handoverErrorBody } from './handover-errors.ts';
import { handoverOtpRoutes } from './handover-otp-routes.ts';
import { registerFormParser } from '../../http/form-params.ts';
import { handoverReportRoutes } from './handover-report-routes.ts';
import { handoverSmsRoutes } from './handover-sms-routes.ts';
import { errorReply, noEndpoint } from '../../http/error-reply.ts';

/**
 * The dialect's first path segments. A plugin at the root prefix cannot own a not-found handler
 * (that is the server's), so each segment gets a catch-all route answering in the seed's shape.
 * /miscapi has its own, in the balance endpoint's text form (handover-balance-routes.ts).
 */
const sections = ['smsapi', 'send-otp', 'verify-otp'] as const;

export function smsHandover(ctx: HttpContext) {
  return async (app: FastifyInstance): Promise<void> => {
    registerFormParser(app, ctx.config.server.bodyLimitBytes);

    app.setErrorHandler(errorReply(ctx.classify, handoverErrorBody));

    for (const section of sections) {
      app.all(`/${section}`, unknownEndpoint);
      app.all(`/${section}/*`, unknownEndpoint);
    }

    // Only the dialect's real endpoints authenticate: an unknown path is a 404 whoever asks.
    await app.register(async (endpoints) => {
      endpoints.addHook('preHandler', handoverAuthenticate(ctx));
      handoverSmsRoutes(endpoints, ctx);
      handoverReportRoutes(endpoints, ctx);
      handoverOtpRoutes(endpoints, ctx);
    });
    await app.register(async (misc) => handoverBalanceRoutes(misc, ctx));
  };
}

async function unknownEndpoint(request: { method: string; url: string }): Promise<never> {
  throw noEndpoint(request);
}
