// micro/webhook-sender: signed webhook POSTs per second through WebhookSender (undici keep-alive
// pool, the URL guard with its DNS cache, connections pinned to the checked address) to a plain
// node:http receiver in a child process that answers 204 at once: 100,000 POSTs of a ~400-byte
// JSON body, at most 256 in flight, after 5,000 untimed. For comparison, guardedPost (node:http,
// a new connection per POST) on 10,000 POSTs, and guardedPost over a keep-alive http.Agent on
// 30,000. Every POST must come back 204, or the run fails. Target ≥ 10,000/s on 2 cores.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { Agent } from 'node:http';
import { createInterface } from 'node:readline';
import { guardedPost } from '../../src/services/guarded-http-post.ts';
import { createUrlGuard } from '../../src/services/url-guard.ts';
import { WebhookSender } from '../../src/channels/webhooks/webhook-sender.ts';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, round, runBench } from '../lib/report.mjs';

const POSTS = 100_000;
const WARMUP = 5_000;
const IN_FLIGHT = 256;

// CommonJS for `node -e`: the receiver must not share the sender's event loop, nor load tsx.
const RECEIVER = `
const { createServer } = require('node:http');
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(204); res.end(); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function startReceiver() {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const kill = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.once('exit', kill);
  const [line] = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    once(child, 'exit').then(([code]) => { throw new Error(`the receiver exited (${code}) before listening`); }),
  ]);
  return { port: Number(line), pid: child.pid, close: kill };
}

/** 256 distinct deliveries, signed as Standard Webhooks are (v1 = HMAC-SHA256 of id.timestamp.body). */
function deliveries() {
  const secret = Buffer.from('c2VjcmV0LWZvci10aGUtYmVuY2gtb25seS0zMmJ5dGVz', 'base64');
  return Array.from({ length: 256 }, (_, i) => {
    const id = `evt_01JF${String(i).padStart(22, '0')}`;
    const timestamp = String(1_780_000_000 + i);
    const body = JSON.stringify({
      type: 'message.delivered',
      timestamp: '2026-05-30T10:00:00.000Z',
      data: {
        message_id: `msg_01JF${String(i).padStart(22, '0')}`,
        account_id: 'acc_01JF0000000000000000000042',
        recipient: `+91910000${String(i).padStart(4, '0')}`,
        sender: 'DAKIYA',
        status: 'DELIVERED',
        segments: 1,
        credits: 1,
        route: 'transactional',
        submitted_at: '2026-05-30T09:59:58.120Z',
        delivered_at: '2026-05-30T09:59:59.870Z',
        error_code: null,
      },
    });
    const signature = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64');
    return { body, headers: { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` } };
  });
}

/**
 * Sends `total` POSTs with at most `inFlight` under way; POSTs/s, and on stderr the cores this
 * process and the receiver used meanwhile (which of the two was the limit). Any answer but 204
 * fails the run.
 */
async function drive(what, receiverPid, send, total, inFlight) {
  let next = 0;
  let failed = 0;
  let firstFailure;
  const worker = async () => {
    while (next < total) {
      const result = await send(next++);
      if (result.status !== 204) {
        failed++;
        firstFailure ??= result;
      }
    }
  };
  const started = performance.now();
  const senderCpu = process.cpuUsage();
  const receiverCpu = cpuSeconds(receiverPid);
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
  const seconds = (performance.now() - started) / 1000;
  if (failed > 0) throw new Error(`${failed} of ${total} POSTs did not get a 204; the first: ${JSON.stringify(firstFailure)}`);
  const { user, system } = process.cpuUsage(senderCpu);
  const cores = (cpu) => (cpu / seconds).toFixed(2);
  log(`${what}: ${total} POSTs, ${Math.round(total / seconds)}/s; cores used: sender ${cores((user + system) / 1e6)} `
    + `(${((user + system) / total).toFixed(1)} µs a POST), receiver ${cores(cpuSeconds(receiverPid) - receiverCpu)}`);
  return total / seconds;
}

await runBench('webhook-sender', 120_000, async () => {
  const receiver = await startReceiver();
  try {
    const items = deliveries();
    log(`body ${Buffer.byteLength(items[0].body)} bytes, receiver on port ${receiver.port}`);
    // A name, so each send goes through the guard's cache and the pool's pinned lookup.
    const guard = createUrlGuard({ allowPrivateNetworks: true, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const url = `http://hooks.bench.test:${receiver.port}/webhooks/dakiya`;

    const sender = new WebhookSender({ guard });
    const viaSender = (i) => sender.send(url, items[i % items.length].headers, items[i % items.length].body);
    await drive('WebhookSender warm-up', receiver.pid, viaSender, WARMUP, IN_FLIGHT);
    const senderRate = await drive('WebhookSender', receiver.pid, viaSender, POSTS, IN_FLIGHT);
    await sender.close();

    const viaGuardedPost = (agents) => (i) => guardedPost({ url, guard, agents, ...items[i % items.length] });
    const freshRate = await drive('guardedPost, a connection per POST', receiver.pid, viaGuardedPost(undefined), 10_000, 64);
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    await drive('guardedPost keep-alive warm-up', receiver.pid, viaGuardedPost({ http: agent }), WARMUP, IN_FLIGHT);
    const keepAliveRate = await drive('guardedPost, keep-alive http.Agent', receiver.pid, viaGuardedPost({ http: agent }), 30_000, IN_FLIGHT);
    agent.destroy();

    return [
      { metric: 'posts_per_s', value: round(senderRate), unit: 'post/s' },
      { metric: 'guarded_post_posts_per_s', value: round(freshRate), unit: 'post/s' },
      { metric: 'guarded_post_keepalive_posts_per_s', value: round(keepAliveRate), unit: 'post/s' },
    ];
  } finally {
    receiver.close();
  }
});
