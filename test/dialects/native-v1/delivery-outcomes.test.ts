// What happens to a message after acceptance, read back through GET /v1/messages/:id: the
// sandbox's magic numbers drive each delivery path, and each test checks the refund policy on a
// fresh account holding 10 credits. Rejections, permanent failures and expiry refund; an
// unreachable handset refunds only on a route with refund_on_undelivered; deliveries, messages
// awaiting a receipt and in-doubt submissions keep their charge. Validity periods and retry delays
// run on a TestClock; the sandbox's receipt timers and the dispatcher's polling stay real.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestClock } from '../../fixtures/test-clock.ts';
import { startTestGateway, type TestAccount, type TestGateway } from '../../fixtures/test-gateway.ts';
import { creditsOn, readMessage, waitForStatus } from './api-reads.ts';
import { sandbox, transactional } from './sample-requests.ts';

const clock = new TestClock('2026-05-30T10:00:00+05:30');
let t: TestGateway;
before(async () => {
  t = await startTestGateway({ clock });
  const route = await t.admin('PUT', '/routes/txn-refund', { category: 'transactional', price_per_segment: 1, refund_on_undelivered: true });
  assert.equal(route.status, 200, JSON.stringify(route.body));
});
after(async () => { await t.stop(); });

async function account(): Promise<TestAccount> {
  return t.createAccount({ transactional: 10, 'txn-refund': 10 });
}

async function sendTo(to: string): Promise<{ account: TestAccount; id: string }> {
  const who = await account();
  const res = await t.request('POST', '/v1/sms/send', transactional('Hello', to), { key: who.apiKey });
  assert.equal(res.status, 202, res.raw);
  return { account: who, id: res.body.message_id };
}

/**
 * Sends a message due in one minute with the shortest validity (60 s), then moves the clock to
 * `msAfterDue` past its due time, so the dispatcher finds it with that much validity used up.
 */
async function sendDueThenAdvance(who: TestAccount, body: Record<string, unknown>, msAfterDue: number): Promise<string> {
  const due = clock.now() + 60_000;
  const res = await t.request('POST', '/v1/sms/send', { ...body, validity_period: 60, schedule_at: new Date(due).toISOString() }, { key: who.apiKey });
  assert.equal(res.status, 202, res.raw);
  clock.set(due + msAfterDue);
  return res.body.message_id;
}

test('delivers to an ordinary number and keeps its charge', async () => {
  const { account: who, id } = await sendTo('9876543210');
  const m = await waitForStatus(t, id, 'DELIVERED', { key: who.apiKey });
  assert.equal(m.error_code, null);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 9);
});

test('fails an inactive number with ERR_NUMBER_INACTIVE and refunds it', async () => {
  const { account: who, id } = await sendTo(sandbox.numberInactive);
  const m = await waitForStatus(t, id, 'FAILED', { key: who.apiKey });
  assert.equal(m.error_code, 'ERR_NUMBER_INACTIVE');
  assert.equal(m.error_description, 'The mobile number is deactivated; remove it from your list.');
  assert.equal(m.delivered_at, null);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 10);
});

test('records the refund in the ledger against the message', async () => {
  const { account: who, id } = await sendTo(sandbox.numberInactive);
  await waitForStatus(t, id, 'FAILED', { key: who.apiKey });
  const ledger = await t.admin('GET', `/accounts/${who.id}/ledger`);
  const refunds = ledger.body.entries.filter((e: { kind: string }) => e.kind === 'refund');
  assert.deepEqual(refunds.map((e: { amount: number; message_id: string; route_id: string }) => [e.amount, e.message_id, e.route_id]), [[1, id, 'transactional']]);
});

test('delivers late to a handset that was unreachable for a while', async () => {
  const { account: who, id } = await sendTo(sandbox.unreachableThenDelivered);
  const m = await waitForStatus(t, id, 'DELIVERED', { key: who.apiKey });
  assert.equal(m.error_code, null);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 9);
});

test('rejects a number the carrier finds on DND with ERR_DND_SUBSCRIBER and refunds it', async () => {
  const { account: who, id } = await sendTo(sandbox.dndAtCarrier);
  const m = await waitForStatus(t, id, 'REJECTED', { key: who.apiKey });
  assert.equal(m.error_code, 'ERR_DND_SUBSCRIBER');
  assert.equal(m.submitted_at, null);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 10);
});

test('rejects what the carrier refuses with ERR_CARRIER_REJECTED and refunds it', async () => {
  const { account: who, id } = await sendTo(sandbox.carrierRejects);
  const m = await waitForStatus(t, id, 'REJECTED', { key: who.apiKey });
  assert.equal(m.error_code, 'ERR_CARRIER_REJECTED');
  assert.deepEqual(m.timeline.map((s: { status: string }) => s.status), ['QUEUED', 'REJECTED']);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 10);
});

test('keeps a message whose receipt never comes SUBMITTED and charged', async () => {
  const { account: who, id } = await sendTo(sandbox.noReceipt);
  const m = await waitForStatus(t, id, 'SUBMITTED', { key: who.apiKey });
  assert.equal(m.completed_at, null);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 9);
});

test('finishes a message whose receipt never came as UNKNOWN once its validity and the grace period are over', async () => {
  const who = await account();
  const res = await t.request('POST', '/v1/sms/send', { ...transactional('Hello', sandbox.noReceipt), validity_period: 60 }, { key: who.apiKey });
  await waitForStatus(t, res.body.message_id, 'SUBMITTED', { key: who.apiKey });
  await t.gateway.housekeeping.runOnce();
  assert.equal((await readMessage(t, res.body.message_id, who.apiKey)).status, 'SUBMITTED', 'still inside its validity');
  clock.advance(60_000 + t.config.messages.receiptGraceSeconds * 1000);
  await t.gateway.housekeeping.runOnce();
  const m = await readMessage(t, res.body.message_id, who.apiKey);
  assert.equal(m.status, 'UNKNOWN');
  assert.equal(m.error_code, 'ERR_DELIVERY_UNKNOWN');
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 9);
});

test('refunds each failed message of a bulk and keeps the charge of the delivered ones', async () => {
  const who = await account();
  const res = await t.request('POST', '/v1/sms/bulk', {
    recipients: [{ to: '9876543210' }, { to: sandbox.numberInactive }, { to: sandbox.carrierRejects }],
    sender: 'DAKIYA', template_id: 'T-PLAIN-1', category: 'transactional', message: 'Hello',
  }, { key: who.apiKey });
  assert.equal(res.status, 202, res.raw);
  await t.until(async () => (await t.request('GET', `/v1/batches/${res.body.batch_id}`, undefined, { key: who.apiKey })).body.completed);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 9);
});

test('expires a message its validity period ran out on before submission, with ERR_MESSAGE_EXPIRED, and refunds it', async () => {
  const who = await account();
  const id = await sendDueThenAdvance(who, transactional(), 61_000);
  const m = await waitForStatus(t, id, 'EXPIRED', { key: who.apiKey });
  assert.equal(m.error_code, 'ERR_MESSAGE_EXPIRED');
  assert.equal(m.submitted_at, null);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 10);
});

test('fails a handset unreachable until the validity ends with ERR_HANDSET_UNREACHABLE and keeps the charge', async () => {
  const who = await account();
  // 10 ms of validity left at submission: the sandbox reports the failure when it runs out.
  const id = await sendDueThenAdvance(who, transactional('Hello', sandbox.unreachableUntilExpiry), 59_990);
  const m = await waitForStatus(t, id, 'FAILED', { key: who.apiKey });
  assert.equal(m.error_code, 'ERR_HANDSET_UNREACHABLE');
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 9);
});

test('refunds an unreachable handset on a route with refund_on_undelivered', async () => {
  const who = await account();
  const id = await sendDueThenAdvance(who, { ...transactional('Hello', sandbox.unreachableUntilExpiry), route: 'txn-refund' }, 59_990);
  const m = await waitForStatus(t, id, 'FAILED', { key: who.apiKey });
  assert.equal(m.route, 'txn-refund');
  assert.equal(await creditsOn(t, 'txn-refund', who.apiKey), 10);
});

test('keeps the charge of a delivered message on a route with refund_on_undelivered', async () => {
  const who = await account();
  const res = await t.request('POST', '/v1/sms/send', { ...transactional(), route: 'txn-refund' }, { key: who.apiKey });
  await waitForStatus(t, res.body.message_id, 'DELIVERED', { key: who.apiKey });
  assert.equal(await creditsOn(t, 'txn-refund', who.apiKey), 9);
});

test('requeues a message the carrier could not take, showing ERR_CARRIER_UNAVAILABLE until the retry', async () => {
  const who = await account();
  const res = await t.request('POST', '/v1/sms/send', transactional('Hello', sandbox.carrierDownOnce), { key: who.apiKey });
  const m = await waitForStatus(t, res.body.message_id, 'QUEUED', { key: who.apiKey, also: (q) => q.error_code === 'ERR_CARRIER_UNAVAILABLE' });
  assert.equal(m.error_description, 'The carrier could not be reached; delivery is retried.');
  assert.equal(m.submitted_at, null);
});

test('delivers a requeued message on its retry, clearing the error and charging once', async () => {
  const who = await account();
  const res = await t.request('POST', '/v1/sms/send', transactional('Hello', sandbox.carrierDownOnce), { key: who.apiKey });
  await waitForStatus(t, res.body.message_id, 'QUEUED', { key: who.apiKey, also: (q) => q.error_code !== null });
  clock.advance(t.config.dispatch.retryBackoffMs);
  const m = await waitForStatus(t, res.body.message_id, 'DELIVERED', { key: who.apiKey });
  assert.equal(m.error_code, null);
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 9);
});

test('marks a submission the channel failed in the middle of UNKNOWN with ERR_DELIVERY_UNKNOWN, keeping the charge', async () => {
  const who = await account();
  const channel = t.gateway.channel;
  const submit = channel.submit;
  // A channel that throws has no answer for its messages: the carrier may or may not have them.
  channel.submit = async () => { throw new Error('connection reset mid-submission'); };
  try {
    const res = await t.request('POST', '/v1/sms/send', transactional(), { key: who.apiKey });
    const m = await waitForStatus(t, res.body.message_id, 'UNKNOWN', { key: who.apiKey });
    assert.equal(m.error_code, 'ERR_DELIVERY_UNKNOWN');
    assert.equal(await creditsOn(t, 'transactional', who.apiKey), 9);
  } finally {
    channel.submit = submit;
  }
});

test('does not resend an in-doubt message once the channel works again', async () => {
  const who = await account();
  const channel = t.gateway.channel;
  const submit = channel.submit;
  channel.submit = async () => { throw new Error('timeout'); };
  let doubtful: string;
  try {
    doubtful = (await t.request('POST', '/v1/sms/send', transactional(), { key: who.apiKey })).body.message_id;
    await waitForStatus(t, doubtful, 'UNKNOWN', { key: who.apiKey });
  } finally {
    channel.submit = submit;
  }
  // A later message of the same lane delivered means the dispatcher has looked again since.
  const later = await t.request('POST', '/v1/sms/send', transactional(), { key: who.apiKey });
  await waitForStatus(t, later.body.message_id, 'DELIVERED', { key: who.apiKey });
  assert.equal((await readMessage(t, doubtful, who.apiKey)).status, 'UNKNOWN');
});

test('keeps scheduled_at null and the timeline starting at QUEUED for a message that was retried', async () => {
  const who = await account();
  const res = await t.request('POST', '/v1/sms/send', transactional('Hello', sandbox.carrierDownOnce), { key: who.apiKey });
  await waitForStatus(t, res.body.message_id, 'QUEUED', { key: who.apiKey, also: (q) => q.error_code !== null });
  clock.advance(t.config.dispatch.retryBackoffMs);
  const m = await waitForStatus(t, res.body.message_id, 'DELIVERED', { key: who.apiKey });
  assert.equal(m.scheduled_at, null);
  assert.deepEqual(m.timeline.map((e: { status: string }) => e.status), ['QUEUED', 'SUBMITTED', 'DELIVERED']);
});

test('waits twice as long before each further retry', async () => {
  const who = await account();
  const channel = t.gateway.channel;
  const submit = channel.submit;
  const attempts: number[] = [];
  channel.submit = async (list) => list.map((m) => {
    attempts.push(clock.now());
    return { id: m.id, outcome: 'retry' as const, errorCode: 'ERR_CARRIER_UNAVAILABLE' as const, retryAt: 0 };
  });
  try {
    const res = await t.request('POST', '/v1/sms/send', transactional('Hello'), { key: who.apiKey });
    const requeued = async () => (await readMessage(t, res.body.message_id, who.apiKey)).error_code === 'ERR_CARRIER_UNAVAILABLE';
    const base = t.config.dispatch.retryBackoffMs;
    await t.until(async () => attempts.length === 1 && requeued());
    for (const [n, wait] of [[1, base], [2, 2 * base]] as const) {
      await new Promise((r) => setTimeout(r, 60)); // the requeue is recorded after the attempt
      clock.advance(wait - 1);
      await new Promise((r) => setTimeout(r, 80));
      assert.equal(attempts.length, n, `attempt ${n + 1} waits the full ${wait} ms`);
      clock.advance(1);
      await t.until(async () => attempts.length === n + 1);
    }
  } finally {
    channel.submit = submit;
  }
});
