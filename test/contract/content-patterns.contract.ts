// The store contract for the operator's content patterns, on every engine: listed oldest first,
// stored once per source, never more than the cap (however many adds race, on one handle or on
// several as several nodes would), removed by id. Called next to storeContract().
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ContentPattern } from '../../src/domain/content-pattern.ts';
import { uuidv7Generator } from '../../src/domain/ids.ts';
import type { Store } from '../../src/store/store.ts';

const clock = { now: () => 1_800_000_000_000 };
const ids = uuidv7Generator(clock);

function pattern(source: string, at = clock.now(), description = ''): ContentPattern {
  return { id: ids(), pattern: source, description, createdAt: at };
}

export function contentPatternsContract(name: string, fresh: () => Promise<() => Promise<Store>>): void {
  describe(`content patterns contract: ${name}`, () => {
    let store: Store;
    let open: () => Promise<Store>;

    beforeEach(async () => {
      open = await fresh();
      store = await open();
    });
    afterEach(async () => { await store.close(); });

    test('lists nothing before a pattern is added', async () => {
      assert.deepEqual(await store.listContentPatterns(), []);
    });

    test('keeps a pattern\'s source, description and time exactly, listing the oldest first', async () => {
      const later = pattern('win\\s+a\\s+prize', clock.now() + 1000, 'prize scam');
      const earlier = pattern('bit\\.ly/[a-z0-9]+', clock.now(), 'shortened links — मुफ्त');
      assert.deepEqual(await store.addContentPattern(later, 10), { outcome: 'added' });
      assert.deepEqual(await store.addContentPattern(earlier, 10), { outcome: 'added' });
      assert.deepEqual(await store.listContentPatterns(), [earlier, later]);
    });

    test('answers the stored pattern instead of storing the same source twice', async () => {
      const first = pattern('phish\\.example');
      await store.addContentPattern(first, 10);
      assert.deepEqual(await store.addContentPattern(pattern('phish\\.example', clock.now(), 'again'), 10), { outcome: 'duplicate', existing: first });
      assert.equal((await store.listContentPatterns()).length, 1);
    });

    test('refuses a pattern once the cap is reached, and takes one again after a removal', async () => {
      const a = pattern('alpha');
      await store.addContentPattern(a, 2);
      await store.addContentPattern(pattern('beta'), 2);
      assert.deepEqual(await store.addContentPattern(pattern('gamma'), 2), { outcome: 'full' });
      assert.equal(await store.removeContentPattern(a.id), true);
      assert.deepEqual(await store.addContentPattern(pattern('gamma'), 2), { outcome: 'added' });
      assert.deepEqual((await store.listContentPatterns()).map((p) => p.pattern), ['beta', 'gamma']);
    });

    test('stores at most the cap when adds race on several handles', async () => {
      const others = await Promise.all([open(), open()]);
      try {
        const handles = [store, ...others];
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => handles[i % handles.length]!.addContentPattern(pattern(`race-${i}`), 5)));
        assert.equal(results.filter((r) => r.outcome === 'added').length, 5);
        assert.equal(results.filter((r) => r.outcome === 'full').length, 7);
        assert.equal((await store.listContentPatterns()).length, 5);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    });

    test('stores a source once when the same add races on several handles', async () => {
      const others = await Promise.all([open(), open()]);
      try {
        const handles = [store, ...others];
        const results = await Promise.all(handles.map((h) => h.addContentPattern(pattern('same-source'), 10)));
        assert.equal(results.filter((r) => r.outcome === 'added').length, 1);
        assert.equal(results.filter((r) => r.outcome === 'duplicate').length, 2);
        assert.equal((await store.listContentPatterns()).length, 1);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    });

    test('removes a pattern by id, and answers false for an id it does not hold', async () => {
      const a = pattern('alpha');
      await store.addContentPattern(a, 10);
      assert.equal(await store.removeContentPattern(a.id), true);
      assert.equal(await store.removeContentPattern(a.id), false);
      assert.equal(await store.removeContentPattern(ids()), false);
      assert.deepEqual(await store.listContentPatterns(), []);
    });
  });
}
