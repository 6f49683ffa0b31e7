// The content filter's rules on their own: operator patterns, the identical-content velocity rule
// and the bound on the memory its counter holds; stored patterns beside the config file's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DakiyaError } from '../../../src/domain/errors.ts';
import { ContentFilter, contentKey, contentPatternProblem, storedPatternProblem } from '../../../src/services/content-filter.ts';

const settings = { enabled: true, patterns: [] as string[], identicalContentMax: 0, identicalContentWindowSeconds: 60 };

function blockedBy(filter: ContentFilter, text: string): string | undefined {
  try {
    filter.checkPatterns(text);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof DakiyaError);
    assert.equal(error.code, 'ERR_CONTENT_BLOCKED');
    return error.details?.['rule'] as string;
  }
}

test('blocks a text matching an operator pattern whatever its case', () => {
  const filter = new ContentFilter({ ...settings, patterns: ['free\\s+money', 'lottery'] });
  assert.equal(blockedBy(filter, 'Claim your FREE   Money now'), 'pattern');
  assert.equal(blockedBy(filter, 'You won the LOTTERY'), 'pattern');
  assert.equal(blockedBy(filter, 'Your order has shipped'), undefined);
});

test('matches patterns against Unicode text with the u flag', () => {
  const filter = new ContentFilter({ ...settings, patterns: ['मुफ्त', '\\p{Emoji_Presentation}{3}'] });
  assert.equal(blockedBy(filter, 'आज मुफ्त पैसा'), 'pattern');
  assert.equal(blockedBy(filter, 'win 🎉🎉🎉'), 'pattern');
  assert.equal(blockedBy(filter, 'नमस्ते 🎉'), undefined);
});

test('blocks nothing when the filter is disabled', () => {
  const filter = new ContentFilter({ ...settings, enabled: false, patterns: ['lottery'], identicalContentMax: 1 });
  assert.equal(blockedBy(filter, 'lottery'), undefined);
  assert.equal(filter.velocityEnabled, false);
});

test('refuses patterns that do not compile, are too long, or nest quantifiers', () => {
  assert.match(contentPatternProblem('[') ?? '', /does not compile/);
  assert.match(contentPatternProblem('x'.repeat(201)) ?? '', /at most 200/);
  assert.equal(contentPatternProblem('x'.repeat(200)), undefined);
  for (const bad of ['(a+)+', '(\\w*)*', '(ab+){2,}', '(?:x+)*']) assert.match(contentPatternProblem(bad) ?? '', /nested repetition/, bad);
  for (const good of ['free\\s+money', '(win|won)\\s+\\d+', 'a+b*']) assert.equal(contentPatternProblem(good), undefined, good);
  assert.throws(() => new ContentFilter({ ...settings, patterns: ['(a+)+'] }), /nested repetition/);
});

test('folds case and white space when deciding two texts are identical', () => {
  assert.equal(contentKey('Big  SALE\ttoday '), contentKey('big sale today'));
  assert.notEqual(contentKey('big sale today'), contentKey('big sale tomorrow'));
});

test('lets one text reach at most identicalContentMax recipients of an account per window', () => {
  const filter = new ContentFilter({ ...settings, identicalContentMax: 3 });
  const key = contentKey('Sale!');
  assert.equal(filter.fits('acc-1', key, 3, 0), true);
  assert.equal(filter.fits('acc-1', key, 4, 0), false);
  filter.record('acc-1', new Map([[key, 2]]), 0);
  assert.equal(filter.fits('acc-1', key, 1, 1000), true);
  assert.equal(filter.fits('acc-1', key, 2, 1000), false);
  assert.equal(filter.fits('acc-2', key, 3, 1000), true, 'another account counts apart');
  assert.equal(filter.fits('acc-1', contentKey('Other'), 3, 1000), true, 'another text counts apart');
});

test('starts counting afresh once the window has passed', () => {
  const filter = new ContentFilter({ ...settings, identicalContentMax: 2 });
  const key = contentKey('Sale!');
  filter.record('acc-1', new Map([[key, 2]]), 0);
  assert.equal(filter.fits('acc-1', key, 1, 59_999), false);
  assert.equal(filter.fits('acc-1', key, 2, 60_000), true);
});

test('keeps at most maxEntries counters, dropping the least recently used', () => {
  const filter = new ContentFilter({ ...settings, identicalContentMax: 1 }, { maxEntries: 100 });
  const first = contentKey('text 0');
  filter.record('acc', new Map([[first, 1]]), 0);
  for (let i = 1; i < 1000; i++) {
    filter.record('acc', new Map([[contentKey(`text ${i}`), 1]]), 0);
    if (i === 50) filter.record('acc', new Map([[first, 0]]), 0); // used again: survives longer
  }
  assert.equal(filter.size, 100);
  assert.equal(filter.fits('acc', contentKey('text 999'), 1, 0), false, 'recent entries are kept');
  assert.equal(filter.fits('acc', first, 1, 0), true, 'old entries were evicted');
});

test('blocks a text matching a stored pattern as well as the config file\'s', () => {
  const filter = new ContentFilter({ ...settings, patterns: ['lottery'] });
  assert.deepEqual(filter.useStored(['phish\\.example']), []);
  assert.equal(blockedBy(filter, 'Verify at PHISH.example/login'), 'pattern');
  assert.equal(blockedBy(filter, 'You won the lottery'), 'pattern');
  assert.equal(blockedBy(filter, 'Verify at phish-example'), undefined);
});

test('replaces the stored patterns on each refresh, so a removed one blocks no more', () => {
  const filter = new ContentFilter(settings);
  filter.useStored(['alpha', 'beta']);
  filter.useStored(['beta']);
  assert.equal(blockedBy(filter, 'alpha'), undefined);
  assert.equal(blockedBy(filter, 'beta'), 'pattern');
});

test('leaves out and answers a stored pattern that fails today\'s rules, applying the others', () => {
  const filter = new ContentFilter(settings);
  assert.deepEqual(filter.useStored(['(a+)+$', 'gamma']), ['(a+)+$']);
  assert.equal(blockedBy(filter, 'gamma'), 'pattern');
  assert.equal(blockedBy(filter, 'aaaa'), undefined);
});

test('blocks nothing by a stored pattern when the filter is disabled', () => {
  const filter = new ContentFilter({ ...settings, enabled: false });
  filter.useStored(['delta']);
  assert.equal(blockedBy(filter, 'delta'), undefined);
});

test('refuses to store a pattern that matches the empty string, and so every text', () => {
  for (const p of ['a*', 'x|', '(?:)', '^']) assert.match(storedPatternProblem(p) ?? '', /every text/, p);
  assert.equal(storedPatternProblem('free\\s+money'), undefined);
  assert.equal(storedPatternProblem('(a+)+$'), contentPatternProblem('(a+)+$'));
});
