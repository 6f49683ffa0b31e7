// The promotional window (09:00-21:00 Asia/Kolkata): promotional messages outside it are refused,
// or with queue_until_window_opens scheduled for the next opening. Times are set on a TestClock.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { expectRejection } from './account-state.ts';
import { readMessage, waitForStatus } from './api-reads.ts';
import { bulk, promotional, transactional } from './sample-requests.ts';

const clock = new TestClock('2026-05-30T10:00:00+05:30');
let t: TestGateway;
before(async () => { t = await startTestGateway({ clock }); });
after(async () => { await t.stop(); });

const send = (body: Record<string, unknown>) => t.request('POST', '/v1/sms/send', body);

test('accepts a promotional message inside the window for immediate sending', async () => {
  clock.set('2026-05-30T10:00:00+05:30');
  const res = await send(promotional());
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.scheduled_at, undefined);
});

test('refuses a promotional message at 22:00 IST with 422 ERR_PROMOTIONAL_WINDOW_CLOSED and the next opening', async () => {
  clock.set('2026-05-30T22:00:00+05:30');
  const error = await expectRejection(t, { url: '/v1/sms/send', body: promotional() }, 422, 'ERR_PROMOTIONAL_WINDOW_CLOSED');
  assert.deepEqual(error.details, { window_start: '09:00', window_end: '21:00', time_zone: 'Asia/Kolkata', next_opening: '2026-05-31T03:30:00.000Z' });
});

test('opens the window at 09:00 and closes it at 21:00 IST', async () => {
  clock.set('2026-05-30T08:59:59+05:30');
  await expectRejection(t, { url: '/v1/sms/send', body: promotional() }, 422, 'ERR_PROMOTIONAL_WINDOW_CLOSED');
  clock.set('2026-05-30T09:00:00+05:30');
  assert.equal((await send(promotional())).status, 202);
  clock.set('2026-05-30T20:59:59+05:30');
  assert.equal((await send(promotional())).status, 202);
  clock.set('2026-05-30T21:00:00+05:30');
  await expectRejection(t, { url: '/v1/sms/send', body: promotional() }, 422, 'ERR_PROMOTIONAL_WINDOW_CLOSED');
});

test('refuses a promotional bulk outside the window as a whole', async () => {
  clock.set('2026-05-30T23:30:00+05:30');
  const body = bulk(['9876543210', '9876543211'], { sender: '123456', template_id: 'T-PROMO-1', category: 'promotional', message: 'Hi Priya, flat 30% off today only!' });
  await expectRejection(t, { url: '/v1/sms/bulk', body }, 422, 'ERR_PROMOTIONAL_WINDOW_CLOSED');
});

test('leaves transactional messages outside the window alone', async () => {
  clock.set('2026-05-30T23:30:00+05:30');
  assert.equal((await send(transactional())).status, 202);
});

test('schedules a closed-window message for 09:00 IST when queue_until_window_opens is set', async () => {
  clock.set('2026-05-30T22:00:00+05:30');
  const res = await send({ ...promotional(), queue_until_window_opens: true });
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.scheduled_at, '2026-05-31T03:30:00.000Z');
  const m = await readMessage(t, res.body.message_id);
  assert.equal(m.status, 'SCHEDULED');
  assert.equal(m.scheduled_at, '2026-05-31T03:30:00.000Z');
});

test('dispatches a message queued for the window when the window opens', async () => {
  clock.set('2026-05-30T22:00:00+05:30');
  const res = await send({ ...promotional(), queue_until_window_opens: true });
  clock.set('2026-05-31T09:00:00+05:30');
  const m = await waitForStatus(t, res.body.message_id, 'DELIVERED');
  assert.equal(m.submitted_at, '2026-05-31T03:30:00.000Z');
});

test('refuses a schedule_at that falls outside the window', async () => {
  clock.set('2026-05-30T10:00:00+05:30');
  const body = { ...promotional(), schedule_at: '2026-05-30T23:00:00+05:30' };
  await expectRejection(t, { url: '/v1/sms/send', body }, 422, 'ERR_PROMOTIONAL_WINDOW_CLOSED');
});

test('moves an out-of-window schedule_at to the next opening when queue_until_window_opens is set', async () => {
  clock.set('2026-05-30T10:00:00+05:30');
  const res = await send({ ...promotional(), schedule_at: '2026-05-30T23:00:00+05:30', queue_until_window_opens: true });
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.scheduled_at, '2026-05-31T03:30:00.000Z');
});

test('accepts a schedule_at inside tomorrow\'s window while the window is closed now', async () => {
  clock.set('2026-05-30T22:00:00+05:30');
  const res = await send({ ...promotional(), schedule_at: '2026-05-31T10:00:00+05:30' });
  assert.equal(res.status, 202, res.raw);
  assert.equal(res.body.scheduled_at, '2026-05-31T04:30:00.000Z');
});

test('holds a promotional message whose retry falls after 21:00 IST until the window opens again', async () => {
  clock.set('2026-05-30T20:59:30+05:30');
  const res = await send(promotional('Priya', '919999900005')); // the carrier is down on the first attempt
  assert.equal(res.status, 202, res.raw);
  await t.until(async () => (await readMessage(t, res.body.message_id)).error_code === 'ERR_CARRIER_UNAVAILABLE');
  clock.set('2026-05-30T21:30:00+05:30');
  const held = await t.until(async () => {
    const m = await readMessage(t, res.body.message_id);
    return m.error_code === 'ERR_PROMOTIONAL_WINDOW_CLOSED' && m;
  });
  assert.equal(held.status, 'QUEUED');
  assert.equal(held.submitted_at, null);
  clock.set('2026-05-31T09:00:00+05:30');
  const m = await waitForStatus(t, res.body.message_id, 'DELIVERED');
  assert.equal(m.submitted_at, '2026-05-31T03:30:00.000Z');
});
