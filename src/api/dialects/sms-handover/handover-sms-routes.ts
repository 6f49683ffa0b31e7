// The seed 002 send endpoint, GET|POST /smsapi/index: one bulk send per request, so the answer's
// sms_shoot_id is always the batch id the delivery report is pulled by (a batch of one included).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Clock, systemClock } from '../../../domain/clock.ts';
import type { Route } from '../../../domain/route.ts';
import { ConcurrencyGate } from '../../http/concurrency-gate.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { caller } from '../../http/request-caller.ts';
import { toSendRequest } from './handover-sms-request.ts';

/** Bodies above this (a big contact list) wait in the bulk line; single sends never do. */
const bulkBodyBytes = 64 * 1024;

export function handoverSmsRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const clock = ctx.clock;
  const routes = (): Promise<readonly Route[]> => ctx.admin.listRoutes();
  // Like /v1/sms/bulk: at most bulk.maxConcurrent big bodies are read and validated at once.
  const gate = new ConcurrencyGate(ctx.config.bulk.maxConcurrent);
  const admitBulk = async (request: FastifyRequest, reply: FastifyReply) => {
    if (Number(request.headers['content-length'] ?? 0) <= bulkBodyBytes && request.headers['transfer-encoding'] === undefined) return;
    const release = await gate.acquire();
    reply.raw.once('finish', release).once('close', release);
  };

  app.route({
    // A GET here sends SMS (the seed's choice): no automatic HEAD twin that would send too.
    method: ['GET', 'POST'], url: '/smsapi/index', exposeHeadRoute: false,
    // Up to 50,000 contacts per POST (the seed): the bulk body limit, as on /v1/sms/bulk.
    bodyLimit: ctx.config.server.bulkBodyLimitBytes, onRequest: admitBulk,
    handler: async (request, reply) => {
      const who = caller(request);
      const input = await toSendRequest(request, { routes, now: clock.now() });
      // A test key never sends or charges: the request is validated and priced, nothing stored.
      if (who.keyMode === 'test') return reply.send(submitted((await ctx.send.estimate(who, input, true)).batchId!));
      const outcome = await ctx.send.send(who, input, true);
      if (outcome.kind !== 'accepted') throw new Error('a send without an idempotency key was replayed');
      const { prepared } = outcome;
      // 200, not the native 202: the seed's samples treat anything else as a failure.
      return reply.send(submitted(prepared.batchId!));
    },
  });
}

function submitted(shootId: string) {
  return { result: 'success', message: 'SMS SUBMITTED SUCCESSFULLY', sms_shoot_id: shootId } as const;
}
