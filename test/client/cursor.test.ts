import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoNetworkError } from '../../core/errors.js';
import type { RunOperation, RunResult } from '../../client/runtime/api.js';
import { fakeClientOptions, ok } from './fake-runtime.js';

/** A fake server holding `total` documents, served in batches of `batch`, from `address`. */
function cursorServer(total: number, batch: number) {
  let pos = 0;
  return (op: RunOperation): RunResult => {
    const name = Object.keys(op.command)[0];
    if (name === 'find') {
      pos = Math.min(batch, total);
      return ok({ cursor: { id: pos < total ? 42 : 0, ns: 'app.t', firstBatch: range(0, pos) } }, 'b:27017');
    }
    if (name === 'getMore') {
      const end = Math.min(pos + batch, total);
      const docs = range(pos, end);
      pos = end;
      return ok({ cursor: { id: pos < total ? 42 : 0, ns: 'app.t', nextBatch: docs } }, op.address ?? 'wrong');
    }
    if (name === 'killCursors') return ok({ cursorsKilled: [42] }, op.address ?? 'wrong');
    throw new Error(`unexpected ${String(name)}`);
  };
}

function range(from: number, to: number) {
  const out = [];
  for (let i = from; i < to; i++) out.push({ _id: i });
  return out;
}

function setup(total: number, batch: number) {
  const { options, holder } = fakeClientOptions(cursorServer(total, batch), { readPreference: 'secondary' });
  const c = new MongoClient('mongodb://a,b/?replicaSet=rs', options);
  return { coll: c.db('app').collection('t'), runtime: holder.runtime! };
}

test('toArray drains every batch; getMores are pinned to the find server and sent as reads', async () => {
  const { coll, runtime } = setup(7, 3);
  const cursor = coll.find({}, { batchSize: 3 });
  const docs = await cursor.toArray();
  assert.equal(docs.map((d) => d._id), [0, 1, 2, 3, 4, 5, 6]);
  assert.is(cursor.address, 'b:27017');
  const getMores = runtime.operations.filter((o) => 'getMore' in o.command);
  assert.is(getMores.length, 2);
  for (const g of getMores) {
    assert.is(g.address, 'b:27017');
    assert.is(g.kind, 'read');
    assert.equal(g.command, { getMore: 42, collection: 't', batchSize: 3 });
  }
  assert.is(runtime.operations[0]?.readPreference?.mode, 'secondary');
  assert.is(cursor.closed, true);
  // Exhausted: no killCursors needed.
  await cursor.close();
  assert.is(runtime.operations.filter((o) => 'killCursors' in o.command).length, 0);
});

test('explicit getMore fetches the next batch', async () => {
  const { coll } = setup(5, 2);
  const cursor = coll.find({});
  assert.equal(await cursor.next(), { _id: 0 });
  assert.is(cursor.bufferedCount, 1);
  assert.is(await cursor.getMore(), 2);
  assert.is(cursor.bufferedCount, 3);
});

test('close() of an open cursor sends killCursors to its server', async () => {
  const { coll, runtime } = setup(10, 2);
  const cursor = coll.find({ a: 1 }).sort({ _id: 1 }).project({ _id: 1 }).limit(0).skip(0);
  assert.equal(await cursor.next(), { _id: 0 });
  await cursor.close();
  const kill = runtime.operations.find((o) => 'killCursors' in o.command)!;
  assert.equal(kill.command, { killCursors: 't', cursors: [42] });
  assert.is(kill.address, 'b:27017');
  assert.is(kill.kind, 'command');
  assert.is(await cursor.next(), null);
  assert.equal(runtime.operations[0]?.command, { find: 't', filter: { a: 1 }, sort: { _id: 1 }, projection: { _id: 1 } });
  assert.throws(() => cursor.limit(1), /after the cursor has started/);
});

test('async iteration yields every document and closes the cursor on break', async () => {
  const full = setup(5, 2);
  const seen: unknown[] = [];
  for await (const d of full.coll.find({})) seen.push(d._id);
  assert.equal(seen, [0, 1, 2, 3, 4]);
  const partial = setup(9, 2);
  for await (const d of partial.coll.find({})) if (d._id === 2) break;
  assert.is(partial.runtime.operations.filter((o) => 'killCursors' in o.command).length, 1);
});

test('findOne asks for one document in a single batch', async () => {
  const { coll, runtime } = setup(3, 3);
  assert.equal(await coll.findOne({ _id: 0 }), { _id: 0 });
  assert.equal(runtime.operations[0]?.command, { find: 't', filter: { _id: 0 }, limit: 1, batchSize: 1, singleBatch: true });
});

test('a failed getMore rejects and is not retried by the façade', async () => {
  let calls = 0;
  const { options, holder } = fakeClientOptions((op) => {
    calls++;
    if ('find' in op.command) return ok({ cursor: { id: 7, firstBatch: [{ _id: 1 }] } });
    return { ok: false, error: new MongoNetworkError('reset'), address: 'a:27017', attempts: 1 };
  });
  const coll = new MongoClient('mongodb://a/', options).db('app').collection('t');
  const cursor = coll.find({});
  await cursor.next();
  const e = await cursor.next().catch((x: unknown) => x);
  assert.instance(e, MongoNetworkError);
  assert.is(calls, 2);
  assert.is(holder.runtime!.operations[1]?.address, 'a:27017');
});

test.run();
