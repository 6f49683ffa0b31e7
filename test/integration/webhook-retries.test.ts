// Retry behaviour of webhook deliveries on a fake clock: the schedule (jittered, over more than 72
// hours, then given up), Retry-After on 429, 410 disabling the endpoint, redirects not followed,
// timeouts, and an endpoint failing for too long disabled with the operator told.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { retryJitter, retrySchedule } from '../../src/domain/webhook-retry.ts';
import { transactional } from '../dialects/native-v1/sample-requests.ts';
import { TestClock } from '../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';
import { type ScriptedResponse, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../fixtures/webhook-receiver.ts';

type Script = (w: ReceivedWebhook, attempt: number) => ScriptedResponse | undefined;

describe('webhook retries on a fake clock', () => {
  const clock = new TestClock();
  let t: TestGateway;
  let receiver: WebhookReceiver;
  const scripts = new Map<string, Script>();
  // Every endpoint of the account gets each event: attempts are counted per endpoint (path) and webhook-id.
  const seen = new Map<string, number>();

  before(async () => {
    receiver = await startWebhookReceiver({
      now: () => clock.now(),
      respond: (w) => {
        const key = `${w.path} ${w.id}`;
        const attempt = (seen.get(key) ?? 0) + 1;
        seen.set(key, attempt);
        return scripts.get(w.path)?.(w, attempt);
      },
    });
    t = await startTestGateway({ clock, flags: { 'webhooks.allowPrivateNetworks': true, 'webhooks.pollMs': 10, 'webhooks.timeoutMs': 1000 } });
  });
  after(async () => {
    await t.stop();
    await receiver.close();
  });

  /** Registers an endpoint for message.delivered at `path`, sends one message, and answers its delivery id and webhook-id. */
  async function deliveryTo(path: string, script: Script): Promise<{ endpointId: string; eventId: string }> {
    scripts.set(path, script);
    const created = await t.request('POST', '/v1/webhooks', { url: `${receiver.url}${path}`, events: ['message.delivered'] });
    assert.equal(created.status, 201, created.raw);
    const sent = await t.request('POST', '/v1/sms/send', transactional('Retry me'));
    assert.equal(sent.status, 202, sent.raw);
    await receiver.waitFor((all) => all.some((w) => w.path === path));
    return { endpointId: created.body.id, eventId: receiver.received.find((w) => w.path === path)!.id };
  }

  async function delivery(endpointId: string): Promise<any> {
    const res = await t.request('GET', `/v1/webhooks/${endpointId}/deliveries`);
    assert.equal(res.status, 200, res.raw);
    return res.body.deliveries[0];
  }

  /** Waits until the delivery's attempt log has `n` entries (results are written in batches). */
  async function attempts(endpointId: string, n: number): Promise<any> {
    return t.until(async () => {
      const d = await delivery(endpointId);
      return d.attempt_log.length >= n ? d : undefined;
    }, 5000);
  }

  test('failures are retried on the schedule with jitter over more than 72 hours, then given up; one webhook-id throughout', async () => {
    const { endpointId, eventId } = await deliveryTo('/always-500', () => ({ status: 500, body: 'down' }));
    const first = Date.parse((await attempts(endpointId, 1)).attempt_log[0].at);
    let d = await attempts(endpointId, 1);
    for (let i = 0; i < retrySchedule.length; i++) {
      const last = Date.parse(d.attempt_log.at(-1).at);
      const next = Date.parse(d.next_attempt_at);
      assert.equal(d.state, 'pending');
      assert.ok(next - last >= retrySchedule[i]! && next - last <= retrySchedule[i]! * (1 + retryJitter), `wait ${i}: ${next - last} ms`);
      clock.set(next - 1);
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal((await delivery(endpointId)).attempt_log.length, i + 1, 'not before its time');
      clock.set(next);
      d = await attempts(endpointId, i + 2);
    }
    assert.equal(d.state, 'failed');
    assert.equal(d.attempts, retrySchedule.length + 1);
    assert.match(d.last_error, /gave up/);
    const span = Date.parse(d.attempt_log.at(-1).at) - first;
    assert.ok(span >= 72 * 3_600_000, `span ${span / 3_600_000} h`);
    const copies = receiver.byId.get(eventId)!.filter((c) => c.path === '/always-500');
    assert.equal(copies.length, retrySchedule.length + 1, 'every attempt reached the receiver with the same webhook-id');
    assert.ok(copies.every((c) => c.body === copies[0]!.body));
    assert.equal(d.attempt_log[0].status_code, 500);
    assert.equal(d.attempt_log[0].response, 'down');
  });

  test('429 with Retry-After waits exactly as asked, without using up the schedule', async () => {
    const { endpointId } = await deliveryTo('/busy', (_w, attempt) => (attempt === 1 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 204 }));
    const d = await attempts(endpointId, 1);
    assert.equal(Date.parse(d.next_attempt_at) - Date.parse(d.attempt_log[0].at), 120_000);
    clock.advance(119_000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal((await delivery(endpointId)).state, 'pending');
    clock.advance(1000);
    const done = await attempts(endpointId, 2);
    assert.equal(done.state, 'delivered');
  });

  test('410 Gone fails the delivery and disables the endpoint', async () => {
    const { endpointId } = await deliveryTo('/gone', () => ({ status: 410 }));
    const d = await attempts(endpointId, 1);
    assert.equal(d.state, 'failed');
    const endpoint = (await t.request('GET', `/v1/webhooks/${endpointId}`)).body;
    assert.equal(endpoint.enabled, false);
    assert.equal(endpoint.disabled_reason, 'answered 410 Gone');
    // Later events are not delivered to it.
    const before = receiver.received.filter((w) => w.path === '/gone').length;
    await t.request('POST', '/v1/sms/send', transactional('Gone'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.received.filter((w) => w.path === '/gone').length, before);
    // Enabling it again clears the reason.
    const enabled = await t.request('PATCH', `/v1/webhooks/${endpointId}`, { enabled: true });
    assert.deepEqual([enabled.body.enabled, enabled.body.disabled_reason], [true, null]);
  });

  test('a redirect is a failure, never followed', async () => {
    const { endpointId } = await deliveryTo('/moved', () => ({ status: 302, headers: { location: `${receiver.url}/target` } }));
    const d = await attempts(endpointId, 1);
    assert.equal(d.state, 'pending');
    assert.equal(d.last_status, 302);
    assert.equal(d.attempt_log[0].error, 'HTTP 302');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(receiver.received.filter((w) => w.path === '/target').length, 0);
  });

  test('an endpoint that does not answer in time is a timeout, retried with the same webhook-id', async () => {
    const { endpointId, eventId } = await deliveryTo('/slow', (_w, attempt) => (attempt === 1 ? { status: 200, hang: true } : { status: 200 }));
    const d = await attempts(endpointId, 1);
    assert.equal(d.attempt_log[0].status_code, null);
    assert.match(d.attempt_log[0].error, /^timeout/);
    assert.ok(d.attempt_log[0].latency_ms >= 900);
    clock.set(Date.parse(d.next_attempt_at));
    assert.equal((await attempts(endpointId, 2)).state, 'delivered');
    assert.equal(receiver.byId.get(eventId)!.filter((c) => c.path === '/slow').length, 2);
  });
});

describe('an endpoint failing for too long', () => {
  const clock = new TestClock();
  let t: TestGateway;
  let receiver: WebhookReceiver;

  before(async () => {
    receiver = await startWebhookReceiver({ now: () => clock.now(), respond: () => ({ status: 503 }) });
    t = await startTestGateway({ clock, flags: { 'webhooks.allowPrivateNetworks': true, 'webhooks.pollMs': 10, 'webhooks.disableAfterHours': 1 } });
  });
  after(async () => {
    await t.stop();
    await receiver.close();
  });

  test('is disabled once every delivery failed for webhooks.disableAfterHours, and the operator sees it', async () => {
    const created = await t.request('POST', '/v1/webhooks', { url: `${receiver.url}/down`, events: ['*'] });
    await t.request('POST', '/v1/sms/send', transactional('Failing'));
    const endpointId = created.body.id;
    const state = async () => (await t.request('GET', `/v1/webhooks/${endpointId}`)).body;
    await t.until(async () => (await state()).failing_since !== null);
    const since = Date.parse((await state()).failing_since);
    while ((await state()).enabled) {
      const pending = (await t.request('GET', `/v1/webhooks/${endpointId}/deliveries?state=pending`)).body.deliveries;
      assert.ok(pending.length > 0, 'deliveries keep failing until the endpoint is disabled');
      const next = Math.min(...pending.map((p: any) => Date.parse(p.next_attempt_at)));
      const attemptsBefore = pending.reduce((n: number, p: any) => n + p.attempt_log.length, 0);
      clock.set(Math.max(next, clock.now()));
      await t.until(async () => {
        const s = await state();
        if (!s.enabled) return true;
        const now = (await t.request('GET', `/v1/webhooks/${endpointId}/deliveries`)).body.deliveries.reduce((n: number, p: any) => n + p.attempt_log.length, 0);
        return now > attemptsBefore;
      });
    }
    const disabled = await state();
    assert.equal(disabled.disabled_reason, 'every delivery failed for more than 1 hours');
    assert.ok(clock.now() - since >= 3_600_000);
    const listed = await t.admin('GET', '/webhooks?disabled=true');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.webhooks.map((w: any) => [w.id, w.account_id, w.disabled_reason]), [[endpointId, t.account.id, disabled.disabled_reason]]);
    const metrics = await t.gateway.http.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /dakiya_webhook_endpoints_disabled_total\{reason="failing"\} 1/);
  });
});
