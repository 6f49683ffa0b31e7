// The pure rules of events and webhook deliveries: which state change is which event, event ids,
// subscriptions, and what an attempt's answer means for the delivery and its endpoint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventForStatus, eventId, parseEventId } from '../../../src/domain/event.ts';
import { parseEventList, subscribes } from '../../../src/domain/webhook-endpoint.ts';
import { decideAttempt, maxDeliveryAgeMs, retryJitter, retrySchedule } from '../../../src/domain/webhook-retry.ts';

test('each state change customers see is one event; a retry back to the queue is none', () => {
  assert.equal(eventForStatus('SUBMITTED'), 'message.submitted');
  assert.equal(eventForStatus('DELIVERED'), 'message.delivered');
  assert.equal(eventForStatus('FAILED'), 'message.failed');
  assert.equal(eventForStatus('REJECTED'), 'message.failed');
  assert.equal(eventForStatus('EXPIRED'), 'message.expired');
  assert.equal(eventForStatus('UNKNOWN'), 'message.unknown');
  for (const s of ['QUEUED', 'SCHEDULED', 'DISPATCHING'] as const) assert.equal(eventForStatus(s), undefined);
});

test('event ids round-trip and refuse anything else', () => {
  assert.equal(eventId(42), 'evt_42');
  assert.equal(parseEventId('evt_42'), 42);
  for (const bad of ['evt_0', 'evt_042', 'evt_', 'evt_1.5', 'EVT_1', 'evt_99999999999999999', '42', 'evt_-1']) assert.equal(parseEventId(bad), undefined, bad);
});

test('subscriptions: lists, all, disabled endpoints, and callbacks get final events only', () => {
  const endpoint = { kind: 'endpoint' as const, enabled: true, events: parseEventList(['message.delivered', 'message.delivered', 'campaign.completed']) };
  assert.deepEqual(endpoint.events, ['message.delivered', 'campaign.completed']);
  assert.equal(subscribes(endpoint, 'message.delivered'), true);
  assert.equal(subscribes(endpoint, 'message.submitted'), false);
  assert.equal(subscribes({ ...endpoint, enabled: false }, 'message.delivered'), false);
  assert.equal(subscribes({ kind: 'endpoint', enabled: true, events: parseEventList(['*']) }, 'message.unknown'), true);
  const callback = { kind: 'callback' as const, enabled: true, events: '*' as const };
  assert.equal(subscribes(callback, 'message.failed'), true);
  assert.equal(subscribes(callback, 'message.submitted'), false);
  assert.equal(subscribes(callback, 'campaign.completed'), false);
  for (const bad of [[], ['message.read'], 'message.delivered', [1], null]) assert.throws(() => parseEventList(bad), /event/);
});

test('2xx delivers; 410 fails and disables; other answers and errors follow the schedule', () => {
  const ctx = { step: 0, createdAt: 0, now: 1000, random: 0 };
  assert.deepEqual(decideAttempt({ status: 204 }, ctx), { state: 'delivered' });
  assert.deepEqual(decideAttempt({ status: 410 }, ctx), { state: 'failed', reason: 'the endpoint answered 410 Gone', disableEndpoint: 'answered 410 Gone' });
  for (const status of [null, 301, 302, 400, 404, 500, 503]) {
    assert.deepEqual(decideAttempt({ status }, ctx), { state: 'pending', nextAt: 1000 + retrySchedule[0]!, step: 1 }, String(status));
  }
});

test('jitter only lengthens a wait, by at most a quarter, so the schedule spans more than 72 hours', () => {
  let at = 0;
  for (let step = 0; step < retrySchedule.length; step++) {
    const low = decideAttempt({ status: 500 }, { step, createdAt: 0, now: at, random: 0 });
    const high = decideAttempt({ status: 500 }, { step, createdAt: 0, now: at, random: 0.999999 });
    assert.ok(low.state === 'pending' && high.state === 'pending');
    if (low.state !== 'pending' || high.state !== 'pending') return;
    assert.equal(low.nextAt - at, retrySchedule[step]);
    assert.ok(high.nextAt - at <= Math.round(retrySchedule[step]! * (1 + retryJitter)));
    at = low.nextAt;
  }
  assert.ok(at >= 72 * 3_600_000, `${at / 3_600_000} h`);
  const last = decideAttempt({ status: 500 }, { step: retrySchedule.length, createdAt: 0, now: at, random: 0 });
  assert.equal(last.state, 'failed');
});

test('429 with Retry-After waits as asked (1 s to 24 h) without a step, until the delivery is too old', () => {
  const ctx = { step: 3, createdAt: 0, now: 10_000, random: 0.5 };
  assert.deepEqual(decideAttempt({ status: 429, retryAfterSeconds: 120 }, ctx), { state: 'pending', nextAt: 130_000, step: 3 });
  assert.deepEqual(decideAttempt({ status: 429, retryAfterSeconds: 0 }, ctx), { state: 'pending', nextAt: 11_000, step: 3 });
  assert.deepEqual(decideAttempt({ status: 429, retryAfterSeconds: 10 ** 9 }, ctx), { state: 'pending', nextAt: 10_000 + 86_400_000, step: 3 });
  // Without Retry-After, 429 is an ordinary failure.
  assert.equal((decideAttempt({ status: 429 }, ctx) as { step: number }).step, 4);
  const old = { ...ctx, now: maxDeliveryAgeMs };
  assert.equal(decideAttempt({ status: 429, retryAfterSeconds: 5 }, old).state, 'failed');
  assert.equal(decideAttempt({ status: 500 }, old).state, 'failed');
});
