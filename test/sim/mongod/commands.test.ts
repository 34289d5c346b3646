import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../../sim/world.js';
import { MongodProcess } from '../../../sim/mongod/process.js';
import { SimClient } from '../../../sim/mongod/client.js';
import { readySet, run } from './helpers.js';

function standalone(seed = 41): { world: World; client: SimClient; cmd: (body: Record<string, unknown>) => Record<string, unknown> } {
  const world = new World({ seed });
  new MongodProcess(world, { host: 's:27017' }).start();
  const client = new SimClient(world);
  return { world, client, cmd: (body) => run(client, 's:27017', 'db', body) };
}

test('insert, find with filters, sort, skip, limit, projection', () => {
  const { cmd } = standalone();
  const ins = cmd({ insert: 'c', documents: [1, 2, 3, 4, 5].map((i) => ({ _id: i, x: i * 10, tag: i % 2 === 0 ? 'even' : 'odd', arr: [i, i + 100] })) });
  assert.equal(ins, { n: 5, ok: 1 });
  const ids = (body: Record<string, unknown>): unknown[] => ((cmd({ find: 'c', ...body })['cursor'] as { firstBatch: Array<{ _id: unknown }> }).firstBatch).map((d) => d._id);
  assert.equal(ids({ filter: { tag: 'even' } }), [2, 4]);
  assert.equal(ids({ filter: { x: { $gt: 20, $lte: 40 } } }), [3, 4]);
  assert.equal(ids({ filter: { x: { $gte: 40 } } }), [4, 5]);
  assert.equal(ids({ filter: { x: { $lt: 20 } } }), [1]);
  assert.equal(ids({ filter: { _id: { $in: [1, 5, 9] } } }), [1, 5]);
  assert.equal(ids({ filter: { tag: { $ne: 'odd' } } }), [2, 4]);
  assert.equal(ids({ filter: { arr: 103 } }), [3]);
  assert.equal(ids({ filter: { x: { $gt: 'a' } } }), [], 'ranges compare within a type bracket only');
  assert.equal(ids({ filter: {}, sort: { x: -1 }, skip: 1, limit: 2 }), [4, 3]);
  assert.equal(ids({ filter: { $or: [{ _id: 1 }, { x: 50 }] } }), [1, 5]);
  const projected = (cmd({ find: 'c', filter: { _id: 2 }, projection: { x: 1, _id: 0 } })['cursor'] as { firstBatch: unknown[] }).firstBatch;
  assert.equal(projected, [{ x: 20 }]);
  const excluded = (cmd({ find: 'c', filter: { _id: 2 }, projection: { arr: 0, tag: 0 } })['cursor'] as { firstBatch: unknown[] }).firstBatch;
  assert.equal(excluded, [{ _id: 2, x: 20 }]);
  assert.is(cmd({ find: 'c', filter: { x: { $bogus: 1 } } })['code'], 2);
});

test('batchSize, getMore and killCursors', () => {
  const { cmd } = standalone();
  cmd({ insert: 'c', documents: Array.from({ length: 7 }, (_, i) => ({ _id: i })) });
  const first = cmd({ find: 'c', batchSize: 3 })['cursor'] as { firstBatch: unknown[]; id: number; ns: string };
  assert.is(first.firstBatch.length, 3);
  assert.ok(first.id > 0);
  assert.is(first.ns, 'db.c');
  const second = cmd({ getMore: first.id, collection: 'c', batchSize: 3 })['cursor'] as { nextBatch: unknown[]; id: number };
  assert.is(second.nextBatch.length, 3);
  assert.is(second.id, first.id);
  const last = cmd({ getMore: first.id, collection: 'c', batchSize: 3 })['cursor'] as { nextBatch: unknown[]; id: number };
  assert.is(last.nextBatch.length, 1);
  assert.is(last.id, 0);
  const gone = cmd({ getMore: first.id, collection: 'c' });
  assert.is(gone['code'], 43);
  assert.is(gone['codeName'], 'CursorNotFound');
  const other = cmd({ find: 'c', batchSize: 2 })['cursor'] as { id: number };
  const killed = cmd({ killCursors: 'c', cursors: [other.id, 999] });
  assert.equal(killed['cursorsKilled'], [other.id]);
  assert.equal(killed['cursorsNotFound'], [999]);
  assert.is((cmd({ find: 'c', batchSize: 2, limit: 2 })['cursor'] as { id: number }).id, 0, 'a limit within the first batch closes the cursor');
});

test('update: $set/$inc/$unset, replacement, upsert, multi; duplicate key; delete; count', () => {
  const { cmd } = standalone();
  cmd({ insert: 'c', documents: [{ _id: 1, a: 1, b: 'x' }, { _id: 2, a: 2 }, { _id: 3, a: 3 }] });
  assert.equal(cmd({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { b: 'y', 'n.m': 1 }, $inc: { a: 5 } } }] }), { n: 1, nModified: 1, ok: 1 });
  const doc1 = (cmd({ find: 'c', filter: { _id: 1 } })['cursor'] as { firstBatch: unknown[] }).firstBatch[0];
  assert.equal(doc1, { _id: 1, a: 6, b: 'y', n: { m: 1 } });
  cmd({ update: 'c', updates: [{ q: { _id: 1 }, u: { $unset: { b: '' } } }] });
  cmd({ update: 'c', updates: [{ q: { _id: 2 }, u: { z: 9 } }] });
  assert.equal((cmd({ find: 'c', filter: { _id: { $in: [1, 2] } } })['cursor'] as { firstBatch: unknown[] }).firstBatch, [{ _id: 1, a: 6, n: { m: 1 } }, { _id: 2, z: 9 }]);
  const up = cmd({ update: 'c', updates: [{ q: { _id: 10 }, u: { $set: { k: 1 } }, upsert: true }] });
  assert.equal(up, { n: 1, nModified: 0, upserted: [{ index: 0, _id: 10 }], ok: 1 });
  const multi = cmd({ update: 'c', updates: [{ q: { a: { $gte: 3 } }, u: { $inc: { a: 1 } }, multi: true }] });
  assert.equal(multi, { n: 2, nModified: 2, ok: 1 });
  const noop = cmd({ update: 'c', updates: [{ q: { _id: 3 }, u: { $set: { a: 4 } } }] });
  assert.equal(noop, { n: 1, nModified: 0, ok: 1 });
  const dup = cmd({ insert: 'c', documents: [{ _id: 20 }, { _id: 1 }, { _id: 21 }] });
  assert.is(dup['n'], 1);
  const errors = dup['writeErrors'] as Array<Record<string, unknown>>;
  assert.is(errors.length, 1);
  assert.is(errors[0]?.['index'], 1);
  assert.is(errors[0]?.['code'], 11000);
  assert.match(String(errors[0]?.['errmsg']), /E11000 duplicate key error collection: db\.c index: _id_ dup key/);
  const unordered = cmd({ insert: 'c', ordered: false, documents: [{ _id: 1 }, { _id: 30 }] });
  assert.is(unordered['n'], 1);
  assert.is(cmd({ count: 'c' })['n'], 6);
  assert.is(cmd({ count: 'c', query: { _id: { $gte: 20 } } })['n'], 2);
  assert.equal(cmd({ delete: 'c', deletes: [{ q: { _id: { $gte: 20 } }, limit: 0 }] }), { n: 2, ok: 1 });
  assert.equal(cmd({ delete: 'c', deletes: [{ q: {}, limit: 1 }] }), { n: 1, ok: 1 });
  assert.is(cmd({ count: 'c' })['n'], 3);
  const badInc = cmd({ update: 'c', updates: [{ q: {}, u: { $inc: { a: 'x' } } }] });
  assert.is((badInc['writeErrors'] as Array<{ code: number }>)[0]?.code, 14);
  const bad = cmd({ update: 'c', updates: [{ q: {}, u: { $bogus: { a: 1 } } }] });
  assert.is((bad['writeErrors'] as Array<{ code: number }>)[0]?.code, 9);
});

test('findAndModify, create, drop', () => {
  const { cmd } = standalone();
  cmd({ insert: 'c', documents: [{ _id: 1, v: 1 }, { _id: 2, v: 2 }] });
  const after = cmd({ findAndModify: 'c', query: { _id: 1 }, update: { $inc: { v: 10 } }, new: true });
  assert.equal(after, { lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 1, v: 11 }, ok: 1 });
  const before = cmd({ findAndModify: 'c', query: { _id: 2 }, update: { $set: { v: 0 } } });
  assert.equal(before['value'], { _id: 2, v: 2 });
  const removed = cmd({ findAndModify: 'c', query: { _id: 2 }, remove: true });
  assert.equal(removed['value'], { _id: 2, v: 0 });
  const upserted = cmd({ findAndModify: 'c', query: { _id: 5 }, update: { $set: { v: 5 } }, upsert: true, new: true });
  assert.equal(upserted['value'], { _id: 5, v: 5 });
  assert.is((upserted['lastErrorObject'] as Record<string, unknown>)['upserted'], 5);
  assert.equal(cmd({ create: 'd' }), { ok: 1 });
  const exists = cmd({ create: 'd' });
  assert.is(exists['code'], 48);
  assert.is(exists['codeName'], 'NamespaceExists');
  assert.is(cmd({ drop: 'c' })['ok'], 1);
  assert.is(cmd({ count: 'c' })['n'], 0);
  assert.is(cmd({ drop: 'never' })['ok'], 1, '7.0+ drop of a missing collection succeeds');
});

test('aggregate (countDocuments shape), distinct, listCollections, listDatabases, listIndexes', () => {
  const { cmd, client } = standalone();
  cmd({ insert: 'c', documents: [{ _id: 1, k: 'a', n: 1 }, { _id: 2, k: 'b', n: 2 }, { _id: 3, k: 'a', n: 3 }] });
  const countDocuments = cmd({ aggregate: 'c', pipeline: [{ $match: { n: { $gte: 2 } } }, { $skip: 0 }, { $group: { _id: 1, n: { $sum: 1 } } }], cursor: {} });
  assert.equal((countDocuments['cursor'] as { firstBatch: unknown[] }).firstBatch, [{ _id: 1, n: 2 }]);
  const grouped = cmd({ aggregate: 'c', pipeline: [{ $group: { _id: '$k', total: { $sum: '$n' } } }, { $sort: { _id: 1 } }], cursor: { batchSize: 1 } });
  const cursor = grouped['cursor'] as { firstBatch: unknown[]; id: number };
  assert.equal(cursor.firstBatch, [{ _id: 'a', total: 4 }]);
  assert.equal((cmd({ getMore: cursor.id, collection: 'c' })['cursor'] as { nextBatch: unknown[] }).nextBatch, [{ _id: 'b', total: 2 }]);
  assert.equal((cmd({ aggregate: 'c', pipeline: [{ $count: 'n' }], cursor: {} })['cursor'] as { firstBatch: unknown[] }).firstBatch, [{ n: 3 }]);
  assert.is(cmd({ aggregate: 'c', pipeline: [{ $lookup: {} }], cursor: {} })['code'], 40324);
  assert.is(cmd({ aggregate: 'c', pipeline: [] })['code'], 9, 'the cursor option is required');
  assert.equal(cmd({ distinct: 'c', key: 'k' }), { values: ['a', 'b'], ok: 1 });
  assert.equal(cmd({ distinct: 'c', key: 'k', query: { n: 2 } })['values'], ['b']);
  cmd({ create: 'd' });
  const names = ((cmd({ listCollections: 1 })['cursor'] as { firstBatch: Array<{ name: string }> }).firstBatch).map((c) => c.name);
  assert.equal(names, ['c', 'd']);
  assert.equal(((cmd({ listCollections: 1, filter: { name: 'd' }, nameOnly: true })['cursor'] as { firstBatch: unknown[] }).firstBatch), [{ name: 'd', type: 'collection' }]);
  const dbs = run(client, 's:27017', 'admin', { listDatabases: 1, nameOnly: true });
  assert.equal(dbs['databases'], [{ name: 'db' }]);
  assert.equal(((cmd({ listIndexes: 'c' })['cursor'] as { firstBatch: unknown[] }).firstBatch), [{ v: 2, key: { _id: 1 }, name: '_id_' }]);
  assert.is(cmd({ listIndexes: 'nope' })['code'], 26);
});

test('malformed internal commands from a client get errors, never a crash', () => {
  const { client, primary, rs } = readySet(46);
  for (const body of [
    { replSetRequestVotes: 1, setName: 'rs0', term: 'x' },
    { replSetRequestVotes: 1, setName: 'rs0', term: 99 },
    { replSetUpdatePosition: 1, host: rs.hosts.find((h) => h !== primary), applied: 5 },
    { _replFetch: 1, after: null },
    { _replFindCommonPoint: 1, opTimes: 'nope' },
    { replSetHeartbeat: 'rs0', from: 'x:1', term: 0, config: { _id: 'rs0', version: 99, term: 99, members: 'bogus' } },
    { replSetStepDown: 'soon' },
  ]) {
    const r = run(client, primary, 'admin', body);
    assert.is(r['ok'], body.replSetHeartbeat !== undefined ? 1 : 0, JSON.stringify(body));
  }
  assert.is(rs.member(primary).config?.version, 1, 'a bogus config is never adopted');
  assert.ok(rs.member(primary).isWritablePrimary);
});

test('unknown command: CommandNotFound (59); ping and buildInfo', () => {
  const { cmd } = standalone();
  const r = cmd({ frobnicate: 1 });
  assert.equal(r, { ok: 0, errmsg: "no such command: 'frobnicate'", code: 59, codeName: 'CommandNotFound' });
  assert.equal(cmd({ ping: 1 }), { ok: 1 });
  assert.is(cmd({ buildInfo: 1 })['version'], '8.0.0');
});

test('NotWritablePrimary on secondaries, NotPrimaryNoSecondaryOk for reads without secondaryOk', () => {
  const { client, primary, rs } = readySet(42);
  const secondary = rs.hosts.find((h) => h !== primary) as string;
  const w = run(client, secondary, 'test', { insert: 'c', documents: [{ _id: 1 }] });
  assert.is(w['code'], 10107);
  assert.is(w['codeName'], 'NotWritablePrimary');
  assert.is(w['errmsg'], 'not primary');
  assert.ok(w['topologyVersion'], 'state-change errors carry topologyVersion (4.4+)');
  const r = run(client, secondary, 'test', { find: 'c' });
  assert.is(r['code'], 13435);
  assert.is(r['codeName'], 'NotPrimaryNoSecondaryOk');
  const ok = run(client, secondary, 'test', { find: 'c', $readPreference: { mode: 'secondaryPreferred' } });
  assert.is(ok['ok'], 1);
});

test('servers before 5.0 use the old NotMaster names for the same codes', () => {
  const { client, primary, rs } = readySet(45, { version: '4.4' });
  const secondary = rs.hosts.find((h) => h !== primary) as string;
  const w = run(client, secondary, 'test', { insert: 'c', documents: [{ _id: 1 }] });
  assert.is(w['code'], 10107);
  assert.is(w['codeName'], 'NotMaster');
  assert.is(w['errmsg'], 'not master');
  const r = run(client, secondary, 'test', { find: 'c' });
  assert.is(r['codeName'], 'NotMasterNoSlaveOk');
});

test('write concern: majority, numeric w, wtimeout → WriteConcernFailed (64), unsatisfiable w', () => {
  const { world, client, primary, rs } = readySet(43);
  assert.is(run(client, primary, 'test', { insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 3 } })['ok'], 1);
  const secondaries = rs.hosts.filter((h) => h !== primary);
  rs.crash(secondaries[0] as string);
  const sent = world.nowMs;
  const timedOut = run(client, primary, 'test', { insert: 'c', documents: [{ _id: 2 }], writeConcern: { w: 3, wtimeout: 500 } });
  assert.is(timedOut['ok'], 1);
  assert.is(timedOut['n'], 1);
  const wce = timedOut['writeConcernError'] as Record<string, unknown>;
  assert.is(wce['code'], 64);
  assert.is(wce['codeName'], 'WriteConcernFailed');
  assert.equal((wce['errInfo'] as Record<string, unknown>)['wtimeout'], true);
  assert.ok(world.nowMs - sent >= 500 && world.nowMs - sent < 600);
  assert.is(run(client, primary, 'test', { insert: 'c', documents: [{ _id: 3 }], writeConcern: { w: 'majority', wtimeout: 5000 } })['writeConcernError'], undefined);
  const unsatisfiable = run(client, primary, 'test', { insert: 'c', documents: [{ _id: 4 }], writeConcern: { w: 5 } });
  assert.is(unsatisfiable['code'], 100);
  const unknownMode = run(client, primary, 'test', { insert: 'c', documents: [{ _id: 4 }], writeConcern: { w: 'dc3' } });
  assert.is(unknownMode['code'], 79);
  const journaled = run(client, primary, 'test', { insert: 'c', documents: [{ _id: 5 }], writeConcern: { w: 1, j: true } });
  assert.is(journaled['ok'], 1);
});

test('retryable writes: a retried statement returns the stored result and is never applied twice, even after failover', () => {
  const { world, client, primary, rs } = readySet(44);
  const lsid = { id: 'session-1' };
  const body = { insert: 'c', documents: [{ _id: 'r1', v: 1 }], lsid, txnNumber: 1, writeConcern: { w: 'majority' } };
  assert.equal(run(client, primary, 'test', body), { n: 1, ok: 1 });
  assert.equal(run(client, primary, 'test', body), { n: 1, ok: 1 });
  const inc = { update: 'c', updates: [{ q: { _id: 'r1' }, u: { $inc: { v: 1 } } }], lsid, txnNumber: 2, writeConcern: { w: 'majority' } };
  assert.equal(run(client, primary, 'test', inc), { n: 1, nModified: 1, ok: 1 });
  rs.crash(primary);
  const next = rs.waitForPrimary(30_000) as string;
  assert.ok(next !== null);
  assert.equal(run(client, next, 'test', inc), { n: 1, nModified: 1, ok: 1 });
  const doc = rs.member(next).documents('test.c');
  assert.equal(doc, [{ _id: 'r1', v: 2 }]);
  const old = run(client, next, 'test', { ...body, txnNumber: 1 });
  assert.is(old['code'], 225);
  assert.is(old['codeName'], 'TransactionTooOld');
  const fam = { findAndModify: 'c', query: { _id: 'r1' }, update: { $inc: { v: 100 } }, new: true, lsid, txnNumber: 3 };
  const f1 = run(client, next, 'test', fam);
  const f2 = run(client, next, 'test', fam);
  assert.equal(f1, f2);
  assert.equal(rs.member(next).documents('test.c'), [{ _id: 'r1', v: 102 }]);
  void world;
});

test.run();

test('a filter on _id alone is an index lookup with the same answers as a scan (numbers compare by value, ObjectIds by bytes)', async () => {
  const { ObjectId } = await import('bson');
  const { cmd } = standalone(43);
  const oid = new ObjectId('65a000000000000000000001');
  cmd({ insert: 'c', documents: [{ _id: 1, v: 'int' }, { _id: 'one', v: 'str' }, { _id: oid, v: 'oid' }, { _id: { a: 1 }, v: 'doc' }, { _id: 2.5, v: 'double' }] });
  const find = (filter: Record<string, unknown>): unknown[] => ((cmd({ find: 'c', filter })['cursor'] as { firstBatch: Array<{ v: unknown }> }).firstBatch).map((d) => d.v);
  assert.equal(find({ _id: 1.0 }), ['int']);
  assert.equal(find({ _id: 'one' }), ['str']);
  assert.equal(find({ _id: new ObjectId('65a000000000000000000001') }), ['oid']);
  assert.equal(find({ _id: 2.5 }), ['double']);
  assert.equal(find({ _id: 3 }), []);
  assert.equal(find({ _id: { a: 1 } }), ['doc'], 'a document _id still matches (by the scan)');
  assert.equal(find({ _id: { $gte: 2 } }), ['double'], 'an operator is not a lookup');
  const upd = cmd({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { w: 1 } } }, { q: { _id: 7 }, u: { $set: { v: 'new' } }, upsert: true }] });
  assert.is(upd['nModified'], 1);
  assert.is(upd['n'], 2);
  assert.equal(find({ _id: 7 }), ['new']);
  assert.is(cmd({ delete: 'c', deletes: [{ q: { _id: 'one' }, limit: 1 }] })['n'], 1);
  assert.equal(find({ _id: 'one' }), []);
});
