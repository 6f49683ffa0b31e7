// Who is calling, as the services take it: the authenticated key's account, key and mode (every dialect).
import type { FastifyRequest } from 'fastify';
import { DakiyaError } from '../../domain/errors.ts';
import type { Caller } from '../../services/send-service.ts';

export function caller(request: FastifyRequest): Caller {
  const principal = request.principal;
  if (!principal) throw new DakiyaError('ERR_UNAUTHORIZED');
  return { accountId: principal.account.id, keyId: principal.key.id, keyMode: principal.key.mode };
}
