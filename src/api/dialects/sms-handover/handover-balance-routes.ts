// The seed 002 balance check, GET /miscapi/<key>/getBalance/true/: the key travels in the path, the
// answer is `[{"ROUTE_ID","ROUTE","BALANCE"}]` with every value a string, and errors are the seed's
// plain-text `ERR: <MESSAGE>` rather than the JSON of the other endpoints.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpContext } from '../../http/http-context.ts';
import { caller } from '../../http/request-caller.ts';
import { handoverAuthenticate } from './handover-auth.ts';
import { handoverErrorText } from './handover-errors.ts';
import { errorReply, noEndpoint } from '../../http/error-reply.ts';

export async function handoverBalanceRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  app.setErrorHandler(errorReply(ctx.classify, handoverErrorText, 'text/plain; charset=utf-8'));

  // Anything else under /miscapi is unknown, answered in this endpoint's text form.
  const unknown = async (request: FastifyRequest): Promise<never> => {
    throw noEndpoint(request);
  };
  app.all('/miscapi', unknown);
  app.all('/miscapi/*', unknown);

  const keyInPath = (request: FastifyRequest): string | undefined => {
    const key = (request.params as { key?: string }).key;
    return key === undefined || key === '' ? undefined : key;
  };
  await app.register(async (scope) => {
    scope.addHook('preHandler', handoverAuthenticate(ctx, keyInPath));
    // The seed's URL ends in a slash; the same path without it is the same endpoint.
    for (const url of ['/miscapi/:key/getBalance/true/', '/miscapi/:key/getBalance/true']) {
      scope.get(url, async (request) => {
        const { accountId } = caller(request);
        const [balances, routes] = await Promise.all([ctx.reports.balances(accountId), ctx.admin.listRoutes()]);
        const names = new Map(routes.map((r) => [r.id, r.description === '' ? r.id : r.description]));
        return balances.map((b) => ({ ROUTE_ID: b.routeId, ROUTE: names.get(b.routeId) ?? b.routeId, BALANCE: String(b.balance) }));
      });
    }
  });
}
