import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoBulkWriteError } from '../../client/errors.js';
import { MongoNetworkError } from '../../core/errors.js';
import type { RunOperation } from '../../client/runtime/api.js';
import { fakeClientOptions, ok } from './fake-runtime.js';

function setup(respond: (op: RunOperation) => Record<string, unknown>) {
  const { options, holder } = fakeClientOptions((op) => ok(respond(op)));
  const c = new MongoClient('mongodb://a/', options);
  return { coll: c.db('app').collection('t'), runtime: () => holder.runtime! };
}

test('bulkWrite ordered: consecutive models of one kind share a command; results are summed', async () => {
  const { coll, runtime } = setup((op) => {
    const name = Object.keys(op.command)[0];
    if (name === 'insert') return { n: (op.command['documents'] as unknown[]).length };
    if (name === 'update') return { n: 2, nModified: 1, upserted: [{ index: 1, _id: 9 }] };
    return { n: 1 };
  });
  const result = await coll.bulkWrite([
    { insertOne: { document: { _id: 1 } } },
    { insertOne: { document: { _id: 2 } } },
    { updateOne: { filter: { _id: 1 }, update: { $set: { x: 1 } } } },
    { updateMany: { filter: {}, update: { $inc: { y: 1 } }, upsert: true } },
    { deleteOne: { filter: { _id: 2 } } },
    { insertOne: { document: { _id: 3 } } },
  ]);
  const commands = runtime().operations.map((o) => o.command);
  assert.equal(commands.map((c) => Object.keys(c)[0]), ['insert', 'update', 'delete', 'insert']);
  assert.equal(commands[0]!['documents'], [{ _id: 1 }, { _id: 2 }]);
  assert.equal(commands[1]!['updates'], [
    { q: { _id: 1 }, u: { $set: { x: 1 } }, multi: false },
    { q: {}, u: { $inc: { y: 1 } }, multi: true, upsert: true },
  ]);
  assert.equal(commands[2]!['deletes'], [{ q: { _id: 2 }, limit: 1 }]);
  assert.is(commands[0]!['ordered'], true);
  assert.equal(runtime().operations.map((o) => o.kind), ['write', 'write', 'write', 'write']);
  assert.equal(result, {
    acknowledged: true, insertedCount: 3, matchedCount: 1, modifiedCount: 1, deletedCount: 1, upsertedCount: 1,
    insertedIds: { 0: 1, 1: 2, 5: 3 }, upsertedIds: { 3: 9 },
  });
});

test('bulkWrite unordered groups by kind; write errors map back to model indexes and throw MongoBulkWriteError', async () => {
  const { coll, runtime } = setup((op) => {
    const name = Object.keys(op.command)[0];
    if (name === 'insert') return { n: 1, writeErrors: [{ index: 1, code: 11000, errmsg: 'E11000 duplicate key' }] };
    return { n: 1 };
  });
  try {
    await coll.bulkWrite([{ insertOne: { document: { _id: 1 } } }, { deleteOne: { filter: {} } }, { insertOne: { document: { _id: 1 } } }], { ordered: false });
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, MongoBulkWriteError);
    const e = error as MongoBulkWriteError;
    assert.is(e.code, 11000);
    assert.equal(e.writeErrors.map((w) => w.index), [2]);
    assert.equal((e.result as unknown as { deletedCount: number }).deletedCount, 1);
    assert.equal(e.result.insertedIds, { 0: 1 });
  }
  assert.equal(runtime().operations.map((o) => Object.keys(o.command)[0]), ['insert', 'delete']);
});

test('a command that fails as a whole leaves the partial result on the error; server errors become MongoBulkWriteError', async () => {
  let calls = 0;
  const { options } = fakeClientOptions((op) => {
    calls++;
    if (calls === 1) return ok({ n: 1 });
    if (Object.keys(op.command)[0] === 'update') return { ok: false, error: new MongoNetworkError('connection closed'), address: 'a:27017', attempts: 2 };
    return ok({ ok: 0, code: 2, errmsg: 'bad' });
  });
  const coll = new MongoClient('mongodb://a/', options).db('app').collection('t');
  const models = [{ insertOne: { document: { _id: 1 } } }, { updateOne: { filter: {}, update: { $set: { x: 1 } } } }];
  const network = await coll.bulkWrite(models).then(() => null, (e: unknown) => e);
  assert.instance(network, MongoNetworkError);
  assert.equal((network as { result?: { insertedCount: number; insertedIds: unknown } }).result?.insertedCount, 1);
  assert.equal((network as { result?: { insertedIds: unknown } }).result?.insertedIds, { 0: 1 });
  calls = 0;
  const server = await coll.bulkWrite([{ insertOne: { document: { _id: 2 } } }, { deleteOne: { filter: {} } }]).then(() => null, (e: unknown) => e);
  assert.instance(server, MongoBulkWriteError);
  assert.is((server as MongoBulkWriteError).code, 2);
  assert.is((server as MongoBulkWriteError).result.insertedCount, 1);
});

test('bulkWrite rejects bad models naming the index', async () => {
  const { coll } = setup(() => ({}));
  const message = async (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: Error) => e.message);
  assert.match(await message(coll.bulkWrite([])), /non-empty array/);
  assert.match(await message(coll.bulkWrite([{ insertOne: { document: {} } }, { bogus: {} } as never])), /models\[1\]\.bogus: unknown bulk write model/);
  assert.match(await message(coll.bulkWrite([{ updateOne: { filter: {}, update: { x: 1 } } }])), /atomic operators/);
});

test('find passes hint, comment, max, min, maxTimeMS, returnKey, showRecordId; insertOne is ordered', async () => {
  const { coll, runtime } = setup((op) => {
    const name = Object.keys(op.command)[0];
    if (name === 'find') return { cursor: { id: 0, ns: 'app.t', firstBatch: [] } };
    return { n: 1 };
  });
  await coll.find({}, { hint: { _id: 1 }, comment: 'c', max: { _id: 6 }, min: { _id: 0 }, maxTimeMS: 6000, returnKey: true, showRecordId: true }).toArray();
  const find = runtime().operations[0]!.command;
  for (const [k, v] of Object.entries({ hint: { _id: 1 }, comment: 'c', max: { _id: 6 }, min: { _id: 0 }, maxTimeMS: 6000, returnKey: true, showRecordId: true })) assert.equal(find[k], v, k);
  await coll.insertOne({ _id: 1 });
  assert.is(runtime().operations[1]!.command['ordered'], true);
});

test('getMore asks for no more than what is left of the limit', async () => {
  let served = 0;
  const { coll, runtime } = setup((op) => {
    const name = Object.keys(op.command)[0];
    if (name === 'find') {
      served = 3;
      return { cursor: { id: 42, ns: 'app.t', firstBatch: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] } };
    }
    served++;
    return { cursor: { id: 0, ns: 'app.t', nextBatch: [{ _id: served }] } };
  });
  const docs = await coll.find({}, { batchSize: 3, limit: 4 }).toArray();
  assert.is(docs.length, 4);
  assert.is(runtime().operations[1]!.command['batchSize'], 1);
});

test.run();
