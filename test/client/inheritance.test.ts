import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoInvalidArgumentError } from '../../core/errors.js';
import { fakeClientOptions, ok } from './fake-runtime.js';

function client(uri: string) {
  const { options, holder } = fakeClientOptions(() => ok({ n: 1, cursor: { id: 0, firstBatch: [] } }));
  const c = new MongoClient(uri, options);
  return { c, runtime: holder.runtime! };
}

test('read preference, write and read concern flow client → db → collection → operation', async () => {
  const { c, runtime } = client('mongodb://a/?readPreference=secondary&w=2&readConcernLevel=local');
  const db = c.db('app');
  assert.is(db.settings.readPreference.mode, 'secondary');
  const coll = db.collection('things');
  assert.equal(coll.writeConcern, { w: 2 });
  assert.equal(coll.readConcern, { level: 'local' });

  await coll.findOne({});
  assert.is(runtime.operations[0]?.readPreference?.mode, 'secondary');
  assert.equal(runtime.operations[0]?.command.readConcern, { level: 'local' });
  await coll.insertOne({ x: 1 });
  assert.equal(runtime.operations[1]?.command.writeConcern, { w: 2 });

  const dbPrimary = c.db('app', { readPreference: 'primary', writeConcern: { w: 'majority' } });
  const coll2 = dbPrimary.collection('things', { readConcern: { level: 'majority' } });
  await coll2.find({}).toArray();
  assert.is(runtime.operations[2]?.readPreference?.mode, 'primary');
  assert.equal(runtime.operations[2]?.command.readConcern, { level: 'majority' });
  await coll2.deleteOne({ x: 1 });
  assert.equal(runtime.operations[3]?.command.writeConcern, { w: 'majority' });

  // Operation-level overrides win; the collection itself is unchanged.
  await coll2.findOne({}, { readPreference: { mode: 'nearest', tags: [{ dc: 'ny' }] } });
  assert.is(runtime.operations[4]?.readPreference?.mode, 'nearest');
  assert.equal(runtime.operations[4]?.readPreference?.tagSets, [{ dc: 'ny' }]);
  await coll2.updateOne({}, { $set: { y: 1 } }, { writeConcern: { w: 1, journal: true } });
  assert.equal(runtime.operations[5]?.command.writeConcern, { w: 1, j: true });
  assert.is(coll2.readPreference.mode, 'primary');
});

test('withOptions on collection and db', async () => {
  const { c, runtime } = client('mongodb://a/');
  const coll = c.db('app').collection('t');
  const sp = coll.withOptions({ readPreference: 'secondaryPreferred' });
  assert.is(sp.readPreference.mode, 'secondaryPreferred');
  assert.is(coll.readPreference.mode, 'primary');
  await sp.countDocuments({});
  assert.is(runtime.operations[0]?.readPreference?.mode, 'secondaryPreferred');
  const db2 = c.db('app').withOptions({ writeConcern: { w: 0 } });
  const r = await db2.collection('t').insertOne({ a: 1 });
  assert.is(r.acknowledged, false);
  assert.equal(runtime.operations[1]?.command.writeConcern, { w: 0 });
  // A ReadPreference object taken from another handle is accepted as is.
  assert.is(coll.withOptions({ readPreference: sp.readPreference }).readPreference.mode, 'secondaryPreferred');
});

test('runCommand defaults to primary, never inherits, and is sent as kind command', async () => {
  const { c, runtime } = client('mongodb://a/?readPreference=secondary');
  await c.db('admin').runCommand({ ping: 1 });
  assert.is(runtime.operations[0]?.kind, 'command');
  assert.is(runtime.operations[0]?.readPreference?.mode, 'primary');
  await c.db('admin').runCommand({ ping: 1 }, { readPreference: 'nearest' });
  assert.is(runtime.operations[1]?.readPreference?.mode, 'nearest');
});

test('bad operation options are rejected naming the option', () => {
  const { c } = client('mongodb://a/');
  const coll = c.db('app').collection('t');
  assert.throws(() => coll.find({}, { readPreference: 'sometimes' as never }), (e: unknown) => e instanceof MongoInvalidArgumentError && /find options\.readPreference/.test((e as Error).message));
  assert.throws(() => c.db('a.b'), (e: unknown) => e instanceof MongoInvalidArgumentError && /a\.b/.test((e as Error).message));
  assert.throws(() => c.db('app').collection(''), (e: unknown) => e instanceof MongoInvalidArgumentError && /collection name/.test((e as Error).message));
  assert.throws(() => c.db('app', { writeConcern: { w: true } as never }), (e: unknown) => e instanceof MongoInvalidArgumentError && /writeConcern\.w/.test((e as Error).message));
});

test.run();
