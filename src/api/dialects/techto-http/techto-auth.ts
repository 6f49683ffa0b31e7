// Authentication for the Techto HTTP API (seed 000): the account's API token arrives as the `token`
// parameter (query string or body). It is handed to the server's one authentication hook as the
// bearer credential, as the SMS Handover dialect does with `key`, so readiness, the key lookup, the
// IP allowlist, the account state and the per-key rate limit are the same code for every dialect.
// Without `token`, seed 004's `Authorization: Bearer` and `?access_token=` are consulted as on /v1.
// A preHandler, because a POST may carry the token in its body.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import { hasQueryToken } from '../../http/credentials.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { techtoParameter } from './techto-params.ts';

export function techtoAuthenticate(ctx: HttpContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = techtoParameter(request, 'token');
    if (token !== undefined) {
      // No token has white space; one with it would not parse as a bearer credential and the hook
      // would fall back to ?access_token=, so it is refused here instead.
      if (/\s/.test(token)) throw new DakiyaError('ERR_UNAUTHORIZED', 'Invalid token: it contains white space.', { field: 'token' });
      request.headers.authorization = `Bearer ${token}`;
    } else if (request.headers.authorization === undefined && !hasQueryToken(request.query)) {
      throw new DakiyaError('ERR_UNAUTHORIZED', 'Missing token: pass your API token as the token parameter.', { field: 'token', problem: 'missing' });
    }
    await ctx.authenticate(request, reply);
  };
}
