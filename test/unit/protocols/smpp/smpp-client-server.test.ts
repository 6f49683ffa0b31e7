// Client and server over TCP and TLS on loopback: connect, bind, submit, unbind; and the
// connect timeout.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net, { type AddressInfo, type Server } from 'node:net';
import { test } from 'node:test';
import { connect, createServer, type Pdu, SmppError, type SmppSession, type SubmitSmResp } from '../../../../src/protocols/smpp/index.ts';

// A self-signed P-256 certificate for localhost and 127.0.0.1, valid for 100 years: a test fixture, not a secret.
const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgI3Wqdq+Gx5hx1osl
kDNjWf4rpInadhj2zHgBClAq8PKhRANCAAROlSphjDf8OP0juFbwJtjdcqq82oqB
tf1riC4XYHjooUtesziKQs85Fd1Ge/Liqlr4zUFrk8p3D/oeK1ebtMB+
-----END PRIVATE KEY-----`;
const cert = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUQtYVPTb8dOvl+O+trafk1Du8ZxgwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjA1MjkyMloYDzIxMjYxMDI5
MDUyOTIyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAROlSphjDf8OP0juFbwJtjdcqq82oqBtf1riC4XYHjooUtesziKQs85
Fd1Ge/Liqlr4zUFrk8p3D/oeK1ebtMB+o28wbTAdBgNVHQ4EFgQUBlzAsUzx5m1z
c2cS/NcvSu0/bj8wHwYDVR0jBBgwFoAUBlzAsUzx5m1zc2cS/NcvSu0/bj8wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIhAO1epvRk5KOw1F+hI1iRucQ2u0uFzCSr+OtoVm42J+NDAiB1
J+QOwtvOKGEsDnzBzNZf+Vf0/uHU4tfs/tH8y93q5Q==
-----END CERTIFICATE-----`;

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
