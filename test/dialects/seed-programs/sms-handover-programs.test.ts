// Seed 002's own sample programs (PHP, Node, Go, Python, C#, Java) for /smsapi/index, getBalance,
// send-otp and verify-otp, run unchanged but for the host and the seed's placeholders against a
// gateway listening on 127.0.0.1: each must print the seed's response as its language prints it,
// and the gateway must hold what the program asked for. The substitutions and fixes are listed in
// test/fixtures/seed-programs/README.md.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { OutboundMessage } from '../../../src/channels/channel.ts';
import { startTestGateway, type TestGateway } from '../../fixtures/test-gateway.ts';
import { type Language, printed, program, type PythonRequests, run, source, substitute, unavailable } from './seed-programs.ts';

const seedHost = 'https://console.smshandover.com';
const seedKey = 'A277GF664N88EMD993D9400F04EDIC';
/** The extension of each language's file, and the Python runs: with the shim, and with the real requests where installed. */
const variants: Array<{ label: string; language: Language; ext: string; requests?: PythonRequests }> = [
  { label: 'Python (stdlib requests shim)', language: 'python', ext: 'py', requests: 'shim' },
  { label: 'Python (real requests)', language: 'python', ext: 'py', requests: 'real' },
  { label: 'Node (node-fetch shim)', language: 'node', ext: 'node.cjs' },
  { label: 'Java', language: 'java', ext: 'java' },
  { label: 'PHP', language: 'php', ext: 'php' },
  { label: 'Go', language: 'go', ext: 'go' },
  { label: 'C#', language: 'csharp', ext: 'cs' },
];
/** The seed's sender DEMO is four letters: TRAI DLT headers are six, and only those carry templates, so the samples send as DEMOSM (see the test of DEMO below). */
const sender = 'DEMOSM';
const greeting = { template_id: 'T-HO-GREET', sender, category: 'transactional', text: 'Hello {#var#}, have a great day' };
const otpTemplate = { template_id: 'T-HO-OTP', sender, category: 'otp', text: '{#num#} is your verification code. - DEMOSM' };
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('seed 002 (SMS Handover) sample programs against a listening gateway', { concurrency: 1 }, () => {
  let t: TestGateway;
  let key: string;
  let base: string;
  const carrier: OutboundMessage[] = [];
  /** Five digits for the seed's XXXXX, different for every run, so each run's numbers are its own. */
  let nextDigits = 10_000;
  const digits = () => String(nextDigits++);

  /** Why this variant cannot run here (a skip that says so), or undefined. */
  const skipped = async (ctx: TestContext, variant: (typeof variants)[number]): Promise<boolean> => {
    const reason = await unavailable(variant.requests === 'real' ? 'python-real-requests' : variant.language);
    if (reason) ctx.skip(reason);
    return reason !== undefined;
  };
  const runSample = async (name: string, variant: (typeof variants)[number], pairs: Array<[string | RegExp, string]>) => {
    const text = substitute(source(program(`002-${name}.${variant.ext}`)), [[seedHost, base], [seedKey, key], ...pairs]);
    const out = await run(variant.language, text, variant.requests ? { requests: variant.requests } : {});
    assert.equal(out.code, 0, `exit ${out.code}\n${out.stdout}\n${out.stderr}`);
    return out.stdout;
  };
  const codeSentTo = (mobile: string) => t.until(async () => {
    const message = carrier.find((m) => m.recipient === mobile);
    return message && /^(\d{6}) is your verification code/.exec(message.body)?.[1];
  });

  before(async () => {
    t = await startTestGateway();
    const created = await t.admin('POST', '/accounts', { name: 'Seed 002 programs', credits: { transactional: 1000, otp: 1000 }, rate_limit_per_minute: 1_000_000 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.account_id as string;
    key = created.body.api_key as string;
    for (const s of [sender, 'DEMO']) assert.equal((await t.admin('POST', `/accounts/${id}/senders`, { sender: s })).status, 201);
    for (const template of [greeting, otpTemplate]) assert.equal((await t.admin('POST', `/accounts/${id}/templates`, template)).status, 201);
    // `x` is the channel id the seed's send-otp samples use.
    const channel = await t.admin('PUT', `/accounts/${id}/otp-channels/x`, { template_id: otpTemplate.template_id, sender });
    assert.equal(channel.status, 200, JSON.stringify(channel.body));
    const submit = t.gateway.channel.submit.bind(t.gateway.channel);
    t.gateway.channel.submit = async (messages) => {
      carrier.push(...messages);
      return submit(messages);
    };
    await t.gateway.http.listen({ host: '127.0.0.1', port: 0 });
    const address = t.gateway.http.server.address();
    assert.ok(address && typeof address === 'object');
    base = `http://127.0.0.1:${address.port}`;
  });
  after(async () => t?.stop());

  describe('/smsapi/index', { concurrency: true }, () => {
    for (const variant of variants) {
      test(`the ${variant.label} sample prints the seed's success with a shoot id, and the shoot holds its two messages`, async (ctx) => {
        if (await skipped(ctx, variant)) return;
        const d = digits();
        const stdout = await runSample('smsapi-index', variant, [['XXXXX', d], ['senderid=DEMO&', `senderid=${sender}&`]]);
        const shoot = uuid.exec(stdout)?.[0];
        assert.ok(shoot, stdout);
        assert.equal(stdout, printed(variant.language, { result: 'success', message: 'SMS SUBMITTED SUCCESSFULLY', sms_shoot_id: shoot }));
        const listed = await t.request('GET', `/v1/messages?batch_id=${shoot}`, undefined, { key });
        assert.equal(listed.status, 200, listed.raw);
        const messages = listed.body.messages as Array<Record<string, unknown>>;
        assert.deepEqual(messages.map((m) => m.to).sort(), [`9197656${d}`, `9198012${d}`]);
        for (const m of messages) assert.deepEqual([m.sender, m.template_id, m.correlation_id], [sender, greeting.template_id, 'campaign:0']);
      });
    }

    test('the Python sample as the seed writes it, sender DEMO, is refused and prints the seed\'s failure line', async (ctx) => {
      if (await skipped(ctx, variants[0]!)) return;
      const stdout = await runSample('smsapi-index', variants[0]!, [['XXXXX', digits()]]);
      assert.equal(stdout, 'Failed to retrieve data from the API.\n');
    });
  });

  describe('/miscapi/<key>/getBalance/true/', { concurrency: true }, () => {
    for (const variant of variants) {
      test(`the ${variant.label} sample prints the account's balance array as the gateway holds it`, async (ctx) => {
        if (await skipped(ctx, variant)) return;
        const stdout = await runSample('getbalance', variant, []);
        const held = await t.request('GET', `/miscapi/${key}/getBalance/true/`, undefined, { key: null });
        assert.equal(held.status, 200, held.raw);
        assert.deepEqual(held.body.map((r: { ROUTE_ID: string }) => r.ROUTE_ID), ['otp', 'transactional']);
        assert.equal(stdout, printed(variant.language, held.body));
      });
    }
  });

  describe('/send-otp/index then /verify-otp/index', { concurrency: true }, () => {
    for (const variant of variants) {
      test(`the ${variant.label} send-otp sample prints a reference, and its verify-otp sample matches the code the carrier got`, async (ctx) => {
        if (await skipped(ctx, variant)) return;
        const d = digits();
        const mobile = `9198871${d}`;
        const sent = await runSample('send-otp', variant, [['XXXXX', d]]);
        const reference = /reference\W+([A-Za-z0-9_-]{6,})/.exec(sent)?.[1];
        assert.ok(reference, sent);
        assert.equal(sent, printed(variant.language, { result: 'success', reference }));
        const code = await codeSentTo(mobile);
        if (program(`002-verify-otp.${variant.ext}`).seed_mistake) {
          ctx.diagnostic(`002-verify-otp.${variant.ext}: ${program(`002-verify-otp.${variant.ext}`).seed_mistake}`);
          const checked = await t.request('GET', `/verify-otp/index?key=${key}&reference=${reference}&otp=${code}`, undefined, { key: null });
          assert.equal(checked.raw, '{"result":"success","match":"true"}');
        } else {
          const verified = await runSample('verify-otp', variant, [['reference=DJJD730ND930C993', `reference=${reference}`], ['otp=909812', `otp=${code}`]]);
          assert.equal(verified, printed(variant.language, { result: 'success', match: 'true' }));
        }
        // The program's check used the code up: a second check of it is expired.
        const again = await t.request('GET', `/verify-otp/index?key=${key}&reference=${reference}&otp=${code}`, undefined, { key: null });
        assert.equal(again.raw, '{"result":"success","match":"expired"}');
      });
    }
  });
});
