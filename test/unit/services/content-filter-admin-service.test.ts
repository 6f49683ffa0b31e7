// The operator's stored content patterns as the service manages them: validation before the store
// is asked, the node's filter refreshed at once after a change, and overlapping refreshes settled
// by the read that started last.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContentPattern } from '../../../src/domain/content-pattern.ts';
import { DakiyaError } from '../../../src/domain/errors.ts';
import { uuidv7Generator } from '../../../src/domain/ids.ts';
import { ContentFilter } from '../../../src/services/content-filter.ts';
import { ContentFilterAdminService } from '../../../src/services/content-filter-admin-service.ts';
import type { AddContentPatternResult, Store } from '../../../src/store/store.ts';

const clock = { now: () => 1_800_000_000_000 };
const settings = { enabled: true, patterns: [] as string[], identicalContentMax: 0, identicalContentWindowSeconds: 60 };

/** Just the content-pattern part of the store, in memory; `list` may be replaced to control timing. */
function memoryStore() {
  const rows: ContentPattern[] = [];
  const store = {
    reads: 0,
    async listContentPatterns() { store.reads++; return [...rows]; },
    async addContentPattern(p: ContentPattern, max: number): Promise<AddContentPatternResult> {
      const existing = rows.find((r) => r.pattern === p.pattern);
      if (existing) return { outcome: 'duplicate', existing };
      if (rows.length >= max) return { outcome: 'full' };
      rows.push(p);
      return { outcome: 'added' };
    },
    async removeContentPattern(id: string) {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) rows.splice(i, 1);
      return i >= 0;
    },
  };
  return store;
}

function setup(enabled = true) {
  const store = memoryStore();
  const filter = new ContentFilter({ ...settings, enabled });
  const service = new ContentFilterAdminService({ store: store as unknown as Store, clock, ids: uuidv7Generator(clock), filter, maxPatterns: 2 });
  const blocks = (text: string) => {
    try { filter.checkPatterns(text); return false; } catch { return true; }
  };
  return { store, filter, service, blocks };
}

test('applies an added pattern on this node at once, and lifts it at once on removal', async () => {
  const { service, blocks } = setup();
  const p = await service.add({ pattern: 'phish\\.example', description: '  phishing  ' });
  assert.equal(p.description, 'phishing');
  assert.equal(blocks('see phish.example'), true);
  await service.remove(p.id);
  assert.equal(blocks('see phish.example'), false);
});

test('refuses a hostile pattern before asking the store', async () => {
  const { service, store } = setup();
  await assert.rejects(service.add({ pattern: '(a+)+$' }), (e: DakiyaError) => e.code === 'ERR_INVALID_REQUEST' && e.details?.['field'] === 'pattern');
  assert.deepEqual(await store.listContentPatterns(), []);
});

test('answers ERR_CONFLICT for a duplicate and beyond the cap, ERR_NOT_FOUND for an unknown id', async () => {
  const { service } = setup();
  const first = await service.add({ pattern: 'one' });
  await assert.rejects(service.add({ pattern: 'one' }), (e: DakiyaError) => e.code === 'ERR_CONFLICT' && e.details?.['id'] === first.id);
  await service.add({ pattern: 'two' });
  await assert.rejects(service.add({ pattern: 'three' }), (e: DakiyaError) => e.code === 'ERR_CONFLICT' && e.details?.['max_patterns'] === 2);
  await assert.rejects(service.remove('no-such-id'), (e: DakiyaError) => e.code === 'ERR_NOT_FOUND');
});

test('keeps the list read last when a slow refresh that started earlier finishes after it', async () => {
  const { service, store, blocks } = setup();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const list = store.listContentPatterns;
  store.listContentPatterns = async () => { const before = await list(); await gate; return before; };
  const slow = service.refresh();
  store.listContentPatterns = list;
  await service.add({ pattern: 'fresh' });
  release();
  await slow;
  assert.equal(blocks('fresh news'), true);
});

test('reads nothing from the store while the filter is disabled', async () => {
  const { service, store, blocks } = setup(false);
  await service.add({ pattern: 'dormant' });
  assert.equal(await service.refresh().then(() => store.reads), 0);
  assert.equal(blocks('dormant'), false);
});
