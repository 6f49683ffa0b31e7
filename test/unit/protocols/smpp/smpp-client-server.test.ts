// Client and server over TCP and TLS on loopback: connect, bind, submit, unbind; and the
// connect timeout.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net, { type AddressInfo, type Server } from 'node:net';
import { test } from 'node:test';
import { connect, createServer, type Pdu, SmppError, type SmppSession, type SubmitSmResp } from '../../../../src/protocols/smpp/index.ts';
import { cert, key } from '../../../fixtures/tls-cert.ts';

function serve(tls: boolean): { server: Server; sessions: SmppSession[] } {
  const sessions: SmppSession[] = [];
  const server = createServer({ enquireLinkMs: 0, ...(tls && { tls: { key, cert } }) }, (session) => {
    sessions.push(session);
    session.on('bind', (_pdu, accept) => accept(0, 'SMSC'));
    session.on('request', (pdu: Pdu) => session.respond(pdu, { message_id: `id-${pdu.sequence_number}` }));
  });
  return { server, sessions };
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

for (const tls of [false, true]) {
  test(`binds, submits and unbinds over ${tls ? 'TLS' : 'TCP'}`, async () => {
    const { server, sessions } = serve(tls);
    const port = await listen(server);
    const session = await connect({ host: '127.0.0.1', port, enquireLinkMs: 0, ...(tls && { tls: { ca: cert } }) });
    await session.bind('transmitter', { system_id: 'esme', password: 'pw' });
    const resp = await session.request({ command: 'submit_sm', destination_addr: '919876543210', short_message: Buffer.from('Hi') }) as SubmitSmResp;
    assert.match(resp.message_id!, /^id-\d+$/);
    assert.equal(sessions[0]!.state, 'bound_tx');
    const closed = once(sessions[0]!, 'close');
    await session.unbind();
    await closed;
    server.close();
  });
}

test('refuses a TLS server whose certificate it does not trust', async () => {
  const { server } = serve(true);
  const port = await listen(server);
  await assert.rejects(connect({ host: '127.0.0.1', port, tls: true }), /self.signed|certificate/i);
  server.close();
});

test('gives up connecting after connectTimeoutMs', async () => {
  // A TCP listener that never speaks: the TLS handshake cannot complete.
  const silent = net.createServer(() => {});
  const port = await listen(silent);
  const error = await connect({ host: '127.0.0.1', port, tls: true, connectTimeoutMs: 50 }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof SmppError);
  assert.equal(error.code, 'SMPP_ERR_CONNECT_TIMEOUT');
  silent.close();
});
