import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Timestamp } from 'bson';
import { World } from '../../../sim/world.js';
import { MongodProcess } from '../../../sim/mongod/process.js';
import { SimClient } from '../../../sim/mongod/client.js';
import { parseResumeToken, resumeTokenOf } from '../../../sim/mongod/change-streams.js';
import { readySet, run } from './helpers.js';

type Doc = Record<string, unknown>;

function primarySet(seed: number): { cmd: (db: string, body: Doc) => Doc; world: World } {
  const { client, primary, world } = readySet(seed);
  return { cmd: (db, body) => run(client, primary, db, body), world };
}

const cursorOf = (reply: Doc): Doc => reply['cursor'] as Doc;
const batchOf = (reply: Doc): Doc[] => (cursorOf(reply)['firstBatch'] ?? cursorOf(reply)['nextBatch']) as Doc[];

function open(cmd: (db: string, body: Doc) => Doc, spec: Doc = {}, target: { db: string; aggregate: string | 1 } = { db: 'db', aggregate: 'c' }): Doc {
  const reply = cmd(target.db, { aggregate: target.aggregate, pipeline: [{ $changeStream: spec }], cursor: {} });
  assert.is(reply['ok'], 1, JSON.stringify(reply));
  return reply;
}

const getMore = (cmd: (db: string, body: Doc) => Doc, reply: Doc, collection = 'c', db = 'db', maxTimeMS = 1000): Doc =>
  cmd(db, { getMore: cursorOf(reply)['id'], collection, maxTimeMS });

test('a collection change stream reports insert, update, replace and delete as mongod shapes them, in oplog order', () => {
  const { cmd } = primarySet(71);
  const opened = open(cmd);
  assert.equal(batchOf(opened), []);
  assert.ok(Number(cursorOf(opened)['id']) > 0, 'a change stream cursor stays open');
  assert.ok(cursorOf(opened)['postBatchResumeToken'] !== undefined);
  cmd('db', { insert: 'c', documents: [{ _id: 1, x: 1, y: 1 }], writeConcern: { w: 'majority' } });
  cmd('db', { update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { x: 2 }, $unset: { y: '' } } }], writeConcern: { w: 'majority' } });
  cmd('db', { update: 'c', updates: [{ q: { _id: 1 }, u: { z: 3 } }], writeConcern: { w: 'majority' } });
  cmd('db', { delete: 'c', deletes: [{ q: { _id: 1 }, limit: 1 }], writeConcern: { w: 'majority' } });
  cmd('db', { insert: 'other', documents: [{ _id: 9 }], writeConcern: { w: 'majority' } });
  const events = batchOf(getMore(cmd, opened));
  assert.equal(events.map((e) => e['operationType']), ['insert', 'update', 'replace', 'delete']);
  const [insert, update, replace, del] = events as [Doc, Doc, Doc, Doc];
  assert.equal(insert['fullDocument'], { _id: 1, x: 1, y: 1 });
  assert.equal(insert['ns'], { db: 'db', coll: 'c' });
  assert.equal(insert['documentKey'], { _id: 1 });
  assert.ok(insert['clusterTime'] instanceof Timestamp);
  assert.equal(update['updateDescription'], { updatedFields: { x: 2 }, removedFields: ['y'], truncatedArrays: [] });
  assert.is(update['fullDocument'], undefined, 'fullDocument only with updateLookup');
  assert.equal(replace['fullDocument'], { _id: 1, z: 3 });
  assert.equal(del['documentKey'], { _id: 1 });
  assert.is(del['fullDocument'], undefined);
  for (const e of events) assert.type((e['_id'] as Doc)['_data'], 'string');
});

test('getMore waits maxTimeMS in virtual time when nothing is committed, then answers an empty batch with the cursor still open', () => {
  const { cmd, world } = primarySet(72);
  const opened = open(cmd);
  const before = world.scheduler.nowMs;
  const reply = getMore(cmd, opened, 'c', 'db', 500);
  assert.equal(batchOf(reply), []);
  assert.ok(world.scheduler.nowMs - before >= 500, `waited ${world.scheduler.nowMs - before} ms`);
  assert.is(cursorOf(reply)['id'], cursorOf(opened)['id']);
});

test('only majority-committed entries are reported: a w:1 write shows up once it commits', () => {
  const { cmd } = primarySet(73);
  const opened = open(cmd);
  cmd('db', { insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 1 } });
  // The getMore waits (polling) until replication commits the insert.
  const events = batchOf(getMore(cmd, opened, 'c', 'db', 5000));
  assert.equal(events.map((e) => e['documentKey']), [{ _id: 1 }]);
});

test('an entry that is not majority-committed is not reported: with both secondaries down the insert stays out until they return', () => {
  const { client, primary, rs } = readySet(70);
  const cmd = (db: string, body: Doc): Doc => run(client, primary, db, body);
  const opened = open(cmd);
  const secondaries = rs.hosts.filter((h) => h !== primary);
  for (const h of secondaries) rs.member(h).crash();
  cmd('db', { insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 1 } });
  assert.equal(batchOf(getMore(cmd, opened, 'c', 'db', 2000)), [], 'applied on the primary only: not majority-committed');
  for (const h of secondaries) rs.member(h).restart();
  const events = batchOf(getMore(cmd, opened, 'c', 'db', 30_000));
  assert.equal(events.map((e) => e['documentKey']), [{ _id: 1 }]);
});

test('resumeAfter continues after the event, startAfter and startAtOperationTime start where asked', () => {
  const { cmd } = primarySet(74);
  const opened = open(cmd);
  cmd('db', { insert: 'c', documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }], writeConcern: { w: 'majority' } });
  const events = batchOf(getMore(cmd, opened));
  assert.is(events.length, 3);
  const resumed = open(cmd, { resumeAfter: events[0]!['_id'] });
  assert.equal(batchOf(resumed).map((e) => e['documentKey']), [{ _id: 2 }, { _id: 3 }]);
  const started = open(cmd, { startAfter: events[1]!['_id'] });
  assert.equal(batchOf(started).map((e) => e['documentKey']), [{ _id: 3 }]);
  const at = open(cmd, { startAtOperationTime: events[1]!['clusterTime'] });
  assert.equal(batchOf(at).map((e) => e['documentKey']), [{ _id: 2 }, { _id: 3 }]);
  // The postBatchResumeToken of an exhausted batch resumes after everything returned.
  const after = open(cmd, { resumeAfter: cursorOf(resumed)['postBatchResumeToken'] });
  assert.equal(batchOf(after), []);
});

test('dropping the watched collection reports drop then invalidate and closes the cursor; resumeAfter an invalidate is refused, startAfter is not', () => {
  const { cmd } = primarySet(75);
  cmd('db', { insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 'majority' } });
  const opened = open(cmd);
  cmd('db', { drop: 'c', writeConcern: { w: 'majority' } });
  const reply = getMore(cmd, opened);
  const events = batchOf(reply);
  assert.equal(events.map((e) => e['operationType']), ['drop', 'invalidate']);
  assert.is(cursorOf(reply)['id'], 0);
  const token = events[1]!['_id'];
  const refused = cmd('db', { aggregate: 'c', pipeline: [{ $changeStream: { resumeAfter: token } }], cursor: {} });
  assert.is(refused['code'], 260);
  const fresh = open(cmd, { startAfter: token });
  cmd('db', { insert: 'c', documents: [{ _id: 2 }], writeConcern: { w: 'majority' } });
  assert.equal(batchOf(getMore(cmd, fresh)).map((e) => e['documentKey']), [{ _id: 2 }]);
});

test('database and cluster streams see every collection; updateLookup adds the current document; $match filters events', () => {
  const { cmd } = primarySet(76);
  const dbStream = open(cmd, {}, { db: 'db', aggregate: 1 });
  const cluster = open(cmd, { allChangesForCluster: true, fullDocument: 'updateLookup' }, { db: 'admin', aggregate: 1 });
  const matched = cmd('db', { aggregate: 1, pipeline: [{ $changeStream: {} }, { $match: { operationType: 'update' } }], cursor: {} });
  cmd('db', { insert: 'a', documents: [{ _id: 1, n: 0 }], writeConcern: { w: 'majority' } });
  cmd('other', { insert: 'b', documents: [{ _id: 2 }], writeConcern: { w: 'majority' } });
  cmd('db', { update: 'a', updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }], writeConcern: { w: 'majority' } });
  assert.equal(batchOf(getMore(cmd, dbStream, '$cmd.aggregate')).map((e) => (e['ns'] as Doc)['coll']), ['a', 'a']);
  const all = batchOf(getMore(cmd, cluster, '$cmd.aggregate', 'admin'));
  assert.equal(all.map((e) => e['ns']), [{ db: 'db', coll: 'a' }, { db: 'other', coll: 'b' }, { db: 'db', coll: 'a' }]);
  assert.equal(all[2]!['fullDocument'], { _id: 1, n: 1 });
  assert.equal(batchOf(getMore(cmd, matched, '$cmd.aggregate')).map((e) => e['operationType']), ['update']);
});

test('what mongod refuses: standalone (40573), $changeStream not first (40602), unknown option (40415), admin db stream (73), bad token (260), lost history (286)', () => {
  const world = new World({ seed: 77 });
  new MongodProcess(world, { host: 's:27017' }).start();
  const client = new SimClient(world);
  assert.is(run(client, 's:27017', 'db', { aggregate: 'c', pipeline: [{ $changeStream: {} }], cursor: {} })['code'], 40573);
  const { cmd } = primarySet(78);
  assert.is(cmd('db', { aggregate: 'c', pipeline: [{ $changeStream: {} }, { $changeStream: {} }], cursor: {} })['code'], 40602);
  assert.is(cmd('db', { aggregate: 'c', pipeline: [{ $changeStream: { bogus: 1 } }], cursor: {} })['code'], 40415);
  assert.is(cmd('admin', { aggregate: 1, pipeline: [{ $changeStream: {} }], cursor: {} })['code'], 73);
  assert.is(cmd('db', { aggregate: 'c', pipeline: [{ $changeStream: { resumeAfter: { _data: 'nope' } } }], cursor: {} })['code'], 260);
  const ancient = resumeTokenOf({ ts: 1, index: 0 });
  assert.is(cmd('db', { aggregate: 'c', pipeline: [{ $changeStream: { resumeAfter: ancient } }], cursor: {} })['code'], 286);
});

test('killCursors closes a change stream; a later getMore is CursorNotFound', () => {
  const { cmd } = primarySet(79);
  const opened = open(cmd);
  const id = cursorOf(opened)['id'];
  assert.equal(cmd('db', { killCursors: 'c', cursors: [id] })['cursorsKilled'], [id]);
  assert.is(getMore(cmd, opened)['code'], 43);
});

test('a resumable error on a change stream getMore carries ResumableChangeStreamError (4.4+); on an ordinary cursor it does not', () => {
  const { cmd } = primarySet(80);
  const opened = open(cmd);
  cmd('admin', { configureFailPoint: 'failCommand', mode: { times: 2 }, data: { failCommands: ['getMore'], errorCode: 10107 } });
  const failed = getMore(cmd, opened);
  assert.equal([failed['code'], failed['errorLabels']], [10107, ['ResumableChangeStreamError']]);
  cmd('db', { insert: 'c', documents: [{ _id: 1 }, { _id: 2 }] });
  const found = cmd('db', { find: 'c', filter: {}, batchSize: 1 });
  const plain = cmd('db', { getMore: cursorOf(found)['id'], collection: 'c' });
  assert.equal([plain['code'], plain['errorLabels']], [10107, undefined]);
});

test('resume tokens round-trip', () => {
  const token = resumeTokenOf({ ts: 123456789, index: 2 }, true);
  assert.equal(parseResumeToken(token, 't'), { position: { ts: 123456789, index: 2 }, invalidate: true });
});

test.run();
