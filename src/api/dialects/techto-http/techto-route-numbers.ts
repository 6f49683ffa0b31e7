// The seed 000 route and message-type numbers, and what each means in Dakiya. A route number names
// one of Dakiya's default route ids (the operator's route table, `dakiya route list`) and the
// message category asked of it; routes 2 and 10 are both transactional in the seed, so both name
// the transactional route and share its balance. International (9) is transactional traffic on
// the international route, as seed 003's INTL type is.
import type { MessageCategory } from '../../../domain/message.ts';
import type { SendRequest } from '../../../services/send-service.ts';
import { invalidParameter } from './techto-params.ts';

export const techtoRoutes = {
  1: { name: 'Promotional', routeId: 'promotional', category: 'promotional' },
  2: { name: 'Transactional', routeId: 'transactional', category: 'transactional' },
  4: { name: 'Trans OTP', routeId: 'otp', category: 'otp' },
  9: { name: 'International', routeId: 'international', category: 'transactional' },
  10: { name: 'Transactional', routeId: 'transactional', category: 'transactional' },
} as const satisfies Record<number, { name: string; routeId: string; category: MessageCategory }>;
export type TechtoRoute = keyof typeof techtoRoutes;

/** Without `route`: 2, transactional (the category every Indian business sends most, and the safest to assume). */
export const defaultRoute: TechtoRoute = 2;

export const techtoTypes = {
  1: { name: 'Text' },
  2: { name: 'Flash', flash: true },
  3: { name: 'Unicode', unicode: true },
} as const satisfies Record<number, { name: string } & Pick<SendRequest, 'unicode' | 'flash'>>;
export type TechtoType = keyof typeof techtoTypes;

const routeList = Object.entries(techtoRoutes).map(([n, r]) => `${n} (${r.name})`).join(', ');
const typeList = Object.entries(techtoTypes).map(([n, t]) => `${n} (${t.name})`).join(', ');

/** `route` as given (digits only, no leading zeros) → its number; anything else names the parameter. */
export function routeNumber(text: string | undefined): TechtoRoute {
  if (text === undefined) return defaultRoute;
  if (!/^[1-9]\d?$/.test(text) || !Object.hasOwn(techtoRoutes, text)) throw invalidParameter('route', `route must be one of ${routeList}; got ${JSON.stringify(text.slice(0, 20))}.`);
  return Number(text) as TechtoRoute;
}

export function typeNumber(text: string | undefined): TechtoType {
  if (text === undefined) return 1;
  if (!/^[1-9]$/.test(text) || !Object.hasOwn(techtoTypes, text)) throw invalidParameter('type', `type must be one of ${typeList}; got ${JSON.stringify(text.slice(0, 20))}.`);
  return Number(text) as TechtoType;
}

/** The seed's number for a Dakiya route id (the lowest, so the transactional route is 2), or null. */
export function numberOfRoute(routeId: string): TechtoRoute | null {
  for (const [n, r] of Object.entries(techtoRoutes)) if (r.routeId === routeId) return Number(n) as TechtoRoute;
  return null;
}
