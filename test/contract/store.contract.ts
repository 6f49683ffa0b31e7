// The store contract: every Store implementation (SQLite now, PostgreSQL next) must pass this suite.
// Call storeContract() from a `<engine>-store.test.ts` file with `fresh`: it makes a new empty
// database and returns an opener for it; each call of the opener is another handle (another
// connection or pool, as another process would have) on that same database.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { uuidv7Generator } from '../../src/domain/ids.ts';
import type { NewMessage } from '../../src/domain/message.ts';
import { connectorDefaults, validateConnector } from '../../src/domain/connector.ts';
import { defaultRoutes } from '../../src/domain/route.ts';
import type { SmppUser, StoredSmppUser } from '../../src/domain/smpp-user.ts';
import type { Store, Transition } from '../../src/store/store.ts';

const clock = { now: () => 1_800_000_000_000 };
const ids = uuidv7Generator(clock);

export function storeContract(name: string, fresh: () => Promise<() => Promise<Store>>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let open: () => Promise<Store>;
    let accountId: string;

    beforeEach(async () => {
      open = await fresh();
      store = await open();
      for (const r of defaultRoutes) await store.upsertRoute(r);
      accountId = ids();
      await store.createAccount({ id: accountId, name: 'a', status: 'active', rateLimitPerMinute: null, createdAt: clock.now() });
      await store.addCredits(accountId, 'transactional', 10, 'topup', 'test', clock.now());
    });
    afterEach(async () => { await store.close(); });

    function message(overrides: Partial<NewMessage> = {}): NewMessage {
      return {
        id: ids(), accountId, batchId: null, routeId: 'transactional', category: 'transactional', lane: 'transactional',
        recipient: '919876543210', sender: 'DAKIYA', body: 'hi', templateId: null, encoding: 'GSM7', segments: 1, flash: false,
        credits: 1, status: 'QUEUED', correlationId: null, dueAt: clock.now(), scheduledAt: null, expiresAt: clock.now() + 86_400_000, createdAt: clock.now(),
        ...overrides,
      };
    }

    async function balance(): Promise<number> {
      return (await store.getBalances(accountId)).find((b) => b.routeId === 'transactional')?.balance ?? -1;
    }

    async function submitted(m: NewMessage, carrierId: string): Promise<void> {
      await store.accept({ accountId, routeId: 'transactional', debit: m.credits, messages: [m] });
      await store.claimDue('transactional', clock.now(), 10);
      await store.recordSubmissions([{ id: m.id, outcome: 'submitted', carrierId, at: clock.now() }]);
    }

    test('accepting a request debits the route and stores its messages', async () => {
      const m = message({ credits: 3, segments: 3 });
      assert.deepEqual(await store.accept({ accountId, routeId: 'transactional', debit: 3, messages: [m] }), { ok: true });
      assert.equal(await balance(), 7);
      assert.equal((await store.getMessage(accountId, m.id))?.status, 'QUEUED');
    });

    test('a request the balance cannot cover stores nothing and debits nothing', async () => {
      const m = message({ credits: 11 });
      const r = await store.accept({ accountId, routeId: 'transactional', debit: 11, messages: [m] });
      assert.deepEqual(r, { ok: false, reason: 'insufficient_credits', balance: 10 });
      assert.equal(await balance(), 10);
      assert.equal(await store.getMessage(accountId, m.id), undefined);
    });

    test('concurrent accepts never take a balance below zero', async () => {
      const results = await Promise.all(Array.from({ length: 25 }, () => store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [message()] })));
      assert.equal(results.filter((r) => r.ok).length, 10);
      assert.equal(await balance(), 0);
    });

    test('200 concurrent reservations from four handles never overspend', async () => {
      const handles = [store, ...await Promise.all([open(), open(), open()])];
      try {
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
          handles[i % 4]!.accept({ accountId, routeId: 'transactional', debit: 1, messages: [message()] })));
        assert.equal(results.filter((r) => r.ok).length, 10);
        assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'insufficient_credits'));
        assert.equal(await balance(), 0);
        assert.equal((await store.listMessages({ accountId, limit: 1000 })).length, 10);
        const ledger = await store.listLedger(accountId, 1000);
        assert.equal(ledger.reduce((n, e) => n + e.amount, 0), 0);
      } finally {
        await Promise.all(handles.slice(1).map((h) => h.close()));
      }
    });

    test('a campaign counts its accepted shoots and their messages, exactly, also under concurrency from four handles', async () => {
      await store.addCredits(accountId, 'transactional', 990, 'topup', 'test', clock.now());
      const other = ids();
      await store.createAccount({ id: other, name: 'b', status: 'active', rateLimitPerMinute: null, createdAt: clock.now() });
      await store.addCredits(other, 'transactional', 5, 'topup', 'test', clock.now());
      const t0 = clock.now();
      const handles = [store, ...await Promise.all([open(), open(), open()])];
      try {
        // 100 shoots of 1-3 messages to campaign "42" and 100 single ones to "0", across handles.
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => {
          const size = i % 2 === 0 ? 1 + (i % 3) : 1;
          const messages = Array.from({ length: size }, () => message({ createdAt: t0 + i }));
          return handles[i % 4]!.accept({ accountId, routeId: 'transactional', debit: size, messages, campaign: i % 2 === 0 ? '42' : '0' });
        }));
        assert.ok(results.every((r) => r.ok));
        // Refused requests count nowhere; another account's campaign of the same name is its own.
        const refused = await store.accept({ accountId: other, routeId: 'transactional', debit: 6, messages: [message({ accountId: other, credits: 6 })], campaign: '42' });
        assert.equal(refused.ok, false);
        assert.deepEqual(await store.listCampaigns(other, 0), []);
        assert.equal((await store.accept({ accountId: other, routeId: 'transactional', debit: 1, messages: [message({ accountId: other })], campaign: '42' })).ok, true);
      } finally {
        await Promise.all(handles.slice(1).map((h) => h.close()));
      }
      const expected42 = Array.from({ length: 100 }, (_, k) => 1 + ((2 * k) % 3)).reduce((a, b) => a + b, 0);
      const campaigns = await store.listCampaigns(accountId, 0);
      assert.deepEqual(campaigns.map((c) => [c.name, c.shoots, c.messages]), [['0', 100, 100], ['42', 100, expected42]]);
      assert.deepEqual(campaigns.map((c) => [c.createdAt, c.lastShootAt]), [[t0 + 1, t0 + 199], [t0, t0 + 198]]);
      assert.deepEqual((await store.listCampaigns(other, 0)).map((c) => [c.name, c.shoots, c.messages]), [['42', 1, 1]]);
      // Only campaigns with a shoot at or after `since`.
      assert.deepEqual((await store.listCampaigns(accountId, t0 + 199)).map((c) => c.name), ['0']);
      assert.deepEqual(await store.listCampaigns(accountId, t0 + 200), []);
    });

    test('four competing workers claim each due message exactly once', async () => {
      await store.addCredits(accountId, 'transactional', 990, 'topup', 'test', clock.now());
      const all = Array.from({ length: 1000 }, () => message());
      for (let i = 0; i < all.length; i += 100) {
        assert.deepEqual(await store.accept({ accountId, routeId: 'transactional', debit: 100, messages: all.slice(i, i + 100) }), { ok: true });
      }
      const handles = [store, ...await Promise.all([open(), open(), open()])];
      try {
        const claimed = await Promise.all(handles.map(async (h) => {
          const mine: string[] = [];
          for (let batch; (batch = await h.claimDue('transactional', clock.now(), 37)).length > 0;) mine.push(...batch.map((m) => m.id));
          return mine;
        }));
        const flat = claimed.flat();
        assert.equal(flat.length, all.length);
        assert.equal(new Set(flat).size, all.length);
        assert.deepEqual(new Set(flat), new Set(all.map((m) => m.id)));
      } finally {
        await Promise.all(handles.slice(1).map((h) => h.close()));
      }
    });

    test('a repeated idempotency key returns the stored response instead of accepting again', async () => {
      const response = { requestHash: 'h', statusCode: 202, body: '{"a":1}' };
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [message()], idempotency: { key: 'k', response } });
      const again = await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [message()], idempotency: { key: 'k', response } });
      assert.deepEqual(again, { ok: false, reason: 'idempotent_replay', stored: response });
      assert.equal(await balance(), 9);
      assert.deepEqual(await store.findIdempotentResponse(accountId, 'k'), response);
    });

    test('idempotency keys older than the retention are forgotten', async () => {
      const response = { requestHash: 'h', statusCode: 202, body: '{}' };
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [message()], idempotency: { key: 'old', response } });
      assert.equal(await store.purgeIdempotencyKeys(clock.now() + 1), 1);
      assert.equal(await store.findIdempotentResponse(accountId, 'old'), undefined);
    });

    test('another account cannot read a message', async () => {
      const m = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] });
      assert.equal(await store.getMessage(ids(), m.id), undefined);
    });

    test('claiming takes only due messages of the lane, once', async () => {
      const due = message();
      const later = message({ status: 'SCHEDULED', dueAt: clock.now() + 60_000 });
      const otp = message({ lane: 'otp' });
      await store.accept({ accountId, routeId: 'transactional', debit: 3, messages: [due, later, otp] });
      const claimed = await store.claimDue('transactional', clock.now(), 10);
      assert.deepEqual(claimed.map((m) => m.id), [due.id]);
      assert.equal((await store.getMessage(accountId, due.id))?.status, 'DISPATCHING');
      assert.deepEqual(await store.claimDue('transactional', clock.now(), 10), []);
      assert.equal(await store.nextDueAt('transactional'), later.dueAt);
    });

    test('a carrier rejection refunds the message exactly once', async () => {
      const m = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] });
      await store.claimDue('transactional', clock.now(), 10);
      const outcome = { id: m.id, outcome: 'rejected' as const, errorCode: 'ERR_CARRIER_REJECTED' as const, at: clock.now() };
      const first = await store.recordSubmissions([outcome]);
      const second = await store.recordSubmissions([outcome]);
      assert.equal(first[0]?.refunded, 1);
      assert.deepEqual(second, []);
      assert.equal(await balance(), 10);
    });

    test('a retry puts the message back in the queue at the given time', async () => {
      const m = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] });
      await store.claimDue('transactional', clock.now(), 10);
      await store.recordSubmissions([{ id: m.id, outcome: 'retry', errorCode: 'ERR_CARRIER_UNAVAILABLE', retryAt: clock.now() + 5000 }]);
      const stored = await store.getMessage(accountId, m.id);
      assert.equal(stored?.status, 'QUEUED');
      assert.equal(stored?.dueAt, clock.now() + 5000);
    });

    test('a delivery receipt finishes a submitted message and a duplicate changes nothing', async () => {
      const m = message();
      await submitted(m, 'C1');
      const receipt = { carrierId: 'C1', status: 'DELIVERED' as const, errorCode: null, at: clock.now() + 10 };
      assert.equal((await store.applyReceipts([receipt])).transitions.length, 1);
      assert.deepEqual(await store.applyReceipts([{ ...receipt, status: 'FAILED', errorCode: 'ERR_NUMBER_INACTIVE' }]), { transitions: [], unmatched: [] });
      const stored = await store.getMessage(accountId, m.id);
      assert.equal(stored?.status, 'DELIVERED');
      assert.equal(await balance(), 9);
    });

    test('a permanent failure receipt refunds; an undelivered one refunds only when the route says so', async () => {
      const permanent = message();
      const undelivered = message();
      await submitted(permanent, 'P1');
      await submitted(undelivered, 'U1');
      await store.applyReceipts([
        { carrierId: 'P1', status: 'FAILED', errorCode: 'ERR_NUMBER_INACTIVE', at: clock.now() },
        { carrierId: 'U1', status: 'FAILED', errorCode: 'ERR_HANDSET_UNREACHABLE', at: clock.now() },
      ]);
      assert.equal(await balance(), 9);
      await store.upsertRoute({ ...defaultRoutes.find((r) => r.id === 'transactional')!, refundOnUndelivered: true });
      const again = message();
      await submitted(again, 'U2');
      await store.applyReceipts([{ carrierId: 'U2', status: 'FAILED', errorCode: 'ERR_HANDSET_UNREACHABLE', at: clock.now() }]);
      assert.equal(await balance(), 9);
    });

    async function submittedInParts(m: NewMessage, parts: string[]): Promise<void> {
      await store.accept({ accountId, routeId: 'transactional', debit: m.credits, messages: [m] });
      await store.claimDue('transactional', clock.now(), 10);
      await store.recordSubmissions([{ id: m.id, outcome: 'submitted', carrierId: parts.join(','), parts, at: clock.now() }]);
    }

    test('a message sent part by part is delivered once every part is, whatever the order and repeats', async () => {
      const m = message({ segments: 3, credits: 3 });
      await submittedInParts(m, ['A1', 'A2', 'A3']);
      const receipt = (carrierId: string) => ({ carrierId, status: 'DELIVERED' as const, errorCode: null, at: clock.now() + 5 });
      assert.deepEqual((await store.applyReceipts([receipt('A3'), receipt('A1')])).transitions, []);
      assert.deepEqual(await store.applyReceipts([receipt('A3')]), { transitions: [], unmatched: [] });
      assert.equal((await store.getMessage(accountId, m.id))?.status, 'SUBMITTED');
      const last = await store.applyReceipts([receipt('A2'), receipt('A2')]);
      assert.deepEqual(last.transitions.map((t) => [t.messageId, t.to]), [[m.id, 'DELIVERED']]);
      const stored = await store.getMessage(accountId, m.id);
      assert.equal(stored?.status, 'DELIVERED');
      assert.equal(stored?.carrierId, 'A1,A2,A3');
      assert.equal(await balance(), 7);
    });

    test('a message sent part by part fails with its first failed part, refunded once', async () => {
      const m = message({ segments: 2, credits: 2 });
      await submittedInParts(m, ['B1', 'B2']);
      const first = await store.applyReceipts([
        { carrierId: 'B2', status: 'FAILED', errorCode: 'ERR_NUMBER_INACTIVE', at: clock.now() },
        { carrierId: 'B1', status: 'EXPIRED', errorCode: 'ERR_HANDSET_UNREACHABLE', at: clock.now() },
      ]);
      assert.deepEqual(first.transitions.map((t) => [t.to, t.refunded]), [['FAILED', 2]]);
      assert.deepEqual((await store.applyReceipts([{ carrierId: 'B1', status: 'DELIVERED', errorCode: null, at: clock.now() }])).transitions, []);
      const stored = await store.getMessage(accountId, m.id);
      assert.equal(stored?.status, 'FAILED');
      assert.equal(stored?.errorCode, 'ERR_NUMBER_INACTIVE');
      assert.equal(await balance(), 10);
    });

    test('a part receipt that arrives before its submission is recorded is parked and applied once it is', async () => {
      const m = message({ segments: 2, credits: 2 });
      const early = { carrierId: 'E2', status: 'DELIVERED' as const, errorCode: null, at: clock.now() };
      assert.deepEqual((await store.applyReceipts([early])).unmatched, [early]);
      assert.deepEqual(await store.applyParkedReceipts(0, 100), { transitions: [], applied: 0, dropped: 0, left: 1 });
      await submittedInParts(m, ['E1', 'E2']);
      assert.deepEqual(await store.applyParkedReceipts(0, 100), { transitions: [], applied: 1, dropped: 0, left: 0 });
      assert.equal((await store.applyReceipts([{ ...early, carrierId: 'E1' }])).transitions[0]?.to, 'DELIVERED');
    });

    test('a parked receipt finishes its message once the submission is recorded, from another handle too', async () => {
      const m = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] });
      const early = { carrierId: 'P-EARLY', status: 'FAILED' as const, errorCode: 'ERR_NUMBER_INACTIVE' as const, at: clock.now() };
      await store.applyReceipts([early]);
      await store.claimDue('transactional', clock.now(), 10);
      await store.recordSubmissions([{ id: m.id, outcome: 'submitted', carrierId: 'P-EARLY', at: clock.now() }]);
      const other = await open();
      try {
        const swept = await other.applyParkedReceipts(0, 100);
        assert.deepEqual([swept.applied, swept.left, swept.transitions.map((t) => [t.messageId, t.to, t.refunded])], [1, 0, [[m.id, 'FAILED', 1]]]);
      } finally {
        await other.close();
      }
      assert.deepEqual(await store.applyParkedReceipts(0, 100), { transitions: [], applied: 0, dropped: 0, left: 0 });
      assert.equal(await balance(), 10);
    });

    test('a parked receipt whose submission never comes is forgotten after its time', async () => {
      await store.applyReceipts([{ carrierId: 'NEVER', status: 'DELIVERED', errorCode: null, at: clock.now() }]);
      assert.deepEqual(await store.applyParkedReceipts(clock.now(), 100), { transitions: [], applied: 0, dropped: 0, left: 1 });
      assert.deepEqual(await store.applyParkedReceipts(clock.now() + 1, 100), { transitions: [], applied: 0, dropped: 1, left: 0 });
    });

    test('a submission left in doubt ends UNKNOWN, or goes back to the queue on a route that resends in doubt', async () => {
      const kept = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [kept] });
      const [claimed] = await store.claimDue('transactional', clock.now(), 10);
      const first = await store.recordSubmissions([{ id: kept.id, outcome: 'unknown', at: clock.now(), attempt: claimed!.attempts }]);
      assert.deepEqual(first.map((t) => [t.to, t.refunded]), [['UNKNOWN', 0]]);
      await store.upsertRoute({ ...defaultRoutes.find((r) => r.id === 'transactional')!, resendInDoubt: true });
      const resent = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [resent] });
      const [again] = await store.claimDue('transactional', clock.now(), 10);
      const second = await store.recordSubmissions([{ id: resent.id, outcome: 'unknown', at: clock.now(), attempt: again!.attempts }]);
      assert.deepEqual(second.map((t) => t.to), ['QUEUED']);
      const stored = await store.getMessage(accountId, resent.id);
      assert.deepEqual([stored?.status, stored?.errorCode], ['QUEUED', 'ERR_DELIVERY_UNKNOWN']);
      assert.equal(await balance(), 8);
    });

    test('parts of a long SMPP message are stored, counted, listed in order, and removed or purged', async () => {
      const part = (sequence: number, receivedAt: number) => ({ systemId: 'cust', key: 'k1', sequence, total: 3, body: Buffer.from([sequence, 0, 255]), meta: `{"n":${sequence}}`, receivedAt });
      assert.equal(await store.saveSmppPart(part(2, 10)), 1);
      assert.equal(await store.saveSmppPart(part(2, 11)), 1, 'a repeated part replaces the first');
      assert.equal(await store.saveSmppPart(part(1, 12)), 2);
      assert.equal(await store.saveSmppPart({ ...part(1, 13), key: 'k2' }), 1);
      assert.equal(await store.saveSmppPart(part(3, 14)), 3);
      const listed = await store.listSmppParts('cust', 'k1');
      assert.deepEqual(listed.map((p) => [p.sequence, [...p.body], p.meta, p.receivedAt]), [[1, [1, 0, 255], '{"n":1}', 12], [2, [2, 0, 255], '{"n":2}', 10], [3, [3, 0, 255], '{"n":3}', 14]]);
      await store.deleteSmppParts('cust', 'k1');
      assert.deepEqual(await store.listSmppParts('cust', 'k1'), []);
      assert.equal(await store.purgeSmppParts(13), 0);
      assert.equal(await store.purgeSmppParts(14), 1);
      assert.deepEqual(await store.listSmppParts('cust', 'k2'), []);
    });

    test('connectors are saved, replaced by name and removed', async () => {
      const connector = validateConnector({
        ...connectorDefaults, dlt: { ...connectorDefaults.dlt }, messageIds: { ...connectorDefaults.messageIds },
        name: 'airtel-1', host: 'smsc.example', systemId: 'dakiya', routes: [{ routeId: 'transactional', priority: 0, weight: 1 }],
      });
      await store.saveConnector({ connector, passwordSealed: 'sealed-1', createdAt: 1, updatedAt: 1 });
      await store.saveConnector({ connector: { ...connector, window: 20 }, passwordSealed: 'sealed-2', createdAt: 5, updatedAt: 5 });
      assert.deepEqual(await store.listConnectors(), [{ connector: { ...connector, window: 20 }, passwordSealed: 'sealed-2', createdAt: 1, updatedAt: 5 }]);
      assert.equal(await store.removeConnector('airtel-1'), true);
      assert.equal(await store.removeConnector('airtel-1'), false);
      assert.deepEqual(await store.listConnectors(), []);
    });

    test('a receipt for an unknown carrier id comes back unmatched (and is parked)', async () => {
      const receipt = { carrierId: 'NOPE', status: 'DELIVERED' as const, errorCode: null, at: clock.now() };
      assert.deepEqual(await store.applyReceipts([receipt]), { transitions: [], unmatched: [receipt] });
    });

    test('after a crash, in-doubt messages become UNKNOWN without a refund', async () => {
      const m = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] });
      await store.claimDue('transactional', clock.now(), 10);
      const t = await store.recoverInDoubt(clock.now());
      assert.deepEqual(t.map((x) => [x.from, x.to, x.refunded]), [['DISPATCHING', 'UNKNOWN', 0]]);
      assert.equal((await store.getMessage(accountId, m.id))?.errorCode, 'ERR_DELIVERY_UNKNOWN');
    });

    test('after a crash, a route that allows it re-queues in-doubt messages', async () => {
      await store.upsertRoute({ ...defaultRoutes.find((r) => r.id === 'transactional')!, resendInDoubt: true });
      const m = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] });
      await store.claimDue('transactional', clock.now(), 10);
      await store.recoverInDoubt(clock.now());
      assert.equal((await store.getMessage(accountId, m.id))?.status, 'QUEUED');
    });

    test('submitted messages awaiting a receipt are listed for a channel to resume', async () => {
      const m = message();
      await submitted(m, 'R1');
      assert.deepEqual(await store.listAwaitingReceipt(undefined, 10), [{ id: m.id, carrierId: 'R1', recipient: m.recipient, expiresAt: m.expiresAt }]);
    });

    test('submitted messages whose validity ended without a receipt become UNKNOWN, once, without a refund', async () => {
      const stale = message({ expiresAt: clock.now() - 10 });
      const fresh = message();
      await submitted(stale, 'S1');
      await submitted(fresh, 'S2');
      let transitions: Transition[] = [];
      for (let done = false; !done;) {
        const r = await store.finishAwaitingReceipt(clock.now(), clock.now());
        transitions = transitions.concat(r.transitions);
        done = r.done;
      }
      assert.deepEqual(transitions.map((t) => [t.messageId, t.to, t.refunded]), [[stale.id, 'UNKNOWN', 0]]);
      assert.equal((await store.getMessage(accountId, fresh.id))?.status, 'SUBMITTED');
      assert.deepEqual((await store.finishAwaitingReceipt(clock.now(), clock.now())).transitions, []);
      assert.equal(await balance(), 8);
    });

    test('credits can be removed but never below zero', async () => {
      assert.equal(await store.addCredits(accountId, 'transactional', -4, 'adjust', 'x', clock.now()), 6);
      assert.equal(await store.addCredits(accountId, 'transactional', -7, 'adjust', 'x', clock.now()), 'insufficient');
      const ledger = await store.listLedger(accountId, 10);
      assert.equal(ledger.reduce((n, e) => n + e.amount, 0), 6);
    });

    test('a batch reports counts by status', async () => {
      const batchId = ids();
      const ms = [message({ batchId }), message({ batchId })];
      await store.accept({
        accountId, routeId: 'transactional', debit: 2, messages: ms,
        batch: { id: batchId, accountId, routeId: 'transactional', totalRecipients: 3, acceptedRecipients: 2, createdAt: clock.now(), scheduledAt: null },
      });
      const batch = await store.getBatch(accountId, batchId);
      assert.deepEqual(batch?.counts, { QUEUED: 2 });
      assert.equal(batch?.totalRecipients, 3);
    });

    test('a large batch is whole to every reader once accepted, and each of its messages is claimed once', async () => {
      // Large enough that a store deferring big batches (SQLite, deferFrom 1,000 here) defers these.
      await store.addCredits(accountId, 'transactional', 4000, 'topup', 'test', clock.now());
      const accept = async (size: number, dueAt: number) => {
        const batchId = ids();
        const ms = Array.from({ length: size }, (_, i) => message({
          batchId, recipient: `9198${String(i).padStart(8, '0')}`, body: i % 3 === 0 ? 'hello there' : 'hi', segments: 1 + (i % 2), credits: 1,
          correlationId: i === 7 ? 'corr-7' : null, dueAt, status: dueAt > clock.now() ? 'SCHEDULED' : 'QUEUED', scheduledAt: dueAt > clock.now() ? dueAt : null,
        }));
        const batch = { id: batchId, accountId, routeId: 'transactional', totalRecipients: size + 1, acceptedRecipients: size, createdAt: clock.now(), scheduledAt: null };
        assert.deepEqual(await store.accept({ accountId, routeId: 'transactional', debit: size, messages: ms, batch }), { ok: true });
        return { batchId, ms };
      };
      const now = await accept(2500, clock.now());
      assert.equal(await balance(), 1510);
      assert.equal((await store.countWaiting()).transactional, 2500, 'waiting counts every accepted message, made into a row or not');
      let made = 0;
      for (let e; (e = await store.expandDeferred(1)).length > 0;) made += e.reduce((n, x) => n + x.count, 0);
      assert.ok(made === 0 || made === 2500, `expandDeferred made every deferred message once (made ${made})`);
      assert.deepEqual(await store.expandDeferred(10), [], 'nothing is left to make');

      const later = await accept(1500, clock.now() + 3_600_000);
      assert.deepEqual((await store.getBatch(accountId, later.batchId))?.counts, { SCHEDULED: 1500 });
      const last = later.ms.at(-1)!;
      const read = await store.getMessage(accountId, last.id);
      assert.deepEqual(read && [read.batchId, read.recipient, read.body, read.segments, read.status, read.dueAt, read.scheduledAt],
        [later.batchId, last.recipient, last.body, last.segments, 'SCHEDULED', last.dueAt, last.scheduledAt]);
      assert.equal((await store.getMessage(accountId, later.ms[7]!.id))?.correlationId, 'corr-7');
      const listed = await store.listMessages({ accountId, batchId: now.batchId, limit: 3000 });
      assert.deepEqual(listed.map((m) => m.id), now.ms.map((m) => m.id).sort());
      assert.equal((await store.cancelMessage(accountId, later.ms[3]!.id, clock.now()))?.to, 'REJECTED');

      const claimAll = async (at: number) => {
        const out: string[] = [];
        for (let c; (c = await store.claimDue('transactional', at, 700)).length > 0;) out.push(...c.map((m) => m.id));
        return out;
      };
      const first = await claimAll(clock.now());
      assert.equal(first.length, 2500);
      assert.deepEqual(new Set(first), new Set(now.ms.map((m) => m.id)));
      const second = await claimAll(clock.now() + 3_600_000);
      assert.equal(second.length, 1499);
      assert.deepEqual(new Set(second), new Set(later.ms.filter((_, i) => i !== 3).map((m) => m.id)));
      assert.equal(await balance(), 11, 'the cancelled message was refunded; nothing else moved');
    });

    test('a template keeps the DLT entity it is registered under, and a claimed message the entity it is sent under', async () => {
      await store.addSender({ accountId, sender: 'DAKIYA', kind: 'dlt-header', status: 'active', createdAt: clock.now() });
      await store.addTemplate({ accountId, templateId: 'T-E', sender: 'DAKIYA', category: 'transactional', text: 'Hi {#var#}', status: 'active', createdAt: clock.now(), entityId: '1201159000000000077' });
      await store.addTemplate({ accountId, templateId: 'T-N', sender: 'DAKIYA', category: 'transactional', text: 'Yo {#var#}', status: 'active', createdAt: clock.now() });
      assert.deepEqual((await store.listTemplates(accountId)).map((t) => [t.templateId, t.entityId]), [['T-E', '1201159000000000077'], ['T-N', null]]);
      const withEntity = message({ templateId: 'T-E', entityId: '1201159000000000077' });
      const without = message({ templateId: 'T-N' });
      await store.accept({ accountId, routeId: 'transactional', debit: 2, messages: [withEntity, without] });
      const claimed = await store.claimDue('transactional', clock.now(), 10);
      assert.deepEqual(claimed.map((m) => [m.id, m.entityId]).sort(), [[withEntity.id, '1201159000000000077'], [without.id, null]].sort());
    });

    test('the DND registry answers which numbers it holds', async () => {
      assert.equal(await store.addDnd(['919876543210', '919876543211', '919876543210'], clock.now()), 2);
      assert.deepEqual([...(await store.findDnd(['919876543210', '919000000000']))], ['919876543210']);
      assert.equal(await store.removeDnd(['919876543210']), 1);
    });

    test('a lease is held by one holder at a time; its token grows when it changes hands', async () => {
      const a = await store.acquireLease('channel:x', 'node-a', 200);
      assert.ok(a, 'a free lease is granted');
      const renewed = await store.acquireLease('channel:x', 'node-a', 200);
      assert.equal(renewed?.token, a.token, 'renewing in time keeps the token');
      assert.equal(await store.acquireLease('channel:x', 'node-b', 200), undefined, 'a live lease is refused to another holder');
      await new Promise((r) => setTimeout(r, 250));
      const b = await store.acquireLease('channel:x', 'node-b', 200);
      assert.ok(b && b.token > a.token, 'after it lapsed another holder takes it with a larger token');
      assert.equal(await store.acquireLease('channel:x', 'node-a', 200), undefined);
      await store.releaseLease('channel:x', 'node-b', b.token);
      const again = await store.acquireLease('channel:x', 'node-a', 200);
      assert.ok(again && again.token > b.token, 'a released lease is free at once');
    });

    test('a fenced claim claims nothing once the fence token is stale', async () => {
      const m = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] });
      const lease = (await store.acquireLease('dispatch', 'node-a', 150))!;
      await new Promise((r) => setTimeout(r, 200));
      const taken = (await store.acquireLease('dispatch', 'node-b', 10_000))!;
      assert.deepEqual(await store.claimDue('transactional', clock.now(), 10, { lease: 'dispatch', token: lease.token }), []);
      assert.equal((await store.getMessage(accountId, m.id))?.status, 'QUEUED');
      const claimed = await store.claimDue('transactional', clock.now(), 10, { lease: 'dispatch', token: taken.token });
      assert.deepEqual(claimed.map((c) => c.id), [m.id]);
    });

    test('an outcome for an earlier claim of a message changes nothing', async () => {
      await store.upsertRoute({ ...defaultRoutes.find((r) => r.id === 'transactional')!, resendInDoubt: true });
      const m = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [m] });
      const [first] = await store.claimDue('transactional', clock.now(), 10);
      await store.recoverInDoubt(clock.now());
      const [second] = await store.claimDue('transactional', clock.now(), 10);
      assert.equal(second!.attempts, first!.attempts + 1);
      const late = await store.recordSubmissions([{ id: m.id, outcome: 'rejected', errorCode: 'ERR_CARRIER_REJECTED', at: clock.now(), attempt: first!.attempts }]);
      assert.deepEqual(late, [], 'the stale claim is fenced out');
      assert.equal((await store.getMessage(accountId, m.id))?.status, 'DISPATCHING');
      const current = await store.recordSubmissions([{ id: m.id, outcome: 'submitted', carrierId: 'F1', at: clock.now(), attempt: second!.attempts }]);
      assert.deepEqual(current.map((t) => t.to), ['SUBMITTED']);
      assert.equal(await balance(), 9);
    });

    test('rate tokens are granted across handles up to the limit of each key and window, never beyond', async () => {
      const other = await open();
      try {
        const w = 1_800_000_000_000;
        assert.deepEqual(await store.takeRateTokens('k1', w, 4, 10), { granted: 4, total: 4 });
        assert.deepEqual(await other.takeRateTokens('k1', w, 5, 10), { granted: 5, total: 9 });
        assert.deepEqual(await store.takeRateTokens('k1', w, 5, 10), { granted: 1, total: 10 });
        assert.deepEqual(await other.takeRateTokens('k1', w, 1, 10), { granted: 0, total: 10 });
        assert.deepEqual(await store.takeRateTokens('k2', w, 3, 10), { granted: 3, total: 3 });
        assert.deepEqual(await store.takeRateTokens('k1', w + 60_000, 2, 10), { granted: 2, total: 2 });
        const racing = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).takeRateTokens('k3', w, 3, 50)));
        assert.equal(racing.reduce((n, r) => n + r.granted, 0), 50);
        assert.equal(await store.purgeRateWindows(w + 60_000), 3);
      } finally {
        await other.close();
      }
    });

    test('messages list by filter with an id cursor', async () => {
      const ms = [message({ correlationId: 'c' }), message({ correlationId: 'c' }), message()];
      await store.accept({ accountId, routeId: 'transactional', debit: 3, messages: ms });
      assert.equal((await store.listMessages({ accountId, statuses: ['QUEUED', 'DISPATCHING'], limit: 10 })).length, 3);
      assert.equal((await store.listMessages({ accountId, statuses: ['DELIVERED'], limit: 10 })).length, 0);
      const page1 = await store.listMessages({ accountId, correlationId: 'c', limit: 1 });
      const page2 = await store.listMessages({ accountId, correlationId: 'c', limit: 1, after: page1[0]!.id });
      assert.deepEqual([...page1, ...page2].map((m) => m.id), [ms[0]!.id, ms[1]!.id]);
    });

    function smppUser(overrides: Partial<SmppUser> = {}): StoredSmppUser {
      return {
        user: { systemId: 'cust1', accountId, ipAllowlist: ['10.0.0.0/8'], maxBinds: 3, route: 'transactional', enabled: true, createdAt: clock.now(), updatedAt: clock.now(), ...overrides },
        passwordHash: 'hash-1',
      };
    }

    test('SMPP users are saved, replaced by system_id, listed per account and removed', async () => {
      assert.equal(await store.saveSmppUser(smppUser()), 'saved');
      assert.equal(await store.saveSmppUser({ ...smppUser({ maxBinds: 5, updatedAt: clock.now() + 1 }), passwordHash: 'hash-2' }), 'saved');
      const got = await store.getSmppUser('cust1');
      assert.deepEqual(got, { ...smppUser({ maxBinds: 5, updatedAt: clock.now() + 1 }), passwordHash: 'hash-2' });
      assert.deepEqual((await store.listSmppUsers(accountId)).map((u) => u.systemId), ['cust1']);
      assert.deepEqual(await store.listSmppUsers('another'), []);
      assert.equal((await store.listSmppUsers()).length, 1);
      assert.equal(await store.removeSmppUser('cust1'), true);
      assert.equal(await store.removeSmppUser('cust1'), false);
      assert.equal(await store.getSmppUser('cust1'), undefined);
    });

    test('a system_id held by one account cannot be taken by another', async () => {
      await store.saveSmppUser(smppUser());
      assert.equal(await store.saveSmppUser(smppUser({ accountId: 'someone-else' })), 'taken');
      assert.equal((await store.getSmppUser('cust1'))?.user.accountId, accountId);
    });

    test('failed binds lock a system_id at the limit within the window, for the lock time, across handles', async () => {
      const other = await open();
      try {
        const rule = { maxFailures: 3, windowMs: 60_000, lockMs: 120_000 };
        const t0 = clock.now();
        assert.equal(await store.recordSmppBindFailure('nobody', t0, rule), undefined);
        assert.equal(await other.recordSmppBindFailure('nobody', t0 + 1000, rule), undefined);
        assert.equal(await store.smppBindLockedUntil('nobody', t0 + 1000), undefined);
        assert.equal(await other.recordSmppBindFailure('nobody', t0 + 2000, rule), t0 + 2000 + 120_000);
        assert.equal(await store.smppBindLockedUntil('nobody', t0 + 3000), t0 + 122_000);
        assert.equal(await store.smppBindLockedUntil('nobody', t0 + 122_000), undefined);
        // Failures further apart than the window never add up to a lock.
        for (let i = 0; i < 5; i++) assert.equal(await store.recordSmppBindFailure('slow', t0 + i * 61_000, rule), undefined);
        await store.clearSmppBindFailures('nobody');
        assert.equal(await store.smppBindLockedUntil('nobody', t0 + 3000), undefined);
        assert.equal(await store.purgeSmppBindFailures(t0 + 10 * 61_000), 1);
      } finally {
        await other.close();
      }
    });

    test('concurrent failed binds on two handles all count towards the lock', async () => {
      const other = await open();
      try {
        const rule = { maxFailures: 10, windowMs: 60_000, lockMs: 60_000 };
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).recordSmppBindFailure('race', clock.now(), rule)));
        assert.equal(results.filter((r) => r !== undefined).length, 1);
        assert.equal(await store.smppBindLockedUntil('race', clock.now()), clock.now() + 60_000);
      } finally {
        await other.close();
      }
    });

    test('a final state of a message with receipt_to writes one receipt to the outbox, in order, for that system_id only', async () => {
      const owed = message({ receiptTo: 'cust1' });
      const notOwed = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 2, messages: [owed, notOwed] });
      await store.claimDue('transactional', clock.now(), 10);
      await store.recordSubmissions([
        { id: owed.id, outcome: 'submitted', carrierId: 'c-owed', at: clock.now() },
        { id: notOwed.id, outcome: 'submitted', carrierId: 'c-not', at: clock.now() },
      ]);
      assert.deepEqual(await store.takeSmppReceipts('cust1', 10, clock.now(), 1000), []);
      await store.applyReceipts([
        { carrierId: 'c-owed', status: 'FAILED', errorCode: 'ERR_NUMBER_INACTIVE', at: clock.now() + 5 },
        { carrierId: 'c-not', status: 'DELIVERED', errorCode: null, at: clock.now() + 5 },
      ]);
      // A repeated receipt changes nothing and owes nothing more.
      await store.applyReceipts([{ carrierId: 'c-owed', status: 'DELIVERED', errorCode: null, at: clock.now() + 6 }]);
      assert.equal(await store.countSmppReceipts('cust1'), 1);
      assert.deepEqual(await store.takeSmppReceipts('other', 10, clock.now(), 1000), []);
      const [r, ...rest] = await store.takeSmppReceipts('cust1', 10, clock.now(), 1000);
      assert.deepEqual(rest, []);
      assert.deepEqual({ ...r!, seq: 0 }, {
        seq: 0, messageId: owed.id, systemId: 'cust1', status: 'FAILED', errorCode: 'ERR_NUMBER_INACTIVE', doneAt: clock.now() + 5,
        submittedAt: owed.createdAt, recipient: owed.recipient, sender: owed.sender,
      });
    });

    test('every way to a final state owes the receipt: rejection, in-doubt recovery, expiry without receipt and cancel', async () => {
      const rejected = message({ receiptTo: 'cust1' });
      const inDoubt = message({ receiptTo: 'cust1' });
      const stale = message({ receiptTo: 'cust1', expiresAt: clock.now() + 10 });
      const cancelled = message({ receiptTo: 'cust1', status: 'SCHEDULED', dueAt: clock.now() + 3_600_000, scheduledAt: clock.now() + 3_600_000 });
      await store.accept({ accountId, routeId: 'transactional', debit: 4, messages: [rejected, inDoubt, stale, cancelled] });
      await store.claimDue('transactional', clock.now(), 10);
      await store.recordSubmissions([
        { id: rejected.id, outcome: 'rejected', errorCode: 'ERR_CARRIER_REJECTED', at: clock.now() },
        { id: stale.id, outcome: 'submitted', carrierId: 'c-stale', at: clock.now() },
      ]);
      await store.recoverInDoubt(clock.now());
      for (let done = false; !done;) ({ done } = await store.finishAwaitingReceipt(clock.now() + 20, clock.now() + 20));
      assert.deepEqual((await store.cancelMessage(accountId, cancelled.id, clock.now()))?.to, 'REJECTED');
      const taken = await store.takeSmppReceipts('cust1', 10, clock.now(), 1000);
      assert.deepEqual(new Map(taken.map((r) => [r.messageId, `${r.status} ${r.errorCode}`])), new Map([
        [rejected.id, 'REJECTED ERR_CARRIER_REJECTED'], [inDoubt.id, 'UNKNOWN ERR_DELIVERY_UNKNOWN'],
        [stale.id, 'UNKNOWN ERR_DELIVERY_UNKNOWN'], [cancelled.id, 'REJECTED ERR_CANCELLED'],
      ]));
      assert.deepEqual(taken.map((r) => r.seq), [...taken.map((r) => r.seq)].sort((a, b) => a - b));
    });

    test('claimed receipts are not taken again until acknowledged, released or their claim lapses', async () => {
      const ms = [message({ receiptTo: 'cust1' }), message({ receiptTo: 'cust1' }), message({ receiptTo: 'cust1' })];
      await store.accept({ accountId, routeId: 'transactional', debit: 3, messages: ms });
      await store.claimDue('transactional', clock.now(), 10);
      await store.recordSubmissions(ms.map((m) => ({ id: m.id, outcome: 'rejected' as const, errorCode: 'ERR_CARRIER_REJECTED' as const, at: clock.now() })));
      const other = await open();
      try {
        const now = clock.now();
        const [a, b] = await Promise.all([store.takeSmppReceipts('cust1', 2, now, 1000), other.takeSmppReceipts('cust1', 2, now, 1000)]);
        assert.equal(a.length + b.length, 3);
        assert.equal(new Set([...a, ...b].map((r) => r.seq)).size, 3);
        assert.deepEqual(await store.takeSmppReceipts('cust1', 10, now + 999, 1000), []);
        const [first, second, third] = [...a, ...b].sort((x, y) => x.seq - y.seq);
        assert.equal(await store.ackSmppReceipts([first!.seq]), 1);
        await store.releaseSmppReceipts([second!.seq]);
        assert.deepEqual((await other.takeSmppReceipts('cust1', 10, now + 1, 1000)).map((r) => r.seq), [second!.seq]);
        assert.deepEqual((await store.takeSmppReceipts('cust1', 10, now + 1000, 1000)).map((r) => r.seq), [third!.seq]);
        assert.equal(await store.countSmppReceipts('cust1'), 2);
      } finally {
        await other.close();
      }
    });

    test('cancelling refunds a queued or scheduled message of the account once, and nothing else', async () => {
      const queued = message({ credits: 2, segments: 2 });
      const claimed = message();
      await store.accept({ accountId, routeId: 'transactional', debit: 2, messages: [queued] });
      assert.equal(await balance(), 8);
      assert.equal(await store.cancelMessage('another-account', queued.id, clock.now()), undefined);
      assert.deepEqual(await store.cancelMessage(accountId, queued.id, clock.now()), { messageId: queued.id, accountId, from: 'QUEUED', to: 'REJECTED', refunded: 2 });
      assert.equal(await store.cancelMessage(accountId, queued.id, clock.now()), undefined);
      assert.equal(await balance(), 10);
      const m = await store.getMessage(accountId, queued.id);
      assert.equal(m?.status, 'REJECTED');
      assert.equal(m?.errorCode, 'ERR_CANCELLED');
      await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [claimed] });
      await store.claimDue('transactional', clock.now(), 10);
      assert.equal(await store.cancelMessage(accountId, claimed.id, clock.now()), undefined);
      assert.equal(await store.cancelMessage(accountId, 'no-such-id', clock.now()), undefined);
    });
  });
}
