import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../../sim/world.js';
import { MongodProcess } from '../../../sim/mongod/process.js';
import { SimClient } from '../../../sim/mongod/client.js';
import { readySet, run } from './helpers.js';

function standalone(): (body: Record<string, unknown>) => Record<string, unknown> {
  const world = new World({ seed: 61 });
  new MongodProcess(world, { host: 's:27017' }).start();
  const client = new SimClient(world);
  return (body) => run(client, 's:27017', 'db', body);
}

const docs = (cmd: (b: Record<string, unknown>) => Record<string, unknown>, coll: string): unknown[] =>
  (cmd({ find: coll, filter: {}, sort: { _id: 1 } })['cursor'] as { firstBatch: unknown[] }).firstBatch;

test('$out replaces the target collection with the pipeline output; the reply cursor is empty', () => {
  const cmd = standalone();
  cmd({ insert: 'src', documents: [{ _id: 1, x: 1 }, { _id: 2, x: 2 }, { _id: 3, x: 3 }] });
  cmd({ insert: 'out', documents: [{ _id: 9, old: true }] });
  const reply = cmd({ aggregate: 'src', pipeline: [{ $match: { _id: { $gt: 1 } } }, { $out: 'out' }], cursor: {} });
  assert.equal(reply, { cursor: { id: 0, ns: 'db.src', firstBatch: [] }, ok: 1 });
  assert.equal(docs(cmd, 'out'), [{ _id: 2, x: 2 }, { _id: 3, x: 3 }]);
});

test('$merge inserts new documents and merges fields into matching ones', () => {
  const cmd = standalone();
  cmd({ insert: 'src', documents: [{ _id: 1, x: 10 }, { _id: 2, x: 20 }] });
  cmd({ insert: 'into', documents: [{ _id: 1, y: 1 }] });
  assert.is(cmd({ aggregate: 'src', pipeline: [{ $merge: { into: 'into' } }], cursor: {} })['ok'], 1);
  assert.equal(docs(cmd, 'into'), [{ _id: 1, y: 1, x: 10 }, { _id: 2, x: 20 }]);
});

test('a write stage must come last (40601), and an aggregate with $out is a write: NotWritablePrimary on a secondary', () => {
  const cmd = standalone();
  assert.is(cmd({ aggregate: 'src', pipeline: [{ $out: 'o' }, { $match: {} }], cursor: {} })['code'], 40601);
  const { client, rs, primary } = readySet(62);
  const secondary = rs.hosts.find((h) => h !== primary)!;
  const reply = run(client, secondary, 'db', { aggregate: 'src', pipeline: [{ $out: 'o' }], cursor: {}, $readPreference: { mode: 'secondary' } });
  assert.is(reply['code'], 10107);
});

test.run();
