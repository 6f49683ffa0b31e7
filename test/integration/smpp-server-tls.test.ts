// The SMPP server for customers over TLS (smpp.tls): a customer that trusts the certificate binds
// and submits as over TCP; one speaking plain SMPP to the TLS port gets nowhere, and the server
// stays up for the next customer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect } from '../../src/protocols/smpp/index.ts';
import { readMessage } from '../dialects/native-v1/api-reads.ts';
import { startTestGateway, type TestGateway } from '../fixtures/test-gateway.ts';
import { cert, key } from '../fixtures/tls-cert.ts';

const dir = mkdtempSync(join(tmpdir(), 'dakiya-smpp-tls-'));
let t: TestGateway;
let port: number;

before(async () => {
  writeFileSync(join(dir, 'cert.pem'), cert);
  writeFileSync(join(dir, 'key.pem'), key);
  t = await startTestGateway({
    flags: {
      'smpp.enabled': true, 'smpp.host': '127.0.0.1', 'smpp.port': 0, 'smpp.bindTimeoutMs': 500,
      'smpp.tls.enabled': true, 'smpp.tls.certFile': join(dir, 'cert.pem'), 'smpp.tls.keyFile': join(dir, 'key.pem'),
    },
  });
  port = t.gateway.smppServer!.port;
  const res = await t.admin('PUT', '/smpp-users/tlscust', { account_id: t.account.id, password: 'secret' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
});
after(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a customer that trusts the certificate binds over TLS and its submit_sm is stored', async () => {
  const session = await connect({ host: '127.0.0.1', port, enquireLinkMs: 0, tls: { ca: cert } });
  session.on('error', () => {});
  try {
    await session.bind('transceiver', { system_id: 'tlscust', password: 'secret' });
    const resp = await session.request({
      command: 'submit_sm', source_addr: 'DAKIYA', destination_addr: '919876543210', registered_delivery: 0,
      short_message: Buffer.from('Hello'), tlvs: { '0x1401': 'T-PLAIN-1\0' },
    }) as { command_status: number; message_id?: string };
    assert.equal(resp.command_status, 0);
    assert.equal((await readMessage(t, resp.message_id!)).to, '919876543210');
  } finally {
    session.destroy();
  }
});

test('plain SMPP to the TLS port gets no bind, and the server keeps serving TLS customers', async () => {
  const plain = await connect({ host: '127.0.0.1', port, enquireLinkMs: 0, responseTimeoutMs: 1000 });
  plain.on('error', () => {});
  await assert.rejects(plain.bind('transceiver', { system_id: 'tlscust', password: 'secret' }));
  plain.destroy();
  const session = await connect({ host: '127.0.0.1', port, enquireLinkMs: 0, tls: { ca: cert } });
  session.on('error', () => {});
  await session.bind('transmitter', { system_id: 'tlscust', password: 'secret' });
  await session.unbind();
});

test('a customer that does not trust the certificate is refused by its own TLS check', async () => {
  await assert.rejects(connect({ host: '127.0.0.1', port, enquireLinkMs: 0, tls: true }), /self.signed|certificate/i);
});
