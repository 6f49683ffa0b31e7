// What a customer can read back: messages, batches and balances, always scoped to their account
// (another tenant's id is simply not found).
import { DakiyaError } from '../domain/errors.ts';
import { maxUuidv7Ms, uuidv7LowerBound } from '../domain/ids.ts';
import { type Message, type MessageStatus, messageStatuses, storedStatusesFor } from '../domain/message.ts';
import type { Balance, Batch, Campaign, Store } from '../store/store.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Messages per store read of a batch report: one page is all a report holds in memory. */
export const reportPageSize = 1000;

export interface MessageFilter {
  status?: string;
  batchId?: string;
  correlationId?: string;
  after?: string;
  /** Epoch ms: only messages created at or after it. */
  since?: number;
  limit?: number;
}

export interface BatchReport {
  batch: Batch;
  /** The batch's messages in id order, one store read per page, fetched only as they are consumed. */
  pages: AsyncGenerator<Message[], void, undefined>;
}

export class ReportService {
  #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async message(accountId: string, id: string): Promise<Message> {
    const message = uuid.test(id) ? await this.#store.getMessage(accountId, id) : undefined;
    if (!message) throw new DakiyaError('ERR_NOT_FOUND', `No message ${id.slice(0, 64)}.`);
    return message;
  }

  async messages(accountId: string, filter: MessageFilter): Promise<Message[]> {
    let status: MessageStatus | undefined;
    if (filter.status !== undefined) {
      status = filter.status.toUpperCase() as MessageStatus;
      if (!messageStatuses.includes(status) || status === 'DISPATCHING') {
        throw new DakiyaError('ERR_INVALID_REQUEST', `status must be one of ${messageStatuses.filter((s) => s !== 'DISPATCHING').join(', ')}`, { field: 'status' });
      }
    }
    if (filter.after !== undefined && !uuid.test(filter.after)) throw new DakiyaError('ERR_INVALID_REQUEST', 'after must be a message id (the previous page\'s next_cursor)', { field: 'after' });
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new DakiyaError('ERR_INVALID_REQUEST', 'limit must be 1-1000', { field: 'limit' });
    const after = lowerBound(filter.after, filter.since);
    return this.#store.listMessages({
      accountId, limit,
      ...(status && status !== 'DISPATCHING' && { statuses: storedStatusesFor(status) }),
      ...(filter.batchId !== undefined && { batchId: filter.batchId }),
      ...(filter.correlationId !== undefined && { correlationId: filter.correlationId }),
      ...(after !== undefined && { after }),
    });
  }

  /** The batch, or a plain 404 before anything is read; then its messages page by page. */
  async batchReport(accountId: string, id: string, pageSize = reportPageSize): Promise<BatchReport> {
    const batch = await this.batch(accountId, id);
    return { batch, pages: this.#batchPages(accountId, batch.id, pageSize) };
  }

  async *#batchPages(accountId: string, batchId: string, pageSize: number): AsyncGenerator<Message[], void, undefined> {
    let after: string | undefined;
    for (;;) {
      const page = await this.#store.listMessages({ accountId, batchId, limit: pageSize, ...(after !== undefined && { after }) });
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = page.at(-1)!.id;
    }
  }

  async batch(accountId: string, id: string): Promise<Batch> {
    const batch = uuid.test(id) ? await this.#store.getBatch(accountId, id) : undefined;
    if (!batch) throw new DakiyaError('ERR_NOT_FOUND', `No batch ${id.slice(0, 64)}.`);
    return batch;
  }

  /** The account's campaigns with a shoot at or after `since` (epoch ms), by name. */
  campaigns(accountId: string, since: number): Promise<Campaign[]> {
    return this.#store.listCampaigns(accountId, since);
  }

  balances(accountId: string): Promise<Balance[]> {
    return this.#store.getBalances(accountId);
  }
}

/**
 * Ids are UUIDv7, so "created at or after `since`" is "id after the smallest id of that millisecond
 * minus one"; with a cursor as well, the later of the two bounds wins (ids compare as text).
 */
function lowerBound(after: string | undefined, since: number | undefined): string | undefined {
  if (since === undefined) return after;
  if (!Number.isSafeInteger(since) || since < 0 || since > maxUuidv7Ms) {
    throw new DakiyaError('ERR_INVALID_REQUEST', 'since must be a time from 1970 to the year 10889', { field: 'since' });
  }
  const bound = uuidv7LowerBound(since);
  return after !== undefined && after > bound ? after : bound;
}
