// The SSRF guard for customer-supplied URLs (webhook endpoints, callback_url): checked at
// registration and again at every delivery, resolving the name each time so an answer that
// changes in between (DNS rebinding) is caught; the delivery then connects to what was checked.
import { lookup } from 'node:dns/promises';
import { checkAddress, checkHostname, formatIpAddress, parseIpAddress, type NetworkPolicy } from '../domain/network-address.ts';

/** Why a URL was refused; stable, for logs, attempt records and API error details. */
export const urlGuardCodes = {
  URL_INVALID: 'The URL cannot be parsed.',
  URL_SCHEME_NOT_ALLOWED: 'Only http and https URLs are allowed.',
  URL_USERINFO_NOT_ALLOWED: 'The URL may not carry a user name or password; sign requests instead.',
  URL_PORT_OUT_OF_RANGE: 'The port must be between 1 and 65535.',
  URL_HOST_EMPTY: 'The URL has no host.',
  URL_HOST_BLOCKED: 'The host is a loopback, metadata or otherwise unreachable name or address.',
  URL_ADDRESS_BLOCKED: 'The host resolves to an address webhooks may not reach.',
  URL_HOST_UNRESOLVED: 'The host name does not resolve.',
} as const;

export type UrlGuardCode = keyof typeof urlGuardCodes;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolve = (hostname: string) => Promise<ReadonlyArray<{ readonly address: string; readonly family: number }>>;

export type UrlScheme = 'http' | 'https';

export interface UrlGuardOptions extends NetworkPolicy {
  /** Injected in tests; node:dns lookup with all: true otherwise (getaddrinfo, so /etc/hosts counts). */
  readonly resolve?: Resolve;
  readonly allowedSchemes?: readonly UrlScheme[];
}

export type UrlCheck =
  | { readonly ok: true; readonly url: URL; readonly addresses: readonly ResolvedAddress[] }
  | { readonly ok: false; readonly code: UrlGuardCode; readonly reason: string };

export interface UrlGuard {
  checkUrl(url: string | URL): Promise<UrlCheck>;
}

const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true });

function refuse(code: UrlGuardCode, reason: string): UrlCheck {
  return { ok: false, code, reason };
}

export function createUrlGuard(options: UrlGuardOptions): UrlGuard {
  const policy: NetworkPolicy = { allowPrivateNetworks: options.allowPrivateNetworks };
  const resolve = options.resolve ?? systemResolve;
  const schemes = new Set((options.allowedSchemes ?? ['https', 'http']).map((s) => `${s}:`));

  async function checkUrl(input: string | URL): Promise<UrlCheck> {
    let url: URL;
    try {
      url = new URL(typeof input === 'string' ? input : input.href);
    } catch {
      return checkAuthority(String(input)) ?? refuse('URL_INVALID', `${JSON.stringify(truncate(String(input)))} is not a valid URL`);
    }
    if (!schemes.has(url.protocol)) {
      return refuse('URL_SCHEME_NOT_ALLOWED', `scheme ${url.protocol.slice(0, -1)} is not allowed; use ${[...schemes].map((s) => s.slice(0, -1)).join(' or ')}`);
    }
    if (url.username !== '' || url.password !== '') return refuse('URL_USERINFO_NOT_ALLOWED', 'the URL carries a user name or password');
    if (url.port === '0') return refuse('URL_PORT_OUT_OF_RANGE', 'port 0 is not allowed; use 1 to 65535');
    if (url.hostname === '') return refuse('URL_HOST_EMPTY', 'the URL has no host');

    const host = checkHostname(url.hostname, policy);
    if (!host.allowed) return refuse(host.address ? 'URL_ADDRESS_BLOCKED' : 'URL_HOST_BLOCKED', host.reason);
    if (host.address) return { ok: true, url, addresses: [{ address: formatIpAddress(host.address), family: host.address.family }] };

    let answers: Awaited<ReturnType<Resolve>>;
    try {
      answers = await resolve(url.hostname);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
      return refuse('URL_HOST_UNRESOLVED', `${url.hostname} did not resolve (${code})`);
    }
    if (answers.length === 0) return refuse('URL_HOST_UNRESOLVED', `${url.hostname} resolved to no address`);
    const addresses: ResolvedAddress[] = [];
    for (const answer of answers) {
      // Every answer must pass: the connection may use any of them, and a resolver that mixes a
      // public with a private answer is the classic way round a check of the first one only.
      const parsed = parseIpAddress(answer.address);
      const verdict = checkAddress(parsed ?? answer.address, policy);
      if (!parsed || !verdict.allowed) return refuse('URL_ADDRESS_BLOCKED', `${url.hostname} resolves to ${verdict.reason}`);
      // The answer's own text is kept for connecting: it may carry a zone id the canonical form drops.
      addresses.push({ address: answer.address.replace(/^\[|\]$/g, ''), family: parsed.family });
    }
    return { ok: true, url, addresses };
  }

  return { checkUrl };
}

// WHATWG URL refuses ports above 65535 and empty hosts with one generic error; a look at the
// authority of a URL it refused gives those two their own code.
function checkAuthority(input: string): UrlCheck | undefined {
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(input.trim())?.[1];
  if (authority === undefined) return undefined;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort === '' || hostPort.startsWith(':')) return refuse('URL_HOST_EMPTY', 'the URL has no host');
  const port = /:(\d+)$/.exec(hostPort)?.[1];
  if (port !== undefined && (Number(port) > 65535 || Number(port) < 1)) {
    return refuse('URL_PORT_OUT_OF_RANGE', `port ${port} is out of range; use 1 to 65535`);
  }
  return undefined;
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
