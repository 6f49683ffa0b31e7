// Authentication for the SMS Handover dialect: the API key arrives as the `key` parameter (query
// string or body), not as a bearer token. The key is handed to the server's one authentication
// hook as if it were the bearer credential, so readiness, the key lookup, the IP allowlist, the
// account state and the per-key rate limit are the very same code as for every other dialect.
// It runs as a preHandler because a POST may carry the key in its body.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { optionalParameter } from '../../http/form-params.ts';

/** `keyOf` finds the key: the `key` parameter, or for /miscapi/<key>/… the path. */
export function handoverAuthenticate(ctx: HttpContext, keyOf: (request: FastifyRequest) => string | undefined = (request) => optionalParameter(request, 'key')) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = keyOf(request);
    if (key === undefined) throw new DakiyaError('ERR_UNAUTHORIZED', 'Missing API key: pass it as the key parameter.', { field: 'key', problem: 'missing' });
    // Fastify merges headers set here over the raw ones; only the seed's `key` counts, so an
    // Authorization header or ?access_token= sent alongside it is overridden, not consulted.
    request.headers = { authorization: `Bearer ${key}` };
    await ctx.authenticate(request, reply);
  };
}
