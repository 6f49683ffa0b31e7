// GET /v1/batches/:id/report over a real connection (inject() would buffer the whole body): a
// 50,000-message batch arrives whole, once per message and in id order, the server reads the store
// only as fast as the client reads, and a store failure mid-stream breaks the download visibly.
//
// Downloads go over TCP. The backpressure tests go over a Unix socket into the same HTTP server:
// loopback TCP autotunes its kernel buffers to several MB (about 4 MB on a Linux box here, 20 of
// the report's 50 pages), which would hide the server's pacing behind the kernel's; a Unix socket
// buffers about 200 KB, so what the server reads while the client pauses shows plainly.
import assert from 'node:assert/strict';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, afterEach, before, test } from 'node:test';
import type { Message } from '../../src/domain/message.ts';
import { reportColumns } from '../../src/services/report-rows.ts';
import { type MessageQuery, StoreUnavailableError } from '../../src/store/store.ts';
import { csvRecords } from '../fixtures/csv-records.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

const total = 50_000;
const pages = total / 1000;
let t: TestGateway;
let port: number;
let unixPath: string;
let unixServer: Server;
let batchId: string;
/** The batch's ids in id order, read from the store before any test. */
let ids: string[];
let recipients: Set<string>;

before(async () => {
  t = await startTestGateway({ credits: { transactional: total } });
  await t.gateway.http.listen({ host: '127.0.0.1', port: 0 });
  port = (t.gateway.http.server.address() as AddressInfo).port;
  unixPath = join(t.dataDir, 'http.sock');
  unixServer = createServer((socket) => t.gateway.http.server.emit('connection', socket));
  await new Promise<void>((resolve) => unixServer.listen(unixPath, resolve));
  const numbers = Array.from({ length: total }, (_, i) => `91${9_000_000_000 + i}`);
  recipients = new Set(numbers);
  // Scheduled a day ahead, so the dispatcher leaves the 50,000 messages alone during the tests.
  const res = await t.request('POST', '/v1/sms/bulk', {
    recipients: numbers.map((to) => ({ to })), sender: 'DAKIYA', template_id: 'T-PLAIN-1', category: 'transactional', message: 'Hello',
    schedule_at: new Date(Date.now() + 86_400_000).toISOString(),
  });
  assert.equal(res.status, 202, res.raw.slice(0, 500));
  assert.equal(res.body.accepted_recipients, total);
  batchId = res.body.batch_id;
  ids = [];
  for (let page: Message[]; (page = await t.gateway.core.store.listMessages({ accountId: t.account.id, batchId, limit: 1000, ...(ids.length > 0 && { after: ids.at(-1)! }) })).length > 0;) {
    ids.push(...page.map((m) => m.id));
  }
  assert.equal(ids.length, total);
  spyOnReads();
});
after(async () => {
  await new Promise((resolve) => unixServer.close(resolve));
  await t.stop();
});

/** Every listMessages call the server makes while a test runs, with what it asked and got. */
const reads: Array<{ query: MessageQuery; rows: number }> = [];
let failOnRead: number | undefined;
function spyOnReads(): void {
  const store = t.gateway.core.store;
  const listMessages = store.listMessages.bind(store);
  store.listMessages = async (query) => {
    if (reads.length + 1 === failOnRead) {
      reads.push({ query, rows: 0 });
      throw new StoreUnavailableError('connection terminated');
    }
    const rows = await listMessages(query);
    reads.push({ query, rows: rows.length });
    return rows;
  };
}
afterEach(() => {
  reads.length = 0;
  failOnRead = undefined;
});

function get(path: string, via: 'tcp' | 'unix' = 'tcp'): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const to = via === 'tcp' ? { host: '127.0.0.1', port } : { socketPath: unixPath };
    httpRequest({ ...to, path, agent: false, headers: { authorization: `Bearer ${t.account.apiKey}` } }, resolve)
      .on('error', reject)
      .end();
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let body = '';
  for await (const chunk of res) body += chunk;
  return body;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('streams all 50,000 messages of a batch as CSV, each once and in id order', async () => {
  const res = await get(`/v1/batches/${batchId}/report`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(res.headers['transfer-encoding'], 'chunked');
  const [header, ...rows] = csvRecords(await readAll(res));
  assert.deepEqual(header, [...reportColumns]);
  assert.deepEqual(rows.map((r) => r[0]), ids);
  assert.deepEqual(new Set(rows.map((r) => r[1])), recipients);
  assert.ok(rows.every((r) => r.length === reportColumns.length && r[3] === 'SCHEDULED'));
});

test('streams all 50,000 messages of a batch as NDJSON, each once and in id order', async () => {
  const res = await get(`/v1/batches/${batchId}/report?format=ndjson`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/x-ndjson');
  const body = await readAll(res);
  assert.ok(body.endsWith('\n'));
  const rows = body.slice(0, -1).split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(rows.map((r) => r.id), ids);
  assert.deepEqual(new Set(rows.map((r) => r.to)), recipients);
  assert.deepEqual(Object.keys(rows[0]), [...reportColumns]);
});

test('reads the batch from the store in pages of at most 1,000, each after the last id of the one before', async () => {
  await readAll(await get(`/v1/batches/${batchId}/report`));
  // 50 full pages, then the empty one that says the batch is over.
  assert.equal(reads.length, pages + 1);
  assert.ok(reads.every((r) => r.query.limit === 1000 && r.query.batchId === batchId && r.query.accountId === t.account.id));
  assert.deepEqual(reads.map((r) => r.query.after), [undefined, ...Array.from({ length: pages }, (_, i) => ids[(i + 1) * 1000 - 1])]);
});

/** The number of store reads once none has come for half a second (the server fills the socket buffers first). */
async function readsOnceQuiet(): Promise<number> {
  const deadline = Date.now() + 10_000;
  let count = reads.length;
  for (let quietMs = 0; quietMs < 500; quietMs += 50) {
    await sleep(50);
    if (reads.length !== count) {
      count = reads.length;
      quietMs = -50;
    }
    if (Date.now() > deadline) assert.fail(`the server was still reading the store after 10 s (${count} pages)`);
  }
  return count;
}

/** The first chunk of a response, leaving the response paused (no data is dropped). */
function firstChunk(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  res.pause();
  return new Promise((resolve) => res.once('readable', () => resolve(res.read() as string)));
}

test('stops reading the store while the client pauses, holding a few pages in memory at most', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const baseline = process.memoryUsage().heapUsed;

  const res = await get(`/v1/batches/${batchId}/report`, 'unix');
  try {
    let body = await firstChunk(res);
    const readPaused = await readsOnceQuiet();
    await sleep(500);
    const readLate = reads.length;
    gc();
    const heapWhilePaused = process.memoryUsage().heapUsed - baseline;

    assert.equal(readLate, readPaused, 'the server kept reading the store while the client was not reading');
    // One page read before the status line, the pages that fill about 200 KB of socket buffers,
    // and the one waiting for 'drain': 3 or 4 here, of 51.
    assert.ok(readLate <= 6, `${readLate} of ${pages + 1} pages read while the client paused`);
    // Holding the batch as Message objects would take tens of MB.
    assert.ok(heapWhilePaused < 16 * 2 ** 20, `heap grew by ${(heapWhilePaused / 2 ** 20).toFixed(1)} MB while paused`);

    res.setEncoding('utf8');
    for await (const chunk of res) body += chunk;
    assert.equal(csvRecords(body).length, total + 1);
    assert.equal(reads.length, pages + 1);
  } finally {
    res.destroy();
  }
});

test('stops reading the store when the client goes away', async () => {
  const res = await get(`/v1/batches/${batchId}/report`, 'unix');
  await firstChunk(res);
  res.destroy();
  const readThen = await readsOnceQuiet();
  await sleep(500);
  assert.equal(reads.length, readThen);
  assert.ok(readThen <= 6, `${readThen} pages read for a client that left after the first chunk`);
});

test('breaks the connection instead of ending the body when the store fails mid-stream', async () => {
  failOnRead = 3;
  const res = await get(`/v1/batches/${batchId}/report?format=ndjson`);
  assert.equal(res.statusCode, 200);
  let received = '';
  res.setEncoding('utf8');
  const error = await new Promise<Error | undefined>((resolve) => {
    res.on('data', (chunk: string) => { received += chunk; });
    res.on('end', () => resolve(undefined));
    res.on('error', resolve);
  });
  assert.ok(error, 'the download ended as if complete');
  const lines = received.split('\n');
  // Whatever had reached the socket before it was destroyed: at most the two pages read.
  assert.ok(lines.length - 1 <= 2000);
  assert.deepEqual(lines.slice(0, -1).map((line) => JSON.parse(line).id), ids.slice(0, lines.length - 1));
  assert.equal(reads.length, 3);
});
