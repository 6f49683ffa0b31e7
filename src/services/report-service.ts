// What a customer can read back: messages, batches and balances, always scoped to their account
// (another tenant's id is simply not found).
import { DakiyaError } from '../domain/errors.ts';
import { type Message, type MessageStatus, messageStatuses, storedStatusesFor } from '../domain/message.ts';
import type { Balance, Batch, Store } from '../store/store.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface MessageFilter {
  status?: string;
  batchId?: string;
  correlationId?: string;
  after?: string;
  limit?: number;
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
    return this.#store.listMessages({
      accountId, limit,
      ...(status && status !== 'DISPATCHING' && { statuses: storedStatusesFor(status) }),
      ...(filter.batchId !== undefined && { batchId: filter.batchId }),
      ...(filter.correlationId !== undefined && { correlationId: filter.correlationId }),
      ...(filter.after !== undefined && { after: filter.after }),
    });
  }

  async batch(accountId: string, id: string): Promise<Batch> {
    const batch = uuid.test(id) ? await this.#store.getBatch(accountId, id) : undefined;
    if (!batch) throw new DakiyaError('ERR_NOT_FOUND', `No batch ${id.slice(0, 64)}.`);
    return batch;
  }

  balances(accountId: string): Promise<Balance[]> {
    return this.#store.getBalances(accountId);
  }
}
