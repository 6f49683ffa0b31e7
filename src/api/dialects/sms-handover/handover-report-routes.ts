// What seed 002 says exists but does not define: pulling a shoot's delivery report by its
// sms_shoot_id (GET /smsapi/dlr), and listing the account's campaigns (GET /smsapi/campaigns).
// Both read through the report service: a shoot is a batch, a campaign the messages' correlation id.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { DakiyaError, isErrorCode } from '../../../domain/errors.ts';
import { publicStatus, type Message } from '../../../domain/message.ts';
import type { HttpContext } from '../../http/http-context.ts';
import { caller } from '../../http/request-caller.ts';
import { handoverMessages } from './handover-errors.ts';
import { optionalParameter, requiredParameter } from '../../http/form-params.ts';
import { campaignOf, campaignPrefix } from './handover-sms-request.ts';
import { istTime } from '../../http/ist-time.ts';

/** How far back GET /smsapi/campaigns looks without `days`, and the most it may look (ten years). */
const defaultDays = 30;
const maxDays = 3650;

export function handoverReportRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const clock = ctx.clock;

  app.route({
    method: ['GET', 'POST'], url: '/smsapi/dlr',
    handler: async (request, reply) => {
      const shootId = requiredParameter(request, 'sms_shoot_id');
      const { accountId } = caller(request);
      const unknownShoot = (error: unknown): never => {
        if (error instanceof DakiyaError && error.code === 'ERR_NOT_FOUND') throw new DakiyaError('ERR_NOT_FOUND', `No shoot ${shootId.slice(0, 64)}.`, { field: 'sms_shoot_id', problem: 'unknown' });
        throw error;
      };
      // A shoot of one contact is its message (handover-sms-routes.ts); of more, a batch.
      const report = await ctx.reports.batchReport(accountId, shootId).catch(async (error: unknown) => {
        if (!(error instanceof DakiyaError) || error.code !== 'ERR_NOT_FOUND') throw error;
        const message = await ctx.reports.message(accountId, shootId).catch(unknownShoot);
        return { batch: { id: message.id, totalRecipients: 1, acceptedRecipients: 1 }, pages: onePage([message]) };
      });
      const { batch, pages } = report;
      // The first page is read before the status line, so a store failure there is a normal error.
      const first = await pages.next();
      const head = `{"result":"success","sms_shoot_id":${JSON.stringify(batch.id)},"contacts":"${batch.totalRecipients}","accepted":"${batch.acceptedRecipients}","dlr":[`;
      async function* body(): AsyncGenerator<string> {
        yield head;
        let separator = '';
        for (let page = first; !page.done; page = await pages.next()) {
          yield separator + page.value.map((m) => JSON.stringify(dlrEntry(m))).join(',');
          separator = ',';
        }
        yield ']}';
      }
      return reply.type('application/json; charset=utf-8').send(Readable.from(body()));
    },
  });

  app.route({
    method: ['GET', 'POST'], url: '/smsapi/campaigns',
    handler: async (request) => {
      const { accountId } = caller(request);
      if (optionalParameter(request, 'campaign') !== undefined) {
        const campaign = campaignOf(request);
        const shoots = new Map<string, { count: number; first: number }>();
        await scan((after) => ctx.reports.messages(accountId, { correlationId: campaignPrefix + campaign, limit: 1000, ...(after !== undefined && { after }) }), (m) => {
          const id = m.batchId ?? m.id;
          const shoot = shoots.get(id);
          if (shoot) shoot.count++;
          else shoots.set(id, { count: 1, first: m.createdAt });
        });
        return {
          result: 'success', campaign,
          shoots: [...shoots].map(([id, list]) => ({ sms_shoot_id: id, contacts: String(list.count), submitted: istTime(list.first, false) })),
        };
      }
      const daysText = optionalParameter(request, 'days') ?? String(defaultDays);
      const days = /^\d{1,4}$/.test(daysText) ? Number(daysText) : 0;
      if (days < 1 || days > maxDays) throw new DakiyaError('ERR_INVALID_REQUEST', `days must be 1-${maxDays}`, { field: 'days', problem: 'invalid' });
      const campaigns = await ctx.reports.campaigns(accountId, clock.now() - days * 86_400_000);
      return {
        result: 'success',
        campaigns: campaigns.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
          .map((c) => ({ campaign: c.name, shoots: String(c.shoots), messages: String(c.messages), last_shoot: istTime(c.lastShootAt, false) })),
      };
    },
  });
}

/** One number's line of a delivery report: the status, and why it failed in this dialect's words. */
function dlrEntry(m: Message) {
  const code = m.errorCode;
  return {
    mobile: m.recipient,
    status: publicStatus(m.status),
    error: code === null ? '' : isErrorCode(code) ? handoverMessages[code] : code,
    message_id: m.id,
    submitted_at: istTime(m.submittedAt),
    done_at: istTime(m.doneAt),
  };
}

async function* onePage(messages: Message[]): AsyncGenerator<Message[], void, undefined> {
  yield messages;
}

/** Hands every message a paged read gives to `each`, one page of 1,000 in memory at a time (ids ascending). */
async function scan(read: (after: string | undefined) => Promise<Message[]>, each: (m: Message) => void): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const page = await read(after);
    for (const m of page) each(m);
    if (page.length < 1000) return;
    after = page.at(-1)!.id;
  }
}
