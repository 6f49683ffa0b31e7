// The session state machine against a raw peer: windows, timeouts, throttling, bind states,
// link supervision, generic_nack, unbind and destroy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandStatus, type Pdu, SmppError } from '../../../../src/protocols/smpp/index.ts';
import { cstr, pduHex, text } from './hex.ts';
import { boundEsme, boundSmsc, closed, harness } from './session-harness.ts';

const submit = { command: 'submit_sm', destination_addr: '919876543210', short_message: Buffer.from('Hi') } as const;

async function rejection(promise: Promise<unknown>): Promise<SmppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SmppError, String(error));
    return error;
  }
  assert.fail('did not reject');
}

test('binds as a transceiver and resolves with the bind response', async () => {
  const { session, peer } = harness({ role: 'esme' });
  const bound = session.bind('transceiver', { system_id: 'esme', password: 'pw', system_type: 'SMPP' });
  const bind = await peer.next();
  assert.equal(bind.command, 'bind_transceiver');
  assert.equal(session.state, 'binding');
  peer.send({ command: 'bind_transceiver_resp', sequence_number: bind.sequence_number, system_id: 'SMSC' });
  assert.equal((await bound).system_id, 'SMSC');
  assert.equal(session.state, 'bound_trx');
  session.destroy();
});

test('rejects a refused bind with SMPP_ERR_BIND_FAILED carrying the status, and returns to open', async () => {
  const { session, peer } = harness({ role: 'esme' });
  const bound = session.bind('transmitter', { system_id: 'esme', password: 'bad' });
  const bind = await peer.next();
  peer.sendHex(pduHex(0x80000002, CommandStatus.ESME_RINVPASWD, bind.sequence_number));
  const e = await rejection(bound);
  assert.equal(e.code, 'SMPP_ERR_BIND_FAILED');
  assert.equal(e.command_status, CommandStatus.ESME_RINVPASWD);
  assert.equal(session.state, 'open');
  session.destroy();
});

test('never has more requests outstanding than the window', async () => {
  const { session, peer } = await boundEsme('transmitter', { window: 5 });
  const results = Array.from({ length: 25 }, () => session.request(submit));
  assert.equal(await peer.settle(), 5);
  assert.equal(session.outstanding, 5);
  assert.equal(session.queued, 20);
  let answered = 0;
  while (answered < 25) {
    const req = await peer.next('submit_sm');
    assert.ok(session.outstanding <= 5);
    peer.send({ command: 'submit_sm_resp', sequence_number: req.sequence_number, message_id: `m${answered++}` });
  }
  const resps = await Promise.all(results);
  assert.deepEqual(resps.map((r) => (r as { message_id?: string }).message_id), Array.from({ length: 25 }, (_, i) => `m${i}`));
  session.destroy();
});

test('resolves with the response whatever its command_status', async () => {
  const { session, peer } = await boundEsme('transmitter');
  const result = session.request(submit);
  const req = await peer.next('submit_sm');
  peer.sendHex(pduHex(0x80000004, CommandStatus.ESME_RTHROTTLED, req.sequence_number));
  const resp = await result;
  assert.equal(resp.command_status, CommandStatus.ESME_RTHROTTLED);
  session.destroy();
});

test('rejects a request unanswered within responseTimeoutMs, frees its slot, and counts the late response as unknown', async () => {
  const { session, peer } = await boundEsme('transmitter', { responseTimeoutMs: 40, window: 1 });
  const first = session.request(submit);
  const second = session.request(submit);
  const req = await peer.next('submit_sm');
  const e = await rejection(first);
  assert.equal(e.code, 'SMPP_ERR_RESPONSE_TIMEOUT');
  const req2 = await peer.next('submit_sm');
  peer.send({ command: 'submit_sm_resp', sequence_number: req.sequence_number, message_id: 'late' });
  peer.send({ command: 'submit_sm_resp', sequence_number: req2.sequence_number, message_id: 'ok' });
  assert.equal(((await second) as { message_id?: string }).message_id, 'ok');
  assert.equal(session.unknownResponses, 1);
  session.destroy();
});

test('rejects a request the peer answers with generic_nack with SMPP_ERR_GENERIC_NACK and its status', async () => {
  const { session, peer } = await boundEsme('transmitter');
  const result = session.request(submit);
  const req = await peer.next('submit_sm');
  peer.send({ command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDID, sequence_number: req.sequence_number });
  const e = await rejection(result);
  assert.equal(e.code, 'SMPP_ERR_GENERIC_NACK');
  assert.equal(e.command_status, CommandStatus.ESME_RINVCMDID);
  assert.equal(session.outstanding, 0);
  session.destroy();
});

test('sends no more than maxTps requests per second', async () => {
  const { session, peer } = await boundEsme('transmitter', { maxTps: 100, window: 100 });
  peer.on('pdu', () => {
    const last = peer.received.at(-1)!;
    if (last.command === 'submit_sm') peer.send({ command: 'submit_sm_resp', sequence_number: last.sequence_number, message_id: 'x' });
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: 40 }, () => session.request(submit)));
  const elapsed = performance.now() - started;
  // 10 tokens to start with (a tenth of a second), then 100/s: the other 30 take ≥ 300 ms.
  assert.ok(elapsed >= 280, `40 requests at 100/s took ${elapsed.toFixed(0)} ms`);
  session.destroy();
});

test('refuses to submit before binding, as a receiver, or from the smsc side', async () => {
  const open = harness({ role: 'esme' });
  assert.equal((await rejection(open.session.request(submit))).code, 'SMPP_ERR_INVALID_STATE');
  open.session.destroy();
  const rx = await boundEsme('receiver');
  assert.equal((await rejection(rx.session.request(submit))).code, 'SMPP_ERR_INVALID_STATE');
  rx.session.destroy();
  const smsc = await boundSmsc('transceiver');
  assert.equal((await rejection(smsc.session.request(submit))).code, 'SMPP_ERR_INVALID_STATE');
  smsc.session.destroy();
});

test('refuses to deliver_sm to an ESME bound as a transmitter', async () => {
  const { session } = await boundSmsc('transmitter');
  const e = await rejection(session.request({ command: 'deliver_sm', short_message: Buffer.from('x') }));
  assert.equal(e.code, 'SMPP_ERR_INVALID_STATE');
  session.destroy();
});

test('answers a submit_sm before any bind with ESME_RINVBNDSTS', async () => {
  const { session, peer } = harness({ role: 'smsc' });
  session.on('request', () => assert.fail('the application must not see it'));
  peer.send({ ...submit, sequence_number: 4 });
  const resp = await peer.next();
  assert.deepEqual(resp, { command: 'submit_sm_resp', command_status: CommandStatus.ESME_RINVBNDSTS, sequence_number: 4 });
  session.destroy();
});

test('answers a submit_sm from an ESME bound as a receiver with ESME_RINVBNDSTS', async () => {
  const { session, peer } = await boundSmsc('receiver');
  peer.send({ ...submit, sequence_number: 5 });
  assert.equal((await peer.next()).command_status, CommandStatus.ESME_RINVBNDSTS);
  session.destroy();
});

test('answers a deliver_sm sent to an SMSC with ESME_RINVCMDID', async () => {
  const { session, peer } = await boundSmsc('transceiver');
  peer.send({ command: 'deliver_sm', sequence_number: 6 });
  const resp = await peer.next();
  assert.equal(resp.command, 'deliver_sm_resp');
  assert.equal(resp.command_status, CommandStatus.ESME_RINVCMDID);
  session.destroy();
});

test('hands a deliver_sm to the application on an ESME bound as a receiver, and sends its response', async () => {
  const { session, peer } = await boundEsme('receiver');
  session.on('request', (pdu: Pdu) => session.respond(pdu));
  peer.send({ command: 'deliver_sm', sequence_number: 77, esm_class: 4, short_message: Buffer.from('id:1 stat:DELIVRD') });
  assert.deepEqual(await peer.next(), { command: 'deliver_sm_resp', command_status: 0, sequence_number: 77, message_id: '' });
  session.destroy();
});

test('answers a request nobody listens for with ESME_RSYSERR', async () => {
  const { session, peer } = await boundEsme('receiver');
  peer.send({ command: 'deliver_sm', sequence_number: 78 });
  assert.equal((await peer.next()).command_status, CommandStatus.ESME_RSYSERR);
  session.destroy();
});

test('lets the application accept or refuse a bind on the smsc side', async () => {
  const { session, peer } = harness({ role: 'smsc' });
  session.on('bind', (pdu, accept) => accept(pdu.password === 'pw' ? 0 : CommandStatus.ESME_RINVPASWD, 'SMSC'));
  peer.send({ command: 'bind_transmitter', sequence_number: 1, system_id: 'a', password: 'bad' });
  assert.deepEqual(await peer.next(), { command: 'bind_transmitter_resp', command_status: CommandStatus.ESME_RINVPASWD, sequence_number: 1 });
  assert.equal(session.state, 'open');
  peer.send({ command: 'bind_transmitter', sequence_number: 2, system_id: 'a', password: 'pw' });
  assert.deepEqual(await peer.next(), { command: 'bind_transmitter_resp', command_status: 0, sequence_number: 2, system_id: 'SMSC' });
  assert.equal(session.state, 'bound_tx');
  peer.send({ command: 'bind_transmitter', sequence_number: 3, system_id: 'a', password: 'pw' });
  assert.equal((await peer.next()).command_status, CommandStatus.ESME_RALYBND);
  session.destroy();
});

test('refuses every bind when nobody listens for binds', async () => {
  const { session, peer } = harness({ role: 'smsc' });
  peer.send({ command: 'bind_transceiver', sequence_number: 1, system_id: 'a', password: 'b' });
  assert.equal((await peer.next()).command_status, CommandStatus.ESME_RBINDFAIL);
  session.destroy();
});

test('closes an smsc connection that does not bind within bindTimeoutMs', async () => {
  const { session } = harness({ role: 'smsc', bindTimeoutMs: 30 });
  const error = await closed(session);
  assert.equal((error as SmppError).code, 'SMPP_ERR_BIND_TIMEOUT');
});

test('answers enquire_link in any state', async () => {
  const { session, peer } = harness({ role: 'smsc' });
  peer.sendHex('00000010 00000015 00000000 0000002a');
  assert.deepEqual(await peer.next(), { command: 'enquire_link_resp', command_status: 0, sequence_number: 42 });
  session.destroy();
});

test('sends enquire_link when idle and stays up while the peer answers', async () => {
  const { session, peer } = await boundEsme('transceiver', { enquireLinkMs: 30, responseTimeoutMs: 100 });
  for (let i = 0; i < 3; i++) {
    const e = await peer.next('enquire_link');
    peer.send({ command: 'enquire_link_resp', sequence_number: e.sequence_number });
  }
  assert.equal(session.state, 'bound_trx');
  session.destroy();
});

test('closes with SMPP_ERR_ENQUIRE_LINK_TIMEOUT when the peer stops answering enquire_link', async () => {
  const { session, peer } = await boundEsme('transceiver', { enquireLinkMs: 20, responseTimeoutMs: 40 });
  const done = closed(session);
  await peer.next('enquire_link');
  assert.equal((await done as SmppError).code, 'SMPP_ERR_ENQUIRE_LINK_TIMEOUT');
});

test('closes after inactivityTimeoutMs without a PDU, even with half a PDU buffered', async () => {
  const { session, peer } = harness({ role: 'smsc', inactivityTimeoutMs: 40, bindTimeoutMs: 0 });
  peer.sendHex('00000020 00000004 000000');
  const error = await closed(session);
  assert.equal((error as SmppError).code, 'SMPP_ERR_INACTIVITY_TIMEOUT');
});

test('unbinds: waits for unbind_resp, emits unbound, then closes', async () => {
  const { session, peer } = await boundEsme('transmitter');
  let unbound = false;
  session.on('unbound', () => { unbound = true; });
  const done = closed(session);
  const unbinding = session.unbind();
  const unbind = await peer.next('unbind');
  assert.equal(session.state, 'unbinding');
  peer.send({ command: 'unbind_resp', sequence_number: unbind.sequence_number });
  await unbinding;
  assert.equal(await done, undefined);
  assert.ok(unbound);
  assert.equal(session.state, 'closed');
});

test('waits for outstanding responses before unbinding, and refuses new requests meanwhile', async () => {
  const { session, peer } = await boundEsme('transmitter');
  const pending = session.request(submit);
  const req = await peer.next('submit_sm');
  const unbinding = session.unbind();
  assert.equal((await rejection(session.request(submit))).code, 'SMPP_ERR_INVALID_STATE');
  assert.equal(await peer.settle(), 0);
  peer.send({ command: 'submit_sm_resp', sequence_number: req.sequence_number, message_id: 'a' });
  await pending;
  const unbind = await peer.next('unbind');
  peer.send({ command: 'unbind_resp', sequence_number: unbind.sequence_number });
  await unbinding;
});

test('answers the peer\'s unbind with unbind_resp and closes', async () => {
  const { session, peer } = await boundSmsc('transceiver');
  const done = closed(session);
  peer.send({ command: 'unbind', sequence_number: 9 });
  assert.deepEqual(await peer.next(), { command: 'unbind_resp', command_status: 0, sequence_number: 9 });
  assert.equal(await done, undefined);
});

test('destroy rejects outstanding requests with SMPP_ERR_CLOSED and queued (never written) ones with SMPP_ERR_NOT_SENT', async () => {
  const { session, peer } = await boundEsme('transmitter', { window: 1 });
  const sent = session.request(submit);
  const queued = session.request(submit);
  await peer.next('submit_sm');
  session.destroy();
  assert.equal((await rejection(sent)).code, 'SMPP_ERR_CLOSED');
  assert.equal((await rejection(queued)).code, 'SMPP_ERR_NOT_SENT');
  assert.equal((await rejection(session.request(submit))).code, 'SMPP_ERR_NOT_SENT');
});

test('answers an unknown command_id with generic_nack ESME_RINVCMDID and keeps reading', async () => {
  const { session, peer } = harness({ role: 'smsc' });
  peer.sendHex(pduHex(0x00000099, 0, 3, 'aabbcc') + '00000010 00000015 00000000 00000004');
  assert.deepEqual(await peer.next(), { command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDID, sequence_number: 3 });
  assert.equal((await peer.next()).command, 'enquire_link_resp');
  session.destroy();
});

test('answers a submit_sm whose body does not parse with a submit_sm_resp error', async () => {
  const { session, peer } = await boundSmsc('transceiver');
  session.on('request', () => assert.fail('the application must not see it'));
  peer.sendHex(pduHex(0x00000004, 0, 12, cstr(''), '05 00', text('DAKI')));
  assert.deepEqual(await peer.next(), { command: 'submit_sm_resp', command_status: CommandStatus.ESME_RINVSRCADR, sequence_number: 12 });
  assert.equal(session.state, 'bound_trx');
  session.destroy();
});

test('answers a command_length below 16 with generic_nack ESME_RINVCMDLEN and closes', async () => {
  const { session, peer } = harness({ role: 'smsc' });
  const done = closed(session);
  peer.sendHex('0000000f 00000015 00000000 00000001');
  assert.deepEqual(await peer.next(), { command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDLEN, sequence_number: 1 });
  assert.equal((await done as SmppError).code, 'SMPP_ERR_INVALID_LENGTH');
});

test('rejects the request whose response does not parse, and nacks it', async () => {
  const { session, peer } = await boundEsme('transmitter');
  const result = session.request(submit);
  const req = await peer.next('submit_sm');
  peer.sendHex(pduHex(0x80000004, 0, req.sequence_number, text('abc')));
  assert.equal((await rejection(result)).code, 'SMPP_ERR_INVALID_PDU');
  assert.equal((await peer.next()).command, 'generic_nack');
  session.destroy();
});

test('ends the session, not the process, when a request listener throws', async () => {
  const { session, peer } = await boundSmsc('transceiver');
  session.on('request', () => { throw new Error('application bug'); });
  const done = closed(session);
  peer.send({ ...submit, sequence_number: 3 });
  assert.equal((await done)?.message, 'application bug');
});

test('reports a socket error through close when nobody listens for error', async () => {
  const { session, peer } = await boundSmsc('transceiver');
  const done = closed(session);
  peer.socket.other.destroy(new Error('ECONNRESET'));
  assert.equal((await done)?.message, 'ECONNRESET');
});

test('emits error to a listener, then close', async () => {
  const { session, peer } = await boundSmsc('transceiver');
  const errors: Error[] = [];
  session.on('error', (e) => errors.push(e));
  const done = closed(session);
  peer.socket.other.destroy(new Error('EPIPE'));
  await done;
  assert.deepEqual(errors.map((e) => e.message), ['EPIPE']);
});

test('resolves an alert_notification once written, as it has no response', async () => {
  const { session, peer } = await boundSmsc('receiver');
  const sent = await session.request({ command: 'alert_notification', source_addr: '91', esme_addr: 'x' });
  assert.equal(sent.command, 'alert_notification');
  assert.equal((await peer.next()).command, 'alert_notification');
  assert.equal(session.outstanding, 0);
  session.destroy();
});
