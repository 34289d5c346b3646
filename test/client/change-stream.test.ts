import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoChangeStreamError } from '../../client/change-stream.js';
import { MongoNetworkError, MongoServerError } from '../../core/errors.js';
import type { RunOperation, RunResult } from '../../client/runtime/api.js';
import { readyTutorialSet, simPorts, tutorialHosts, tutorialWorld } from '../../harness/index.js';
import { fakeClientOptions, ok } from './fake-runtime.js';
import { rejection } from '../support/rejection.js';

type Doc = Record<string, unknown>;
const token = (n: number): Doc => ({ _data: `T${n}` });
const change = (n: number): Doc => ({ _id: token(n), operationType: 'insert', documentKey: { _id: n } });

/** A scripted server: `script[i]` answers the i-th aggregate/getMore; killCursors always succeeds. */
function scripted(script: Array<(op: RunOperation) => RunResult>) {
  let step = 0;
  const { options, holder } = fakeClientOptions((op) => {
    if ('killCursors' in op.command) return ok({ cursorsKilled: [op.command.cursors] }, op.address ?? 'a:27017');
    const answer = script[step++];
    if (answer === undefined) throw new Error(`unexpected ${JSON.stringify(op.command)}`);
    return answer(op);
  });
  const client = new MongoClient('mongodb://a,b/?replicaSet=rs', options);
  return { client, ops: () => holder.runtime!.operations };
}

const first = (batch: Doc[], pbrt?: Doc, ns = 'app.t', extra: Doc = {}) => (): RunResult =>
  ok({ cursor: { id: 7, ns, firstBatch: batch, ...(pbrt === undefined ? {} : { postBatchResumeToken: pbrt }) }, ...extra }, 'b:27017');
const more = (batch: Doc[], pbrt?: Doc) => (op: RunOperation): RunResult =>
  ok({ cursor: { id: 7, ns: 'app.t', nextBatch: batch, ...(pbrt === undefined ? {} : { postBatchResumeToken: pbrt }) } }, op.address ?? 'wrong');
const fail = (error: Error) => (): RunResult => ({ ok: false, error, address: 'b:27017', attempts: 1 });

test('collection.watch sends aggregate with a leading $changeStream as a retryable read; getMores are pinned and wait maxAwaitTimeMS', async () => {
  const { client, ops } = scripted([first([]), more([change(1), change(2)], token(3))]);
  const stream = client.db('app').collection('t').watch([{ $match: { operationType: 'insert' } }], { fullDocument: 'updateLookup', maxAwaitTimeMS: 250, batchSize: 5 });
  assert.equal(await stream.next(), change(1));
  assert.equal(stream.resumeToken, token(1));
  assert.equal(await stream.next(), change(2));
  assert.equal(stream.resumeToken, token(3), 'the last change of a batch leaves the postBatchResumeToken cached');
  const [aggregate, getMore] = ops();
  assert.is(aggregate!.kind, 'read');
  assert.equal(aggregate!.command, { aggregate: 't', pipeline: [{ $changeStream: { fullDocument: 'updateLookup' } }, { $match: { operationType: 'insert' } }], cursor: { batchSize: 5 } });
  assert.equal(getMore!.command, { getMore: 7, collection: 't', batchSize: 5, maxTimeMS: 250 });
  assert.is(getMore!.address, 'b:27017');
  await stream.close();
  assert.equal(ops()[2]!.command, { killCursors: 't', cursors: [7] });
});

test('client.watch and db.watch: aggregate 1 on admin with allChangesForCluster, and on the database', async () => {
  const { client, ops } = scripted([first([], undefined, 'admin.$cmd.aggregate'), first([], undefined, 'app.$cmd.aggregate'), more([])]);
  await client.watch().open();
  const dbStream = await client.db('app').watch().open();
  assert.is(await dbStream.tryNext(), null);
  assert.equal(ops()[0]!.command, { aggregate: 1, pipeline: [{ $changeStream: { allChangesForCluster: true } }], cursor: {} });
  assert.is(ops()[0]!.databaseName, 'admin');
  assert.equal(ops()[1]!.command, { aggregate: 1, pipeline: [{ $changeStream: {} }], cursor: {} });
  assert.equal(ops()[2]!.command, { getMore: 7, collection: '$cmd.aggregate' });
});

test('a resumable getMore error resumes once: the cursor is killed and the aggregate resent with resumeAfter the cached token', async () => {
  const { client, ops } = scripted([first([change(1)]), fail(new MongoNetworkError('connection reset')), first([change(2)])]);
  const stream = client.db('app').collection('t').watch([], { startAtOperationTime: 'T0' });
  assert.equal(await stream.next(), change(1));
  assert.equal(await stream.next(), change(2));
  const resumed = ops().filter((o) => 'aggregate' in o.command)[1]!;
  assert.equal(resumed.command['pipeline'], [{ $changeStream: { resumeAfter: token(1) } }], 'startAtOperationTime is dropped once a token is cached');
  assert.ok(ops().some((o) => 'killCursors' in o.command));
});

test('ResumableChangeStreamError and CursorNotFound resume; an unlabelled server error does not and closes the stream', async () => {
  const labelled = new MongoServerError('stepped down', { code: 189, errorLabels: ['ResumableChangeStreamError'] });
  const a = scripted([first([]), fail(labelled), first([change(5)])]);
  assert.equal(await a.client.db('app').collection('t').watch().next(), change(5));
  const b = scripted([first([]), fail(new MongoServerError('gone', { code: 43 })), first([change(6)])]);
  assert.equal(await b.client.db('app').collection('t').watch().next(), change(6));
  const c = scripted([first([]), fail(new MongoServerError('stepped down', { code: 189 }))]);
  const stream = c.client.db('app').collection('t').watch();
  const e189 = await rejection(stream.next());
  assert.ok(e189 instanceof MongoServerError && e189.code === 189, String(e189));
  assert.is(stream.closed, true);
});

test('only one resume attempt: a failing resume aggregate is the error the caller sees', async () => {
  const { client } = scripted([first([]), fail(new MongoNetworkError('reset')), fail(new MongoServerError('no', { code: 2 }))]);
  const stream = client.db('app').collection('t').watch();
  const e2 = await rejection(stream.next());
  assert.ok(e2 instanceof MongoServerError && e2.code === 2, String(e2));
});

test('startAfter before any change is resumed with startAfter; an empty first batch without a token saves operationTime for the resume', async () => {
  const a = scripted([first([], token(9)), fail(new MongoNetworkError('reset')), first([change(10)])]);
  await a.client.db('app').collection('t').watch([], { startAfter: token(8) }).next();
  assert.equal(a.ops().filter((o) => 'aggregate' in o.command)[1]!.command['pipeline'], [{ $changeStream: { startAfter: token(9) } }]);
  const b = scripted([first([], undefined, 'app.t', { operationTime: 'OT' }), fail(new MongoNetworkError('reset')), first([change(11)])]);
  await b.client.db('app').collection('t').watch().next();
  assert.equal(b.ops().filter((o) => 'aggregate' in o.command)[1]!.command['pipeline'], [{ $changeStream: { startAtOperationTime: 'OT' } }]);
});

test('a change without _id stops the stream with MongoChangeStreamError; bad arguments are refused by name', async () => {
  const { client } = scripted([first([{ operationType: 'insert' }])]);
  const stream = client.db('app').collection('t').watch([{ $project: { _id: 0 } }]);
  const missing = await rejection(stream.next());
  assert.ok(missing instanceof MongoChangeStreamError && /resume token is missing/.test(missing.message), String(missing));
  assert.throws(() => client.db('app').collection('t').watch('x' as never), /watch pipeline must be an array/);
  assert.throws(() => client.db('app').collection('t').watch([], { maxAwaitTimeMS: -1 }), /maxAwaitTimeMS/);
});

test('end to end on a simulated replica set: client.watch sees an insert, update and delete in order, in virtual time', async () => {
  const world = tutorialWorld(91);
  const { primary } = readyTutorialSet(world);
  assert.ok(primary !== null);
  const client = new MongoClient(`mongodb://${tutorialHosts.join(',')}/?replicaSet=foo`, { ports: simPorts(world) });
  const coll = client.db('app').collection('items');
  const stream = await client.watch([], { maxAwaitTimeMS: 200 }).open();
  await coll.insertOne({ _id: 1, n: 1 });
  await coll.updateOne({ _id: 1 }, { $inc: { n: 1 } });
  await coll.deleteOne({ _id: 1 });
  const seen: Doc[] = [];
  for await (const event of stream) {
    seen.push(event);
    if (seen.length === 3) break;
  }
  assert.equal(seen.map((e) => e['operationType']), ['insert', 'update', 'delete']);
  assert.equal(seen[1]!['updateDescription'], { updatedFields: { n: 2 }, removedFields: [], truncatedArrays: [] });
  assert.is(stream.closed, true, 'leaving the for-await loop closes the stream');
  await client.close();
});

test.run();
