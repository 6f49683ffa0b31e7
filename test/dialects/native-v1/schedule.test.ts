// schedule_at: a message is accepted and charged now, kept SCHEDULED and dispatched when due.
// The dispatcher polls on real timers but reads the TestClock, so advancing it makes messages due.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { creditsOn, readMessage, waitForStatus } from './api-reads.ts';
import { bulk, transactional } from './sample-requests.ts';

const clock = new TestClock('2026-05-30T10:00:00+05:30');
let t: TestGateway;
before(async () => { t = await startTestGateway({ clock }); });
after(async () => { await t.stop(); });

/** An instant `minutes` after the TestClock's now, written with the IST offset like seed 001. */
function inMinutes(minutes: number): string {
  const ist = new Date(clock.now() + minutes * 60_000 + 5.5 * 3_600_000).toISOString().slice(0, 19);
  return `${ist}+05:30`;
}

const scheduled = (minutes: number) => ({ ...transactional(), schedule_at: inMinutes(minutes) });

test('accepts a future schedule_at with 202 and reports it in UTC', async () => {
  const res = await t.request('POST', '/v1/sms/send', scheduled(30));
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.scheduled_at, new Date(clock.now() + 30 * 60_000).toISOString());
});

test('charges a scheduled message when it is accepted', async () => {
  const before = await creditsOn(t, 'transactional');
  await t.request('POST', '/v1/sms/send', scheduled(30));
  assert.equal(await creditsOn(t, 'transactional'), before - 1);
});

test('keeps a scheduled message SCHEDULED until it is due', async () => {
  const res = await t.request('POST', '/v1/sms/send', scheduled(30));
  const m = await readMessage(t, res.body.message_id);
  assert.equal(m.status, 'SCHEDULED');
  assert.equal(m.scheduled_at, res.body.scheduled_at);
  assert.deepEqual(m.timeline.map((s: { status: string }) => s.status), ['SCHEDULED']);
});

test('dispatches a scheduled message once the clock reaches its time', async () => {
  const res = await t.request('POST', '/v1/sms/send', scheduled(5));
  clock.advance(5 * 60_000);
  const m = await waitForStatus(t, res.body.message_id, 'DELIVERED');
  assert.equal(m.submitted_at, res.body.scheduled_at);
  assert.deepEqual(m.timeline.map((s: { status: string }) => s.status), ['SCHEDULED', 'SUBMITTED', 'DELIVERED']);
});

test('schedules every message of a bulk and records the time on the batch', async () => {
  const res = await t.request('POST', '/v1/sms/bulk', { ...bulk(['9876543210', '9876543211']), schedule_at: inMinutes(60) });
  assert.equal(res.status, 202, res.raw);
  const batch = await t.request('GET', `/v1/batches/${res.body.batch_id}`);
  assert.equal(batch.body.scheduled_at, res.body.scheduled_at);
  assert.deepEqual(batch.body.counts, { SCHEDULED: 2 });
});

test('sends at once a schedule_at up to a minute in the past, for clients whose clock is behind', async () => {
  const res = await t.request('POST', '/v1/sms/send', scheduled(-0.5));
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.scheduled_at, undefined);
});

test('refuses a schedule_at more than a minute in the past with 422 ERR_INVALID_SCHEDULE', async () => {
  const error = await expectRejection(t, { url: '/v1/sms/send', body: scheduled(-2) }, 422, 'ERR_INVALID_SCHEDULE');
  assert.deepEqual(error.details, { field: 'schedule_at' });
});

test('refuses a schedule_at more than 90 days ahead with 422 ERR_INVALID_SCHEDULE', async () => {
  await expectRejection(t, { url: '/v1/sms/send', body: scheduled(91 * 24 * 60) }, 422, 'ERR_INVALID_SCHEDULE');
});

test('refuses a schedule_at without an offset with 422 ERR_INVALID_SCHEDULE', async () => {
  for (const at of ['2026-05-31T10:00:00', '2026-05-31 10:00:00+05:30', 'tomorrow 10am']) {
    await expectRejection(t, { url: '/v1/sms/send', body: { ...transactional(), schedule_at: at } }, 422, 'ERR_INVALID_SCHEDULE');
  }
});

test('refuses a date that does not exist instead of rolling it over', async () => {
  for (const at of ['2026-06-31T10:00:00+05:30', '2026-06-01T24:00:00+05:30', '2026-13-01T10:00:00Z']) {
    await expectRejection(t, { url: '/v1/sms/send', body: { ...transactional(), schedule_at: at } }, 422, 'ERR_INVALID_SCHEDULE');
  }
});
