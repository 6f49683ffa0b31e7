// The bulk lane gives way while customers' requests saturate the node (workers/ingress-pressure.ts):
// it claims in small slices with pauses then, and drains at full speed again once they ease off; the
// transactional and bulk lanes linger longer before a claim meanwhile (fuller claims, fewer commits).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Channel, OutboundMessage } from '../../../src/channels/channel.ts';
import { systemClock } from '../../../src/domain/clock.ts';
import { uuidv7Generator } from '../../../src/domain/ids.ts';
import type { NewMessage } from '../../../src/domain/message.ts';
import { defaultPromotionalWindow } from '../../../src/domain/promotional-window.ts';
import { defaultRoutes } from '../../../src/domain/route.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { DispatchWorker } from '../../../src/workers/dispatch-worker.ts';
import { IngressPressure } from '../../../src/workers/ingress-pressure.ts';

describe('IngressPressure', () => {
  const options = { busyAbove: 0.85, minRequestsPerSecond: 200, windowMs: 100 };

  test('busy only when the loop is saturated and customers sent enough requests in the window', () => {
    let utilisation = 0;
    const changes: boolean[] = [];
    const p = new IngressPressure(options, { meter: () => utilisation, onChange: (b) => changes.push(b) });
    const requests = (n: number) => { for (let i = 0; i < n; i++) p.note(); };

    utilisation = 0.95; requests(10); p.sample();
    assert.equal(p.busy, false, 'a saturated loop with 100 requests/s is the campaign\'s own load');
    utilisation = 0.5; requests(50); p.sample();
    assert.equal(p.busy, false, '500 requests/s on a half-idle loop need no room made');
    utilisation = 0.9; requests(20); p.sample();
    assert.equal(p.busy, true, '200 requests/s on a saturated loop');
    utilisation = 0.9; requests(5); p.sample();
    assert.equal(p.busy, false, 'each window is judged on its own requests');
    assert.deepEqual(changes, [true, false]);
  });

  test('stop() ends a busy spell', () => {
    const p = new IngressPressure(options, { meter: () => 1 });
    for (let i = 0; i < 100; i++) p.note();
    p.sample();
    assert.equal(p.busy, true);
    p.stop();
    assert.equal(p.busy, false);
  });
});

describe('the bulk lane under ingress pressure', () => {
  test('claims at most the paced slice per pause while busy, and drains the rest at once when it eases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dakiya-bulk-yield-'));
    const store = await SqliteStore.open({ filename: join(dir, 'd.db'), synchronous: 'normal', groupCommit: { maxBatch: 1000, maxDelayMs: 0 } });
    const ids = uuidv7Generator(systemClock);
    try {
      for (const r of defaultRoutes) await store.upsertRoute(r);
      const accountId = ids();
      const now = Date.now();
      await store.createAccount({ id: accountId, name: 'a', status: 'active', rateLimitPerMinute: null, createdAt: now });
      await store.addCredits(accountId, 'transactional', 1000, 'topup', 'test', now);
      const messages: NewMessage[] = Array.from({ length: 600 }, () => ({
        id: ids(), accountId, batchId: null, routeId: 'transactional', category: 'transactional', lane: 'bulk',
        recipient: '919876543210', sender: 'DAKIYA', body: 'hi', templateId: null, encoding: 'GSM7', segments: 1, flash: false,
        credits: 1, status: 'QUEUED', correlationId: null, dueAt: now, scheduledAt: null, expiresAt: now + 86_400_000, createdAt: now,
      }));
      assert.deepEqual(await store.accept({ accountId, routeId: 'transactional', debit: 600, messages }), { ok: true });

      const slices: Array<{ at: number; n: number }> = [];
      let seq = 0;
      const channel: Channel = {
        name: 'recorder',
        async submit(list: readonly OutboundMessage[]) {
          slices.push({ at: performance.now(), n: list.length });
          return list.map((m) => ({ id: m.id, outcome: 'submitted' as const, carrierId: `R${++seq}`, at: Date.now() }));
        },
        onReceipts() {},
        health: () => ({ name: 'recorder', up: true, detail: '' }),
        async close() {},
      };
      const pressure = { busy: true };
      const worker = new DispatchWorker('bulk', {
        store, channelFor: () => channel, clock: systemClock, promotionalWindow: defaultPromotionalWindow,
        options: { batchSize: 500, pollIntervalMs: 20, maxInFlight: 5000, lingerMs: 0, lingerBusyMs: 0, retryBackoffMs: 1000 },
        pacing: { pressure, batchSize: 40, pauseMs: 50 },
      });
      const started = performance.now();
      worker.start();
      await new Promise((resolve) => setTimeout(resolve, 400));
      const busyFor = performance.now() - started;
      const whileBusy = slices.slice();
      pressure.busy = false;
      const deadline = Date.now() + 5000;
      while (slices.reduce((a, s) => a + s.n, 0) < 600 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      const eased = performance.now();
      await worker.stop();

      assert.ok(whileBusy.length > 0, 'the paced lane still moves');
      assert.ok(whileBusy.every((s) => s.n <= 40), `every slice while busy is at most 40: ${whileBusy.map((s) => s.n).join(',')}`);
      const sent = whileBusy.reduce((a, s) => a + s.n, 0);
      assert.ok(sent <= 40 * (Math.floor(busyFor / 50) + 1), `${sent} messages in ${busyFor.toFixed(0)} ms: more than one slice per pause`);
      assert.equal(slices.reduce((a, s) => a + s.n, 0), 600, 'every message is dispatched once pressure eases');
      assert.ok(slices.slice(whileBusy.length).some((s) => s.n > 40), 'eased, the lane claims full batches again');
      assert.ok(eased - started < 5000);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lingering under ingress pressure', () => {
  /** A transactional worker over a fresh store; `wakeAndTime` accepts one message, wakes it, and times the claim. */
  async function lane(lingerBusyMs: number, pressure: { busy: boolean }, lane: 'transactional' | 'otp' = 'transactional') {
    const dir = mkdtempSync(join(tmpdir(), 'dakiya-linger-'));
    const store = await SqliteStore.open({ filename: join(dir, 'd.db'), synchronous: 'normal', groupCommit: { maxBatch: 1000, maxDelayMs: 0 } });
    const ids = uuidv7Generator(systemClock);
    for (const r of defaultRoutes) await store.upsertRoute(r);
    const accountId = ids();
    await store.createAccount({ id: accountId, name: 'a', status: 'active', rateLimitPerMinute: null, createdAt: Date.now() });
    await store.addCredits(accountId, 'transactional', 1000, 'topup', 'test', Date.now());
    const claims: number[] = [];
    let seq = 0;
    const channel: Channel = {
      name: 'recorder',
      async submit(list: readonly OutboundMessage[]) {
        claims.push(performance.now());
        return list.map((m) => ({ id: m.id, outcome: 'submitted' as const, carrierId: `L${++seq}`, at: Date.now() }));
      },
      onReceipts() {},
      health: () => ({ name: 'recorder', up: true, detail: '' }),
      async close() {},
    };
    const worker = new DispatchWorker(lane, {
      store, channelFor: () => channel, clock: systemClock, promotionalWindow: defaultPromotionalWindow,
      options: { batchSize: 500, pollIntervalMs: 60_000, maxInFlight: 5000, lingerMs: 5, lingerBusyMs, retryBackoffMs: 1000 },
      pressure,
    });
    worker.start();
    // The first pass finds nothing and sleeps (the poll interval is a minute: only a wake-up claims).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const wakeAndTime = async (): Promise<number> => {
      const now = Date.now();
      const message: NewMessage = {
        id: ids(), accountId, batchId: null, routeId: 'transactional', category: 'transactional', lane,
        recipient: '919876543210', sender: 'DAKIYA', body: 'hi', templateId: null, encoding: 'GSM7', segments: 1, flash: false,
        credits: 1, status: 'QUEUED', correlationId: null, dueAt: now, scheduledAt: null, expiresAt: now + 86_400_000, createdAt: now,
      };
      assert.deepEqual(await store.accept({ accountId, routeId: 'transactional', debit: 1, messages: [message] }), { ok: true });
      const before = claims.length;
      const woke = performance.now();
      worker.wake();
      const deadline = Date.now() + 5000;
      while (claims.length === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
      assert.equal(claims.length, before + 1, 'the woken lane claims the new message');
      // Let the pass after the claim find nothing and go back to sleep.
      await new Promise((resolve) => setTimeout(resolve, 30));
      return claims[before]! - woke;
    };
    const close = async () => {
      await worker.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return { wakeAndTime, close };
  }

  test('the transactional lane waits lingerBusyMs after a wake-up while the node is busy, lingerMs otherwise', async () => {
    const pressure = { busy: false };
    const l = await lane(120, pressure);
    try {
      const idle = await l.wakeAndTime();
      pressure.busy = true;
      const busy = await l.wakeAndTime();
      pressure.busy = false;
      const eased = await l.wakeAndTime();
      assert.ok(idle < 100, `idle: claimed ${idle.toFixed(1)} ms after the wake-up (lingerMs 5)`);
      assert.ok(busy >= 115, `busy: claimed ${busy.toFixed(1)} ms after the wake-up, before lingerBusyMs (120) was up`);
      assert.ok(eased < 100, `eased: claimed ${eased.toFixed(1)} ms after the wake-up (lingerMs 5)`);
    } finally {
      await l.close();
    }
  });

  test('the OTP lane never lingers, busy or not', async () => {
    const l = await lane(500, { busy: true }, 'otp');
    try {
      const waited = await l.wakeAndTime();
      assert.ok(waited < 250, `claimed ${waited.toFixed(1)} ms after the wake-up, with lingerBusyMs 500`);
    } finally {
      await l.close();
    }
  });
});
