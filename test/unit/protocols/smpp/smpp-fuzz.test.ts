// CI-sized fuzzing: 20,000 random and damaged PDUs through the codec and the reader, and 1,000
// through a live session, which must answer or close and never crash or hang. The long run is
// scripts/smpp-fuzz.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMAND_IDS, isResponseId, type Pdu, SmppSession } from '../../../../src/protocols/smpp/index.ts';
import { duplexPair } from './duplex-pair.ts';
import { cstr, fromHex, pduHex } from './hex.ts';
import { checkReader, checkRoundTrip, mutated, seeded } from './fuzz-cases.ts';
import { RawPeer } from './session-harness.ts';

test('re-encodes 20,000 random valid PDUs to the same octets', () => {
  const r = seeded(1);
  for (let i = 0; i < 20_000; i++) checkRoundTrip(r);
});

test('reads 20,000 random and damaged PDUs in random pieces without throwing, each ending decoded, invalid or fatal', () => {
  const r = seeded(2);
  const totals = { pdus: 0, invalid: 0, fatal: 0 };
  for (let i = 0; i < 20_000; i++) {
    const o = checkReader(mutated(r), r);
    totals.pdus += o.pdus;
    totals.invalid += o.invalid;
    totals.fatal += o.fatal;
  }
  // The mix exercises every outcome.
  assert.ok(totals.pdus > 1000 && totals.invalid > 1000 && totals.fatal > 1000, JSON.stringify(totals));
});

const bindTransceiver = fromHex(pduHex(0x00000009, 0, 1, cstr('esme'), cstr('pw'), cstr(''), '34 00 00', cstr('')));

test('a bound session answers or closes on each of 1,000 damaged inputs, and only ever writes responses', async () => {
  const r = seeded(3);
  for (let i = 0; i < 1000; i++) {
    const [ours, theirs] = duplexPair();
    const session = new SmppSession(ours, { role: 'smsc', enquireLinkMs: 0, bindTimeoutMs: 0 });
    session.on('bind', (_pdu, accept) => accept());
    session.on('request', (pdu: Pdu) => { if (pdu.command !== 'alert_notification' && pdu.command !== 'outbind') session.respond(pdu, undefined, 0x08); });
    const peer = new RawPeer(theirs);
    const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    theirs.write(bindTransceiver);
    theirs.write(mutated(r));
    theirs.end();
    const timeout = setTimeout(() => assert.fail(`input ${i}: the session did not close`), 2000);
    await closed;
    clearTimeout(timeout);
    assert.equal(peer.invalid.length, 0, `input ${i}: the session wrote bytes that do not parse`);
    assert.equal(peer.received[0]?.command, 'bind_transceiver_resp');
    for (const pdu of peer.received) assert.ok(isResponseId(COMMAND_IDS[pdu.command]), `input ${i}: wrote ${pdu.command}`);
  }
});
