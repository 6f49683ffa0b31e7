// Turns whatever a request failed with (our DakiyaError, Fastify's parser and schema errors, bugs)
// into one DakiyaError, so each dialect renders only catalogue codes.
import { DakiyaError } from '../../domain/errors.ts';
import { StoreUnavailableError } from '../../store/store.ts';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>;
  validationContext?: string;
  message?: string;
}

/** Seconds a client is told to wait when the database is unreachable. */
const storeRetryAfterSeconds = 5;

export function toDakiyaError(error: unknown): DakiyaError {
  if (error instanceof DakiyaError) return error;
  // Nothing was stored: a 503 the client may retry (with its Idempotency-Key), never a 500.
  if (error instanceof StoreUnavailableError) {
    return new DakiyaError('ERR_SERVICE_UNAVAILABLE', 'The database is unreachable; nothing was stored. Retry shortly.', { retry_after: storeRetryAfterSeconds });
  }
  const e = (error ?? {}) as FastifyLikeError;
  if (e.validation) {
    const first = e.validation[0];
    const extra = first?.params?.['additionalProperty'];
    // A missing property is reported on its parent object; name the property itself instead.
    const missing = first?.params?.['missingProperty'];
    const named = typeof extra === 'string' ? extra : typeof missing === 'string' ? missing : undefined;
    const path = `${first?.instancePath ?? ''}${named !== undefined ? `/${named}` : ''}`.replace(/^\//, '').replaceAll('/', '.');
    const field = path || (e.validationContext ?? 'body');
    const message = typeof extra === 'string' ? `unknown field ${field}` : typeof missing === 'string' ? `${field} is required` : `${field} ${first?.message ?? 'is invalid'}`;
    return new DakiyaError('ERR_INVALID_REQUEST', message, { field });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DakiyaError('ERR_INVALID_JSON', e.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DakiyaError('ERR_PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DakiyaError('ERR_UNSUPPORTED_MEDIA_TYPE');
  }
  if (error instanceof SyntaxError) return new DakiyaError('ERR_INVALID_JSON', error.message);
  if (e.statusCode === 404) return new DakiyaError('ERR_NOT_FOUND');
  if (e.statusCode === 413) return new DakiyaError('ERR_PAYLOAD_TOO_LARGE');
  if (e.statusCode === 415) return new DakiyaError('ERR_UNSUPPORTED_MEDIA_TYPE');
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return new DakiyaError('ERR_INVALID_REQUEST', e.message);
  return new DakiyaError('ERR_INTERNAL');
}
