// /http-api/send's parameters (seed 000) → one SendRequest: `number` becomes the recipients, `route`
// the route and category, `type` the encoding and flash flag, `templateid` the DLT template,
// `schedule` a due time. Parsing only: DND, the promotional window, the content filter, credits and
// every DLT rule are the send service's.
import type { FastifyRequest } from 'fastify';
import { isDltEntityId } from '../../../domain/account.ts';
import { DakiyaError } from '../../../domain/errors.ts';
import type { SendRequest } from '../../../services/send-service.ts';
import { optionalParameter } from '../../http/form-params.ts';
import { invalidParameter, requiredTechtoParameter, techtoParameter } from './techto-params.ts';
import { routeNumber, techtoRoutes, techtoTypes, typeNumber } from './techto-route-numbers.ts';
import { parseSchedule } from './techto-schedule.ts';

/** Far above any message the segment limit lets through, so a huge text is refused before it is planned. */
export const maxMessageLength = 5000;

export function toSendRequest(request: FastifyRequest): SendRequest {
  // Checked in the order a client builds the URL: number, sender, message, then the options.
  const numbers = requiredTechtoParameter(request, 'number', { maxLength: Number.POSITIVE_INFINITY });
  // "919887XXXXXX,919567XXXXXX": empty items (a trailing comma) are skipped, the spaces around an
  // item are the number normaliser's to ignore.
  const recipients = numbers.split(',').filter((n) => n.trim() !== '').map((to) => ({ to }));
  if (recipients.length === 0) throw new DakiyaError('ERR_INVALID_REQUEST', 'number holds no number: give one or more, separated by commas.', { field: 'number', problem: 'missing' });
  const sender = requiredTechtoParameter(request, 'sender', { maxLength: 20 });
  // The text may hold any character; the send service refuses those no handset can show.
  const message = requiredMessage(request);
  const route = techtoRoutes[routeNumber(techtoParameter(request, 'route', { maxLength: 20 }))];
  const type = techtoTypes[typeNumber(techtoParameter(request, 'type', { maxLength: 20 }))];
  const templateId = techtoParameter(request, 'templateid', { maxLength: 64 });
  if (templateId !== undefined && !/^[\x21-\x7e]+$/.test(templateId)) throw invalidParameter('templateid', 'templateid must be the DLT template ID: visible ASCII characters, no spaces.');
  // The DLT principal entity the messages are sent under (an SMPP connector's PE id TLV carries
  // it); a template registered under another entity refuses it (ERR_TEMPLATE_CATEGORY_MISMATCH).
  const peid = techtoParameter(request, 'peid', { maxLength: 30 });
  if (peid !== undefined && !isDltEntityId(peid)) throw invalidParameter('peid', 'peid must be the DLT principal entity ID: 1-30 digits.');
  const schedule = techtoParameter(request, 'schedule', { maxLength: 40 });
  return {
    recipients, sender, message,
    category: route.category,
    route: route.routeId,
    ...(templateId === undefined ? { detectTemplate: true } : { templateId }),
    ...(peid !== undefined && { entityId: peid }),
    ...('unicode' in type && { unicode: type.unicode }),
    ...('flash' in type && { flash: type.flash }),
    ...(schedule !== undefined && { scheduleAt: parseSchedule(schedule) }),
  };
}

function requiredMessage(request: FastifyRequest): string {
  const message = optionalParameter(request, 'message', { maxLength: Number.POSITIVE_INFINITY });
  if (message === undefined) throw new DakiyaError('ERR_INVALID_REQUEST', 'message is required.', { field: 'message', problem: 'missing' });
  if (message.length > maxMessageLength) {
    throw new DakiyaError('ERR_MESSAGE_TOO_LONG', `message has ${message.length} characters; at most ${maxMessageLength} are accepted.`, { field: 'message', max_length: maxMessageLength });
  }
  return message;
}
