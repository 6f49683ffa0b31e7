import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConcurrencyGate } from '../../../src/api/http/concurrency-gate.ts';

test('admits up to its slots and queues the rest in arrival order', async () => {
  const gate = new ConcurrencyGate(2);
  const order: number[] = [];
  const a = await gate.acquire();
  const b = await gate.acquire();
  const c = gate.acquire().then((release) => { order.push(3); return release; });
  const d = gate.acquire().then((release) => { order.push(4); return release; });
  assert.equal(gate.waiting, 2);
  a();
  (await c)();
  b();
  (await d)();
  assert.deepEqual(order, [3, 4]);
  assert.equal(gate.waiting, 0);
});

test('a release called twice frees only one slot', async () => {
  const gate = new ConcurrencyGate(1);
  const release = await gate.acquire();
  release();
  release();
  await gate.acquire();
  let admitted = false;
  void gate.acquire().then(() => { admitted = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(admitted, false);
});
