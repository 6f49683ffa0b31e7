// Messages over SMPP to the SMSC simulator: long and unicode messages arrive as correctly numbered
// parts with the right data_coding, and the parts charged are the submit_sm the carrier saw;
// throttling is retried, refusals fail over to the next connector or reject, an unanswered
// submission ends UNKNOWN (never resent), negative receipts fail, and binds come back by themselves.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CommandStatus } from '../../src/protocols/smpp/index.ts';
import { type SmscSimulator, startSmscSimulator } from '../../src/simulator/smsc-simulator.ts';
import { creditsOn, waitForStatus } from '../dialects/native-v1/api-reads.ts';
import { international, transactional } from '../dialects/native-v1/sample-requests.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

let sim: SmscSimulator;
let t: TestGateway;

before(async () => {
  sim = await startSmscSimulator({
    receiptDelayMs: 10,
    rules: [
      { match: { destination: '919000000001' }, action: 'throttle', every: 2 },
      { match: { destination: '919000000002' }, action: 'reject', status: CommandStatus.ESME_RINVDSTADR },
      { match: { destination: '919000000003' }, action: 'no_response' },
      { match: { destination: '919000000004' }, action: 'fail_receipt' },
      { match: { destination: '919000000005' }, action: 'expire_receipt' },
      // Connector "broken" refuses everything for now; "spare" (priority 1) takes over.
      { match: { systemId: 'broken' }, action: 'reject', status: CommandStatus.ESME_RSYSERR },
    ],
  });
  t = await startTestGateway({ flags: { 'smpp.upstream.reloadMs': 100, 'smpp.upstream.responseTimeoutMs': 300, 'dispatch.retryBackoffMs': 20, 'smpp.upstream.throttleBackoffMs': 20 } });
  const base = { host: '127.0.0.1', port: sim.port, password: 'pw' };
  await t.gateway.core.connectors.save({ ...base, name: 'main', systemId: 'main', routes: ['transactional', 'international'], messageIds: { submit: 'hex', receipt: 'hex' } });
  await t.gateway.core.connectors.save({ ...base, name: 'broken', systemId: 'broken', routes: [{ routeId: 'otp', priority: 0, weight: 1 }] });
  await t.gateway.core.connectors.save({ ...base, name: 'spare', systemId: 'spare', routes: [{ routeId: 'otp', priority: 1, weight: 1 }] });
  await t.until(async () => t.gateway.smpp.states().length === 3 && t.gateway.smpp.states().every((s) => s.up), 10_000);
});
after(async () => {
  await t.stop();
  await sim.close();
});

async function send(body: Record<string, unknown>, key?: string): Promise<string> {
  const res = await t.request('POST', '/v1/sms/send', body, key === undefined ? {} : { key });
  assert.equal(res.status, 202, res.raw);
  return res.body.message_id;
}

function submissionsTo(destination: string) {
  return sim.submissions().filter((s) => s.destination_addr === destination);
}

test('a long GSM message arrives as numbered parts of one reference, as many as were charged, and is delivered once all are', async () => {
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(9);
  const id = await send(international(text, '+447911000001'));
  const m = await waitForStatus(t, id, 'DELIVERED', { timeoutMs: 10_000 });
  const parts = submissionsTo('447911000001');
  assert.equal(parts.length, 3);
  assert.equal(m.segments, 3);
  assert.deepEqual(parts.map((p) => [p.part?.scheme, p.part?.total, p.part?.sequence, p.data_coding]), [['udh8', 3, 1, 0], ['udh8', 3, 2, 0], ['udh8', 3, 3, 0]]);
  assert.equal(new Set(parts.map((p) => p.part?.reference)).size, 1);
});

test('a long unicode message arrives as UCS-2 parts (data_coding 8)', async () => {
  const text = 'नमस्ते, आपका ऑर्डर भेज दिया गया है। '.repeat(4);
  const id = await send(international(text, '+447911000002'));
  const m = await waitForStatus(t, id, 'DELIVERED', { timeoutMs: 10_000 });
  const parts = submissionsTo('447911000002');
  assert.equal(parts.length, m.segments);
  assert.ok(parts.length > 1);
  assert.ok(parts.every((p, i) => p.data_coding === 8 && p.part?.sequence === i + 1 && p.part?.total === parts.length));
});

test('a throttled submission is retried and delivered', async () => {
  // The rule throttles every second submission to this number: the first message goes through, the
  // second is throttled once and goes through on its retry.
  const first = await send(transactional('Hello throttle', '9000000001'));
  await waitForStatus(t, first, 'DELIVERED', { timeoutMs: 10_000 });
  const second = await send(transactional('Hello throttle', '9000000001'));
  await waitForStatus(t, second, 'DELIVERED', { timeoutMs: 10_000 });
  assert.deepEqual(submissionsTo('919000000001').map((s) => s.command_status), [0, CommandStatus.ESME_RTHROTTLED, 0]);
  assert.ok(t.gateway.smpp.states().find((s) => s.name === 'main')!.throttled >= 1);
});

test('a permanent refusal rejects the message and refunds it', async () => {
  const who = await t.createAccount({ transactional: 10 });
  const id = await send(transactional('Hello reject', '9000000002'), who.apiKey);
  const m = await waitForStatus(t, id, 'REJECTED', { key: who.apiKey, timeoutMs: 10_000 });
  assert.equal(m.error_code, 'ERR_CARRIER_REJECTED');
  assert.equal(await creditsOn(t, 'transactional', who.apiKey), 10);
});

test('a submission without an answer ends UNKNOWN and is never sent again', async () => {
  const id = await send(transactional('Hello silence', '9000000003'));
  const m = await waitForStatus(t, id, 'UNKNOWN', { timeoutMs: 10_000 });
  assert.equal(m.error_code, 'ERR_DELIVERY_UNKNOWN');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(submissionsTo('919000000003').length, 1);
});

test('negative receipts fail or expire the message', async () => {
  const failed = await send(transactional('Hello fail', '9000000004'));
  const expired = await send(transactional('Hello expire', '9000000005'));
  assert.equal((await waitForStatus(t, failed, 'FAILED', { timeoutMs: 10_000 })).error_code, 'ERR_UNDELIVERED');
  assert.equal((await waitForStatus(t, expired, 'EXPIRED', { timeoutMs: 10_000 })).error_code, 'ERR_HANDSET_UNREACHABLE');
});

test('a refusal by the first connector fails over to the next priority', async () => {
  const otp = { to: '9000000006', sender: 'DAKIYA', template_id: 'T-OTP-1', category: 'otp', message: 'Your OTP is 123456. Valid for 10 minutes. - DAKIYA' };
  const id = await send(otp);
  await waitForStatus(t, id, 'DELIVERED', { timeoutMs: 10_000 });
  assert.deepEqual(submissionsTo('919000000006').map((s) => [s.system_id, s.command_status]), [['broken', CommandStatus.ESME_RSYSERR], ['spare', 0]]);
});

test('binds that drop come back by themselves, and messages sent meanwhile are delivered', async () => {
  const port = sim.port;
  await sim.close();
  await t.until(async () => !t.gateway.smpp.states().find((s) => s.name === 'main')!.up, 10_000);
  const id = await send(transactional('Hello again', '9000000007'));
  sim = await startSmscSimulator({ port, receiptDelayMs: 10 });
  await waitForStatus(t, id, 'DELIVERED', { timeoutMs: 15_000 });
});
