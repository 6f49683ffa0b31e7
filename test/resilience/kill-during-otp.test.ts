// Nothing lost for OTPs: SIGKILL the server while OTP sends pour in over SMPP, restart it, and check
// that every accepted OTP's message and session exist and finish, that what reached the carrier is
// always the real code (the masked text never leaves, also after the restart), that the codes the
// carrier got still verify on the restarted server, and that credits add up exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CommandStatus } from '../../src/protocols/smpp/index.ts';
import { startSmscSimulator } from '../../src/simulator/smsc-simulator.ts';
import { inspectStore, runCli, spawnGateway } from '../fixtures/child-gateway.ts';
import { type Accepted, verifyCredits, waitAllFinal, waitStoreFinal } from '../fixtures/load.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'dakiya-kill-otp-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const initialCredits = 1_000_000;
test('a server killed with SIGKILL during OTP sends loses no accepted OTP, and every code that reached the carrier verifies', { timeout: 240_000 }, async () => {
  const sim = await startSmscSimulator({ receiptDelayMs: 50, keepSubmissions: 1_000_000 });
  try {
    const { account_id: accountId, api_key: apiKey } = await runCli(dataDir, ['account', 'create', '--name', 'kill-otp', '--credits', `otp=${initialCredits}`, '--rate-limit', '100000000']);
    await runCli(dataDir, ['sender', 'add', '--account', accountId, '--sender', 'DAKIYA']);
    await runCli(dataDir, ['template', 'add', '--account', accountId, '--template-id', 'OTP1', '--sender', 'DAKIYA', '--category', 'otp', '--text', '{#num#} is your code. - DAKIYA']);
    await runCli(dataDir, ['connector', 'add', '--name', 'sim', '--host', '127.0.0.1', '--port', String(sim.port), '--system-id', 'dakiya', '--password', 'pw',
      '--routes', 'otp', '--binds', '2', '--window', '50', '--id-format', 'hex']);
    // The load sends to thousands of new numbers at once: the anti-pumping limits would (rightly) stop it.
    const env = {
      DAKIYA_SMPP_UPSTREAM_RELOAD_MS: '200', DAKIYA_OTP_LIMITS_PER_NUMBER_SENDS: '0', DAKIYA_OTP_LIMITS_NEW_PREFIX_SENDS: '0', DAKIYA_OTP_DAILY_BUDGET: '0',
    };

    const first = await spawnGateway(dataDir, env);
    const accepted: Accepted = { batches: [], singles: [] };
    const sessions = new Map<string, string>();
    let killed = false;
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const loop = async (base: number) => {
      for (let n = base; !killed; n++) {
        const mobile = `97${String(n).padStart(8, '0')}`;
        let res: Response;
        try {
          res = await fetch(`${first.url}/v1/otp/send`, { method: 'POST', headers, body: JSON.stringify({ mobile, template_id: 'OTP1', sender: 'DAKIYA' }) });
        } catch {
          return; // the server is gone
        }
        if (res.status !== 202) {
          assert.ok(killed || res.status >= 500, `unexpected ${res.status}: ${await res.text()}`);
          return;
        }
        const body = await res.json() as { session_id: string; message_id: string };
        accepted.singles.push({ id: body.message_id, credits: 1 });
        sessions.set(`91${mobile}`, body.session_id);
      }
    };
    const loops = Array.from({ length: 8 }, (_, i) => loop(i * 1_000_000));
    const started = Date.now();
    while (sim.stats().submitsReceived < 1000) {
      assert.ok(Date.now() - started < 60_000, `submissions reach the simulator (${JSON.stringify(sim.stats())})`);
      await new Promise((r) => setTimeout(r, 10));
    }
    killed = true;
    await first.kill();
    await Promise.all(loops);
    assert.ok(accepted.singles.length >= 1000, `OTPs were accepted before the kill (${accepted.singles.length})`);

    const second = await spawnGateway(dataDir, env);
    try {
      await waitAllFinal(second.url, apiKey, accepted, 180_000);
      await waitStoreFinal(() => inspectStore(dataDir), accountId, 60_000);
      const taken = sim.submissions().filter((s) => s.command_status === CommandStatus.ESME_ROK);
      const texts = taken.map((s) => ({ to: s.destination_addr, text: s.short_message.toString('latin1') }));
      const masked = texts.filter((t) => !/^\d{6} is your code\. - DAKIYA$/.test(t.text));
      assert.deepEqual(masked.slice(0, 3), [], 'the carrier only ever got real codes');
      // The codes the carrier got verify on the restarted server (a sample, each once).
      let verified = 0;
      for (const t of texts.slice(0, 300)) {
        const sessionId = sessions.get(t.to);
        if (!sessionId) continue; // answered after the kill: its client never heard of it
        const res = await fetch(`${second.url}/v1/otp/verify`, { method: 'POST', headers, body: JSON.stringify({ session_id: sessionId, otp: t.text.slice(0, 6) }) });
        const body = await res.json() as { verified: boolean; result: string };
        assert.equal(body.verified, true, `${t.to}: ${JSON.stringify(body)}`);
        verified++;
      }
      assert.ok(verified >= 100, `enough codes were checked (${verified})`);
    } finally {
      await second.stop();
    }

    const db = await inspectStore(dataDir);
    const { sessions: stored } = await db.one<'sessions'>('SELECT COUNT(*) AS sessions FROM otp_sessions WHERE account_id = $1', accountId);
    await db.close();
    assert.ok(stored >= sessions.size, `every answered session is stored (${stored} of ${sessions.size})`);
    await verifyCredits(await inspectStore(dataDir), accountId, initialCredits, accepted, { refunds: false });
  } finally {
    await sim.close();
  }
});
