// WebhookSender against a real node:http server on loopback (the guard allows private networks,
// except where the test is that it does not): the guard on every send and its cache, connections
// pinned to the checked addresses, keep-alive reuse, no redirects, the deadline, the response cap.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { WebhookSender, type WebhookSenderOptions } from '../../../src/channels/webhooks/webhook-sender.ts';
import { createUrlGuard, type Resolve, type UrlGuard } from '../../../src/services/url-guard.ts';

interface Seen { url: string; body: string; headers: IncomingMessage['headers']; rawHeaders: string[]; clientPort: number | undefined }

const seen: Seen[] = [];
let connections = 0;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ url: req.url!, body: Buffer.concat(chunks).toString(), headers: req.headers, rawHeaders: req.rawHeaders, clientPort: req.socket.remotePort });
    handler(req, res);
  });
});
const openSockets = new Set<Socket>();
server.on('connection', (socket: Socket) => {
  connections++;
  openSockets.add(socket);
  socket.on('close', () => openSockets.delete(socket));
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as AddressInfo).port;

const senders: WebhookSender[] = [];
after(async () => {
  await Promise.all(senders.map((s) => s.close()));
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

/** A resolver that gives each call the next answer (the last one repeats), counting calls. */
function changingDns(...answers: string[]): Resolve & { calls: number } {
  const resolve = Object.assign(async () => {
    const address = answers[Math.min(resolve.calls++, answers.length - 1)]!;
    return [{ address, family: 4 }];
  }, { calls: 0 });
  return resolve;
}

function sender(options: Partial<WebhookSenderOptions> = {}): WebhookSender {
  const created = new WebhookSender({ guard: openGuard, ...options });
  senders.push(created);
  return created;
}

const signed = { 'webhook-id': 'evt_1', 'webhook-timestamp': '1780000000', 'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' };
const body = '{"type":"message.delivered","data":{"id":"msg_1"}}';

test('posts the body and headers and returns the status, body and connected address', async () => {
  reset((_req, res) => { res.statusCode = 200; res.end('received'); });
  const result = await sender().send(`http://127.0.0.1:${port}/hooks?tenant=1`, signed, body);
  assert.equal(result.status, 200);
  assert.equal(result.bodyExcerpt, 'received');
  assert.equal(result.bodyTruncated, false);
  assert.equal(result.address, '127.0.0.1');
  assert.equal(result.error, undefined);
  assert.ok(result.latencyMs > 0);
  assert.equal(seen[0]!.url, '/hooks?tenant=1');
  assert.equal(seen[0]!.body, body);
});

test('sends the signature headers exactly, adds user-agent and content-type, and drops the reserved ones', async () => {
  reset((_req, res) => res.end('ok'));
  const reserved = { Host: 'internal.admin', 'Content-Length': '1', Connection: 'close', 'Transfer-Encoding': 'chunked', Expect: '100-continue' };
  await sender().send(`http://hooks.customer.test:${port}/`, { ...signed, ...reserved }, body);
  const { headers, rawHeaders } = seen[0]!;
  assert.equal(headers['webhook-id'], signed['webhook-id']);
  assert.equal(headers['webhook-timestamp'], signed['webhook-timestamp']);
  assert.equal(headers['webhook-signature'], signed['webhook-signature']);
  assert.equal(headers['content-type'], 'application/json');
  assert.equal(headers['user-agent'], 'Dakiya-Webhooks/1');
  assert.equal(headers.host, `hooks.customer.test:${port}`);
  assert.equal(headers['content-length'], String(Buffer.byteLength(body)));
  assert.equal(headers['transfer-encoding'], undefined);
  assert.equal(headers.expect, undefined);
  assert.equal(headers.connection, 'keep-alive');
  assert.equal(rawHeaders.filter((_, i) => i % 2 === 0 && rawHeaders[i]!.toLowerCase() === 'host').length, 1);
});

test("keeps the caller's own content-type and user-agent instead of the defaults", async () => {
  reset((_req, res) => res.end('ok'));
  await sender({ userAgent: 'Ignored/0' }).send(`http://127.0.0.1:${port}/`, { 'Content-Type': 'application/cloudevents+json', 'User-Agent': 'Custom/2' }, body);
  const { rawHeaders } = seen[0]!;
  const names = rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  assert.equal(names.filter((n) => n === 'content-type').length, 1);
  assert.equal(names.filter((n) => n === 'user-agent').length, 1);
  assert.equal(seen[0]!.headers['content-type'], 'application/cloudevents+json');
  assert.equal(seen[0]!.headers['user-agent'], 'Custom/2');
});

test('sends a Uint8Array body byte for byte', async () => {
  reset((_req, res) => res.end('ok'));
  const bytes = new TextEncoder().encode('{"text":"नमस्ते"}');
  await sender().send(`http://127.0.0.1:${port}/`, signed, bytes);
  assert.equal(seen[0]!.body, '{"text":"नमस्ते"}');
});

test('reads no more than maxResponseBytes of a long answer, marks it truncated and closes that connection', async () => {
  let serverSocketClosed!: Promise<unknown>;
  reset((req, res) => {
    serverSocketClosed = new Promise((resolve) => req.socket.on('close', resolve));
    res.writeHead(200);
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const pump = () => { while (res.write(chunk)); };
    res.on('drain', pump);
    pump();
  });
  const webhooks = sender();
  const result = await webhooks.send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.status, 200);
  assert.equal(result.bodyExcerpt, 'x'.repeat(4096));
  assert.equal(result.bodyTruncated, true);
  assert.equal(result.error, undefined);
  await serverSocketClosed;
  // The pool is not left holding the half-read connection: the next send goes over another one.
  handler = (_req, res) => res.end('next');
  const next = await webhooks.send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(next.bodyExcerpt, 'next');
  assert.notEqual(seen[1]!.clientPort, seen[0]!.clientPort);
});

test('reads a body exactly as long as the cap without calling it truncated', async () => {
  reset((_req, res) => res.end('y'.repeat(64)));
  const result = await sender({ maxResponseBytes: 64 }).send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.bodyExcerpt, 'y'.repeat(64));
  assert.equal(result.bodyTruncated, false);
});

test('returns a redirect as it is, without following it', async () => {
  reset((req, res) => {
    if (req.url === '/moved') { res.writeHead(301, { location: '/elsewhere' }); res.end(); } else res.end('should not be reached');
  });
  const result = await sender().send(`http://127.0.0.1:${port}/moved`, signed, body);
  assert.equal(result.status, 301);
  assert.equal(result.headers.location, '/elsewhere');
  assert.deepEqual(seen.map((s) => s.url), ['/moved']);
});

test('returns 410 Gone as a status, not an error', async () => {
  reset((_req, res) => { res.writeHead(410); res.end('endpoint removed'); });
  const result = await sender().send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.status, 410);
  assert.equal(result.bodyExcerpt, 'endpoint removed');
  assert.equal(result.error, undefined);
});

test('returns Retry-After in seconds from a 429', async () => {
  reset((_req, res) => { res.writeHead(429, { 'retry-after': '120' }); res.end(); });
  const result = await sender().send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.status, 429);
  assert.equal(result.retryAfterSeconds, 120);
});

test('returns Retry-After given as an HTTP-date as seconds from now', async () => {
  reset((_req, res) => { res.writeHead(429, { 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' }); res.end(); });
  const result = await sender({ now: () => Date.parse('2026-10-21T07:28:00Z') }).send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.retryAfterSeconds, 30);
});

test('gives up at the deadline when no response arrives', async () => {
  reset(() => { /* never answers */ });
  const started = Date.now();
  const result = await sender({ timeoutMs: 150 }).send(`http://127.0.0.1:${port}/slow`, signed, body);
  assert.equal(result.status, null);
  assert.equal(result.error, 'timeout');
  assert.match(result.errorDetail ?? '', /no response within 150 ms/);
  assert.ok(Date.now() - started < 2000);
  assert.ok(result.latencyMs >= 140, String(result.latencyMs));
});

test('gives up at the deadline when the resolver hangs', async () => {
  const hanging = createUrlGuard({ allowPrivateNetworks: true, resolve: () => new Promise(() => {}) });
  const result = await sender({ guard: hanging, timeoutMs: 100 }).send(`http://hooks.customer.test:${port}/`, signed, body);
  assert.equal(result.error, 'timeout');
  assert.match(result.errorDetail ?? '', /not resolved within 100 ms/);
});

test('keeps the status when the body stalls after the headers and marks the body truncated', async () => {
  reset((_req, res) => { res.writeHead(200, { 'content-length': '100' }); res.write('partial'); });
  const result = await sender({ timeoutMs: 200 }).send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.status, 200);
  assert.equal(result.error, undefined);
  assert.equal(result.bodyExcerpt, 'partial');
  assert.equal(result.bodyTruncated, true);
  assert.ok(result.latencyMs >= 190, String(result.latencyMs));
});

test('reports a refused connection as a connect error', async () => {
  const spare = createServer();
  spare.listen(0, '127.0.0.1');
  await once(spare, 'listening');
  const closedPort = (spare.address() as AddressInfo).port;
  spare.close();
  await once(spare, 'close');
  const result = await sender().send(`http://127.0.0.1:${closedPort}/`, signed, body);
  assert.equal(result.status, null);
  assert.equal(result.error, 'connect');
  assert.match(result.errorDetail ?? '', /^ECONNREFUSED/);
});

test('reports a peer that hangs up without answering as a reset', async () => {
  reset((req) => req.socket.destroy());
  const result = await sender().send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.status, null);
  assert.equal(result.error, 'reset');
});

test('with private networks not allowed, blocks a loopback URL without connecting', async () => {
  reset((_req, res) => res.end('ok'));
  const result = await sender({ guard: closedGuard }).send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.status, null);
  assert.equal(result.error, 'blocked');
  assert.equal(result.guardCode, 'URL_ADDRESS_BLOCKED');
  assert.equal(result.errorDetail, 'loopback address 127.0.0.1 (127.0.0.0/8, RFC 1122)');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(connections, 0);
});

test('with private networks not allowed, blocks a name that resolves to loopback without connecting', async () => {
  reset((_req, res) => res.end('ok'));
  const result = await sender({ guard: closedGuard }).send(`http://hooks.customer.test:${port}/`, signed, body);
  assert.equal(result.error, 'blocked');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(connections, 0);
});

test('reports a name that does not resolve as a dns error', async () => {
  const result = await sender().send(`http://nowhere.customer.test:${port}/`, signed, body);
  assert.equal(result.error, 'dns');
  assert.equal(result.guardCode, 'URL_HOST_UNRESOLVED');
});

test('connects a name only the injected resolver knows to the checked address, keeping the name in Host', async () => {
  // Had the system resolver been asked, hooks.customer.test would not resolve.
  reset((_req, res) => res.end('ok'));
  const result = await sender().send(`http://hooks.customer.test:${port}/hook`, signed, body);
  assert.equal(result.status, 200);
  assert.equal(result.address, '127.0.0.1');
  assert.equal(seen[0]!.headers.host, `hooks.customer.test:${port}`);
});

test('opens new connections to the address of the latest check when the answer changes (DNS rebinding)', async () => {
  // The server listens on 127.0.0.1 only and closes each connection, so the second send needs a
  // new one: it must go to 127.0.0.2, the address the guard checked, where nothing listens.
  reset((_req, res) => { res.setHeader('connection', 'close'); res.end('ok'); });
  const resolve = changingDns('127.0.0.1', '127.0.0.2');
  const webhooks = sender({ guard: createUrlGuard({ allowPrivateNetworks: true, resolve }), dnsCacheMs: 0 });
  const first = await webhooks.send(`http://hooks.customer.test:${port}/`, signed, body);
  const second = await webhooks.send(`http://hooks.customer.test:${port}/`, signed, body);
  assert.equal(first.status, 200);
  assert.equal(first.address, '127.0.0.1');
  assert.equal(second.status, null);
  assert.equal(second.error, 'connect');
  assert.match(second.errorDetail ?? '', /ECONNREFUSED.*127\.0\.0\.2/);
  assert.equal(resolve.calls, 2);
  assert.equal(seen.length, 1);
});

test('refuses a send, pooled connection or not, once the name resolves to a blocked address', async () => {
  // First answer loopback, allowed; then a private address under a policy that blocks it. The
  // keep-alive connection from the first send is still open, and must not carry the second.
  reset((_req, res) => res.end('ok'));
  const resolve = changingDns('127.0.0.1', '10.1.2.3');
  const open = createUrlGuard({ allowPrivateNetworks: true, resolve });
  const closed = createUrlGuard({ allowPrivateNetworks: false, resolve });
  let checks = 0;
  const flipping: UrlGuard = { checkUrl: (url) => (checks++ === 0 ? open : closed).checkUrl(url) };
  const webhooks = sender({ guard: flipping, dnsCacheMs: 0 });
  const first = await webhooks.send(`http://hooks.customer.test:${port}/`, signed, body);
  const second = await webhooks.send(`http://hooks.customer.test:${port}/`, signed, body);
  assert.equal(first.status, 200);
  assert.equal(second.error, 'blocked');
  assert.equal(second.guardCode, 'URL_ADDRESS_BLOCKED');
  assert.match(second.errorDetail ?? '', /10\.1\.2\.3/);
  assert.equal(seen.length, 1);
  assert.equal(connections, 1);
});

test('carries many sequential sends over two keep-alive connections at most', async () => {
  // Not one: undici hands a connection back to its pool a turn of the event loop after the answer
  // (to see a close the server sent right behind it), so an immediate next send opens a second.
  reset((_req, res) => res.end('ok'));
  const webhooks = sender();
  for (let i = 0; i < 50; i++) await webhooks.send(`http://hooks.customer.test:${port}/`, signed, body);
  assert.equal(seen.length, 50);
  assert.ok(connections <= 2, String(connections));
});

test('keeps to connectionsPerOrigin however many sends are in flight', async () => {
  reset((_req, res) => setTimeout(() => res.end('ok'), 5));
  const webhooks = sender({ connectionsPerOrigin: 3 });
  const results = await Promise.all(Array.from({ length: 30 }, () => webhooks.send(`http://127.0.0.1:${port}/`, signed, body)));
  assert.ok(results.every((r) => r.status === 200));
  assert.ok(connections <= 3, String(connections));
});

test('resolves a host once for all sends within dnsCacheMs, concurrent ones included', async () => {
  reset((_req, res) => res.end('ok'));
  const resolve = changingDns('127.0.0.1');
  const webhooks = sender({ guard: createUrlGuard({ allowPrivateNetworks: true, resolve }), dnsCacheMs: 60_000 });
  await Promise.all(Array.from({ length: 10 }, () => webhooks.send(`http://hooks.customer.test:${port}/a`, signed, body)));
  await webhooks.send(`http://hooks.customer.test:${port}/b?x=1`, signed, body);
  assert.equal(resolve.calls, 1);
  assert.equal(seen.at(-1)!.url, '/b?x=1');
});

test('resolves again once dnsCacheMs has passed, and on every send with dnsCacheMs 0', async () => {
  reset((_req, res) => res.end('ok'));
  const cached = changingDns('127.0.0.1');
  const shortCache = sender({ guard: createUrlGuard({ allowPrivateNetworks: true, resolve: cached }), dnsCacheMs: 30 });
  await shortCache.send(`http://hooks.customer.test:${port}/`, signed, body);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await shortCache.send(`http://hooks.customer.test:${port}/`, signed, body);
  assert.equal(cached.calls, 2);
  const uncached = changingDns('127.0.0.1');
  const noCache = sender({ guard: createUrlGuard({ allowPrivateNetworks: true, resolve: uncached }), dnsCacheMs: 0 });
  for (let i = 0; i < 3; i++) await noCache.send(`http://hooks.customer.test:${port}/`, signed, body);
  assert.equal(uncached.calls, 3);
});

test('refuses a URL with user info although the same host and port was allowed a moment before', async () => {
  reset((_req, res) => res.end('ok'));
  const webhooks = sender({ dnsCacheMs: 60_000 });
  assert.equal((await webhooks.send(`http://hooks.customer.test:${port}/`, signed, body)).status, 200);
  const result = await webhooks.send(`http://user:secret@hooks.customer.test:${port}/`, signed, body);
  assert.equal(result.error, 'blocked');
  assert.equal(result.guardCode, 'URL_USERINFO_NOT_ALLOWED');
  assert.equal(seen.length, 1);
});

test('reports a URL that does not parse as blocked, with the guard\'s reason', async () => {
  const result = await sender().send('not a url', signed, body);
  assert.equal(result.error, 'blocked');
  assert.equal(result.guardCode, 'URL_INVALID');
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
  const result = await sender().send(`https://hooks.customer.test:${tlsPort}/`, signed, body);
  tcp.close();
  assert.equal(sni, 'hooks.customer.test');
  assert.equal(result.status, null);
  assert.equal(result.error, 'tls');
});

test('answers a send after close with an error instead of throwing', async () => {
  const webhooks = sender();
  await webhooks.close();
  const result = await webhooks.send(`http://127.0.0.1:${port}/`, signed, body);
  assert.equal(result.status, null);
  assert.equal(result.error, 'network');
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
