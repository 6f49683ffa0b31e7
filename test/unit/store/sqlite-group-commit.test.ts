import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommit } from '../../../src/store/sqlite/sqlite-group-commit.ts';

function setup() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  const commit = new GroupCommit<string, string>(db, { maxBatch: 100, maxDelayMs: 0 }, (k) => {
    insert.run(k);
    return k;
  });
  const count = () => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  return { db, commit, count };
}

test('requests submitted in the same tick are committed together and each gets its result', async () => {
  const { commit, count } = setup();
  assert.deepEqual(await Promise.all(['a', 'b', 'c'].map((k) => commit.submit(k))), ['a', 'b', 'c']);
  assert.equal(count(), 3);
});

test('a failing request is rejected alone; the others in its group still commit', async () => {
  const { commit, count } = setup();
  await commit.submit('dup');
  const results = await Promise.allSettled(['x', 'dup', 'y'].map((k) => commit.submit(k)));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(count(), 3);
});

test('a full group is flushed at once without waiting for the next tick', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO t (k) VALUES (?)');
  const commit = new GroupCommit<string, void>(db, { maxBatch: 2, maxDelayMs: 0 }, (k) => { insert.run(k); });
  const first = commit.submit('a');
  void commit.submit('b');
  // The second submit filled the group: the commit already ran synchronously.
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 2);
  await first;
});
