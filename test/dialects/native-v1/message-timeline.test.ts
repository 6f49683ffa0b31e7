// GET /v1/messages/:id's timeline: the steps a message has been through (accepted, submitted,
// final), each with what it adds, in UTC with milliseconds. Times come from a TestClock.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { readMessage, waitForStatus } from './api-reads.ts';
import { sandbox, transactional } from './sample-requests.ts';

const clock = new TestClock('2026-05-30T10:00:00.250+05:30');
let t: TestGateway;
before(async () => { t = await startTestGateway({ clock }); });
after(async () => { await t.stop(); });

async function send(body: Record<string, unknown>): Promise<string> {
  const res = await t.request('POST', '/v1/sms/send', body);
  assert.equal(res.status, 202, res.raw);
  return res.body.message_id;
}

const iso = (ms: number) => new Date(ms).toISOString();

test('shows a scheduled message as accepted SCHEDULED, with the time it is due', async () => {
  const due = clock.now() + 30 * 60_000;
  const m = await readMessage(t, await send({ ...transactional(), schedule_at: iso(due) }));
  assert.deepEqual(m.timeline, [{ step: 'accepted', status: 'SCHEDULED', at: iso(clock.now()), scheduled_at: iso(due) }]);
});

test('shows a delivered message accepted, submitted with its carrier id, and final without error', async () => {
  const accepted = clock.now();
  const due = accepted + 5 * 60_000;
  const id = await send({ ...transactional(), schedule_at: iso(due) });
  clock.set(due);
  const m = await waitForStatus(t, id, 'DELIVERED');
  const [, submitted] = m.timeline;
  assert.match(submitted.carrier_id, /^SBX[0-9A-F]+$/);
  assert.deepEqual(m.timeline, [
    { step: 'accepted', status: 'SCHEDULED', at: iso(accepted), scheduled_at: iso(due) },
    { step: 'submitted', status: 'SUBMITTED', at: iso(due), carrier_id: submitted.carrier_id },
    { step: 'final', status: 'DELIVERED', at: m.completed_at, error_code: null, error_description: null },
  ]);
});

test('ends a failed message with its error code and the catalogue\'s description', async () => {
  const m = await waitForStatus(t, await send(transactional('Hello', sandbox.numberInactive)), 'FAILED');
  assert.deepEqual(m.timeline.map((s: { step: string }) => s.step), ['accepted', 'submitted', 'final']);
  assert.deepEqual(m.timeline[2], {
    step: 'final', status: 'FAILED', at: m.completed_at, error_code: 'ERR_NUMBER_INACTIVE',
    error_description: 'The mobile number is deactivated; remove it from your list.',
  });
});

test('goes from accepted straight to final for a message the carrier refused at submission', async () => {
  const m = await waitForStatus(t, await send(transactional('Hello', sandbox.carrierRejects)), 'REJECTED');
  assert.deepEqual(m.timeline, [
    { step: 'accepted', status: 'QUEUED', at: m.created_at },
    { step: 'final', status: 'REJECTED', at: m.completed_at, error_code: 'ERR_CARRIER_REJECTED', error_description: 'The carrier rejected the message.' },
  ]);
});

test('shows a queued message waiting for its retry as accepted only', async () => {
  const id = await send(transactional('Hello', sandbox.carrierDownOnce));
  const m = await waitForStatus(t, id, 'QUEUED', { also: (q) => q.error_code === 'ERR_CARRIER_UNAVAILABLE' });
  assert.deepEqual(m.timeline, [{ step: 'accepted', status: 'QUEUED', at: m.created_at }]);
});

test('writes every time of the timeline in UTC with milliseconds', async () => {
  const m = await waitForStatus(t, await send(transactional()), 'DELIVERED');
  for (const step of m.timeline) assert.match(step.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // The TestClock started at .250 s and only moved by whole minutes since.
  assert.equal(m.timeline[0].at.slice(-5), '.250Z');
});

test('answers another tenant\'s message id with the same body as an id that does not exist', async () => {
  const id = await send(transactional());
  const other = await t.createAccount();
  const theirs = await t.request('GET', `/v1/messages/${id}`, undefined, { key: other.apiKey });
  const missing = randomUUID();
  const unknown = await t.request('GET', `/v1/messages/${missing}`, undefined, { key: other.apiKey });
  assert.equal(theirs.status, 404);
  assert.deepEqual(theirs.body, JSON.parse(unknown.raw.replaceAll(missing, id)));
});
