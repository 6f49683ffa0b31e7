// The store contract for the event log and the webhook outbox: what the fan-out, the delivery
// worker and the pull APIs rely on, on every engine. Called next to storeContract().
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { uuidv7Generator } from '../../src/domain/ids.ts';
import type { NewMessage } from '../../src/domain/message.ts';
import { defaultRoutes } from '../../src/domain/route.ts';
import type { WebhookEndpoint } from '../../src/domain/webhook-endpoint.ts';
import type { DeliveryResult, NewBatch, StoredEvent, Store } from '../../src/store/store.ts';

const clock = { now: () => 1_800_000_000_000 };
const ids = uuidv7Generator(clock);

export function eventsContract(name: string, fresh: () => Promise<() => Promise<Store>>): void {
  describe(`events and webhooks contract: ${name}`, () => {
    let store: Store;
    let open: () => Promise<Store>;
    let accountId: string;
    let other: string;

    beforeEach(async () => {
      open = await fresh();
      store = await open();
      for (const r of defaultRoutes) await store.upsertRoute(r);
      accountId = ids();
      other = ids();
      for (const id of [accountId, other]) {
        await store.createAccount({ id, name: id, status: 'active', rateLimitPerMinute: null, createdAt: clock.now() });
        await store.addCredits(id, 'transactional', 1000, 'topup', 'test', clock.now());
      }
    });
    afterEach(async () => { await store.close(); });

    function message(overrides: Partial<NewMessage> = {}): NewMessage {
      return {
        id: ids(), accountId, batchId: null, routeId: 'transactional', category: 'transactional', lane: 'transactional',
        recipient: '919876543210', sender: 'DAKIYA', body: 'hi', templateId: null, encoding: 'GSM7', segments: 1, flash: false,
        credits: 1, status: 'QUEUED', correlationId: 'order-1', dueAt: clock.now(), scheduledAt: null, expiresAt: clock.now() + 86_400_000, createdAt: clock.now(),
        ...overrides,
      };
    }

    async function send(messages: NewMessage[], batch?: NewBatch): Promise<void> {
      const owner = messages[0]!.accountId;
      assert.deepEqual(await store.accept({ accountId: owner, routeId: 'transactional', debit: messages.length, messages, ...(batch && { batch }) }), { ok: true });
      await store.claimDue('transactional', clock.now(), 1000);
      await store.recordSubmissions(messages.map((m, i) => ({ id: m.id, outcome: 'submitted' as const, carrierId: `c-${m.id}-${i}`, at: clock.now() + 1 })));
    }

    async function allEvents(account = accountId): Promise<StoredEvent[]> {
      const out: StoredEvent[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.listEvents({ accountId: account, limit: 3, ...(after !== undefined && { after }) });
        out.push(...page);
        if (page.length < 3) return out;
        after = page.at(-1)!.cursor;
      }
    }

    function endpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
      return {
        id: ids(), accountId, kind: 'endpoint', url: 'https://example.com/hook', events: '*', description: '', enabled: true,
        failingSince: null, disabledReason: null, createdAt: clock.now(), updatedAt: clock.now(), ...overrides,
      };
    }

    test('every real state change writes one event with its message; repeats and late receipts write none', async () => {
      const m = message({ callbackUrl: 'https://example.com/cb' });
      await send([m]);
      const receipt = { carrierId: `c-${m.id}-0`, status: 'DELIVERED' as const, errorCode: null, at: clock.now() + 50 };
      await store.applyReceipts([receipt]);
      await store.applyReceipts([receipt]);
      await store.applyReceipts([{ ...receipt, status: 'FAILED', errorCode: 'ERR_UNDELIVERED' }]);
      const events = await allEvents();
      assert.deepEqual(events.map((e) => [e.type, e.status, e.messageId]), [['message.submitted', 'SUBMITTED', m.id], ['message.delivered', 'DELIVERED', m.id]]);
      assert.equal(events[1]!.at, clock.now() + 50);
      assert.deepEqual(events[1]!.message, {
        recipient: m.recipient, sender: 'DAKIYA', correlationId: 'order-1', segments: 1, carrierId: `c-${m.id}-0`, submittedAt: clock.now() + 1,
        createdAt: clock.now(), callbackUrl: 'https://example.com/cb',
      });
      assert.ok(events[0]!.seq < events[1]!.seq);
    });

    test('failures, rejections, expiry, in-doubt and cancellation each write their event', async () => {
      const [a, b, c, d, e] = [message(), message(), message(), message(), message()];
      await store.accept({ accountId, routeId: 'transactional', debit: 5, messages: [a!, b!, c!, d!, e!] });
      await store.cancelMessage(accountId, e!.id, clock.now());
      await store.claimDue('transactional', clock.now(), 10);
      await store.recordSubmissions([
        { id: a!.id, outcome: 'rejected', errorCode: 'ERR_CARRIER_REJECTED', at: clock.now() },
        { id: b!.id, outcome: 'expired', at: clock.now() },
        { id: c!.id, outcome: 'unknown', at: clock.now() },
        { id: d!.id, outcome: 'retry', errorCode: 'ERR_CARRIER_UNAVAILABLE', retryAt: clock.now() },
      ]);
      const byMessage = new Map((await allEvents()).map((ev) => [ev.messageId, [ev.type, ev.status, ev.errorCode]]));
      assert.deepEqual(byMessage.get(a!.id), ['message.failed', 'REJECTED', 'ERR_CARRIER_REJECTED']);
      assert.deepEqual(byMessage.get(b!.id), ['message.expired', 'EXPIRED', 'ERR_MESSAGE_EXPIRED']);
      assert.deepEqual(byMessage.get(c!.id), ['message.unknown', 'UNKNOWN', 'ERR_DELIVERY_UNKNOWN']);
      assert.deepEqual(byMessage.get(e!.id), ['message.failed', 'REJECTED', 'ERR_CANCELLED']);
      assert.equal(byMessage.has(d!.id), false, 'a retry is not a change the customer sees');
    });

    test('campaign.completed is written once, when the last message of a batch is final, with its counts', async () => {
      const batchId = ids();
      const ms = [message({ batchId }), message({ batchId }), message({ batchId })];
      await send(ms, { id: batchId, accountId, routeId: 'transactional', totalRecipients: 4, acceptedRecipients: 3, createdAt: clock.now(), scheduledAt: null });
      await store.applyReceipts([{ carrierId: `c-${ms[0]!.id}-0`, status: 'DELIVERED', errorCode: null, at: clock.now() + 5 }]);
      await store.applyReceipts([{ carrierId: `c-${ms[1]!.id}-1`, status: 'FAILED', errorCode: 'ERR_UNDELIVERED', at: clock.now() + 6 }]);
      assert.equal((await allEvents()).filter((e) => e.type === 'campaign.completed').length, 0);
      await store.applyReceipts([{ carrierId: `c-${ms[2]!.id}-2`, status: 'DELIVERED', errorCode: null, at: clock.now() + 7 }]);
      await store.applyReceipts([{ carrierId: `c-${ms[2]!.id}-2`, status: 'DELIVERED', errorCode: null, at: clock.now() + 8 }]);
      const done = (await allEvents()).filter((e) => e.type === 'campaign.completed');
      assert.equal(done.length, 1);
      assert.equal(done[0]!.batchId, batchId);
      assert.equal(done[0]!.at, clock.now() + 7);
      assert.deepEqual(JSON.parse(done[0]!.data!), { total: 3, counts: { DELIVERED: 2, FAILED: 1 } });
    });

    test('an account reads only its own events, from a cursor or a time', async () => {
      await send([message(), message()]);
      await send([message({ accountId: other })]);
      const mine = await allEvents();
      assert.equal(mine.length, 2);
      assert.ok(mine.every((e) => e.accountId === accountId));
      assert.equal((await allEvents(other)).length, 1);
      assert.deepEqual(await store.listEvents({ accountId, after: mine[1]!.cursor, limit: 10 }), []);
      assert.equal((await store.listEvents({ accountId, since: clock.now() + 2, limit: 10 })).length, 0);
      assert.equal((await store.listEvents({ accountId, since: clock.now() + 1, limit: 10 })).length, 2);
      assert.equal(await store.getEvent(other, mine[0]!.seq), undefined);
      assert.equal((await store.getEvent(accountId, mine[0]!.seq))?.messageId, mine[0]!.messageId);
    });

    test('the fan-out reads each event once, in order, and stores the deliveries it plans', async () => {
      await send([message(), message()]);
      const seen: number[] = [];
      const plan = (events: readonly StoredEvent[]) => {
        seen.push(...events.map((e) => e.seq));
        return events.map((e) => ({ eventSeq: e.seq, accountId: e.accountId, endpointId: 'ep-1', url: null }));
      };
      const counts = (r: Awaited<ReturnType<Store['fanOutEvents']>>) => (r === 'busy' ? r : { events: r.events, deliveries: r.deliveries, claimed: r.claimed.length });
      assert.deepEqual(counts(await store.fanOutEvents(1, plan, clock.now()).then(retryBusy(store, plan))), { events: 1, deliveries: 1, claimed: 0 });
      assert.deepEqual(counts(await store.fanOutEvents(10, plan, clock.now())), { events: 1, deliveries: 1, claimed: 0 });
      assert.deepEqual(counts(await store.fanOutEvents(10, plan, clock.now())), { events: 0, deliveries: 0, claimed: 0 });
      await send([message()]);
      assert.deepEqual(counts(await store.fanOutEvents(10, plan, clock.now())), { events: 1, deliveries: 1, claimed: 0 });
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
      assert.equal(new Set(seen).size, 3);
      assert.equal(await store.countPendingDeliveries(), 3);
    });

    test('fan-outs from several handles at once read every event exactly once', async () => {
      const handles = [store, ...await Promise.all([open(), open(), open()])];
      try {
        for (let i = 0; i < 10; i++) await send([message(), message()]);
        const seen: number[] = [];
        const plan = (events: readonly StoredEvent[]) => { seen.push(...events.map((e) => e.seq)); return []; };
        for (let round = 0; round < 20; round++) {
          await Promise.all(handles.map((h) => h.fanOutEvents(3, plan, clock.now())));
        }
        assert.equal(seen.length, 20);
        assert.equal(new Set(seen).size, 20);
      } finally {
        await Promise.all(handles.slice(1).map((h) => h.close()));
      }
    });

    test('a delivery is claimed by one holder at a time, and again once its claim lapses', async () => {
      await send([message()]);
      await store.fanOutEvents(10, (events) => events.map((e) => ({ eventSeq: e.seq, accountId: e.accountId, endpointId: 'ep-1', url: 'https://x.example/' })), clock.now())
        .then(retryBusy(store, (events) => events.map((e) => ({ eventSeq: e.seq, accountId: e.accountId, endpointId: 'ep-1', url: 'https://x.example/' }))));
      const first = await store.claimWebhookDeliveries(clock.now(), 10, 60_000);
      assert.equal(first.length, 1);
      assert.equal(first[0]!.event.type, 'message.submitted');
      assert.equal(first[0]!.url, 'https://x.example/');
      assert.deepEqual(await store.claimWebhookDeliveries(clock.now() + 59_999, 10, 60_000), []);
      const again = await store.claimWebhookDeliveries(clock.now() + 60_000, 10, 60_000);
      assert.deepEqual(again.map((d) => d.id), [first[0]!.id]);
    });

    test('the fan-out can claim new deliveries at birth and hand them back with their events', async () => {
      await send([message()]);
      const plan = (events: readonly StoredEvent[]) => events.flatMap((e) => [
        { eventSeq: e.seq, accountId: e.accountId, endpointId: 'mine', url: null, claimMs: 60_000 },
        { eventSeq: e.seq, accountId: e.accountId, endpointId: 'later', url: 'https://later.example/' },
      ]);
      let result = await store.fanOutEvents(10, plan, clock.now());
      if (result === 'busy') result = await store.fanOutEvents(10, plan, clock.now());
      assert.notEqual(result, 'busy');
      if (result === 'busy') return;
      assert.equal(result.deliveries, 2);
      assert.deepEqual(result.claimed.map((d) => [d.endpointId, d.attempts, d.event.type, d.event.message?.recipient, d.nextAt]),
        [['mine', 1, 'message.submitted', '919876543210', clock.now() + 60_000]]);
      assert.deepEqual((await store.claimWebhookDeliveries(clock.now(), 10, 120_000)).map((d) => d.endpointId), ['later']);
      const lapsed = await store.claimWebhookDeliveries(clock.now() + 60_000, 10, 1000);
      assert.deepEqual(lapsed.map((d) => [d.id, d.attempts]), [[result.claimed[0]!.id, 2]]);
    });

    test('with no endpoint anywhere, the fan-out reads only callback events and moves past the rest', async () => {
      const plain = message();
      const called = message({ callbackUrl: 'https://cb.example/dlr' });
      await send([plain, called]);
      await store.applyReceipts([plain, called].map((m, i) => ({ carrierId: `c-${m.id}-${i}`, status: 'DELIVERED' as const, errorCode: null, at: clock.now() + 5 })));
      const seen: StoredEvent[] = [];
      const plan = (events: readonly StoredEvent[]) => { seen.push(...events); return []; };
      let r = await store.fanOutEvents(100, plan, clock.now(), { onlyCallbacks: true });
      if (r === 'busy') r = await store.fanOutEvents(100, plan, clock.now(), { onlyCallbacks: true });
      assert.deepEqual(seen.map((e) => [e.type, e.messageId, e.callbackUrl]), [['message.delivered', called.id, 'https://cb.example/dlr']]);
      // Everything before is done with: a full read finds nothing left.
      assert.deepEqual(await store.fanOutEvents(100, plan, clock.now()).then((x) => (x === 'busy' ? x : x.events)), 0);
      assert.equal(seen.length, 1);
    });

    test('claims skip endpoints the node is full of, even behind their backlog', async () => {
      await send([message()]);
      const [event] = await allEvents();
      await store.redeliverEvent(accountId, event!.seq, Array.from({ length: 30 }, () => ({ endpointId: 'busy', url: null })), clock.now());
      await store.redeliverEvent(accountId, event!.seq, [{ endpointId: 'quiet-1', url: null }, { endpointId: 'quiet-2', url: null }], clock.now() + 1);
      const first = await store.claimWebhookDeliveries(clock.now() + 1, 5, 60_000);
      assert.deepEqual(first.map((d) => d.endpointId), ['busy', 'busy', 'busy', 'busy', 'busy'], 'oldest first');
      const others = await store.claimWebhookDeliveries(clock.now() + 1, 5, 60_000, ['busy']);
      assert.deepEqual(others.map((d) => d.endpointId).sort(), ['quiet-1', 'quiet-2']);
      assert.ok(others.every((d) => d.attempts === 1));
      assert.deepEqual(await store.claimWebhookDeliveries(clock.now() + 1, 5, 60_000, ['busy']), []);
    });

    test('results record attempts, retries, endpoint health and disabling', async () => {
      const ep = endpoint();
      await store.saveWebhookEndpoint({ endpoint: ep, secretSealed: 'sealed', previousSecretSealed: null, previousUntil: null });
      await send([message(), message(), message()]);
      const plan = (events: readonly StoredEvent[]) => events.map((e) => ({ eventSeq: e.seq, accountId: e.accountId, endpointId: ep.id, url: null }));
      await store.fanOutEvents(10, plan, clock.now()).then((r) => retryBusy(store, plan)(r, 10));
      const [a, b, c] = await store.claimWebhookDeliveries(clock.now(), 10, 60_000);
      const attempt = (id: number, statusCode: number | null) => ({ deliveryId: id, attempt: 1, at: clock.now(), latencyMs: 12, statusCode, error: statusCode === 200 ? null : 'HTTP 500', response: 'ok' });
      const results: DeliveryResult[] = [
        { deliveryId: a!.id, endpointId: ep.id, attempt: attempt(a!.id, 200), next: { state: 'delivered', at: clock.now() }, lastStatus: 200, lastError: null, endpointHealth: 'ok' },
        { deliveryId: b!.id, endpointId: ep.id, attempt: attempt(b!.id, 500), next: { state: 'pending', nextAt: clock.now() + 5000, step: 1 }, lastStatus: 500, lastError: 'HTTP 500', endpointHealth: 'failed' },
      ];
      assert.deepEqual(await store.recordWebhookResults(results, clock.now(), 3_600_000), []);
      const stored = await store.getWebhookEndpoint(ep.id, accountId);
      assert.equal(stored?.endpoint.failingSince, clock.now());
      const deliveries = await store.listWebhookDeliveries({ accountId, endpointId: ep.id, limit: 10 });
      assert.deepEqual(deliveries.map((d) => [d.id, d.state, d.attempts, d.step]).sort(), [[a!.id, 'delivered', 1, 0], [b!.id, 'pending', 1, 1], [c!.id, 'pending', 1, 0]].sort());
      assert.equal(deliveries.find((d) => d.id === b!.id)?.nextAt, clock.now() + 5000);
      // The log keeps failed attempts; a delivered one is on its delivery's row.
      assert.deepEqual((await store.listWebhookAttempts([a!.id, b!.id])).map((x) => [x.deliveryId, x.statusCode, x.latencyMs, x.response]),
        [[b!.id, 500, 12, 'ok']]);
      const done = deliveries.find((d) => d.id === a!.id)!;
      assert.deepEqual([done.lastStatus, done.lastAt, done.lastLatencyMs, done.lastResponse, done.doneAt], [200, clock.now(), 12, 'ok', clock.now()]);
      assert.deepEqual(await store.listWebhookDeliveries({ accountId: other, endpointId: ep.id, limit: 10 }), [], 'another tenant sees none');
      // Still failing an hour later: the endpoint is disabled, once.
      const later = clock.now() + 3_600_000;
      const fail: DeliveryResult = { deliveryId: c!.id, endpointId: ep.id, attempt: { ...attempt(c!.id, 500), at: later }, next: { state: 'pending', nextAt: later + 5000, step: 1 },
        lastStatus: 500, lastError: 'HTTP 500', endpointHealth: 'failed' };
      assert.deepEqual(await store.recordWebhookResults([fail], later, 3_600_000), [{ id: ep.id, accountId, reason: 'every delivery failed for more than 1 hours' }]);
      assert.equal((await store.getWebhookEndpoint(ep.id))?.endpoint.enabled, false);
      assert.deepEqual(await store.recordWebhookResults([fail], later, 3_600_000), []);
    });

    test('410 disables an endpoint at once; success clears its failing streak', async () => {
      const ep = endpoint();
      const ep2 = endpoint({ failingSince: clock.now() - 1000 });
      for (const e of [ep, ep2]) await store.saveWebhookEndpoint({ endpoint: e, secretSealed: 's', previousSecretSealed: null, previousUntil: null });
      const gone: DeliveryResult = { deliveryId: 999, endpointId: ep.id, attempt: null, next: { state: 'failed', at: clock.now() }, lastStatus: 410, lastError: 'HTTP 410', endpointHealth: { disable: 'answered 410 Gone' } };
      const ok: DeliveryResult = { deliveryId: 998, endpointId: ep2.id, attempt: null, next: { state: 'delivered', at: clock.now() }, lastStatus: 200, lastError: null, endpointHealth: 'ok' };
      assert.deepEqual(await store.recordWebhookResults([gone, ok], clock.now(), 86_400_000), [{ id: ep.id, accountId, reason: 'answered 410 Gone' }]);
      const [a, b] = [await store.getWebhookEndpoint(ep.id), await store.getWebhookEndpoint(ep2.id)];
      assert.deepEqual([a?.endpoint.enabled, a?.endpoint.disabledReason], [false, 'answered 410 Gone']);
      assert.deepEqual([b?.endpoint.enabled, b?.endpoint.failingSince], [true, null]);
    });

    test('endpoints are kept per account; ensure keeps the first; removal fails its pending deliveries', async () => {
      const ep = endpoint({ events: ['message.delivered', 'campaign.completed'], description: 'ops' });
      await store.saveWebhookEndpoint({ endpoint: ep, secretSealed: 'v1.a', previousSecretSealed: 'v1.b', previousUntil: clock.now() + 10 });
      assert.deepEqual(await store.getWebhookEndpoint(ep.id, accountId), { endpoint: ep, secretSealed: 'v1.a', previousSecretSealed: 'v1.b', previousUntil: clock.now() + 10 });
      assert.equal(await store.getWebhookEndpoint(ep.id, other), undefined);
      const cb = endpoint({ id: `callback:${accountId}`, kind: 'callback', url: null });
      const first = await store.ensureWebhookEndpoint({ endpoint: cb, secretSealed: 'one', previousSecretSealed: null, previousUntil: null });
      const second = await store.ensureWebhookEndpoint({ endpoint: cb, secretSealed: 'two', previousSecretSealed: null, previousUntil: null });
      assert.deepEqual([first.secretSealed, second.secretSealed], ['one', 'one']);
      assert.deepEqual((await store.listWebhookEndpoints({ accountId })).map((e) => e.endpoint.id).sort(), [ep.id, cb.id].sort());
      await store.saveWebhookEndpoint({ endpoint: { ...ep, enabled: false }, secretSealed: 'v1.a', previousSecretSealed: null, previousUntil: null });
      assert.deepEqual((await store.listWebhookEndpoints({ enabledOnly: true })).map((e) => e.endpoint.id), [cb.id]);
      await send([message()]);
      const plan = (events: readonly StoredEvent[]) => events.map((e) => ({ eventSeq: e.seq, accountId: e.accountId, endpointId: ep.id, url: null }));
      await store.fanOutEvents(10, plan, clock.now()).then(retryBusy(store, plan));
      assert.equal(await store.removeWebhookEndpoint(other, ep.id, clock.now()), false);
      assert.equal(await store.removeWebhookEndpoint(accountId, ep.id, clock.now()), true);
      assert.equal(await store.removeWebhookEndpoint(accountId, cb.id, clock.now()), false, 'the callback endpoint is not removable');
      assert.deepEqual((await store.listWebhookDeliveries({ accountId, endpointId: ep.id, limit: 10 })).map((d) => [d.state, d.lastError]), [['failed', 'endpoint removed']]);
    });

    test('redelivery makes new deliveries of the same event, only for its own account', async () => {
      await send([message()]);
      const [event] = await allEvents();
      assert.deepEqual(await store.redeliverEvent(other, event!.seq, [{ endpointId: 'x', url: null }], clock.now()), []);
      const made = await store.redeliverEvent(accountId, event!.seq, [{ endpointId: 'x', url: null }, { endpointId: 'y', url: 'https://y.example/' }], clock.now());
      assert.equal(made.length, 2);
      const claimed = await store.claimWebhookDeliveries(clock.now(), 10, 1000);
      assert.deepEqual(claimed.map((d) => [d.eventSeq, d.endpointId]).sort(), [[event!.seq, 'x'], [event!.seq, 'y']]);
    });

    test('old events and finished deliveries are purged; pending ones stay', async () => {
      await send([message(), message()]);
      const events = await allEvents();
      await store.redeliverEvent(accountId, events[0]!.seq, [{ endpointId: 'x', url: null }], clock.now());
      assert.equal(await store.purgeEvents(clock.now(), 100), 0);
      assert.equal(await store.purgeEvents(clock.now() + 2, 100), 2);
      assert.deepEqual(await allEvents(), []);
      assert.equal(await store.countPendingDeliveries(), 1);
      // The pending delivery's event is gone: it fails when claimed instead of sending nothing.
      assert.deepEqual(await store.claimWebhookDeliveries(clock.now(), 10, 1000), []);
      assert.equal(await store.countPendingDeliveries(), 0);
    });
  });
}

/** The first fan-out on PostgreSQL may answer 'busy' while it creates its cursor row: try once more. */
function retryBusy(store: Store, plan: (events: readonly StoredEvent[]) => ReturnType<Parameters<Store['fanOutEvents']>[1]>) {
  return async (r: Awaited<ReturnType<Store['fanOutEvents']>>, limit = 1) => (r === 'busy' ? store.fanOutEvents(limit, plan, clock.now()) : r);
}
