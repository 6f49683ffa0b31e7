// Authentication for the apiKey JSON dialect (seed 003): the API key arrives in an `apiKey` header.
// It is handed to the server's one authentication hook as the bearer credential, so readiness, the
// key lookup, the IP allowlist, the account state and the per-key rate limit are the very same code
// as for every other dialect. Without an `apiKey` header, seed 004's `Authorization: Bearer` and
// `?access_token=` (which every token-based API accepts) are consulted as they are on /v1.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DakiyaError } from '../../../domain/errors.ts';
import { hasQueryToken } from '../../http/credentials.ts';
import type { HttpContext } from '../../http/http-context.ts';

export function jsonApiAuthenticate(ctx: HttpContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const raw = request.headers['apikey'];
    if (raw !== undefined) {
      // A repeated header arrives joined with ", ", and no key has white space: both are refused
      // here rather than let the bearer parser fall back to ?access_token=.
      const key = typeof raw === 'string' ? raw.trim() : '';
      if (key === '') throw new DakiyaError('ERR_UNAUTHORIZED', 'Missing API key: send it in the apiKey header.', { field: 'apiKey', problem: 'missing' });
      if (!/^\S+$/.test(key)) throw new DakiyaError('ERR_UNAUTHORIZED', 'Invalid API key: send exactly one apiKey header holding the key.', { field: 'apiKey' });
      request.headers.authorization = `Bearer ${key}`;
    } else if (request.headers.authorization === undefined && !hasQueryToken(request.query)) {
      throw new DakiyaError('ERR_UNAUTHORIZED', 'Missing API key: send it in the apiKey header.', { field: 'apiKey', problem: 'missing' });
    }
    await ctx.authenticate(request, reply);
  };
}
