// The library publishes diagnostics_channel events instead of logging, and its reference page
// lists every error code and channel the code has.
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SMPP_CHANNELS, SmppErrorCodes } from '../../../../src/protocols/smpp/index.ts';
import { boundEsme, closed } from './session-harness.ts';

const doc = readFileSync(new URL('../../../../docs/reference/smpp-library.md', import.meta.url), 'utf8');

test('documents every error code', () => {
  assert.deepEqual(Object.keys(SmppErrorCodes).filter((code) => !doc.includes(`| \`${code}\``)), []);
});

test('documents every diagnostics channel', () => {
  assert.deepEqual(Object.values(SMPP_CHANNELS).filter((name) => !doc.includes(`| \`${name}\``)), []);
});

test('publishes bound, request, response, timeout and closed messages for a session', async () => {
  const seen: string[] = [];
  const subscribers = Object.values(SMPP_CHANNELS).map((name) => {
    const fn = (message: unknown) => {
      const m = message as { pdu?: { command: string } };
      seen.push(m.pdu === undefined ? name : `${name} ${m.pdu.command}`);
    };
    diagnostics.subscribe(name, fn);
    return () => diagnostics.unsubscribe(name, fn);
  });
  try {
    const { session, peer } = await boundEsme('transmitter', { responseTimeoutMs: 30 });
    const answered = session.request({ command: 'submit_sm' });
    const req = await peer.next('submit_sm');
    peer.send({ command: 'submit_sm_resp', sequence_number: req.sequence_number, message_id: 'a' });
    await answered;
    await session.request({ command: 'submit_sm' }).catch(() => {});
    const done = closed(session);
    session.destroy();
    await done;
    assert.deepEqual(seen, [
      'smpp:pdu:request bind_transmitter', 'smpp:pdu:response bind_transmitter_resp', 'smpp:session:bound',
      'smpp:pdu:request submit_sm', 'smpp:pdu:response submit_sm_resp',
      'smpp:pdu:request submit_sm', 'smpp:request:timeout submit_sm',
      'smpp:session:closed',
    ]);
  } finally {
    for (const unsubscribe of subscribers) unsubscribe();
  }
});
