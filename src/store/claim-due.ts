// Which due webhook deliveries a node claims (both engines follow this rule). Normally the first due
// ones in next_at order: a window of 4 × limit rows, skipping the endpoints the node cannot take more
// of. When that window is full of those endpoints' deliveries (one endpoint's backlog ahead of
// everyone), the rest are found endpoint by endpoint instead (one index seek per endpoint with
// pending deliveries), so other tenants' deliveries do not wait behind it.

import type { ClaimedDelivery, NewDelivery, StoredEvent } from './store.ts';

/** A delivery the fan-out stored claimed (NewDelivery.claimMs), as the claim would have returned it. */
export function bornClaimed(id: number, d: NewDelivery, nextAt: number, now: number, event: StoredEvent): ClaimedDelivery {
  return {
    id, eventSeq: d.eventSeq, accountId: d.accountId, endpointId: d.endpointId, url: d.url, state: 'pending', attempts: 1, step: 0, nextAt, createdAt: now,
    doneAt: null, lastStatus: null, lastError: null, lastAt: null, lastLatencyMs: null, lastResponse: null, event,
  };
}

export interface DueRow {
  id: number | string;
  endpoint_id: string;
}

interface Finder<R> {
  due(n: number): R;
  nextEndpoint(after: string): R extends Promise<unknown> ? Promise<string | undefined> : string | undefined;
  dueOf(endpoint: string, n: number): R;
}

function fromWindow(window: readonly DueRow[], limit: number, exclude: ReadonlySet<string>): number[] {
  const ids: number[] = [];
  for (const r of window) {
    if (ids.length === limit) break;
    if (!exclude.has(r.endpoint_id)) ids.push(Number(r.id));
  }
  return ids;
}

/** With nothing to skip, the window is just the rows wanted. */
const windowOf = (limit: number, exclude: ReadonlySet<string>) => (exclude.size === 0 ? limit : limit * 4);

export function pickDue(limit: number, exclude: ReadonlySet<string>, find: Finder<DueRow[]>): number[] {
  const size = windowOf(limit, exclude);
  const window = find.due(size);
  const ids = fromWindow(window, limit, exclude);
  if (ids.length === limit || window.length < size) return ids;
  const taken = new Set(ids);
  for (let endpoint = find.nextEndpoint(''); endpoint !== undefined && ids.length < limit; endpoint = find.nextEndpoint(endpoint)) {
    if (exclude.has(endpoint)) continue;
    for (const r of find.dueOf(endpoint, limit - ids.length)) if (!taken.has(Number(r.id))) ids.push(Number(r.id));
  }
  return ids;
}

/** pickDue for a store whose queries are asynchronous (PostgreSQL). */
export async function pickDueAsync(limit: number, exclude: ReadonlySet<string>, find: Finder<Promise<DueRow[]>>): Promise<number[]> {
  const size = windowOf(limit, exclude);
  const window = await find.due(size);
  const ids = fromWindow(window, limit, exclude);
  if (ids.length === limit || window.length < size) return ids;
  const taken = new Set(ids);
  for (let endpoint = await find.nextEndpoint(''); endpoint !== undefined && ids.length < limit; endpoint = await find.nextEndpoint(endpoint)) {
    if (exclude.has(endpoint)) continue;
    for (const r of await find.dueOf(endpoint, limit - ids.length)) if (!taken.has(Number(r.id))) ids.push(Number(r.id));
  }
  return ids;
}
