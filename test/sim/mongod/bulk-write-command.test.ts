import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readySet, run } from './helpers.js';

type Doc = Record<string, unknown>;

function primary(seed: number, version?: '7.0'): (db: string, body: Doc) => Doc {
  const { client, primary: host } = readySet(seed, version === undefined ? {} : { version });
  return (db, body) => run(client, host, db, body);
}

const all = (cmd: (db: string, body: Doc) => Doc, db: string, coll: string): unknown[] =>
  ((cmd(db, { find: coll, filter: {}, sort: { _id: 1 } })['cursor'] as Doc)['firstBatch'] as unknown[]);

const mixed = (extra: Doc = {}): Doc => ({
  bulkWrite: 1,
  ops: [
    { insert: 0, document: { _id: 4, x: 44 } },
    { update: 0, filter: { _id: 1 }, updateMods: { $inc: { x: 1 } }, multi: false },
    { update: 1, filter: { _id: 7 }, updateMods: { $set: { y: 1 } }, multi: false, upsert: true },
    { delete: 0, filter: { _id: 3 }, multi: false },
  ],
  nsInfo: [{ ns: 'db.c' }, { ns: 'db2.d' }],
  ...extra,
});

test('bulkWrite runs every op on its namespace and answers a cursor of per-op results and the summary counts', () => {
  const cmd = primary(81);
  cmd('db', { insert: 'c', documents: [{ _id: 1, x: 11 }, { _id: 3 }] });
  const reply = cmd('admin', mixed({ errorsOnly: false, ordered: true }));
  assert.is(reply['ok'], 1, JSON.stringify(reply));
  assert.equal((reply['cursor'] as Doc)['firstBatch'], [
    { ok: 1, idx: 0, n: 1 },
    { ok: 1, idx: 1, n: 1, nModified: 1 },
    { ok: 1, idx: 2, n: 1, nModified: 0, upserted: { _id: 7 } },
    { ok: 1, idx: 3, n: 1 },
  ]);
  assert.equal((reply['cursor'] as Doc)['ns'], 'admin.$cmd.bulkWrite');
  assert.equal([reply['nErrors'], reply['nInserted'], reply['nMatched'], reply['nModified'], reply['nUpserted'], reply['nDeleted']], [0, 1, 1, 1, 1, 1]);
  assert.equal(all(cmd, 'db', 'c'), [{ _id: 1, x: 12 }, { _id: 4, x: 44 }]);
  assert.equal(all(cmd, 'db2', 'd'), [{ _id: 7, y: 1 }]);
});

test('errorsOnly leaves successes out; ordered stops at the first error, unordered goes on', () => {
  const cmd = primary(82);
  cmd('db', { insert: 'c', documents: [{ _id: 1 }] });
  const ops = [{ insert: 0, document: { _id: 1 } }, { insert: 0, document: { _id: 2 } }];
  const ordered = cmd('admin', { bulkWrite: 1, ops, nsInfo: [{ ns: 'db.c' }], errorsOnly: true });
  const results = (ordered['cursor'] as Doc)['firstBatch'] as Doc[];
  assert.is(results.length, 1);
  assert.equal([results[0]!['ok'], results[0]!['idx'], results[0]!['code']], [0, 0, 11000]);
  assert.equal([ordered['nErrors'], ordered['nInserted']], [1, 0]);
  const unordered = cmd('admin', { bulkWrite: 1, ops, nsInfo: [{ ns: 'db.c' }], errorsOnly: true, ordered: false });
  assert.equal([unordered['nErrors'], unordered['nInserted']], [1, 1]);
  assert.equal(all(cmd, 'db', 'c'), [{ _id: 1 }, { _id: 2 }]);
});

test('a retried bulkWrite (same lsid and txnNumber) replays the ops already executed instead of running them again', () => {
  const cmd = primary(83);
  cmd('db', { insert: 'c', documents: [{ _id: 1, x: 11 }, { _id: 3 }] });
  const session = { lsid: { id: 'session-1' }, txnNumber: 1 };
  const first = cmd('admin', mixed(session));
  const again = cmd('admin', mixed(session));
  assert.equal(again['cursor'], first['cursor']);
  assert.equal(all(cmd, 'db', 'c'), [{ _id: 1, x: 12 }, { _id: 4, x: 44 }], 'the $inc ran once');
});

test('what mongod refuses: bulkWrite outside admin (13), a bad nsInfo index (2), an unknown op field (40415), before 8.0 (59)', () => {
  const cmd = primary(84);
  assert.is(cmd('db', mixed())['code'], 13);
  assert.is(cmd('admin', { bulkWrite: 1, ops: [{ insert: 5, document: {} }], nsInfo: [{ ns: 'db.c' }] })['code'], 2);
  assert.is(cmd('admin', { bulkWrite: 1, ops: [{ insert: 0, document: {}, bogus: 1 }], nsInfo: [{ ns: 'db.c' }] })['code'], 40415);
  const old = primary(85, '7.0');
  assert.is(old('admin', mixed())['code'], 59);
});

test.run();
