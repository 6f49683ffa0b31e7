// The Idempotency-Key request header (seed 004's convention), read the same way by every dialect.
import type { FastifyRequest } from 'fastify';
import { DakiyaError } from '../../domain/errors.ts';

/** The header's value, or undefined when absent; anything but 1-255 visible ASCII characters is refused. */
export function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(raw)) {
    throw new DakiyaError('ERR_INVALID_REQUEST', 'Idempotency-Key must be 1-255 visible ASCII characters', { field: 'Idempotency-Key' });
  }
  return raw;
}
