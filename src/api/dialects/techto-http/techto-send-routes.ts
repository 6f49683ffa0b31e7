// GET|POST /http-api/send (seed 000). One number is a single send (its message on the single-send
// lane, as /v1/sms/send's) and `message_id` is the message's id; more numbers are one batch and
// `message_id` is the batch id. /http-api/dlr takes either. Each accepted number gets its own
// message id, each refused one its numeric code.
import type { FastifyInstance } from 'fastify';
import type { Prepared } from '../../../services/send-service.ts';
import { bodyOver } from '../../http/concurrency-gate.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { caller } from '../../http/request-caller.ts';
import { refusedNumber, type RefusedNumber } from './techto-errors.ts';
import { toSendRequest } from './techto-send-request.ts';

/** Bodies above this (a long number list) wait in the bulk line; ordinary sends never do. */
const bulkBodyBytes = 64 * 1024;

export interface Submitted {
  status: 'success';
  code: 100;
  message: 'Message submitted successfully';
  message_id: string | null;
  numbers: number;
  credits: number;
  data: { number: string; message_id: string | null }[];
  rejected: RefusedNumber[];
  test?: true;
}

export function techtoSendRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // Like /v1/sms/bulk: at most bulk.maxConcurrent big bodies are read and validated at once.
  const admitBulk = ctx.admitBulk(bodyOver(bulkBodyBytes));

  app.route({
    // A GET here sends SMS (the seed's choice): no automatic HEAD twin that would send too.
    method: ['GET', 'POST'], url: '/send', exposeHeadRoute: false,
    bodyLimit: ctx.config.server.bulkBodyLimitBytes, onRequest: admitBulk,
    handler: async (request, reply) => {
      const input = toSendRequest(request);
      // A test key's request is validated and priced only (outcome 'estimated'): nothing stored.
      const outcome = await ctx.send.send(caller(request), input, input.recipients.length > 1);
      if (outcome.kind === 'replay') throw new Error('a send without an idempotency key was replayed');
      return reply.send(submitted(outcome.prepared, outcome.kind === 'estimated'));
    },
  });
}

/** `test`: nothing was stored, so there are no ids to give. */
function submitted(p: Prepared, test: boolean): Submitted {
  return {
    status: 'success', code: 100, message: 'Message submitted successfully',
    message_id: test ? null : p.batchId ?? p.messages[0]!.id,
    numbers: p.messages.length,
    credits: p.debit,
    data: p.messages.map((m) => ({ number: m.recipient, message_id: test ? null : m.id })),
    rejected: p.rejected.map((r) => refusedNumber(r.to, r.error.code, r.error.message)),
    ...(test && { test: true as const }),
  };
}
