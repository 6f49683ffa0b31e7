// The seed 002 send endpoint, GET|POST /smsapi/index. A request to one contact is a single send (its
// message on the single-send lane, as /v1/sms/send's); more contacts are one bulk send. The answer's
// sms_shoot_id is what the delivery report is pulled by: the message id or the batch id.
import type { FastifyInstance } from 'fastify';
import type { Route } from '../../../domain/route.ts';
import type { Prepared } from '../../../services/send-service.ts';
import { bodyOver } from '../../http/concurrency-gate.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { caller } from '../../http/request-caller.ts';
import { toSendRequest } from './handover-sms-request.ts';

/** Bodies above this (a big contact list) wait in the bulk line; single sends never do. */
const bulkBodyBytes = 64 * 1024;

export function handoverSmsRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const clock = ctx.clock;
  const routes = (): Promise<readonly Route[]> => ctx.admin.listRoutes();
  // Like /v1/sms/bulk: at most bulk.maxConcurrent big bodies are read and validated at once.
  const admitBulk = ctx.admitBulk(bodyOver(bulkBodyBytes));

  app.route({
    // A GET here sends SMS (the seed's choice): no automatic HEAD twin that would send too.
    method: ['GET', 'POST'], url: '/smsapi/index', exposeHeadRoute: false,
    // Up to 50,000 contacts per POST (the seed): the bulk body limit, as on /v1/sms/bulk.
    bodyLimit: ctx.config.server.bulkBodyLimitBytes, onRequest: admitBulk,
    handler: async (request, reply) => {
      const input = await toSendRequest(request, { routes, now: clock.now() });
      // A test key's request is validated and priced only (outcome 'estimated'), and answered alike.
      const outcome = await ctx.send.send(caller(request), input, input.recipients.length > 1);
      if (outcome.kind === 'replay') throw new Error('a send without an idempotency key was replayed');
      // 200, not the native 202: the seed's samples treat anything else as a failure.
      return reply.send(submitted(shootId(outcome.prepared)));
    },
  });
}

/** A shoot of one contact is its message; of more, their batch. */
function shootId(prepared: Prepared): string {
  return prepared.batchId ?? prepared.messages[0]!.id;
}

function submitted(shootId: string) {
  return { result: 'success', message: 'SMS SUBMITTED SUCCESSFULLY', sms_shoot_id: shootId } as const;
}
