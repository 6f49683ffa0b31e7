// Webhooks end to end: a gateway pushes each state change to a local receiver that verifies every
// delivery with its own Standard Webhooks verifier (test/fixtures/standard-webhooks-verifier.ts,
// written from the spec, not from our code); per-request callbacks; rotation with an overlap;
// pulling events; redelivery; tenants kept apart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { transactional } from '../dialects/native-v1/sample-requests.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';
import { startWebhookReceiver, verifySimple, verifyStandardWebhook, type WebhookReceiver } from '../fixtures/webhook-receiver.ts';

const flags = { 'webhooks.allowPrivateNetworks': true, 'webhooks.pollMs': 20 };

describe('webhooks: push, signed, per tenant', () => {
  let t: TestGateway;
  let receiver: WebhookReceiver;
  let secrets: string[] = [];

  before(async () => {
    receiver = await startWebhookReceiver({ secrets: () => secrets });
    t = await startTestGateway({ flags });
  });
  after(async () => {
    await t.stop();
    await receiver.close();
  });

  test('an endpoint is registered with a secret shown once, and gets every state change signed both ways', async () => {
    const created = await t.request('POST', '/v1/webhooks', { url: `${receiver.url}/hooks`, events: ['message.submitted', 'message.delivered'], description: 'orders' });
    assert.equal(created.status, 201, created.raw);
    assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    secrets = [created.body.secret];
    assert.deepEqual(created.body.events, ['message.submitted', 'message.delivered']);
    const shown = await t.request('GET', `/v1/webhooks/${created.body.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.secret, undefined, 'the secret is never shown again');
    assert.equal((await t.request('GET', '/v1/webhooks')).body.webhooks.length, 1);

    const sent = await t.request('POST', '/v1/sms/send', { ...transactional('Order shipped'), correlation_id: 'order-77' });
    assert.equal(sent.status, 202, sent.raw);
    const id = sent.body.message_id;
    await receiver.waitFor((all) => all.filter((w) => w.json && (w.json as { message_id?: string }).message_id === id).length >= 2);
    const mine = receiver.received.filter((w) => (w.json as { message_id?: string }).message_id === id);
    assert.deepEqual(mine.map((w) => (w.json as { event: string }).event).sort(), ['message.delivered', 'message.submitted']);
    for (const w of mine) {
      assert.equal(w.verified, true, `Standard Webhooks signature of ${w.id}`);
      assert.equal(w.simpleVerified, true, `X-Dakiya-Signature of ${w.id}`);
      assert.equal(w.path, '/hooks');
      assert.match(w.id, /^evt_\d+$/);
      assert.equal(w.headers['content-type'], 'application/json');
    }
    const delivered = mine.find((w) => (w.json as { event: string }).event === 'message.delivered')!.json as Record<string, unknown>;
    assert.equal(delivered['status'], 'DELIVERED');
    assert.equal(delivered['to'], '919876543210');
    assert.equal(delivered['sender'], 'DAKIYA');
    assert.equal(delivered['channel'], 'sms');
    assert.equal(delivered['correlation_id'], 'order-77');
    assert.equal(delivered['carrier'], 'sandbox');
    assert.equal(delivered['segments'], 1);
    assert.equal(typeof delivered['latency_ms'], 'number');
    assert.ok(Date.parse(delivered['delivered_at'] as string) >= Date.parse(delivered['submitted_at'] as string));
    assert.equal(delivered['event_id'], mine.find((w) => (w.json as { event: string }).event === 'message.delivered')!.id);
  });

  test('tampering with the body, the id or the timestamp breaks the signature', async () => {
    const w = receiver.received.at(-1)!;
    const headers = { 'webhook-id': w.headers['webhook-id']!, 'webhook-timestamp': w.headers['webhook-timestamp']!, 'webhook-signature': w.headers['webhook-signature']! };
    const now = w.timestamp * 1000;
    assert.deepEqual(verifyStandardWebhook(secrets[0]!, headers, w.body, now), { ok: true });
    assert.equal(verifyStandardWebhook(secrets[0]!, headers, w.body.replace('"sms"', '"SMS"'), now).ok, false);
    assert.equal(verifyStandardWebhook(secrets[0]!, { ...headers, 'webhook-id': `${headers['webhook-id']}0` }, w.body, now).ok, false);
    assert.equal(verifyStandardWebhook(secrets[0]!, { ...headers, 'webhook-timestamp': String(w.timestamp + 1) }, w.body, now).ok, false);
    assert.equal(verifySimple(secrets[0]!, `${w.body} `, w.headers['x-dakiya-signature']!), false);
  });

  test('rotation: both secrets sign during the overlap, so receivers on either keep verifying', async () => {
    const [endpoint] = (await t.request('GET', '/v1/webhooks')).body.webhooks;
    const old = secrets[0]!;
    const rotated = await t.request('POST', `/v1/webhooks/${endpoint.id}/rotate-secret`);
    assert.equal(rotated.status, 200, rotated.raw);
    assert.notEqual(rotated.body.secret, old);
    assert.ok(Date.parse(rotated.body.previous_secret_valid_until) > Date.now() + 23 * 3_600_000);
    // Signing keys are re-read within a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = receiver.received.length;
    const sent = await t.request('POST', '/v1/sms/send', transactional('After rotation'));
    await receiver.waitFor((all) => all.slice(before).some((w) => (w.json as { message_id?: string }).message_id === sent.body.message_id && (w.json as { event: string }).event === 'message.delivered'));
    const w = receiver.received.slice(before).find((x) => (x.json as { message_id?: string }).message_id === sent.body.message_id)!;
    const headers = { 'webhook-id': w.headers['webhook-id']!, 'webhook-timestamp': w.headers['webhook-timestamp']!, 'webhook-signature': w.headers['webhook-signature']! };
    assert.equal(w.headers['webhook-signature']!.split(' ').length, 2);
    assert.deepEqual(verifyStandardWebhook(rotated.body.secret, headers, w.body, w.timestamp * 1000), { ok: true });
    assert.deepEqual(verifyStandardWebhook(old, headers, w.body, w.timestamp * 1000), { ok: true });
    assert.equal(verifySimple(rotated.body.secret, w.body, w.headers['x-dakiya-signature']!), true, 'the simple scheme uses the current secret');
    secrets = [rotated.body.secret];
  });

  test('a per-request callback_url gets the final event, signed with the account callback secret', async () => {
    const cb = await startWebhookReceiver();
    try {
      const revealed = await t.request('POST', '/v1/webhooks/callback/rotate-secret');
      assert.equal(revealed.status, 200, revealed.raw);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const sent = await t.request('POST', '/v1/sms/send', { ...transactional('With callback'), callback_url: `${cb.url}/dlr?ref=9` });
      assert.equal(sent.status, 202, sent.raw);
      await cb.waitFor((all) => all.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(cb.received.length, 1, 'only the final event goes to a callback_url');
      const w = cb.received[0]!;
      assert.equal(w.path, '/dlr?ref=9');
      assert.equal((w.json as { event: string }).event, 'message.delivered');
      assert.equal((w.json as { message_id: string }).message_id, sent.body.message_id);
      const headers = { 'webhook-id': w.headers['webhook-id']!, 'webhook-timestamp': w.headers['webhook-timestamp']!, 'webhook-signature': w.headers['webhook-signature']! };
      assert.deepEqual(verifyStandardWebhook(revealed.body.secret, headers, w.body, w.timestamp * 1000), { ok: true });
      const deliveries = await t.request('GET', '/v1/webhooks/callback/deliveries');
      assert.equal(deliveries.status, 200, deliveries.raw);
      assert.equal(deliveries.body.deliveries[0].state, 'delivered');
      assert.equal(deliveries.body.deliveries[0].url, `${cb.url}/dlr?ref=9`);
    } finally {
      await cb.close();
    }
  });

  test('events can be pulled in order with a cursor, and redelivered with the same webhook-id', async () => {
    const all: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await t.request('GET', `/v1/events?limit=2${cursor ? `&after=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.raw);
      all.push(...page.body.events);
      if (!page.body.has_more) break;
      cursor = page.body.next_cursor;
    }
    assert.ok(all.length >= 6);
    const ids = all.map((e) => Number(String(e['event_id']).slice(4)));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
    assert.equal(new Set(ids).size, ids.length);
    // message.delivered of the first message: its deliveries and attempts are visible.
    const event = all.find((e) => e['event'] === 'message.delivered')!;
    const shown = await t.request('GET', `/v1/events/${event['event_id']}`);
    assert.equal(shown.status, 200, shown.raw);
    assert.equal(shown.body.deliveries[0].state, 'delivered');
    assert.equal(shown.body.deliveries[0].attempt_log[0].status_code, 204);
    assert.equal(typeof shown.body.deliveries[0].attempt_log[0].latency_ms, 'number');
    const before = receiver.byId.get(String(event['event_id']))?.length ?? 0;
    const again = await t.request('POST', `/v1/events/${event['event_id']}/redeliver`);
    assert.equal(again.status, 202, again.raw);
    await receiver.waitFor(() => (receiver.byId.get(String(event['event_id']))?.length ?? 0) === before + 1);
    const copies = receiver.byId.get(String(event['event_id']))!;
    assert.equal(copies.at(-1)!.body, copies[0]!.body, 'the same event, byte for byte');
    assert.equal(copies.at(-1)!.verified, true);
  });

  test('another tenant sees none of it: a plain 404 for ids that exist', async () => {
    const other = await t.createAccount();
    const [endpoint] = (await t.request('GET', '/v1/webhooks')).body.webhooks;
    const [event] = (await t.request('GET', '/v1/events?limit=1')).body.events;
    for (const url of [`/v1/webhooks/${endpoint.id}`, `/v1/events/${event.event_id}`, `/v1/webhooks/${endpoint.id}/deliveries`]) {
      const res = await t.request('GET', url, undefined, { key: other.apiKey });
      assert.equal(res.status, 404, `${url}: ${res.raw}`);
      assert.equal(res.body.error_code, 'ERR_NOT_FOUND');
    }
    assert.equal((await t.request('POST', `/v1/events/${event.event_id}/redeliver`, undefined, { key: other.apiKey })).status, 404);
    assert.equal((await t.request('DELETE', `/v1/webhooks/${endpoint.id}`, undefined, { key: other.apiKey })).status, 404);
    assert.deepEqual((await t.request('GET', '/v1/events', undefined, { key: other.apiKey })).body.events, []);
    assert.deepEqual((await t.request('GET', '/v1/webhooks', undefined, { key: other.apiKey })).body.webhooks, []);
  });

  test('bad endpoint input is refused precisely and stores nothing', async () => {
    const count = (await t.request('GET', '/v1/webhooks')).body.webhooks.length;
    const cases: Array<[unknown, string, string]> = [
      [{ url: `${receiver.url}/x`, events: ['message.teleported'] }, 'ERR_INVALID_REQUEST', 'events'],
      [{ url: 'ftp://example.com/x' }, 'ERR_WEBHOOK_URL_NOT_ALLOWED', 'url'],
      [{ url: 'https://user:pw@example.com/x' }, 'ERR_WEBHOOK_URL_NOT_ALLOWED', 'url'],
      [{ url: 'not a url' }, 'ERR_WEBHOOK_URL_NOT_ALLOWED', 'url'],
      [{ url: `${receiver.url}/x`, secret: 'whsec_mine' }, 'ERR_INVALID_REQUEST', ''],
    ];
    for (const [body, code, field] of cases) {
      const res = await t.request('POST', '/v1/webhooks', body);
      assert.equal(res.body.error_code, code, JSON.stringify(body) + res.raw);
      if (field) assert.equal(res.body.details?.field, field, res.raw);
    }
    assert.equal((await t.request('GET', '/v1/webhooks')).body.webhooks.length, count);
  });

  test('deleting an endpoint stops deliveries to it', async () => {
    const [endpoint] = (await t.request('GET', '/v1/webhooks')).body.webhooks;
    assert.equal((await t.request('DELETE', `/v1/webhooks/${endpoint.id}`)).status, 204);
    assert.equal((await t.request('GET', `/v1/webhooks/${endpoint.id}`)).status, 404);
    // Deliveries of earlier events may still be in flight; none of this message's events may arrive.
    const sent = await t.request('POST', '/v1/sms/send', transactional('Nobody listens'));
    assert.equal(sent.status, 202);
    await t.until(async () => (await t.request('GET', `/v1/messages/${sent.body.message_id}`)).body.status === 'DELIVERED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(receiver.received.filter((w) => w.body.includes(sent.body.message_id)), []);
  });
});
