import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ObjectId } from 'bson';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoBulkWriteError } from '../../client/errors.js';
import { MongoInvalidArgumentError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from '../../core/errors.js';
import { MongoWriteConcernError } from '../../core/executor/index.js';
import type { RunResult } from '../../client/runtime/api.js';
import { fakeClientOptions, ok, type Responder } from './fake-runtime.js';

function collection(respond: Responder) {
  const { options, holder } = fakeClientOptions(respond);
  const c = new MongoClient('mongodb://a/', options);
  return { coll: c.db('app').collection('t'), runtime: holder.runtime!, client: c };
}

test('insertOne adds an ObjectId _id and returns insertedId', async () => {
  const { coll, runtime } = collection(() => ok({ n: 1 }));
  const doc: Record<string, unknown> = { x: 1 };
  const r = await coll.insertOne(doc);
  assert.is(r.acknowledged, true);
  assert.instance(r.insertedId, ObjectId);
  assert.is(doc._id, r.insertedId);
  const op = runtime.operations[0]!;
  assert.is(op.kind, 'write');
  assert.is(op.databaseName, 'app');
  // The Node driver sends insertOne as an ordered one-document insert (command-monitoring insertOne.json).
  assert.equal(Object.keys(op.command), ['insert', 'documents', 'ordered']);
  assert.is(op.command['ordered'], true);
  const kept = await coll.insertOne({ _id: 5 });
  assert.is(kept.insertedId, 5);
});

test('client-made _ids are distinct', async () => {
  const { coll } = collection(() => ok({ n: 1 }));
  const ids = new Set<string>();
  for (let i = 0; i < 50; i++) ids.add(String((await coll.insertOne({ i })).insertedId));
  assert.is(ids.size, 50);
});

test('insertMany returns insertedCount and insertedIds by index', async () => {
  const { coll, runtime } = collection(() => ok({ n: 3 }));
  const r = await coll.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }]);
  assert.equal(r, { acknowledged: true, insertedCount: 3, insertedIds: { 0: 'a', 1: 'b', 2: 'c' } });
  assert.is(runtime.operations[0]?.command.ordered, true);
});

test('insertMany write errors become MongoBulkWriteError with the partial result', async () => {
  const { coll } = collection(() => ok({ n: 1, writeErrors: [{ index: 1, code: 11000, codeName: 'DuplicateKey', errmsg: 'E11000 duplicate key' }] }));
  try {
    await coll.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }]);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, MongoBulkWriteError);
    assert.instance(e, MongoServerError);
    const err = e as MongoBulkWriteError;
    assert.is(err.code, 11000);
    assert.is(err.writeErrors.length, 1);
    assert.equal(err.result, { insertedCount: 1, insertedIds: { 0: 1 } });
  }
  const unordered = collection(() => ok({ n: 2, writeErrors: [{ index: 1, code: 11000, errmsg: 'dup' }] }));
  const e2 = await unordered.coll.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }], { ordered: false }).catch((e: unknown) => e);
  assert.equal((e2 as MongoBulkWriteError).result.insertedIds, { 0: 1, 2: 2 });
});

test('insertOne write error becomes MongoServerError with code and labels', async () => {
  const { coll } = collection(() => ok({ n: 0, writeErrors: [{ index: 0, code: 11000, codeName: 'DuplicateKey', errmsg: 'E11000 duplicate key' }], errorLabels: ['X'] }));
  const e = await coll.insertOne({ _id: 1 }).catch((x: unknown) => x);
  assert.instance(e, MongoServerError);
  assert.is((e as MongoServerError).code, 11000);
  assert.is((e as MongoServerError).codeName, 'DuplicateKey');
  assert.equal((e as MongoServerError).errorLabels, ['X']);
});

test('update, replace and delete result shapes', async () => {
  const replies = [
    { n: 1, nModified: 1 },
    { n: 1, nModified: 0, upserted: [{ index: 0, _id: 'new' }] },
    { n: 3, nModified: 2 },
    { n: 1, nModified: 1 },
    { n: 1 },
    { n: 4 },
  ];
  const { coll, runtime } = collection((_op, i) => ok(replies[i]!));
  assert.equal(await coll.updateOne({ a: 1 }, { $set: { b: 1 } }), { acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
  assert.equal(await coll.updateOne({ a: 2 }, { $set: { b: 1 } }, { upsert: true }), { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: 'new' });
  assert.equal(await coll.updateMany({}, { $inc: { b: 1 } }), { acknowledged: true, matchedCount: 3, modifiedCount: 2, upsertedCount: 0, upsertedId: null });
  assert.equal((await coll.replaceOne({ a: 1 }, { a: 2 })).modifiedCount, 1);
  assert.equal(await coll.deleteOne({ a: 1 }), { acknowledged: true, deletedCount: 1 });
  assert.equal(await coll.deleteMany({}), { acknowledged: true, deletedCount: 4 });
  const cmds = runtime.operations.map((o) => o.command as Record<string, any>);
  assert.is(cmds[0]!.updates[0].multi, false);
  assert.is(cmds[1]!.updates[0].upsert, true);
  assert.is(cmds[2]!.updates[0].multi, true);
  assert.equal(cmds[3]!.updates[0].u, { a: 2 });
  assert.is(cmds[4]!.deletes[0].limit, 1);
  assert.is(cmds[5]!.deletes[0].limit, 0);
});

test('update and replacement documents are checked', async () => {
  const { coll } = collection(() => ok({ n: 1 }));
  const e1 = await coll.updateOne({}, { b: 1 }).catch((e: unknown) => e);
  assert.instance(e1, MongoInvalidArgumentError);
  assert.match((e1 as Error).message, /atomic operators/);
  const e2 = await coll.replaceOne({}, { $set: { b: 1 } }).catch((e: unknown) => e);
  assert.instance(e2, MongoInvalidArgumentError);
  const e3 = await coll.insertMany([]).catch((e: unknown) => e);
  assert.instance(e3, MongoInvalidArgumentError);
  const e4 = await coll.insertOne(null as never).catch((e: unknown) => e);
  assert.match((e4 as Error).message, /insertOne document/);
});

test('findOneAnd* return the document, or the metadata when asked', async () => {
  const { coll, runtime } = collection(() => ok({ value: { _id: 1, a: 2 }, lastErrorObject: { n: 1, updatedExisting: true } }));
  assert.equal(await coll.findOneAndUpdate({ _id: 1 }, { $set: { a: 2 } }, { returnDocument: 'after', upsert: true }), { _id: 1, a: 2 });
  assert.equal(await coll.findOneAndReplace({ _id: 1 }, { a: 2 }, { includeResultMetadata: true }), { value: { _id: 1, a: 2 }, ok: 1, lastErrorObject: { n: 1, updatedExisting: true } });
  assert.equal(await coll.findOneAndDelete({ _id: 1 }, { sort: { a: 1 }, projection: { a: 1 } }), { _id: 1, a: 2 });
  const cmds = runtime.operations.map((o) => o.command as Record<string, any>);
  assert.equal(cmds[0], { findAndModify: 't', query: { _id: 1 }, update: { $set: { a: 2 } }, upsert: true, new: true });
  assert.equal(cmds[2], { findAndModify: 't', query: { _id: 1 }, remove: true, sort: { a: 1 }, fields: { a: 1 } });
  const none = collection(() => ok({ value: null, lastErrorObject: { n: 0 } }));
  assert.is(await none.coll.findOneAndDelete({ _id: 9 }), null);
});

test('countDocuments sends $match/$skip/$limit/$group and reads n', async () => {
  const { coll, runtime } = collection(() => ok({ cursor: { id: 0, firstBatch: [{ _id: 1, n: 7 }] } }));
  assert.is(await coll.countDocuments({ a: 1 }, { skip: 1, limit: 10 }), 7);
  assert.equal(runtime.operations[0]?.command, { aggregate: 't', pipeline: [{ $match: { a: 1 } }, { $skip: 1 }, { $limit: 10 }, { $group: { _id: 1, n: { $sum: 1 } } }], cursor: {} });
  assert.is(runtime.operations[0]?.kind, 'read');
  const empty = collection(() => ok({ cursor: { id: 0, firstBatch: [] } }));
  assert.is(await empty.coll.countDocuments(), 0);
});

test('errors from the runtime keep their type; ok:0 and writeConcernError become server errors', async () => {
  const failures: RunResult[] = [
    { ok: false, error: new MongoNetworkError('connection reset'), address: 'a:27017', attempts: 1 },
    { ok: false, error: new MongoServerSelectionError('no primary'), address: null, attempts: 1 },
    { ok: true, reply: { ok: 0, errmsg: 'not primary', code: 10107, errorLabels: ['RetryableWriteError'] }, address: 'a:27017', attempts: 1 },
    { ok: true, reply: { ok: 1, n: 1, writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' } }, address: 'a:27017', attempts: 1 },
  ];
  const { coll } = collection((_op, i) => failures[i]!);
  assert.instance(await coll.findOne({}).catch((e: unknown) => e), MongoNetworkError);
  assert.instance(await coll.findOne({}).catch((e: unknown) => e), MongoServerSelectionError);
  const e3 = (await coll.insertOne({}).catch((e: unknown) => e)) as MongoServerError;
  assert.instance(e3, MongoServerError);
  assert.is(e3.code, 10107);
  assert.equal(e3.errorLabels, ['RetryableWriteError']);
  const e4 = await coll.insertOne({}).catch((e: unknown) => e);
  assert.instance(e4, MongoWriteConcernError);
  assert.is((e4 as MongoServerError).code, 64);
});

test('runCommand resolves to the reply', async () => {
  const { client } = collection(() => ok({ pong: true }));
  assert.equal(await client.db('admin').runCommand({ ping: 1 }), { ok: 1, pong: true });
  const e = await client.db('admin').runCommand({}).catch((x: unknown) => x);
  assert.instance(e, MongoInvalidArgumentError);
});

test.run();
