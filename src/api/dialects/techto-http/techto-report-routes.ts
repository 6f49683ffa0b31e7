// GET /http-api/credits (the balance of each route) and GET /http-api/dlr (each number's delivery
// status by the message id /http-api/send answered), both read through the report service and so
// scoped to the caller's account: another tenant's id is simply unknown.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { DakiyaError, errorDescription, isErrorCode } from '../../../domain/errors.ts';
import { type Message, publicStatus } from '../../../domain/message.ts';
import type { BatchReport } from '../../../services/report-service.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { caller } from '../../http/request-caller.ts';
import { istTime } from '../../http/ist-time.ts';
import { techtoCodes } from './techto-errors.ts';
import { requiredTechtoParameter } from './techto-params.ts';
import { numberOfRoute, techtoRoutes } from './techto-route-numbers.ts';

/**
 * The report's status words: the seed's PENDING for a message still waiting to be sent, Dakiya's
 * own state otherwise (SUBMITTED: with the carrier, no receipt yet).
 */
export const techtoStatuses = {
  QUEUED: 'PENDING',
  SCHEDULED: 'SCHEDULED',
  SUBMITTED: 'SUBMITTED',
  DELIVERED: 'DELIVERED',
  FAILED: 'FAILED',
  EXPIRED: 'EXPIRED',
  REJECTED: 'REJECTED',
  UNKNOWN: 'UNKNOWN',
} as const satisfies Record<ReturnType<typeof publicStatus>, string>;

export function techtoReportRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.get('/credits', async (request) => {
    const { accountId } = caller(request);
    const [balances, routes] = await Promise.all([ctx.reports.balances(accountId), ctx.admin.listRoutes()]);
    const descriptions = new Map(routes.map((r) => [r.id, r.description === '' ? r.id : r.description]));
    const credits = balances.map((b) => {
      const route = numberOfRoute(b.routeId);
      return { route, name: route === null ? descriptions.get(b.routeId) ?? b.routeId : techtoRoutes[route].name, route_id: b.routeId, balance: b.balance };
    });
    // Numbered routes in the seed's order, then the operator's other routes by id.
    credits.sort((a, b) => (a.route ?? 1000) - (b.route ?? 1000) || a.route_id.localeCompare(b.route_id));
    return { status: 'success', code: 100, credits };
  });

  app.get('/dlr', async (request, reply) => {
    const id = requiredTechtoParameter(request, 'message_id', { maxLength: 64 });
    const { accountId } = caller(request);
    const report = await reportOf(ctx, accountId, id);
    // The first page is read before the status line, so a store failure there is a normal error.
    const first = await report.pages.next();
    const head = `{"status":"success","code":100,"message_id":${JSON.stringify(id)},"numbers":${report.numbers},"report":[`;
    async function* body(): AsyncGenerator<string> {
      yield head;
      let separator = '';
      for (let page = first; !page.done; page = await report.pages.next()) {
        yield separator + page.value.map((m) => JSON.stringify(dlrEntry(m))).join(',');
        separator = ',';
      }
      yield ']}';
    }
    return reply.type('application/json; charset=utf-8').send(Readable.from(body()));
  });
}

/** A batch id reports its messages page by page; a single message id reports that one message. */
async function reportOf(ctx: HttpContext, accountId: string, id: string): Promise<{ numbers: number; pages: BatchReport['pages'] }> {
  const unknown = () => new DakiyaError('ERR_NOT_FOUND', `No message or batch ${id} in this account.`, { field: 'message_id', problem: 'unknown' });
  try {
    const { batch, pages } = await ctx.reports.batchReport(accountId, id);
    return { numbers: batch.acceptedRecipients, pages };
  } catch (error) {
    if (!(error instanceof DakiyaError) || error.code !== 'ERR_NOT_FOUND') throw error;
  }
  const message = await ctx.reports.message(accountId, id).catch((error: unknown) => {
    throw error instanceof DakiyaError && error.code === 'ERR_NOT_FOUND' ? unknown() : error;
  });
  return { numbers: 1, pages: (async function* () { yield [message]; })() };
}

/** One number's line: its status, why it failed as this dialect's number and the catalogue's words, and when. */
function dlrEntry(m: Message) {
  const code = m.errorCode;
  return {
    number: m.recipient,
    message_id: m.id,
    status: techtoStatuses[publicStatus(m.status)],
    code: code !== null && isErrorCode(code) ? techtoCodes[code] : null,
    error: code === null ? '' : errorDescription(code) ?? code,
    submitted_at: istTime(m.submittedAt),
    done_at: istTime(m.doneAt),
  };
}
