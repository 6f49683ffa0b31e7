// Group commit on PostgreSQL: requests that arrive while earlier groups are in flight are sent
// together to dakiya_accept() — one round trip and one WAL flush for the whole group. If the
// group fails as a whole, each of its requests is retried alone, so one request's failure never
// undoes another's.
import type pg from 'pg';
import { type AcceptRequest, type AcceptResult, StoreUnavailableError } from '../store.ts';
import { translate } from './postgres-database.ts';

export interface PostgresGroupCommitOptions {
  maxBatch: number;
  /** Groups in flight at once (each holds one pooled connection). */
  maxInFlight: number;
}

interface Pending {
  request: AcceptRequest;
  resolve: (value: AcceptResult) => void;
  reject: (error: unknown) => void;
}

type Answer = { ok: true } | { insufficient: number } | { replay: { request_hash: string; status_code: number; body: string } };

export class PostgresAccept {
  #pool: pg.Pool;
  #options: PostgresGroupCommitOptions;
  #queue: Pending[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(pool: pg.Pool, options: PostgresGroupCommitOptions) {
    this.#pool = pool;
    this.#options = options;
  }

  /** Resolves when every submitted request has been answered (for a clean close). */
  async drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  submit(request: AcceptRequest): Promise<AcceptResult> {
    return new Promise<AcceptResult>((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#inFlight >= this.#options.maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#queue.length > 0 && this.#inFlight < this.#options.maxInFlight) {
        void this.#flush(this.#queue.splice(0, this.#options.maxBatch));
      }
    });
  }

  async #flush(group: Pending[]): Promise<void> {
    this.#inFlight++;
    // Requests go in balance-key order (stable, so one account's requests keep theirs): concurrent
    // groups then lock balance rows in the same order and cannot deadlock.
    const order = group.map((_, i) => i).sort((a, b) => compareKeys(group[a]!.request, group[b]!.request) || a - b);
    try {
      let answers: Answer[] | undefined;
      try {
        answers = await this.#call(group.map((p) => p.request), order);
      } catch (error) {
        // Unreachable database: the outcome of the group may be unknown, so nothing is retried
        // here (the client retries, with its Idempotency-Key if it sent one).
        if (error instanceof StoreUnavailableError) {
          for (const p of group) p.reject(error);
          return;
        }
        // Any other failure — one request's own (a concurrent Idempotency-Key), or a balance that
        // another group spent after this one read it (DK002, see migration 0009) — sends each
        // request alone below.
        answers = undefined;
      }
      if (answers) {
        group.forEach((p, i) => p.resolve(toResult(answers![i]!)));
        return;
      }
      // Alone, each request succeeds or fails on its own merits.
      await Promise.all(group.map(async (p) => {
        try {
          p.resolve(toResult((await this.#callAlone(p.request))[0]!));
        } catch (error) {
          p.reject(error);
        }
      }));
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
  }

  async #callAlone(request: AcceptRequest): Promise<Answer[]> {
    try {
      return await this.#call([request], [0], true);
    } catch (error) {
      // Another node stored the same Idempotency-Key between our check and our insert: once
      // more, and the check finds its response.
      if ((error as { code?: string }).code === 'DK001') return this.#call([request], [0], true);
      throw error;
    }
  }

  /** Sends the requests in `order` (indexes into `requests`) and answers in the given order. */
  async #call(requests: readonly AcceptRequest[], order: readonly number[], lockFirst = false): Promise<Answer[]> {
    try {
      const ordered = order.map((i) => requests[i]!);
      const result = await this.#pool.query<{ answers: Answer[] }>(acceptSql, [JSON.stringify(ordered.map(encode)), ...messageColumns(ordered), lockFirst]);
      const answers: Answer[] = new Array(requests.length);
      result.rows[0]!.answers.forEach((answer, k) => { answers[order[k]!] = answer; });
      return answers;
    } catch (error) {
      return translate(error);
    }
  }
}

/**
 * One request accepted on a connection inside the caller's transaction (an OTP session commits
 * its message with it): the same dakiya_accept(), so the same rules and the same wake-up.
 */
export async function acceptOnClient(client: pg.ClientBase, request: AcceptRequest): Promise<AcceptResult> {
  const result = await client.query<{ answers: Answer[] }>(acceptSql, [JSON.stringify([encode(request)]), ...messageColumns([request]), true]);
  return toResult(result.rows[0]!.answers[0]!);
}

function compareKeys(a: AcceptRequest, b: AcceptRequest): number {
  if (a.accountId !== b.accountId) return a.accountId < b.accountId ? -1 : 1;
  if (a.routeId !== b.routeId) return a.routeId < b.routeId ? -1 : 1;
  return 0;
}

function toResult(answer: Answer): AcceptResult {
  if ('ok' in answer) return { ok: true };
  if ('insufficient' in answer) return { ok: false, reason: 'insufficient_credits', balance: Number(answer.insufficient) };
  const r = answer.replay;
  return { ok: false, reason: 'idempotent_replay', stored: { requestHash: r.request_hash, statusCode: r.status_code, body: r.body } };
}

/** $27 is lock_first: debit before writing (a request alone, or inside a caller's transaction) rather than last (a group). */
const acceptSql = `SELECT dakiya_accept($1::jsonb, ${Array.from({ length: 26 }, (_, i) => `$${i + 2}`).join(', ')}) AS answers`;

/** The group's messages as one array per column, m_req naming each one's request (1-based). */
function messageColumns(requests: readonly AcceptRequest[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 25 }, () => []);
  requests.forEach((request, i) => {
    for (const m of request.messages) {
      const row = [i + 1, m.id, m.accountId, m.batchId, m.routeId, m.category, m.lane, m.recipient, m.sender, m.body, m.templateId,
        m.encoding, m.segments, m.flash, m.credits, m.status, m.correlationId, m.dueAt, m.scheduledAt, m.expiresAt, m.createdAt, m.receiptTo ?? null, m.callbackUrl ?? null, m.secret ?? null, m.entityId ?? null];
      for (let c = 0; c < 25; c++) cols[c]!.push(row[c]);
    }
  });
  return cols;
}

/** A request's own facts (its messages travel as columns). */
function encode(request: AcceptRequest): Record<string, unknown> {
  const { accountId, routeId, debit, messages, batch, idempotency } = request;
  const first = messages[0];
  const single = messages.length === 1 && !batch ? first?.id ?? null : null;
  return {
    account_id: accountId,
    route_id: routeId,
    debit,
    now: first?.createdAt ?? batch?.createdAt ?? 0,
    note: `${messages.length} message(s)`,
    ledger_message_id: single,
    lanes: [...new Set(messages.map((m) => m.lane))],
    batch_id: batch?.id ?? null,
    ...(batch && {
      batch: {
        id: batch.id, account_id: batch.accountId, route_id: batch.routeId, total_recipients: batch.totalRecipients,
        accepted_recipients: batch.acceptedRecipients, created_at: batch.createdAt, scheduled_at: batch.scheduledAt,
      },
    }),
    ...(request.campaign !== undefined && { campaign: request.campaign, message_count: messages.length }),
    ...(idempotency && {
      idempotency_key: idempotency.key,
      request_hash: idempotency.response.requestHash,
      status_code: idempotency.response.statusCode,
      body: idempotency.response.body,
    }),
  };
}
