// The SMPP server for customers, driven by our own SMPP library as the customer's ESME: binds and
// their security rules (all failures alike, IP allowlist before the password, lockout, max binds),
// submit_sm through the same send pipeline as HTTP (stored and charged alike, DLT and credit
// errors mapped), long and unicode messages, receipts back as deliver_sm (kept while unbound),
// query_sm and cancel_sm.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DakiyaStatus } from '../../src/api/smpp-server/smpp-errors-map.ts';
import { concatUdh, encodeGsm7, encodeUcs2 } from '../../src/protocols/gsm/index.ts';
import { CommandStatus, connect, type Pdu, type PduInput, parseReceiptText, SmppError, type SmppSession } from '../../src/protocols/smpp/index.ts';
import { creditsOn, readMessage, waitForStatus } from '../dialects/native-v1/api-reads.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';

let t: TestGateway;
let port: number;
const open: SmppSession[] = [];

before(async () => {
  t = await startTestGateway({
    flags: {
      'smpp.enabled': true, 'smpp.host': '127.0.0.1', 'smpp.port': 0, 'smpp.receiptPollMs': 50, 'dlt.maxVariableLength': 500,
      'smpp.lockout.maxFailures': 3, 'smpp.lockout.windowMs': 60_000, 'smpp.lockout.lockMs': 60_000,
    },
  });
  port = t.gateway.smppServer!.port;
  await smppUser('cust', { password: 'secret' });
});
after(async () => {
  for (const s of open) s.destroy();
  await t.stop();
});

async function smppUser(systemId: string, body: Record<string, unknown> = {}, accountId = t.account.id): Promise<void> {
  const res = await t.admin('PUT', `/smpp-users/${systemId}`, { account_id: accountId, password: 'secret', ...body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function client(): Promise<SmppSession> {
  const session = await connect({ host: '127.0.0.1', port, enquireLinkMs: 0 });
  session.on('error', () => {});
  open.push(session);
  return session;
}

async function bound(systemId = 'cust', kind: 'transceiver' | 'transmitter' | 'receiver' = 'transceiver', password = 'secret'): Promise<SmppSession> {
  const session = await client();
  await session.bind(kind, { system_id: systemId, password });
  return session;
}

/** The command_status of a refused bind (or 0 when it was accepted). */
async function bindStatus(systemId: string, password: string): Promise<number> {
  const session = await client();
  try {
    await session.bind('transceiver', { system_id: systemId, password });
    await session.unbind();
    return 0;
  } catch (error) {
    assert.ok(error instanceof SmppError && error.code === 'SMPP_ERR_BIND_FAILED', String(error));
    session.destroy();
    return error.command_status!;
  }
}

function submit(fields: Partial<PduInput<any>> & { text?: string }): PduInput {
  const { text, ...rest } = fields;
  return {
    command: 'submit_sm', source_addr: 'DAKIYA', destination_addr: '919876543210', data_coding: 0,
    short_message: text === undefined ? Buffer.alloc(0) : Buffer.from(encodeGsm7(text)),
    tlvs: { '0x1401': 'T-PLAIN-1' }, ...rest,
  } as PduInput;
}

async function submitted(session: SmppSession, pdu: PduInput): Promise<Pdu & { message_id?: string }> {
  return await session.request(pdu) as Pdu & { message_id?: string };
}

/** The next deliver_sm the session receives, acknowledged with `status`. */
function nextDeliverSm(session: SmppSession, status = 0): Promise<Pdu & Record<string, any>> {
  return new Promise((resolve) => {
    const onRequest = (pdu: Pdu) => {
      if (pdu.command !== 'deliver_sm') return;
      session.off('request', onRequest);
      session.respond(pdu, undefined, status);
      resolve(pdu as Pdu & Record<string, any>);
    };
    session.on('request', onRequest);
  });
}

describe('binding', () => {
  test('a customer binds as transceiver with its system_id and password', async () => {
    const session = await client();
    const resp = await session.bind('transceiver', { system_id: 'cust', password: 'secret' });
    assert.equal(resp.command_status, 0);
    assert.equal(resp.system_id, 'DAKIYA');
    await session.unbind();
  });

  test('every refused bind looks the same on the wire, whatever the reason', async () => {
    await smppUser('walled', { ip_allowlist: ['10.0.0.0/8'] });
    await smppUser('off', { enabled: false });
    const suspended = await t.createAccount();
    await smppUser('susp', {}, suspended.id);
    assert.equal((await t.admin('PATCH', `/accounts/${suspended.id}`, { status: 'suspended' })).status, 200);
    const statuses = [
      await bindStatus('nosuchuser', 'secret'),
      await bindStatus('cust2', 'wrong'),
      await bindStatus('walled', 'secret'),
      await bindStatus('off', 'secret'),
      await bindStatus('susp', 'secret'),
    ];
    assert.deepEqual(statuses, Array(5).fill(CommandStatus.ESME_RBINDFAIL));
  });

  test('the IP allowlist is checked before the password: guesses from outside it are never tried and never lock', async () => {
    await smppUser('fenced', { ip_allowlist: ['192.0.2.0/24'] });
    for (let i = 0; i < 5; i++) assert.equal(await bindStatus('fenced', `guess${i}`), CommandStatus.ESME_RBINDFAIL);
    assert.equal(await bindStatus('fenced', 'secret'), CommandStatus.ESME_RBINDFAIL);
    assert.equal(await t.gateway.core.store.smppBindLockedUntil('fenced', Date.now()), undefined);
    await smppUser('fenced', { ip_allowlist: ['192.0.2.0/24', '127.0.0.1'] });
    assert.equal(await bindStatus('fenced', 'secret'), 0);
  });

  test('repeated failures lock a system_id, known or not, so even the right password is refused', async () => {
    await smppUser('locky');
    for (let i = 0; i < 3; i++) assert.equal(await bindStatus('locky', 'nope'), CommandStatus.ESME_RBINDFAIL);
    assert.equal(await bindStatus('locky', 'secret'), CommandStatus.ESME_RBINDFAIL);
    assert.ok((await t.gateway.core.store.smppBindLockedUntil('locky', Date.now()))! > Date.now());
    for (let i = 0; i < 3; i++) await bindStatus('ghost', 'nope');
    assert.ok((await t.gateway.core.store.smppBindLockedUntil('ghost', Date.now()))! > Date.now());
    // The operator setting a new password ends the lock.
    await smppUser('locky', { password: 'fresh' });
    assert.equal(await bindStatus('locky', 'fresh'), 0);
  });

  test('an account holds at most max_binds binds; one more is refused until one ends', async () => {
    const other = await t.createAccount();
    await smppUser('twice', { max_binds: 2 }, other.id);
    const first = await bound('twice');
    await bound('twice', 'receiver');
    assert.equal(await bindStatus('twice', 'secret'), CommandStatus.ESME_RBINDFAIL);
    await first.unbind();
    await t.until(async () => t.gateway.smppServer!.connections <= open.filter((s) => s.state !== 'closed').length);
    const third = await bound('twice');
    assert.equal(third.state, 'bound_trx');
  });
});

describe('submitting', () => {
  let tx: SmppSession;
  before(async () => { tx = await bound('cust', 'transmitter'); });

  test('submit_sm is stored and charged exactly like an HTTP send, and answered with the message id', async () => {
    const before = await creditsOn(t, 'transactional');
    const resp = await submitted(tx, submit({ text: 'Hello from SMPP' }));
    assert.equal(resp.command_status, 0);
    const m = await readMessage(t, resp.message_id!);
    const http = await t.request('POST', '/v1/sms/send', { to: '9876543210', sender: 'DAKIYA', template_id: 'T-PLAIN-1', category: 'transactional', message: 'Hello from SMPP' });
    assert.equal(http.status, 202, http.raw);
    const viaHttp = await readMessage(t, http.body.message_id);
    for (const field of ['to', 'sender', 'category', 'route', 'template_id', 'segments', 'encoding', 'flash', 'credits']) assert.deepEqual(m[field], viaHttp[field], field);
    assert.equal((await t.gateway.core.store.getMessage(t.account.id, m.message_id))?.body, 'Hello from SMPP');
    assert.equal(await creditsOn(t, 'transactional'), before - 2);
  });

  test('a DLT template mismatch and a missing template are answered with their documented statuses', async () => {
    const mismatch = await submitted(tx, submit({ text: 'Not the OTP template', tlvs: { '0x1401': 'T-OTP-1' } }));
    assert.equal(mismatch.command_status, DakiyaStatus.DLT_TEMPLATE_MISMATCH);
    const missing = await submitted(tx, submit({ text: 'No template', tlvs: {} }));
    assert.equal(missing.command_status, DakiyaStatus.TEMPLATE_REQUIRED);
    const badNumber = await submitted(tx, submit({ text: 'Hi', destination_addr: '12' }));
    assert.equal(badNumber.command_status, CommandStatus.ESME_RINVDSTADR);
    const badSender = await submitted(tx, submit({ text: 'Hi', source_addr: 'NOPE01' }));
    assert.equal(badSender.command_status, CommandStatus.ESME_RINVSRCADR);
  });

  test('a submission the balance cannot cover is refused and charges nothing', async () => {
    const poor = await t.createAccount({ transactional: 1 });
    await smppUser('poor', {}, poor.id);
    const session = await bound('poor', 'transmitter');
    const resp = await submitted(session, submit({ text: 'x'.repeat(200) }));
    assert.equal(resp.command_status, DakiyaStatus.INSUFFICIENT_CREDITS);
    assert.equal(await creditsOn(t, 'transactional', poor.apiKey), 1);
  });

  test('the UDH parts of a long message are joined, sent as one message and charged once', async () => {
    const before = await creditsOn(t, 'transactional');
    const text = `${'Part one of a long text. '.repeat(6)}${'And here is the second. '.repeat(4)}`;
    const septets = encodeGsm7(text);
    const halves = [septets.subarray(0, 153), septets.subarray(153)];
    const parts = halves.map((h, i) => Buffer.concat([concatUdh(0x42, 2, i + 1), h]));
    // The second part first: parts may come in any order.
    const last = await submitted(tx, submit({ esm_class: 0x40, short_message: parts[1] }));
    const first = await submitted(tx, submit({ esm_class: 0x40, short_message: parts[0] }));
    assert.equal(last.command_status, 0);
    assert.equal(first.command_status, 0);
    assert.notEqual(first.message_id, last.message_id);
    const m = await readMessage(t, first.message_id!);
    assert.equal(m.segments, 2);
    assert.equal(m.credits, 2);
    assert.equal((await t.gateway.core.store.getMessage(t.account.id, m.message_id))?.body, text);
    assert.equal((await t.request('GET', `/v1/messages/${last.message_id}`)).status, 404);
    assert.equal(await creditsOn(t, 'transactional'), before - 2);
  });

  test('an acknowledged part is stored, not held by its bind: the last part on another bind completes the message', async () => {
    const text = `${'Stored before it is answered. '.repeat(5)}${'Completed elsewhere. '.repeat(5)}`;
    const septets = encodeGsm7(text);
    const parts = [septets.subarray(0, 153), septets.subarray(153)].map((h, i) => Buffer.concat([concatUdh(0x43, 2, i + 1), h]));
    const one = await bound('cust', 'transmitter');
    assert.equal((await submitted(one, submit({ esm_class: 0x40, short_message: parts[0] }))).command_status, 0);
    await one.unbind();
    const two = await bound('cust', 'transmitter');
    const whole = await submitted(two, submit({ esm_class: 0x40, short_message: parts[1] }));
    assert.equal(whole.command_status, 0);
    assert.equal((await t.gateway.core.store.getMessage(t.account.id, whole.message_id!))?.body, text);
    // Nothing is left waiting once the message is accepted.
    assert.equal((await t.gateway.core.store.purgeSmppParts(Number.MAX_SAFE_INTEGER)), 0);
  });

  test('UCS-2 text (data_coding 8) arrives as unicode', async () => {
    const text = 'नमस्ते, आपका ऑर्डर भेज दिया गया है';
    const resp = await submitted(tx, submit({ data_coding: 8, short_message: Buffer.from(encodeUcs2(text)) }));
    assert.equal(resp.command_status, 0);
    const m = await readMessage(t, resp.message_id!);
    assert.equal(m.encoding, 'UCS2');
    assert.equal((await t.gateway.core.store.getMessage(t.account.id, m.message_id))?.body, text);
  });

  test('a submit_sm on a receiver bind is refused as the wrong bind state', async () => {
    const rx = await bound('cust', 'receiver');
    const raw = await client();
    await raw.bind('transmitter', { system_id: 'cust', password: 'secret' });
    assert.equal(rx.state, 'bound_rx');
    await assert.rejects(rx.request(submit({ text: 'x' })), (e: SmppError) => e.code === 'SMPP_ERR_INVALID_STATE');
    await rx.unbind();
    await raw.unbind();
  });
});

describe('receipts, query_sm and cancel_sm', () => {
  test('a delivered message submitted with registered_delivery comes back as a deliver_sm receipt', async () => {
    const trx = await bound('cust');
    const receipt = nextDeliverSm(trx);
    const resp = await submitted(trx, submit({ text: 'Receipt please', registered_delivery: 1 }));
    const r = await receipt;
    assert.equal(r.esm_class, 0x04);
    assert.equal(r.tlvs?.receipted_message_id, resp.message_id);
    assert.equal(r.tlvs?.message_state, 2);
    const text = parseReceiptText((r.short_message as Buffer).toString('latin1'));
    assert.equal(text?.id, resp.message_id);
    assert.equal(text?.stat, 'DELIVRD');
    assert.equal(r.source_addr, '919876543210');
    assert.equal(r.destination_addr, 'DAKIYA');
    await t.until(async () => (await t.gateway.core.store.countSmppReceipts('cust')) === 0);
    await trx.unbind();
  });

  test('a receipt due while the customer is unbound is kept and delivered when it binds a receiver', async () => {
    await smppUser('later');
    const tx = await bound('later', 'transmitter');
    const resp = await submitted(tx, submit({ text: 'Deliver later', registered_delivery: 1, destination_addr: '919999900001' }));
    await tx.unbind();
    await waitForStatus(t, resp.message_id!, 'FAILED');
    await t.until(async () => (await t.gateway.core.store.countSmppReceipts('later')) === 1);
    const rx = await bound('later', 'receiver');
    const r = await nextDeliverSm(rx);
    assert.equal(r.tlvs?.receipted_message_id, resp.message_id);
    assert.equal(r.tlvs?.message_state, 5);
    assert.equal(parseReceiptText((r.short_message as Buffer).toString('latin1'))?.stat, 'UNDELIV');
    await t.until(async () => (await t.gateway.core.store.countSmppReceipts('later')) === 0);
    await rx.unbind();
  });

  test('a receipt the customer does not acknowledge stays in the outbox', async () => {
    await smppUser('grumpy');
    const trx = await bound('grumpy');
    const receipt = nextDeliverSm(trx, CommandStatus.ESME_RX_T_APPN);
    const resp = await submitted(trx, submit({ text: 'Refused receipt', registered_delivery: 1 }));
    assert.equal((await receipt).tlvs?.receipted_message_id, resp.message_id);
    trx.destroy();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await t.gateway.core.store.countSmppReceipts('grumpy'), 1);
  });

  test('query_sm tells the state of the account\'s own messages only', async () => {
    const trx = await bound('cust', 'transmitter');
    const resp = await submitted(trx, submit({ text: 'Query me' }));
    await waitForStatus(t, resp.message_id!, 'DELIVERED');
    const q = await trx.request({ command: 'query_sm', message_id: resp.message_id! }) as Pdu & Record<string, any>;
    assert.equal(q.command_status, 0);
    assert.equal(q.message_state, 2);
    assert.match(q.final_date, /^\d{12}\d00\+$/);
    const stranger = await t.createAccount();
    await smppUser('stranger', {}, stranger.id);
    const theirs = await bound('stranger', 'transmitter');
    const foreign = await theirs.request({ command: 'query_sm', message_id: resp.message_id! });
    assert.equal(foreign.command_status, CommandStatus.ESME_RQUERYFAIL);
  });

  test('cancel_sm cancels a scheduled message and refunds it; a second cancel fails', async () => {
    const trx = await bound('cust', 'transmitter');
    const before = await creditsOn(t, 'transactional');
    // Relative time: one hour from now (SMPP 3.4 §7.1.1.2).
    const resp = await submitted(trx, submit({ text: 'Scheduled one', schedule_delivery_time: '000000010000000R' }));
    assert.equal(resp.command_status, 0);
    assert.equal((await readMessage(t, resp.message_id!)).status, 'SCHEDULED');
    assert.equal(await creditsOn(t, 'transactional'), before - 1);
    const q = await trx.request({ command: 'query_sm', message_id: resp.message_id! }) as Pdu & Record<string, any>;
    assert.equal(q.message_state, 1);
    const cancel = await trx.request({ command: 'cancel_sm', message_id: resp.message_id!, source_addr: 'DAKIYA', destination_addr: '919876543210' });
    assert.equal(cancel.command_status, 0);
    const m = await readMessage(t, resp.message_id!);
    assert.equal(m.status, 'REJECTED');
    assert.equal(m.error_code, 'ERR_CANCELLED');
    assert.equal(await creditsOn(t, 'transactional'), before);
    const again = await trx.request({ command: 'cancel_sm', message_id: resp.message_id! });
    assert.equal(again.command_status, CommandStatus.ESME_RCANCELFAIL);
  });
});
