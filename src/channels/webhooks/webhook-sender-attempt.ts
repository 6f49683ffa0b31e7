// One WebhookSender attempt as an undici dispatch handler: one deadline over the guard check, the
// wait for a pooled connection, the exchange and the body; at most maxResponseBytes kept; every
// way it can end turned into a GuardedPostResult, the same shape guardedPost returns.
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { parseRetryAfter, type DeliveryError, type GuardedPostResult } from '../../services/guarded-http-post.ts';
import { remoteAddressOf } from './webhook-sender-pool.ts';
import type { UrlCheck, UrlGuardCode } from '../../services/url-guard.ts';

export interface AttemptLimits {
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Wall clock in ms, for a Retry-After given as a date. */
  readonly now: () => number;
}

interface Outcome {
  readonly truncated?: boolean;
  readonly error?: DeliveryError;
  readonly detail?: string;
  readonly guardCode?: UrlGuardCode;
}

export class WebhookAttempt implements Dispatcher.DispatchHandler {
  readonly result: Promise<GuardedPostResult>;
  readonly #limits: AttemptLimits;
  readonly #started = performance.now();
  readonly #timer: NodeJS.Timeout;
  #resolve!: (result: GuardedPostResult) => void;
  #dispatched: Dispatcher.DispatchOptions | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #status: number | null = null;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #received = 0;
  #address: string | undefined;
  #settled = false;

  constructor(limits: AttemptLimits) {
    this.#limits = limits;
    this.result = new Promise((resolve) => { this.#resolve = resolve; });
    this.#timer = setTimeout(() => this.#expire(), limits.timeoutMs);
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** What is left of the deadline, for undici's own header and body timers. */
  remainingMs(): number {
    return Math.max(1, Math.ceil(this.#started + this.#limits.timeoutMs - performance.now()));
  }

  refuse(check: Extract<UrlCheck, { ok: false }>): void {
    this.#finish({ error: check.code === 'URL_HOST_UNRESOLVED' ? 'dns' : 'blocked', detail: check.reason, guardCode: check.code });
  }

  /** A failure outside undici (a guard that threw); the attempt still ends with a result. */
  fail(error: unknown): void {
    this.#finish({ error: 'network', detail: error instanceof Error ? error.message : String(error) });
  }

  dispatch(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): void {
    this.#dispatched = options;
    try {
      dispatcher.dispatch(options, this);
    } catch (error) {
      this.onResponseError(undefined, error as Error);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // A request that waited for a free connection past the deadline has been answered already
    // and must not be sent late. undici can only drop it by destroying the socket it was handed,
    // a price paid only by attempts that waited a whole deadline for a connection.
    if (this.#settled) {
      controller.abort(new Error('the attempt ended before a connection was free'));
      return;
    }
    this.#controller = controller;
    if (this.#dispatched !== undefined) this.#address = remoteAddressOf(this.#dispatched);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 1xx: the final status is still to come
    this.#status = statusCode;
    // node:http's shape, which GuardedPostResult promises: Set-Cookie is always a list.
    const cookies = headers['set-cookie'];
    if (typeof cookies === 'string') headers['set-cookie'] = [cookies];
    this.#headers = headers as IncomingHttpHeaders;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    const room = this.#limits.maxResponseBytes - this.#received;
    // Copied: the chunk is a view of the socket's read buffer, which should not be kept alive.
    if (room > 0) this.#chunks.push(Buffer.from(chunk.subarray(0, room)));
    this.#received += Math.min(room, chunk.length);
    if (chunk.length > room) {
      this.#finish({ truncated: true });
      // Enough read: undici destroys this socket rather than reading the rest, so the pool never
      // keeps a connection with an unread body on it.
      controller.abort(new Error('the response body is longer than maxResponseBytes'));
    }
  }

  onResponseEnd(): void {
    this.#finish({});
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.#settled) return;
    const socketAddress = (error as { socket?: { remoteAddress?: string } }).socket?.remoteAddress;
    this.#address ??= socketAddress;
    if (this.#status !== null) this.#finish({ truncated: true });
    else this.#finish(classifyError(error));
  }

  #expire(): void {
    const { timeoutMs } = this.#limits;
    if (this.#dispatched === undefined) this.#finish({ error: 'timeout', detail: `the host was not resolved within ${timeoutMs} ms` });
    else if (this.#status === null) this.#finish({ error: 'timeout', detail: `no response within ${timeoutMs} ms` });
    else this.#finish({ truncated: true });
    this.#controller?.abort(new Error(`the ${timeoutMs} ms deadline passed`));
  }

  #finish(outcome: Outcome): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    const retryAfter = this.#status === null ? undefined : parseRetryAfter(first(this.#headers['retry-after']), this.#limits.now());
    this.#resolve({
      status: this.#status,
      headers: this.#headers,
      bodyExcerpt: this.#chunks.length === 0 ? '' : Buffer.concat(this.#chunks).toString('utf8'),
      bodyTruncated: outcome.truncated ?? false,
      latencyMs: Math.round((performance.now() - this.#started) * 1000) / 1000,
      ...(this.#address === undefined ? {} : { address: this.#address }),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(outcome.detail === undefined ? {} : { errorDetail: outcome.detail }),
      ...(outcome.guardCode === undefined ? {} : { guardCode: outcome.guardCode }),
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
    });
  }
}

/** A repeated Retry-After counts once, as node:http would read it. */
function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
// The peer broke the HTTP/1.1 exchange (bad framing), or the request could not be framed at all
// (a caller's header value with a newline in it, which undici refuses before sending).
const PROTOCOL_CODES = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/** guardedPost's classification, plus undici's own codes (UND_ERR_*) and its parser's (HPE_*). */
export function classifyError(error: Error): { error: DeliveryError; detail: string } {
  // With several addresses, net's happy-eyeballs reports an AggregateError of the attempts.
  const cause = (error instanceof AggregateError ? error.errors[0] : error) as NodeJS.ErrnoException | undefined;
  const code = cause?.code ?? (error as NodeJS.ErrnoException).code ?? '';
  const detail = code === '' ? error.message : `${code}: ${cause?.message ?? error.message}`;
  if (/^(?:ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code)) return { error: 'tls', detail };
  if (CONNECT_CODES.has(code)) return { error: 'connect', detail };
  if (TIMEOUT_CODES.has(code)) return { error: 'timeout', detail };
  // UND_ERR_SOCKET is undici's "other side closed": the peer hung up mid-exchange.
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return { error: /TLS/.test(detail) ? 'tls' : 'reset', detail };
  if (code.startsWith('HPE_') || PROTOCOL_CODES.has(code)) return { error: 'protocol', detail };
  return { error: 'network', detail };
}
