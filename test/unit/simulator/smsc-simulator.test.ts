// The SMSC simulator, driven by the library's own client over loopback.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatUdh } from '../../../src/protocols/gsm/index.ts';
import {
  type BindKind, CommandStatus, connect, type DeliverSm, MessageState, parseReceiptText, type Pdu, SmppError, type SmppSession, type SubmitSmResp,
} from '../../../src/protocols/smpp/index.ts';
import { type SmscSimulatorOptions, startSmscSimulator } from '../../../src/simulator/smsc-simulator.ts';

async function withSimulator(options: SmscSimulatorOptions, body: (sim: Awaited<ReturnType<typeof startSmscSimulator>>) => Promise<void>): Promise<void> {
  const sim = await startSmscSimulator({ receiptDelayMs: 5, ...options });
  try {
    await body(sim);
  } finally {
    await sim.close();
  }
}

/** A bound client whose received deliver_sm PDUs are answered (with `status`) and collected. */
async function client(port: number, kind: BindKind, options: { system_id?: string; password?: string; status?: number; responseTimeoutMs?: number } = {}) {
  const session = await connect({ host: '127.0.0.1', port, enquireLinkMs: 0, ...(options.responseTimeoutMs !== undefined && { responseTimeoutMs: options.responseTimeoutMs }) });
  const receipts: DeliverSm[] = [];
  const waiters: Array<() => void> = [];
  session.on('request', (pdu: Pdu) => {
    session.respond(pdu, undefined, options.status ?? 0);
    if (pdu.command === 'deliver_sm' && (options.status ?? 0) === 0) {
      receipts.push(pdu);
      for (const w of waiters.splice(0)) w();
    }
  });
  await session.bind(kind, { system_id: options.system_id ?? 'acme', password: options.password ?? 'pw' });
  const receipt = async (n = 1, timeoutMs = 3000): Promise<DeliverSm[]> => {
    const deadline = Date.now() + timeoutMs;
    while (receipts.length < n) {
      if (Date.now() > deadline) throw new Error(`${receipts.length} of ${n} receipts arrived`);
      await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 50); });
    }
    return receipts.slice(0, n);
  };
  return { session, receipts, receipt };
}

function submit(session: SmppSession, fields: Record<string, unknown> = {}): Promise<Pdu> {
  return session.request({
    command: 'submit_sm', source_addr_ton: 5, source_addr: 'DAKIYA', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '919876543210',
    registered_delivery: 1, short_message: Buffer.from('Your OTP is 123456'), ...fields,
  });
}

async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail('the condition did not become true in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rejection(promise: Promise<unknown>): Promise<SmppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SmppError);
    return error;
  }
  assert.fail('did not reject');
}

test('acks a submit_sm and sends its receipt over the transceiver, in text and TLVs', () => withSimulator({}, async (sim) => {
  const c = await client(sim.port, 'transceiver');
  const resp = await submit(c.session) as SubmitSmResp;
  assert.equal(resp.command_status, 0);
  assert.match(resp.message_id!, /^[0-9a-f]{8,}$/);
  const [receipt] = await c.receipt();
  assert.equal(receipt!.esm_class, 0x04);
  assert.equal(receipt!.source_addr, '919876543210');
  assert.equal(receipt!.destination_addr, 'DAKIYA');
  assert.deepEqual(receipt!.tlvs, { receipted_message_id: resp.message_id, message_state: MessageState.DELIVERED, network_error_code: Buffer.from([3, 0, 0]) });
  const text = parseReceiptText(receipt!.short_message.toString('latin1'));
  assert.equal(text?.id, resp.message_id);
  assert.equal(text?.stat, 'DELIVRD');
  assert.equal(text?.dlvrd, '001');
  assert.equal(text?.text, 'Your OTP is 123456');
  await eventually(() => sim.stats().receiptsSent === 1);
  await c.session.unbind();
}));

test('writes receipt ids in decimal when the acks are hex, if asked to', () => withSimulator({ idFormat: 'hex', receiptIdFormat: 'decimal' }, async (sim) => {
  const c = await client(sim.port, 'transceiver');
  const resp = await submit(c.session) as SubmitSmResp;
  const [receipt] = await c.receipt();
  const decimal = String(Number.parseInt(resp.message_id!, 16)).padStart(10, '0');
  assert.equal(receipt!.tlvs?.receipted_message_id, decimal);
  assert.equal(parseReceiptText(receipt!.short_message.toString('latin1'))?.id, decimal);
  c.session.destroy();
}));

test('generates decimal ids when idFormat is decimal', () => withSimulator({ idFormat: 'decimal' }, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  assert.match((await submit(c.session) as SubmitSmResp).message_id!, /^\d{10,}$/);
  c.session.destroy();
}));

test('sends receipts over the receiver bind of an ESME bound as transmitter and receiver', () => withSimulator({}, async (sim) => {
  const tx = await client(sim.port, 'transmitter');
  const rx = await client(sim.port, 'receiver');
  await submit(tx.session);
  await submit(tx.session);
  assert.equal((await rx.receipt(2)).length, 2);
  assert.deepEqual(sim.stats().binds, { transmitter: 1, receiver: 1, transceiver: 0, refused: 0 });
  tx.session.destroy();
  rx.session.destroy();
}));

test('keeps receipts until a receiver binds', () => withSimulator({}, async (sim) => {
  const tx = await client(sim.port, 'transmitter');
  await submit(tx.session);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(sim.stats().receiptsWaiting, 1);
  const rx = await client(sim.port, 'receiver');
  assert.equal((await rx.receipt(1)).length, 1);
  assert.equal(sim.stats().receiptsWaiting, 0);
  tx.session.destroy();
  rx.session.destroy();
}));

test('sends no receipt when registered_delivery asks for none', () => withSimulator({}, async (sim) => {
  const c = await client(sim.port, 'transceiver');
  await submit(c.session, { registered_delivery: 0 });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.receipts.length, 0);
  assert.equal(sim.stats().receiptsPending, 0);
  c.session.destroy();
}));

test('refuses a bind with the wrong system_id or password', () => withSimulator({ systemId: 'acme', password: 'pw' }, async (sim) => {
  assert.equal((await rejection(client(sim.port, 'transceiver', { system_id: 'other' }))).command_status, CommandStatus.ESME_RINVSYSID);
  assert.equal((await rejection(client(sim.port, 'transceiver', { password: 'nope' }))).command_status, CommandStatus.ESME_RINVPASWD);
  assert.equal(sim.stats().binds.refused, 2);
}));

test('counts a three-part message with an 8-bit UDH reference, parts numbered 1 to 3', () => withSimulator({}, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  for (let i = 1; i <= 3; i++) {
    await submit(c.session, { esm_class: 0x40, short_message: Buffer.concat([Buffer.from(concatUdh(0x2a, 3, i)), Buffer.from(`part ${i}`)]) });
  }
  assert.equal(sim.stats().parts, 3);
  assert.deepEqual(sim.submissions().map((s) => s.part), [1, 2, 3].map((sequence) => ({ scheme: 'udh8', reference: 0x2a, total: 3, sequence })));
  c.session.destroy();
}));

test('reads 16-bit UDH references and SAR TLVs', () => withSimulator({}, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  await submit(c.session, { esm_class: 0x40, short_message: Buffer.concat([Buffer.from(concatUdh(0x1234, 2, 1, { reference16: true })), Buffer.from('a')]) });
  await submit(c.session, { tlvs: { sar_msg_ref_num: 7, sar_total_segments: 2, sar_segment_seqnum: 2 } });
  assert.deepEqual(sim.submissions().map((s) => s.part), [
    { scheme: 'udh16', reference: 0x1234, total: 2, sequence: 1 },
    { scheme: 'sar', reference: 7, total: 2, sequence: 2 },
  ]);
  c.session.destroy();
}));

test('counts submissions per data_coding, and takes message_payload', () => withSimulator({}, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  await submit(c.session, { data_coding: 8, short_message: Buffer.from('0939', 'hex') });
  await submit(c.session, { data_coding: 0, short_message: Buffer.alloc(0), tlvs: { message_payload: Buffer.from('long text') } });
  assert.deepEqual(sim.stats().dataCodings, { 0: 1, 8: 1 });
  assert.equal(sim.stats().submitsAccepted, 2);
  c.session.destroy();
}));

test('throttles every second submission to a matching destination', () => withSimulator({ rules: [{ match: { destination: '9198' }, action: 'throttle', every: 2 }] }, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await submit(c.session)).command_status);
  statuses.push((await submit(c.session, { destination_addr: '447700900000' })).command_status);
  assert.deepEqual(statuses, [0, CommandStatus.ESME_RTHROTTLED, 0, CommandStatus.ESME_RTHROTTLED, 0]);
  assert.equal(sim.stats().submitsRejected, 2);
  c.session.destroy();
}));

test('answers queue_full and reject rules with their statuses', () => withSimulator({
  rules: [{ match: { destination: '/^4477/' }, action: 'queue_full' }, { match: { textContains: 'spam' }, action: 'reject', status: CommandStatus.ESME_RINVDSTADR }],
}, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  assert.equal((await submit(c.session, { destination_addr: '447700900000' })).command_status, CommandStatus.ESME_RMSGQFUL);
  assert.equal((await submit(c.session, { short_message: Buffer.from('buy spam now') })).command_status, CommandStatus.ESME_RINVDSTADR);
  assert.equal((await submit(c.session)).command_status, 0);
  c.session.destroy();
}));

test('matches text in a UCS-2 message', () => withSimulator({ rules: [{ match: { textContains: 'नमस्ते' }, action: 'reject' }] }, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  const ucs2 = Buffer.from('नमस्ते दुनिया', 'utf16le').swap16();
  assert.equal((await submit(c.session, { data_coding: 8, short_message: ucs2 })).command_status, CommandStatus.ESME_RSUBMITFAIL);
  c.session.destroy();
}));

test('leaves a no_response submission unanswered', () => withSimulator({ rules: [{ action: 'no_response' }] }, async (sim) => {
  const c = await client(sim.port, 'transmitter', { responseTimeoutMs: 60 });
  assert.equal((await rejection(submit(c.session))).code, 'SMPP_ERR_RESPONSE_TIMEOUT');
  assert.equal(sim.stats().submitsUnanswered, 1);
  c.session.destroy();
}));

test('answers a slow submission after its delay', () => withSimulator({ rules: [{ action: 'slow', delayMs: 80 }] }, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  const started = performance.now();
  assert.equal((await submit(c.session)).command_status, 0);
  assert.ok(performance.now() - started >= 70);
  c.session.destroy();
}));

test('sends an UNDELIV receipt with its error for fail_receipt, and EXPIRED for expire_receipt', () => withSimulator({
  rules: [{ match: { destination: '9100' }, action: 'fail_receipt', status: 0x0b }, { match: { destination: '9111' }, action: 'expire_receipt' }],
}, async (sim) => {
  const c = await client(sim.port, 'transceiver');
  await submit(c.session, { destination_addr: '9100000000' });
  await submit(c.session, { destination_addr: '9111111111' });
  const receipts = await c.receipt(2);
  const byDest = new Map(receipts.map((r) => [r.source_addr, r]));
  const failed = byDest.get('9100000000')!;
  assert.equal(failed.tlvs?.message_state, MessageState.UNDELIVERABLE);
  assert.deepEqual(failed.tlvs?.network_error_code, Buffer.from([3, 0, 0x0b]));
  assert.equal(parseReceiptText(failed.short_message.toString('latin1'))?.stat, 'UNDELIV');
  assert.equal(parseReceiptText(failed.short_message.toString('latin1'))?.err, '011');
  assert.equal(byDest.get('9111111111')!.tlvs?.message_state, MessageState.EXPIRED);
  c.session.destroy();
}));

test('sends a failure receipt only when registered_delivery asks for failures only', () => withSimulator({ rules: [{ match: { destination: '9100' }, action: 'fail_receipt' }] }, async (sim) => {
  const c = await client(sim.port, 'transceiver');
  await submit(c.session, { registered_delivery: 2 });
  await submit(c.session, { registered_delivery: 2, destination_addr: '9100000000' });
  const [receipt] = await c.receipt(1);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.receipts.length, 1);
  assert.equal(receipt!.tlvs?.message_state, MessageState.UNDELIVERABLE);
  c.session.destroy();
}));

test('applies a rule with the probability it gives', () => withSimulator({ rules: [{ action: 'throttle', probability: 0.5 }], random: (() => { let i = 0; return () => [0.2, 0.7][i++ % 2]!; })() }, async (sim) => {
  const c = await client(sim.port, 'transmitter');
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await submit(c.session)).command_status);
  assert.deepEqual(statuses, [CommandStatus.ESME_RTHROTTLED, 0, CommandStatus.ESME_RTHROTTLED, 0]);
  c.session.destroy();
}));

test('retries a receipt the ESME refuses', () => withSimulator({ retryMs: 20 }, async (sim) => {
  const refusing = await client(sim.port, 'transceiver', { status: CommandStatus.ESME_RX_T_APPN });
  await submit(refusing.session);
  await eventually(() => sim.stats().receiptsRetried >= 1);
  refusing.session.destroy();
  const accepting = await client(sim.port, 'receiver');
  assert.equal((await accepting.receipt(1)).length, 1);
  accepting.session.destroy();
}));

test('rejects a rule with an unknown action', async () => {
  await assert.rejects(startSmscSimulator({ rules: [{ action: 'explode' as never }] }), /action 'explode'/);
});
