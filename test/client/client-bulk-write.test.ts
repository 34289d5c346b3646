import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoClientBulkWriteError } from '../../client/operations/client-bulk-write.js';
import { MongoServerError } from '../../core/errors.js';
import { MongoWriteConcernError } from '../../core/executor/errors.js';
import type { RunOperation, RunResult } from '../../client/runtime/api.js';
import { readyTutorialSet, simPorts, tutorialHosts, tutorialWorld } from '../../harness/index.js';
import { fakeClientOptions, ok } from './fake-runtime.js';
import { rejection } from '../support/rejection.js';

type Doc = Record<string, unknown>;


function scripted(respond: (op: RunOperation) => RunResult, extra = {}) {
  const { options, holder } = fakeClientOptions(respond, extra);
  return { client: new MongoClient('mongodb://a,b/?replicaSet=rs', options), ops: () => holder.runtime!.operations };
}

const models = [
  { name: 'insertOne', namespace: 'db.c', document: { _id: 4 } },
  { name: 'updateOne', namespace: 'db.c', filter: { _id: 1 }, update: { $inc: { x: 1 } } },
  { name: 'replaceOne', namespace: 'db2.d', filter: { _id: 2 }, replacement: { x: 2 }, upsert: true },
  { name: 'deleteMany', namespace: 'db.c', filter: {} },
] as const;

test('client.bulkWrite sends one bulkWrite on admin: ops index nsInfo in first-use order, errorsOnly is !verboseResults, a retryable-write candidate', async () => {
  const { client, ops } = scripted(() => ok({ cursor: { id: 0, ns: 'admin.$cmd.bulkWrite', firstBatch: [] }, nErrors: 0, nInserted: 1, nMatched: 1, nModified: 1, nUpserted: 1, nDeleted: 3 }));
  const result = await client.bulkWrite(models);
  assert.equal(ops()[0]!.command, {
    bulkWrite: 1,
    errorsOnly: true,
    ordered: true,
    ops: [
      { insert: 0, document: { _id: 4 } },
      { update: 0, filter: { _id: 1 }, updateMods: { $inc: { x: 1 } }, multi: false },
      { update: 1, filter: { _id: 2 }, updateMods: { x: 2 }, multi: false, upsert: true },
      { delete: 0, filter: {}, multi: true },
    ],
    nsInfo: [{ ns: 'db.c' }, { ns: 'db2.d' }],
  });
  assert.is(ops()[0]!.kind, 'write');
  assert.is(ops()[0]!.databaseName, 'admin');
  assert.equal(result, { acknowledged: true, insertedCount: 1, upsertedCount: 1, matchedCount: 1, modifiedCount: 1, deletedCount: 3 });
});

test('verboseResults: per-model results keyed by model index; insertedIds only for inserts the server confirms; results cursor read with getMore', async () => {
  const { client, ops } = scripted((op) => {
    if ('getMore' in op.command) return ok({ cursor: { id: 0, ns: 'admin.$cmd.bulkWrite', nextBatch: [{ ok: 1, idx: 2, n: 1, nModified: 0, upserted: { _id: 2 } }, { ok: 1, idx: 3, n: 5 }] } }, op.address ?? 'x');
    return ok({ cursor: { id: 9, ns: 'admin.$cmd.bulkWrite', firstBatch: [{ ok: 1, idx: 0, n: 1 }, { ok: 1, idx: 1, n: 1, nModified: 1 }] }, nErrors: 0, nInserted: 1, nMatched: 1, nModified: 1, nUpserted: 1, nDeleted: 5 }, 'b:27017');
  });
  const result = await client.bulkWrite(models, { verboseResults: true });
  assert.equal(ops()[1]!.command, { getMore: 9, collection: '$cmd.bulkWrite' });
  assert.is(ops()[1]!.address, 'b:27017');
  assert.equal([...result.insertResults!], [[0, { insertedId: 4 }]]);
  assert.equal([...result.updateResults!], [[1, { matchedCount: 1, modifiedCount: 1, didUpsert: false }], [2, { matchedCount: 0, modifiedCount: 0, upsertedId: 2, didUpsert: true }]]);
  assert.equal([...result.deleteResults!], [[3, { deletedCount: 5 }]]);
});

test('write errors and write concern errors end in MongoClientBulkWriteError with the partial result', async () => {
  const { client } = scripted(() => ok({ cursor: { id: 0, ns: 'admin.$cmd.bulkWrite', firstBatch: [{ ok: 1, idx: 0, n: 1 }, { ok: 0, idx: 1, code: 11000, errmsg: 'E11000 dup' }] }, nErrors: 1, nInserted: 1, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 }));
  const error = await rejection(client.bulkWrite([models[0], { name: 'insertOne', namespace: 'db.c', document: { _id: 4 } }], { verboseResults: true }));
  assert.ok(error instanceof MongoClientBulkWriteError, String(error));
  assert.equal([...error.writeErrors], [[1, { code: 11000, message: 'E11000 dup' }]]);
  assert.is(error.partialResult?.insertedCount, 1);
  const reply = { ok: 1, cursor: { id: 0, ns: 'admin.$cmd.bulkWrite', firstBatch: [] }, nErrors: 0, nInserted: 0, nMatched: 1, nModified: 1, nUpserted: 0, nDeleted: 0, writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } };
  const wce = scripted(() => ({ ok: false, error: new MongoWriteConcernError('Replication is being shut down', { code: 91 }, reply), address: 'a:27017', attempts: 1 }));
  const e2 = await rejection(wce.client.bulkWrite([models[3]]));
  assert.ok(e2 instanceof MongoClientBulkWriteError, String(e2));
  assert.equal(e2.writeConcernErrors, [{ code: 91, message: 'Replication is being shut down' }]);
  assert.is(e2.partialResult?.matchedCount, 1);
});

test('a top-level error before any result is thrown as it is; bad models and unacknowledged+ordered are refused by name', async () => {
  const { client } = scripted(() => ({ ok: false, error: new MongoServerError('stepped down', { code: 189, errorLabels: ['RetryableWriteError'] }), address: 'a:27017', attempts: 2 }));
  const e = await rejection(client.bulkWrite([models[0]]));
  assert.ok(e instanceof MongoServerError && !(e instanceof MongoClientBulkWriteError) && e.code === 189);
  await rejection(client.bulkWrite([{ name: 'insertOne', namespace: 'nodot', document: {} } as never])).then((err) => assert.match(String(err), /models\[0\]\.namespace/));
  await rejection(client.bulkWrite([{ name: 'updateOne', namespace: 'db.c', filter: {}, update: { x: 1 } } as never])).then((err) => assert.match(String(err), /atomic operators/));
  await rejection(client.bulkWrite([models[0]], { writeConcern: { w: 0 } })).then((err) => assert.match(String(err), /unacknowledged write concern and ordered/));
});

test('end to end on a simulated 8.0 replica set: mixed models on two namespaces, then a duplicate key in an ordered bulk stops it', async () => {
  const world = tutorialWorld(92);
  const { primary } = readyTutorialSet(world);
  assert.ok(primary !== null);
  const client = new MongoClient(`mongodb://${tutorialHosts.join(',')}/?replicaSet=foo`, { ports: simPorts(world) });
  await client.db('db').collection('c').insertMany([{ _id: 1, x: 1 }, { _id: 3 }]);
  const result = await client.bulkWrite([models[0], models[1], models[2], { name: 'deleteOne', namespace: 'db.c', filter: { _id: 3 } }], { verboseResults: true });
  assert.equal([result.insertedCount, result.matchedCount, result.modifiedCount, result.upsertedCount, result.deletedCount], [1, 1, 1, 1, 1]);
  assert.equal(await client.db('db').collection('c').find({}).toArray(), [{ _id: 1, x: 2 }, { _id: 4 }]);
  assert.equal(await client.db('db2').collection('d').find({}).toArray(), [{ _id: 2, x: 2 }]);
  const error = await rejection(client.bulkWrite([{ name: 'insertOne', namespace: 'db.c', document: { _id: 1 } }, { name: 'insertOne', namespace: 'db.c', document: { _id: 5 } }]));
  assert.ok(error instanceof MongoClientBulkWriteError, String(error));
  assert.equal([...error.writeErrors.keys()], [0]);
  assert.is(error.partialResult, undefined, 'nothing succeeded');
  assert.equal((await client.db('db').collection('c').find({}).toArray()).length, 2);
  await client.close();
});

test.run();
