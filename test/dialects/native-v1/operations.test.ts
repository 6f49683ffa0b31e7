// The gateway as operators see it: /healthz, /readyz and /metrics (no key needed), unknown
// endpoints, and the codes that need the gateway itself to fail: ERR_INTERNAL (the store goes
// away) and ERR_SERVICE_UNAVAILABLE (readiness false).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { nativeErrorBody } from '../../../src/api/dialects/native-v1/native-errors.ts';
import { LocalRateLimiter } from '../../../src/api/http/rate-limiter.ts';
import { buildHttpServer } from '../../../src/api/http/http-server.ts';
import { DakiyaError } from '../../../src/domain/errors.ts';
import { sendPolicy } from '../../../src/gateway.ts';
import { Metrics } from '../../../src/observability/metrics.ts';
import { ReportService } from '../../../src/services/report-service.ts';
import { SendService } from '../../../src/services/send-service.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { assertErrorBody, expectRejection } from './account-state.ts';
import { transactional } from './sample-requests.ts';

let t: TestGateway;
before(async () => { t = await startTestGateway(); });
after(async () => { await t.stop(); });

const open = (url: string) => t.request('GET', url, undefined, { key: null });

test('answers /healthz with 200 {"status":"ok"} without a key', async () => {
  const res = await open('/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: 'ok' });
});

test('answers /readyz with 200 {"status":"ready"} once the gateway has started', async () => {
  const res = await open('/readyz');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { status: 'ready' });
});

test('serves Prometheus metrics on /metrics without a key', async () => {
  const res = await open('/metrics');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.match(res.raw, /^# HELP dakiya_http_requests_total /m);
});

test('counts refused requests by error code in /metrics', async () => {
  await t.request('POST', '/v1/sms/send', transactional('Hi', '12345'));
  assert.match((await open('/metrics')).raw, /^dakiya_requests_rejected_total\{error_code="ERR_INVALID_MOBILE"\} [1-9]/m);
});

test('counts accepted messages by lane in /metrics', async () => {
  await t.request('POST', '/v1/sms/send', transactional());
  assert.match((await open('/metrics')).raw, /^dakiya_messages_accepted_total\{lane="transactional"\} [1-9]/m);
});

test('exposes the queue depth gauge in /metrics', async () => {
  assert.match((await open('/metrics')).raw, /^# TYPE dakiya_messages_waiting gauge/m);
});

test('answers an unknown endpoint with 404 ERR_NOT_FOUND in the error body', async () => {
  const error = await expectRejection(t, { url: '/v2/sms/send', key: null }, 404, 'ERR_NOT_FOUND');
  assert.equal(error.message, 'No endpoint GET /v2/sms/send.');
});

test('answers an unknown endpoint under /v1 with 404 ERR_NOT_FOUND once the key is accepted', async () => {
  await expectRejection(t, { url: '/v1/sms/status' }, 404, 'ERR_NOT_FOUND');
});

test('answers a known path with the wrong method with 404 ERR_NOT_FOUND', async () => {
  const error = await expectRejection(t, { url: '/v1/sms/send' }, 404, 'ERR_NOT_FOUND');
  assert.equal(error.message, 'No endpoint GET /v1/sms/send.');
});

describe('with metrics.enabled false', () => {
  let quiet: TestGateway;
  before(async () => { quiet = await startTestGateway({ flags: { 'metrics.enabled': false } }); });
  after(async () => { await quiet.stop(); });

  test('does not serve /metrics', async () => {
    await expectRejection(quiet, { url: '/metrics', key: null }, 404, 'ERR_NOT_FOUND');
  });
});

describe('when the store has gone away', () => {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway();
    await t.gateway.core.store.close();
  });
  after(async () => { await t.stop(); });

  // expectRejection cannot read the account state here (the store is closed); with no store
  // nothing can have been written either.
  test('answers 500 ERR_INTERNAL with the catalogue message and no internals', async () => {
    const res = await t.request('POST', '/v1/sms/send', transactional());
    const error = assertErrorBody(res, 500, 'ERR_INTERNAL');
    assert.equal(error.message, 'Internal error; retry with backoff and contact the operator if it persists.');
    assert.doesNotMatch(res.raw, /database|sqlite|stack|at /i);
  });

  test('keeps answering /healthz, which needs no store', async () => {
    assert.equal((await t.request('GET', '/healthz', undefined, { key: null })).status, 200);
  });
});

describe('while the gateway is not ready (starting or draining)', () => {
  // startGateway flips readiness only around listen() and stop(), and an in-process request cannot
  // arrive then (Fastify's inject refuses a closing server), so the HTTP server is built here
  // directly over the fixture gateway's services, with readiness false.
  let t: TestGateway;
  let app: FastifyInstance;
  before(async () => {
    t = await startTestGateway();
    const { core, logger } = t.gateway;
    const config = t.config;
    app = await buildHttpServer({
      config, logger, clock: core.clock, metrics: new Metrics(), admin: core.admin, connectors: core.connectors, smppUsers: core.smppUsers, webhooks: core.webhooks, otp: t.gateway.otp, otpAdmin: core.otpAdmin, contentFilterAdmin: core.contentFilterAdmin, auth: core.auth, ready: () => false,
      reports: new ReportService(core.store), limiter: new LocalRateLimiter(core.clock), api: true,
      send: new SendService({
        store: core.store, profiles: core.profiles, clock: core.clock, ids: core.ids,
        policy: sendPolicy(config),
      }),
    });
  });
  after(async () => {
    await app.close();
    await t.stop();
  });

  test('answers /readyz with 503 {"status":"not_ready"}', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { status: 'not_ready' });
  });

  test('refuses sends with 503 ERR_SERVICE_UNAVAILABLE while readiness is false', async () => {
    const res = await app.inject({
      method: 'POST', url: '/v1/sms/send', headers: { authorization: `Bearer ${t.account.apiKey}`, 'content-type': 'application/json' },
      payload: { to: '9876543210', sender: 'DAKIYA', template_id: 'T-PLAIN-1', message: 'hello', category: 'transactional' },
    });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().error_code, 'ERR_SERVICE_UNAVAILABLE');
  });
});

test('renders ERR_SERVICE_UNAVAILABLE as 503 in the native error body', () => {
  assert.deepEqual(nativeErrorBody(new DakiyaError('ERR_SERVICE_UNAVAILABLE')), {
    statusCode: 503,
    body: {
      status: 'error', code: 503, error_code: 'ERR_SERVICE_UNAVAILABLE',
      message: 'The gateway is starting or shutting down; retry shortly.', error_message: 'The gateway is starting or shutting down; retry shortly.',
    },
  });
});
