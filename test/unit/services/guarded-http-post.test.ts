// One delivery attempt against a real node:http server on loopback (the guard is told private
// networks are allowed, except where the test is that it is not): pinning to the checked address,
// no redirects, the deadline, the response cap, Retry-After.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { guardedPost, parseRetryAfter } from '../../../src/services/guarded-http-post.ts';
import { createUrlGuard, type Resolve } from '../../../src/services/url-guard.ts';

interface Seen { method: string; url: string; host: string | undefined; body: string; headers: IncomingMessage['headers'] }

const seen: Seen[] = [];
let connections = 0;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, host: req.headers.host, body: Buffer.concat(chunks).toString(), headers: req.headers });
    handler(req, res);
  });
});
server.on('connection', (socket: Socket) => {
  connections++;
  openSockets.add(socket);
  socket.on('close', () => openSockets.delete(socket));
});
const openSockets = new Set<Socket>();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as AddressInfo).port;
after(() => {
  for (const socket of openSockets) socket.destroy();
  server.close();
});

function reset(next: typeof handler): void {
  seen.length = 0;
  connections = 0;
  handler = next;
}

const fakeDns: Resolve = async (host) => {
  if (host === 'hooks.customer.test') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};
const openGuard = createUrlGuard({ allowPrivateNetworks: true, resolve: fakeDns });
const closedGuard = createUrlGuard({ allowPrivateNetworks: false, resolve: fakeDns });

const post = (url: string, extra: Partial<Parameters<typeof guardedPost>[0]> = {}) =>
  guardedPost({ url, headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1' }, body: '{"event":"message.delivered"}', guard: openGuard, ...extra });

test('posts the body and headers and returns the status, body and connected address', async () => {
  reset((_req, res) => { res.statusCode = 200; res.end('received'); });
  const result = await post(`http://127.0.0.1:${port}/hooks?tenant=1`);
  assert.equal(result.status, 200);
  assert.equal(result.bodyExcerpt, 'received');
  assert.equal(result.bodyTruncated, false);
  assert.equal(result.address, '127.0.0.1');
  assert.equal(result.error, undefined);
  assert.equal(seen[0]!.method, 'POST');
  assert.equal(seen[0]!.url, '/hooks?tenant=1');
  assert.equal(seen[0]!.body, '{"event":"message.delivered"}');
  assert.equal(seen[0]!.headers['webhook-id'], 'evt_1');
  assert.equal(seen[0]!.headers['content-length'], String(Buffer.byteLength('{"event":"message.delivered"}')));
});

test('connects to the address the guard checked while keeping the original name in Host', async () => {
  // hooks.customer.test exists only in the injected resolver: had the system resolver been asked, this would fail.
  reset((_req, res) => res.end('ok'));
  const result = await post(`http://hooks.customer.test:${port}/hook`);
  assert.equal(result.status, 200);
  assert.equal(result.address, '127.0.0.1');
  assert.equal(seen[0]!.host, `hooks.customer.test:${port}`);
});

test('ignores a Host header from the caller', async () => {
  reset((_req, res) => res.end('ok'));
  await post(`http://hooks.customer.test:${port}/`, { headers: { Host: 'internal.admin' } });
  assert.equal(seen[0]!.host, `hooks.customer.test:${port}`);
});

test('sends a Buffer body byte for byte', async () => {
  reset((_req, res) => res.end('ok'));
  const body = Buffer.from('{"text":"नमस्ते"}');
  await post(`http://127.0.0.1:${port}/`, { body });
  assert.equal(seen[0]!.body, body.toString());
});

test('opens a new connection for each attempt by default', async () => {
  reset((_req, res) => res.end('ok'));
  await post(`http://127.0.0.1:${port}/`);
  await post(`http://127.0.0.1:${port}/`);
  assert.equal(connections, 2);
});

test('reuses the connections of a keep-alive agent it is given', async () => {
  reset((_req, res) => res.end('ok'));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await post(`http://hooks.customer.test:${port}/`, { agents: { http: agent } });
  await post(`http://hooks.customer.test:${port}/`, { agents: { http: agent } });
  agent.destroy();
  assert.equal(seen.length, 2);
  assert.equal(connections, 1);
});

test('with private networks not allowed, blocks a loopback URL without connecting', async () => {
  reset((_req, res) => res.end('ok'));
  const result = await post(`http://127.0.0.1:${port}/`, { guard: closedGuard });
  assert.equal(result.status, null);
  assert.equal(result.error, 'blocked');
  assert.equal(result.guardCode, 'URL_ADDRESS_BLOCKED');
  assert.equal(result.errorDetail, 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122)');
  assert.equal(connections, 0);
});

test('with private networks not allowed, blocks a name that resolves to loopback without connecting', async () => {
  reset((_req, res) => res.end('ok'));
  const result = await post(`http://hooks.customer.test:${port}/`, { guard: closedGuard });
  assert.equal(result.error, 'blocked');
  assert.equal(connections, 0);
});

test('reports a name that does not resolve as a dns error', async () => {
  const result = await post(`http://nowhere.customer.test:${port}/`);
  assert.equal(result.error, 'dns');
  assert.equal(result.guardCode, 'URL_HOST_UNRESOLVED');
});

test('returns a redirect as it is, without following it', async () => {
  reset((req, res) => {
    if (req.url === '/moved') { res.writeHead(301, { location: '/elsewhere' }); res.end(); } else res.end('should not be reached');
  });
  const result = await post(`http://127.0.0.1:${port}/moved`);
  assert.equal(result.status, 301);
  assert.equal(result.headers.location, '/elsewhere');
  assert.deepEqual(seen.map((s) => s.url), ['/moved']);
});

test('gives up at the deadline when no response arrives', async () => {
  reset(() => { /* never answers */ });
  const started = Date.now();
  const result = await post(`http://127.0.0.1:${port}/slow`, { timeoutMs: 150 });
  assert.equal(result.status, null);
  assert.equal(result.error, 'timeout');
  assert.ok(Date.now() - started < 2000);
  assert.ok(result.latencyMs >= 140, String(result.latencyMs));
});

test('gives up at the deadline when the resolver hangs', async () => {
  const hanging = createUrlGuard({ allowPrivateNetworks: true, resolve: () => new Promise(() => {}) });
  const result = await post(`http://hooks.customer.test:${port}/`, { guard: hanging, timeoutMs: 100 });
  assert.equal(result.error, 'timeout');
});

test('keeps the status that arrived before the deadline and marks the body truncated', async () => {
  reset((_req, res) => { res.writeHead(200); res.write('partial'); });
  const result = await post(`http://127.0.0.1:${port}/`, { timeoutMs: 200 });
  assert.equal(result.status, 200);
  assert.equal(result.error, undefined);
  assert.equal(result.bodyExcerpt, 'partial');
  assert.equal(result.bodyTruncated, true);
});

test('reads no more than maxResponseBytes of an endless response and closes the connection', async () => {
  let serverSocketClosed!: Promise<unknown>;
  reset((req, res) => {
    serverSocketClosed = new Promise((resolve) => req.socket.on('close', resolve));
    res.writeHead(500);
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const pump = () => { while (res.write(chunk)); };
    res.on('drain', pump);
    pump();
  });
  const result = await post(`http://127.0.0.1:${port}/`, { maxResponseBytes: 100, timeoutMs: 5000 });
  assert.equal(result.status, 500);
  assert.equal(result.bodyExcerpt, 'x'.repeat(100));
  assert.equal(result.bodyTruncated, true);
  assert.equal(result.error, undefined);
  await serverSocketClosed;
});

test('reads a body exactly as long as the cap without calling it truncated', async () => {
  reset((_req, res) => res.end('y'.repeat(64)));
  const result = await post(`http://127.0.0.1:${port}/`, { maxResponseBytes: 64 });
  assert.equal(result.bodyExcerpt, 'y'.repeat(64));
  assert.equal(result.bodyTruncated, false);
});

test('returns Retry-After in seconds from a 429', async () => {
  reset((_req, res) => { res.writeHead(429, { 'retry-after': '120' }); res.end(); });
  const result = await post(`http://127.0.0.1:${port}/`);
  assert.equal(result.status, 429);
  assert.equal(result.retryAfterSeconds, 120);
});

test('returns Retry-After given as an HTTP-date as seconds from now', async () => {
  reset((_req, res) => { res.writeHead(503, { 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' }); res.end(); });
  const result = await post(`http://127.0.0.1:${port}/`, { now: () => Date.parse('2026-10-21T07:28:00Z') });
  assert.equal(result.retryAfterSeconds, 30);
});

test('reports a refused connection as a connect error', async () => {
  const spare = createServer();
  spare.listen(0, '127.0.0.1');
  await once(spare, 'listening');
  const closedPort = (spare.address() as AddressInfo).port;
  spare.close();
  await once(spare, 'close');
  const result = await post(`http://127.0.0.1:${closedPort}/`);
  assert.equal(result.status, null);
  assert.equal(result.error, 'connect');
  assert.match(result.errorDetail ?? '', /^ECONNREFUSED/);
});

test('sends the original name as TLS SNI while connecting to the checked address', async () => {
  // A bare TCP listener reads the ClientHello and hangs up: enough to see the server_name sent.
  let sni: string | undefined;
  const tcp = createTcpServer((socket) => {
    socket.once('data', (hello: Buffer) => { sni = serverName(hello); socket.destroy(); });
  });
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  const tlsPort = (tcp.address() as AddressInfo).port;
  const result = await post(`https://hooks.customer.test:${tlsPort}/`);
  tcp.close();
  assert.equal(sni, 'hooks.customer.test');
  assert.equal(result.status, null);
  assert.equal(result.error, 'tls');
});

/** The server_name of a TLS ClientHello (RFC 8446 §4.1.2, RFC 6066 §3). */
function serverName(record: Buffer): string | undefined {
  let at = 5 + 4 + 2 + 32; // record header, handshake header, legacy_version, random
  at += 1 + record[at]!; // session id
  at += 2 + record.readUInt16BE(at); // cipher suites
  at += 1 + record[at]!; // compression methods
  const end = at + 2 + record.readUInt16BE(at);
  for (at += 2; at + 4 <= end;) {
    const type = record.readUInt16BE(at);
    const length = record.readUInt16BE(at + 2);
    if (type === 0) return record.subarray(at + 4 + 5, at + 4 + length).toString('ascii'); // list length, name type, name length
    at += 4 + length;
  }
  return undefined;
}

const NOW = Date.parse('2026-05-30T10:00:00Z');
const RETRY_AFTER: ReadonlyArray<readonly [string | undefined, number | undefined, string]> = [
  ['120', 120, 'delay-seconds'],
  ['0', 0, 'zero seconds'],
  [' 30 ', 30, 'seconds with surrounding spaces'],
  ['Sat, 30 May 2026 10:01:00 GMT', 60, 'an IMF-fixdate'],
  ['Saturday, 30-May-26 10:00:10 GMT', 10, 'an obsolete RFC 850 date'],
  ['Sat May 30 10:00:05 2026', 5, 'an obsolete asctime date, read as GMT'],
  ['Fri, 29 May 2026 10:00:00 GMT', 0, 'a date in the past'],
  ['Sat, 30 May 2026 10:00:00 GMT', 0, 'the present instant'],
  ['soon', undefined, 'text that is neither'],
  ['-5', undefined, 'a negative number'],
  ['1.5', undefined, 'a fraction'],
  [undefined, undefined, 'no header'],
];

for (const [value, expected, what] of RETRY_AFTER) {
  test(`reads Retry-After given as ${what}`, () => {
    assert.equal(parseRetryAfter(value, NOW), expected);
  });
}
