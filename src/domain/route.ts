// Routes: the operator's priced paths to carriers, one credit balance per account per route.
import type { MessageCategory } from './message.ts';

export const routeCategories = ['promotional', 'transactional', 'otp', 'service_implicit', 'service_explicit', 'international'] as const;
export type RouteCategory = (typeof routeCategories)[number];

export interface Route {
  id: string;
  category: RouteCategory;
  /** Credits charged per segment. */
  pricePerSegment: number;
  /** Refund when a receipt says undelivered for a non-permanent reason (rejections, permanent failures and expiry always refund). */
  refundOnUndelivered: boolean;
  /** Resubmit in-doubt messages after a crash instead of marking them UNKNOWN (risks a duplicate). */
  resendInDoubt: boolean;
  enabled: boolean;
  description: string;
}

/** The routes a fresh database starts with: one per category (seed 000's route list, by name). */
export const defaultRoutes: readonly Route[] = routeCategories.map((category) => ({
  id: category,
  category,
  pricePerSegment: 1,
  refundOnUndelivered: false,
  resendInDoubt: false,
  enabled: true,
  description: `${category.replace('_', ' ')} traffic`,
}));

/** Whether a message of this category may travel on this route. */
export function routeAccepts(route: Route, category: MessageCategory): boolean {
  return route.category === 'international' || route.category === category;
}
