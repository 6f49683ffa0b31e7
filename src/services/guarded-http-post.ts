// One webhook delivery attempt that cannot be steered off the address it checked: the URL guard
// resolves the name once, and the connection goes to exactly those addresses (a pinned `lookup`),
// while Host and TLS SNI keep the original name so certificates verify. Redirects are returned,
// never followed; the whole attempt has one deadline; at most maxResponseBytes of the answer are read.
import { request as httpRequest, type Agent as HttpAgent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ResolvedAddress, UrlGuard, UrlGuardCode } from './url-guard.ts';

/** Why an attempt got no HTTP status. */
export type DeliveryError = 'blocked' | 'dns' | 'timeout' | 'connect' | 'tls' | 'reset' | 'protocol' | 'network';

export interface GuardedPostRequest {
  readonly url: string | URL;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as is: the exact bytes that were signed. */
  readonly body: string | Uint8Array;
  readonly guard: UrlGuard;
  /** One deadline for resolving, connecting, sending and reading (the spec recommends 15–30 s). */
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  /**
   * Keep-alive pools, when wanted. None by default, so each attempt opens its own connection to
   * the address it just checked; a pool reuses sockets by host and port, i.e. to an address that
   * was checked by an earlier attempt.
   */
  readonly agents?: { readonly http?: HttpAgent; readonly https?: HttpsAgent };
  /** Wall clock in ms, for a Retry-After given as a date; Date.now unless told. */
  readonly now?: () => number;
}

export interface GuardedPostResult {
  /** The response status, 3xx included (redirects are not followed); null when none arrived. */
  readonly status: number | null;
  readonly headers: IncomingHttpHeaders;
  /** The first maxResponseBytes of the body, as UTF-8. */
  readonly bodyExcerpt: string;
  /** The body was longer than the cap, or cut by the deadline or the peer, after the status arrived. */
  readonly bodyTruncated: boolean;
  readonly latencyMs: number;
  /** The address the connection went to, when it got that far. */
  readonly address?: string;
  /** Set only when no status arrived. */
  readonly error?: DeliveryError;
  /** The guard's reason or the system error, for the attempt log. */
  readonly errorDetail?: string;
  readonly guardCode?: UrlGuardCode;
  readonly retryAfterSeconds?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 4096;
// Framing and routing are ours to set: a caller's Host would defeat the pinning's purpose of
// talking to the checked host, and a wrong Content-Length would desynchronise the connection.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

export async function guardedPost(request: GuardedPostRequest): Promise<GuardedPostResult> {
  const started = performance.now();
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(resolve, timeoutMs, 'expired'); });
  const check = await Promise.race([request.guard.checkUrl(request.url), expired]);
  clearTimeout(timer);
  const empty = { status: null, headers: {}, bodyExcerpt: '', bodyTruncated: false };
  if (check === 'expired') {
    return { ...empty, latencyMs: since(started), error: 'timeout', errorDetail: `the host was not resolved within ${timeoutMs} ms` };
  }
  if (!check.ok) {
    const error = check.code === 'URL_HOST_UNRESOLVED' ? 'dns' : 'blocked';
    return { ...empty, latencyMs: since(started), error, errorDetail: check.reason, guardCode: check.code };
  }
  return send(check.url, check.addresses, request, started, Math.max(0, started + timeoutMs - performance.now()));
}

function send(url: URL, addresses: readonly ResolvedAddress[], request: GuardedPostRequest, started: number, remainingMs: number): Promise<GuardedPostResult> {
  const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const headers: OutgoingHttpHeaders = { 'content-length': body.byteLength };
  for (const [name, value] of Object.entries(request.headers)) {
    if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  const https = url.protocol === 'https:';
  const agent = (https ? request.agents?.https : request.agents?.http) ?? false;

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let status: number | null = null;
    let responseHeaders: IncomingHttpHeaders = {};
    let address: string | undefined;
    let settled = false;

    const finish = (outcome: { truncated?: boolean; error?: DeliveryError; detail?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const retryAfter = status === null ? undefined : parseRetryAfter(responseHeaders['retry-after'], (request.now ?? Date.now)());
      resolve({
        status,
        headers: responseHeaders,
        bodyExcerpt: Buffer.concat(chunks).toString('utf8'),
        bodyTruncated: outcome.truncated ?? false,
        latencyMs: since(started),
        ...(address === undefined ? {} : { address }),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
        ...(outcome.detail === undefined ? {} : { errorDetail: outcome.detail }),
        ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      });
    };

    const req = (https ? httpsRequest : httpRequest)({
      method: 'POST',
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers,
      agent,
      lookup: pinnedLookup(addresses),
    }, (res) => {
      status = res.statusCode ?? null;
      responseHeaders = res.headers;
      address = res.socket?.remoteAddress;
      res.on('data', (chunk: Buffer) => {
        if (received + chunk.length > maxBytes) {
          chunks.push(chunk.subarray(0, maxBytes - received));
          received = maxBytes;
          finish({ truncated: true });
          req.destroy(); // enough read: the rest of the body is not worth a socket
          return;
        }
        chunks.push(chunk);
        received += chunk.length;
      });
      res.on('end', () => finish({}));
      res.on('error', () => finish({ truncated: true }));
    });
    req.on('error', (error) => {
      const failure = classifyError(error);
      finish(status === null ? { error: failure.error, detail: failure.detail } : { truncated: true });
    });
    const timer = setTimeout(() => {
      finish(status === null ? { error: 'timeout', detail: `no response within ${Math.round(remainingMs)} ms` } : { truncated: true });
      req.destroy();
    }, remainingMs);
    req.end(body);
  });
}

/** A lookup that answers only with the addresses the guard checked, in the shape net asks for. */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    const first = usable[0];
    if (!first) {
      const error: NodeJS.ErrnoException = new Error(`no checked IPv${family} address for ${hostname}`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
    } else if (options.all) {
      callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
    } else {
      callback(null, first.address, first.family);
    }
  };
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'ETIMEDOUT', 'ENOTFOUND']);

function classifyError(error: Error): { error: DeliveryError; detail: string } {
  // With several addresses, net's happy-eyeballs reports an AggregateError of the attempts.
  const first = (error instanceof AggregateError ? error.errors[0] : error) as NodeJS.ErrnoException | undefined;
  const code = first?.code ?? (error as NodeJS.ErrnoException).code ?? '';
  const detail = code === '' ? error.message : `${code}: ${first?.message ?? error.message}`;
  if (/^(?:ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code)) return { error: 'tls', detail };
  if (CONNECT_CODES.has(code)) return { error: 'connect', detail };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { error: /TLS/.test(detail) ? 'tls' : 'reset', detail };
  if (code.startsWith('HPE_')) return { error: 'protocol', detail };
  return { error: 'network', detail };
}

/**
 * RFC 9110 §10.2.3: delay-seconds or an HTTP-date, as whole seconds from now (a past date is 0).
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // Date.parse reads almost anything ("-5" is a year), so only the three HTTP-date shapes reach it.
  const imf = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text);
  const rfc850 = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/.test(text);
  const asctime = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(text);
  if (!imf && !rfc850 && !asctime) return undefined;
  // asctime carries no zone; HTTP dates are GMT.
  const at = Date.parse(asctime ? `${text} GMT` : text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function since(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
