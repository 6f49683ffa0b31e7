// A webhook receiver for benches, run in its own process so it never shares an event loop with the
// gateway or the load generator. It answers every POST with 204 at once and only counts: requests,
// unique webhook-ids (retries and duplicates show as the difference), and delivery latency, i.e.
// arrival wall-clock ms minus the body's `timestamp` (ISO-8601, when the event happened). With
// `verifySecret` it also checks X-Dakiya-Signature on each request, so a bench shows that signing
// really happened under load (docs/reference/webhook-security.md §1.4).
//
//   const receiver = await startWebhookReceiverProcess({ port: 0, verifySecret });
//   ... point an endpoint at receiver.url, run the load ...
//   const { count, uniqueIds, latency } = await receiver.stats();
//   await receiver.close();
//
// The parent talks to the child over the IPC channel of child_process.fork, so the HTTP server
// serves nothing but webhooks. `node bench/lib/webhook-receiver.mjs --self-test` sends 1000 POSTs.
import { fork } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const thisFile = fileURLToPath(import.meta.url);

/**
 * @param {{ port?: number, host?: string, verifySecret?: string, latencyEvents?: string[] }} [options]
 * `latencyEvents`: sample latency only for these `event` types (all when absent).
 * @returns {Promise<{ url: string, pid: number, stats(): Promise<ReceiverStats>, reset(): Promise<void>, close(): Promise<void> }>}
 */
export async function startWebhookReceiverProcess({ port = 0, host = '127.0.0.1', verifySecret, latencyEvents } = {}) {
  const child = fork(thisFile, ['--child'], {
    // execArgv: [] so a profiled or tsx-loaded parent does not make the receiver one too. The
    // secret goes through the environment, not argv, so it stays out of `ps`.
    execArgv: [],
    env: { ...process.env, BENCH_WEBHOOK_RECEIVER: JSON.stringify({ port, host, verifySecret, latencyEvents }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.once('exit', kill);

  // One request/response at a time per sequence number over IPC.
  let seq = 0;
  const pending = new Map();
  child.on('message', (m) => { pending.get(m.seq)?.(m); pending.delete(m.seq); });
  const call = (type) => new Promise((resolve, reject) => {
    const id = ++seq;
    const timer = setTimeout(() => { pending.delete(id); reject(new Error(`webhook receiver: no answer to ${type} in 10 s`)); }, 10_000);
    pending.set(id, (m) => { clearTimeout(timer); resolve(m.value); });
    child.send({ seq: id, type });
  });

  const ready = await Promise.race([
    new Promise((resolve) => pending.set(0, resolve)), // the child's first message, seq 0: { port }
    new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`webhook receiver exited (${code}) before listening`)))),
    new Promise((_, reject) => setTimeout(() => reject(new Error('webhook receiver did not start in 10 s')), 10_000).unref()),
  ]).catch((error) => { kill(); throw error; });

  return {
    url: `http://${host}:${ready.value.port}`,
    pid: child.pid,
    stats: () => call('stats'),
    reset: () => call('reset'),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ seq: ++seq, type: 'close' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      kill();
      process.removeListener('exit', kill);
    },
  };
}

/**
 * @typedef {{ count: number, uniqueIds: number, duplicates: number,
 *   latency: { p50: number, p90: number, p99: number, max: number, samples: number },
 *   firstAt: number, lastAt: number, perSecond: number,
 *   missingTimestamp: number, signatureFailures: number | null }} ReceiverStats
 */

// ---- the child: the server itself ----------------------------------------------------------------

function runReceiver({ port, host, verifySecret, latencyEvents }) {
  let count, ids, latencies, samples, firstAt, lastAt, missingTimestamp, signatureFailures;
  const reset = () => {
    count = 0;
    ids = new Set();
    // A Float64Array, doubled when full: millions of samples cost 8 bytes each and no GC pressure.
    latencies = new Float64Array(1 << 16);
    samples = 0;
    firstAt = 0;
    lastAt = 0;
    missingTimestamp = 0;
    signatureFailures = 0;
  };
  reset();

  const record = (at, body, headers) => {
    count++;
    if (firstAt === 0) firstAt = at;
    lastAt = at;
    ids.add(headers['webhook-id'] ?? '');
    if (verifySecret !== undefined && !simpleSignatureOk(verifySecret, body, headers['x-dakiya-signature'])) signatureFailures++;
    let happened = Number.NaN;
    try {
      const event = JSON.parse(body.toString('utf8'));
      if (latencyEvents && !latencyEvents.includes(event.event)) return;
      happened = Date.parse(event.timestamp);
    } catch { /* not JSON: no latency */ }
    if (Number.isNaN(happened)) { missingTimestamp++; return; }
    if (samples === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[samples++] = at - happened;
  };

  const server = createServer((req, res) => {
    if (req.method !== 'POST') { res.writeHead(405).end(); req.resume(); return; }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      // Answer first: the bench measures the gateway, not how fast we count.
      res.writeHead(204).end();
      record(at, Buffer.concat(chunks), req.headers);
    });
  });

  const stats = () => {
    const sorted = latencies.slice(0, samples).sort(); // typed arrays sort numerically
    const pick = (p) => (samples === 0 ? 0 : sorted[Math.min(samples - 1, Math.max(0, Math.ceil((p / 100) * samples) - 1))]);
    const spanMs = lastAt - firstAt;
    return {
      count, uniqueIds: ids.size, duplicates: count - ids.size,
      latency: { p50: pick(50), p90: pick(90), p99: pick(99), max: samples === 0 ? 0 : sorted[samples - 1], samples },
      firstAt, lastAt,
      // Arrivals per second between the first and the last request (n requests span n - 1 gaps).
      perSecond: spanMs > 0 ? ((count - 1) * 1000) / spanMs : 0,
      missingTimestamp,
      signatureFailures: verifySecret === undefined ? null : signatureFailures,
    };
  };

  process.on('message', (m) => {
    if (m.type === 'stats') process.send({ seq: m.seq, value: stats() });
    else if (m.type === 'reset') { reset(); process.send({ seq: m.seq }); }
    else if (m.type === 'close') { server.close(() => process.exit(0)); server.closeAllConnections(); }
  });
  // The parent died without close(): do not linger as an orphan.
  process.on('disconnect', () => process.exit(0));

  server.listen(port, host, () => process.send({ seq: 0, value: { port: server.address().port } }));
}

/** docs/reference/webhook-security.md §1.4: sha256=<hex HMAC-SHA256(secret text as UTF-8, raw body)>. */
function simpleSignatureOk(secret, body, header) {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const offered = Buffer.from(header);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

// ---- the self-test: node bench/lib/webhook-receiver.mjs --self-test -------------------------------

async function selfTest() {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = await startWebhookReceiverProcess({ port: 0, verifySecret: secret });
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const post = (id, sign) => new Promise((resolve, reject) => {
    const body = JSON.stringify({ event: 'message.delivered', message_id: id, timestamp: new Date().toISOString() });
    const req = request(receiver.url, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'x-dakiya-signature': sign(body) },
    }, (res) => { res.resume(); res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`status ${res.statusCode}`)))); });
    req.on('error', reject);
    req.end(body);
  });
  const good = (body) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const bad = () => `sha256=${'0'.repeat(64)}`;

  // 1000 POSTs from 50 connections: 900 distinct ids, then 100 repeats of the first ids (as retries
  // would be), 10 of them with a wrong signature. Each worker stamps its body just before sending,
  // so the latency is the receiver's, not time spent queued for a socket.
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < 1000; i = next++) await post(`evt_${i % 900}`, i >= 990 ? bad : good);
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  const elapsed = performance.now() - started;
  const stats = await receiver.stats();
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  process.stderr.write(`  1000 POSTs in ${elapsed.toFixed(0)} ms\n`);

  const problems = [];
  if (stats.count !== 1000) problems.push(`count ${stats.count}, not 1000`);
  if (stats.uniqueIds !== 900 || stats.duplicates !== 100) problems.push(`uniqueIds ${stats.uniqueIds} / duplicates ${stats.duplicates}, not 900 / 100`);
  if (stats.signatureFailures !== 10) problems.push(`signatureFailures ${stats.signatureFailures}, not 10`);
  if (stats.latency.samples !== 1000 || !(stats.latency.max >= 0) || stats.latency.max > elapsed + 1) problems.push(`odd latency ${JSON.stringify(stats.latency)}`);
  await receiver.reset();
  if ((await receiver.stats()).count !== 0) problems.push('reset() did not clear the counts');
  agent.destroy();
  await receiver.close();
  if (problems.length > 0) {
    process.stderr.write(`webhook-receiver self-test FAILED: ${problems.join('; ')}\n`);
    process.exit(1);
  }
  process.stderr.write('  webhook-receiver self-test passed\n');
}

if (process.argv[1] === thisFile) {
  if (process.argv[2] === '--child') runReceiver(JSON.parse(process.env.BENCH_WEBHOOK_RECEIVER ?? '{}'));
  else if (process.argv[2] === '--self-test') await selfTest();
  else {
    process.stderr.write('usage: node bench/lib/webhook-receiver.mjs --self-test\n');
    process.exit(2);
  }
}
