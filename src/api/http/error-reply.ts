// How every face answers a failure: the one classification (http-errors.ts) into a catalogue error,
// rendered in the face's own body, with Retry-After when the error says how long to wait; and the
// one 404 for a path or method no route serves.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DakiyaError } from '../../domain/errors.ts';
import type { HttpContext } from './http-context.ts';

export type ErrorRenderer = (error: DakiyaError) => { statusCode: number; body: unknown };

/** A Fastify error handler answering in `render`'s body (and `contentType`, when the face is not JSON). */
export function errorReply(classify: HttpContext['classify'], render: ErrorRenderer, contentType?: string) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const e = classify(error, request);
    const { statusCode, body } = render(e);
    const retryAfter = e.details?.['retry_after'];
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    if (contentType !== undefined) reply.type(contentType);
    return reply.code(statusCode).send(body);
  };
}

/** The 404 for a path or method nothing serves; `problem` lets a dialect word it ("UNKNOWN ENDPOINT"). */
export function noEndpoint(request: { method: string; url: string }): DakiyaError {
  return new DakiyaError('ERR_NOT_FOUND', `No endpoint ${request.method} ${request.url.split('?')[0]}.`, { problem: 'no_endpoint' });
}
