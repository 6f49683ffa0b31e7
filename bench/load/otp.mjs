// otp: the OTP API under open-loop load (requests fired on a fixed schedule, whatever the answers
// do, so a slow gateway shows as latency, not as a lower offered rate).
//   verify: N test-mode sessions created first (setup, bounded concurrency, not measured), then
//     POST /v1/otp/verify of each one's right code at BENCH_OTP_RATE/s for BENCH_OTP_SECONDS, every
//     verify to a different session: verifies/s, latency p50/p95/p99/max, errors.
//   send: POST /v1/otp/send with a live key at the same rate, on a gateway with nothing else to do
//     (baseline), then on a fresh gateway while a 50,000-recipient POST /v1/sms/bulk drains: sends
//     accepted/s, HTTP p50/p99, and each OTP's submit latency to the (sandbox) carrier =
//     submitted_at - created_at (the message's accepted step) of a random sample read back through
//     GET /v1/messages/{id}; the bulk's progress is polled during the run, so the lines say how
//     much of the OTP window it really overlapped.
// The OTP anti-abuse limits (per number, new prefix, daily budget) are switched off and the account's
// request limit raised: a benchmark is the flood they exist to refuse.
import { Pool } from 'undici';
import { bulkBody, createBenchAccount, indianNumbers, sender } from '../lib/bench-account.mjs';
import { startGateway } from '../lib/gateway-process.mjs';
import { closeAgent, expectStatus, request } from '../lib/http-json.mjs';
import { cpuSeconds } from '../lib/proc-stats.mjs';
import { log, markProfileWindows, monotonicUs, percentile, round, runBench } from '../lib/report.mjs';

const mode = process.env.BENCH_OTP_MODE ?? 'both';
const rate = Number(process.env.BENCH_OTP_RATE ?? 5000);
const seconds = Number(process.env.BENCH_OTP_SECONDS ?? 10);
const warmupSeconds = Number(process.env.BENCH_OTP_WARMUP_S ?? 1);
const connections = Number(process.env.BENCH_OTP_CONNECTIONS ?? 128);
const bulkRecipients = Number(process.env.BENCH_OTP_BULK_RECIPIENTS ?? 50_000);
const samples = Number(process.env.BENCH_OTP_SAMPLES ?? 2000);
const setupConcurrency = 64;

// Every measured stretch, of every gateway this run starts (each profile keeps the ones inside its own life).
const windows = [];
const markWindow = (w) => { windows.push(w); markProfileWindows(windows); };

const gatewayEnv = {
  DAKIYA_OTP_LIMITS_PER_NUMBER_SENDS: '0',
  DAKIYA_OTP_LIMITS_NEW_PREFIX_SENDS: '0',
  DAKIYA_OTP_DAILY_BUDGET: '0',
  // The account carries its own limit (createBenchAccount: 100,000,000/min); this is the fallback.
  DAKIYA_RATE_LIMIT_REQUESTS_PER_MINUTE: '100000000',
};

const otpTemplate = { template_id: 'B-OTP-1', sender, category: 'otp', text: '{#num#} is your code. - DAKIYA' };

/** A fresh gateway with the bench account, its OTP template and OTP credits; `test` adds a test-mode key. */
async function withGateway(work) {
  const gateway = await startGateway({ env: gatewayEnv });
  try {
    const account = await createBenchAccount(gateway);
    const admin = (path, body) => request(`${gateway.url}/admin/v1/accounts/${account.id}${path}`, { body, token: gateway.adminToken });
    expectStatus(await admin('/templates', otpTemplate), 201, 'OTP template add');
    expectStatus(await admin('/credits', { route: 'otp', amount: 100_000_000, note: 'bench' }), 200, 'OTP credits add');
    const testKey = expectStatus(await admin('/keys', { mode: 'test', label: 'bench-test' }), 201, 'test key create').api_key;
    return await work(gateway, { ...account, testKey });
  } finally {
    closeAgent();
    await gateway.stop();
  }
}

/** Runs `task(i)` for i in [0, count) with at most `limit` at once. */
async function bounded(count, limit, task) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) await task(next++);
  }));
}

/** `count` distinct 10-digit Indian mobiles from `offset` (8xxxxxxxxx: apart from the bulk's 91 91xxxxxxxx). */
function mobiles(count, offset = 0) {
  return Array.from({ length: count }, (_, i) => String(8_000_000_000 + offset + i));
}

/**
 * Open loop: request i is fired at start + i/rate (the timer catches up in batches when late),
 * over `connections` keep-alive connections; requests beyond them queue in the pool, and that wait
 * counts in their latency. Latency runs from the moment the request is handed to the client to the
 * end of its answer's body; how late the client itself fired is reported apart (`lag`).
 * `make(i)` returns the request's body; `judge(status, json, i)` returns undefined when the answer
 * is right, else a short reason.
 */
async function openLoop(pool, { path, token, make, judge, ratePerS, durationS, label }) {
  const total = Math.round(ratePerS * durationS);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const latencies = [];
  const lags = [];
  const reasons = new Map();
  const answers = new Array(total);
  let inWindow = 0;
  let pending = 0;
  let drainResolve;
  const drained = new Promise((r) => { drainResolve = r; });
  let dispatched = false;
  const start = performance.now() + 20;
  const windowEnd = start + durationS * 1000;
  const fail = (reason) => reasons.set(reason, (reasons.get(reason) ?? 0) + 1);

  const fire = (i) => {
    const sent = performance.now();
    lags.push(sent - (start + (i * 1000) / ratePerS));
    pending++;
    pool.request({ path, method: 'POST', headers, body: JSON.stringify(make(i)), headersTimeout: 30_000, bodyTimeout: 30_000 })
      .then(async (res) => {
        const raw = await res.body.text();
        const done = performance.now();
        let json;
        try { json = JSON.parse(raw); } catch { /* judged below */ }
        const reason = judge(res.statusCode, json, i);
        if (reason !== undefined) return fail(reason);
        answers[i] = { json, done };
        latencies.push(done - sent);
        if (done <= windowEnd) inWindow++;
      }, (error) => fail(`${error.code ?? error.name}`))
      .finally(() => { if (--pending === 0 && dispatched) drainResolve(); });
  };

  let i = 0;
  while (performance.now() < start) await new Promise((r) => setTimeout(r, 1));
  while (i < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * ratePerS) / 1000) + 1);
    while (i < due) fire(i++);
    if (i < total) await new Promise((r) => setTimeout(r, 1));
  }
  const firedS = (performance.now() - start) / 1000;
  dispatched = true;
  if (pending === 0) drainResolve();
  await drained;
  const wallS = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const errors = [...reasons.values()].reduce((a, b) => a + b, 0);
  log(`${label}: ${total} requests fired in ${firedS.toFixed(2)} s (client lag p99 ${percentile(lags, 99).toFixed(2)} ms, max ${lags.at(-1).toFixed(1)} ms); `
    + `${latencies.length} right answers, ${inWindow} inside the ${durationS} s window, all answered after ${wallS.toFixed(2)} s; `
    + `latency p50 ${percentile(latencies, 50).toFixed(2)} p95 ${percentile(latencies, 95).toFixed(2)} p99 ${percentile(latencies, 99).toFixed(2)} max ${latencies.at(-1)?.toFixed(1)} ms`
    + `${errors > 0 ? `; ${errors} errors ${JSON.stringify(Object.fromEntries(reasons))}` : ''}`);
  return { total, latencies, answers, inWindow, errors, reasons, wallS, ratePerS: inWindow / durationS };
}

function newPool(gateway) {
  return new Pool(gateway.url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

// ---------------------------------------------------------------------------------------------- verify

async function verifyMode() {
  return withGateway(async (gateway, account) => {
    const warm = Math.round(rate * warmupSeconds);
    const measured = Math.round(rate * seconds);
    const count = warm + measured;
    const numbers = mobiles(count);
    const sessions = new Array(count);
    const pool = newPool(gateway);
    try {
      const t0 = Date.now();
      const headers = { authorization: `Bearer ${account.testKey}`, 'content-type': 'application/json' };
      await bounded(count, setupConcurrency, async (i) => {
        const res = await pool.request({
          path: '/v1/otp/send', method: 'POST', headers, body: JSON.stringify({ mobile: numbers[i], template_id: otpTemplate.template_id, sender }),
        });
        const raw = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`test-mode OTP send: expected HTTP 200, got ${res.statusCode}: ${raw.slice(0, 300)}`);
        const b = JSON.parse(raw);
        if (!b.session_id || !/^[0-9]+$/.test(b.otp ?? '')) throw new Error(`test-mode OTP send without a session or code: ${raw.slice(0, 300)}`);
        sessions[i] = { id: b.session_id, otp: b.otp };
      });
      log(`${count} test-mode sessions created in ${((Date.now() - t0) / 1000).toFixed(1)} s (setup, ${setupConcurrency} at once)`);

      const judge = (status, json) => {
        if (status !== 200) return `HTTP ${status}${json?.error?.code ? ` ${json.error.code}` : ''}`;
        if (json?.verified !== true || json.result !== 'verified') return `not verified: ${json?.result}`;
        return undefined;
      };
      const base = { path: '/v1/otp/verify', token: account.testKey, judge };
      if (warm > 0) {
        await openLoop(pool, { ...base, make: (i) => ({ session_id: sessions[i].id, otp: sessions[i].otp }), ratePerS: rate, durationS: warmupSeconds, label: 'verify warm-up' });
      }
      const cpu0 = cpuSeconds(gateway.pid);
      const client0 = process.cpuUsage();
      const from = monotonicUs();
      const run = await openLoop(pool, {
        ...base, make: (i) => ({ session_id: sessions[warm + i].id, otp: sessions[warm + i].otp }), ratePerS: rate, durationS: seconds, label: 'verify',
      });
      markWindow([from, monotonicUs()]);
      const cpu = (cpuSeconds(gateway.pid) - cpu0) / run.wallS;
      const client = process.cpuUsage(client0);
      log(`verify: gateway used ${cpu.toFixed(2)} cores, load generator ${((client.user + client.system) / 1e6 / run.wallS).toFixed(2)} cores`);
      const wrong = [...run.reasons.keys()].filter((r) => r.startsWith('not verified'));
      if (wrong.length > 0) throw new Error(`verify: right codes were not verified: ${JSON.stringify(Object.fromEntries(run.reasons))}`);
      const l = run.latencies;
      return [
        { metric: 'verify_target_per_s', value: rate, unit: 'req/s' },
        { metric: 'verify_per_s', value: round(run.ratePerS), unit: 'req/s' },
        { metric: 'verify_p50', value: round(percentile(l, 50), 3), unit: 'ms' },
        { metric: 'verify_p95', value: round(percentile(l, 95), 3), unit: 'ms' },
        { metric: 'verify_p99', value: round(percentile(l, 99), 3), unit: 'ms' },
        { metric: 'verify_max', value: round(l.at(-1) ?? Number.NaN, 3), unit: 'ms' },
        { metric: 'verify_errors', value: run.errors, unit: 'requests' },
        { metric: 'verify_server_cpu', value: round(cpu, 3), unit: 'cores' },
      ];
    } finally {
      await pool.close();
    }
  });
}

// ------------------------------------------------------------------------------------------------ send

/** Reads back a random sample of the OTP messages until each is submitted: submitted_at - created_at (ms) with created_at. */
async function submitLatencies(gateway, apiKey, ids, deadlineMs = 60_000) {
  const picked = [...ids];
  for (let i = picked.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [picked[i], picked[j]] = [picked[j], picked[i]];
  }
  let todo = picked.slice(0, samples);
  const out = [];
  const deadline = Date.now() + deadlineMs;
  while (todo.length > 0) {
    const later = [];
    await bounded(todo.length, 16, async (k) => {
      const m = expectStatus(await request(`${gateway.url}/v1/messages/${todo[k]}`, { token: apiKey }), 200, 'message');
      if (m.submitted_at === null) later.push(todo[k]);
      else out.push({ accepted: Date.parse(m.created_at), latency: Date.parse(m.submitted_at) - Date.parse(m.created_at) });
    });
    todo = later;
    if (todo.length > 0) {
      if (Date.now() > deadline) throw new Error(`${todo.length} sampled OTP messages still not submitted after ${deadlineMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return out;
}

function summarise(values) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? Number.NaN, n: s.length };
}

/** One OTP send load on `gateway` (warm-up, then the measured window); the run, its submit latencies and the gateway's CPU. */
async function otpSendLoad(gateway, account, label, offset, during) {
  const warm = Math.round(rate * warmupSeconds);
  const numbers = mobiles(warm + Math.round(rate * seconds), offset);
  const judge = (status, json) => {
    if (status !== 202) return `HTTP ${status}${json?.error?.code ? ` ${json.error.code}` : ''}`;
    if (!json?.message_id || !json.session_id) return 'no message_id or session_id';
    return undefined;
  };
  const pool = newPool(gateway);
  try {
    const base = { path: '/v1/otp/send', token: account.apiKey, judge };
    const body = (n) => ({ mobile: n, template_id: otpTemplate.template_id, sender });
    if (warm > 0) await openLoop(pool, { ...base, make: (i) => body(numbers[i]), ratePerS: rate, durationS: warmupSeconds, label: `${label} warm-up` });
    await during?.start();
    const cpu0 = cpuSeconds(gateway.pid);
    const from = monotonicUs();
    const windowStart = Date.now();
    const run = await openLoop(pool, { ...base, make: (i) => body(numbers[warm + i]), ratePerS: rate, durationS: seconds, label });
    const windowEnd = windowStart + seconds * 1000;
    const cpu = (cpuSeconds(gateway.pid) - cpu0) / run.wallS;
    const window = [from, monotonicUs()];
    const extra = await during?.stop();
    const ids = run.answers.filter(Boolean).map((a) => a.json.message_id);
    const submits = await submitLatencies(gateway, account.apiKey, ids);
    log(`${label}: gateway used ${cpu.toFixed(2)} cores; submit latency over ${submits.length} sampled OTPs: ${JSON.stringify(summarise(submits.map((s) => s.latency)))}`);
    return { run, submits, cpu, window, windowStart, windowEnd, extra };
  } finally {
    await pool.close();
  }
}

function sendMetrics(prefix, r) {
  const l = r.run.latencies;
  const s = summarise(r.submits.map((x) => x.latency));
  return [
    { metric: `${prefix}_accepted_per_s`, value: round(r.run.ratePerS), unit: 'req/s' },
    { metric: `${prefix}_http_p50`, value: round(percentile(l, 50), 3), unit: 'ms' },
    { metric: `${prefix}_http_p99`, value: round(percentile(l, 99), 3), unit: 'ms' },
    { metric: `${prefix}_submit_p50`, value: s.p50, unit: 'ms' },
    { metric: `${prefix}_submit_p99`, value: s.p99, unit: 'ms' },
    { metric: `${prefix}_submit_max`, value: s.max, unit: 'ms' },
    { metric: `${prefix}_errors`, value: r.run.errors, unit: 'requests' },
    { metric: `${prefix}_server_cpu`, value: round(r.cpu, 3), unit: 'cores' },
  ];
}

async function sendMode() {
  const baseline = await withGateway((gateway, account) => otpSendLoad(gateway, account, 'send (no bulk)', 0));

  const withBulk = await withGateway(async (gateway, account) => {
    const body = bulkBody(indianNumbers(bulkRecipients));
    let batchId;
    let polling;
    let stopped = false;
    let base; // the counters right after the bulk's 202, and its exact unsent count then
    const progress = []; // { at, unsent } every 500 ms from the bulk's 202 to the window's end
    // GET /v1/batches/{id} counts the batch's 50,000 rows (a GROUP BY that holds the gateway's event
    // loop for tens of ms), so during the window progress comes from /metrics instead: messages
    // submitted since the 202 minus the OTPs accepted since (OTPs reach SUBMITTED within ms, so the
    // estimate counts the few OTPs still waiting as bulk messages not yet submitted).
    const counters = async () => {
      const { raw } = await request(`${gateway.url}/metrics`);
      const read = (re) => Number(re.exec(raw)?.[1] ?? 0);
      return { submitted: read(/^dakiya_message_transitions_total\{to="SUBMITTED"\} (\d+)/m), otp: read(/^dakiya_messages_accepted_total\{lane="otp"\} (\d+)/m) };
    };
    const batchUnsent = async () => {
      const b = expectStatus(await request(`${gateway.url}/v1/batches/${batchId}`, { token: account.apiKey }), 200, 'batch');
      return (b.counts.QUEUED ?? 0) + (b.counts.SCHEDULED ?? 0);
    };
    const poll = async () => {
      const c = await counters();
      const unsent = Math.max(0, base.unsent - ((c.submitted - base.submitted) - (c.otp - base.otp)));
      progress.push({ at: Date.now(), unsent });
    };
    const during = {
      // After the warm-up: the bulk is accepted, then the measured OTP window starts while it drains.
      async start() {
        const t0 = Date.now();
        const r = expectStatus(await request(`${gateway.url}/v1/sms/bulk`, { body, token: account.apiKey, timeoutMs: 30_000 }), 202, 'bulk');
        if (r.accepted_recipients !== bulkRecipients) throw new Error(`bulk: only ${r.accepted_recipients} of ${bulkRecipients} accepted`);
        batchId = r.batch_id;
        const c = await counters();
        base = { ...c, unsent: await batchUnsent() };
        progress.push({ at: Date.now(), unsent: base.unsent });
        log(`bulk of ${bulkRecipients} accepted in ${Date.now() - t0} ms; ${base.unsent} not yet submitted as the OTP window starts`);
        polling = (async () => {
          while (!stopped) {
            await new Promise((res) => setTimeout(res, 500));
            if (!stopped) await poll();
          }
        })();
      },
      /** After every answer: the batch's exact count of unsent messages. */
      async stop() {
        stopped = true;
        await polling;
        return batchUnsent();
      },
    };
    const result = await otpSendLoad(gateway, account, 'send (bulk draining)', 1_000_000, during);
    // The bulk's progress over the OTP window: when (if) it ran out of unsent messages.
    // Ran dry: the estimate (see counters) within 1 % of the bulk of zero.
    const drainedAt = progress.find((p) => p.unsent <= bulkRecipients / 100)?.at;
    const overlapMs = Math.max(0, Math.min(drainedAt ?? result.windowEnd, result.windowEnd) - result.windowStart);
    const step = Math.max(1, Math.floor(progress.length / 10));
    log(`bulk progress (s into the OTP window: not yet submitted): ${progress.filter((_, k) => k % step === 0 || k === progress.length - 1)
      .map((p) => `${((p.at - result.windowStart) / 1000).toFixed(1)}: ${p.unsent}`).join(', ')}`);
    log(`bulk ${drainedAt === undefined ? `still had ${result.extra} messages unsent when the last OTP was answered` : `ran out of unsent messages ${((drainedAt - result.windowStart) / 1000).toFixed(1)} s after the ${seconds} s OTP window started`}`);
    // OTPs accepted while the bulk still had unsent messages: the ones the issue's figure is about.
    const during_ = result.submits.filter((s) => drainedAt === undefined || s.accepted < drainedAt);
    const sd = summarise(during_.map((s) => s.latency));
    log(`submit latency of the ${sd.n} sampled OTPs accepted while the bulk was draining: p50 ${sd.p50} p99 ${sd.p99} max ${sd.max} ms`);
    // Unsent at the window's end: the last poll inside the window (every 500 ms; an estimate, see counters).
    const atEnd = progress.filter((p) => p.at <= result.windowEnd).at(-1)?.unsent ?? result.extra;
    return { ...result, bulkLeft: atEnd, overlapS: overlapMs / 1000, duringDrain: sd };
  });

  markWindow(baseline.window);
  markWindow(withBulk.window);
  const p99Base = summarise(baseline.submits.map((s) => s.latency)).p99;
  const p99Bulk = summarise(withBulk.submits.map((s) => s.latency)).p99;
  log(`submit p99 with bulk / without: ${p99Bulk} / ${p99Base} ms = ${(p99Bulk / p99Base).toFixed(2)}`);
  return [
    { metric: 'send_target_per_s', value: rate, unit: 'req/s' },
    ...sendMetrics('send_nobulk', baseline),
    ...sendMetrics('send_bulk', withBulk),
    // Only when a sampled OTP was accepted before the bulk ran dry (else the window had no overlap to speak of).
    ...(withBulk.duringDrain.n > 0 ? [{ metric: 'send_bulk_submit_p99_during_drain', value: withBulk.duringDrain.p99, unit: 'ms' }] : []),
    { metric: 'send_bulk_submit_p99_ratio', value: round(p99Bulk / Math.max(1, p99Base), 3), unit: 'x' },
    { metric: 'send_bulk_overlap', value: round(withBulk.overlapS, 3), unit: 's' },
    { metric: 'send_bulk_unsent_at_window_end', value: withBulk.bulkLeft, unit: 'msg' },
  ];
}

await runBench('otp', 420_000, async () => [
  ...(mode === 'send' ? [] : await verifyMode()),
  ...(mode === 'verify' ? [] : await sendMode()),
]);
