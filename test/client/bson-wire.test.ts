/**
 * Issue 9: documents cross the simulated wire with BSON semantics. The client and the simulated
 * server never share an object, and what BSON cannot carry is refused by the client, naming the
 * field, before anything is sent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Long } from 'bson';
import { MongoBSONError, checkCommandDocument } from '../../client/bson-check.js';
import { closeAll, failure, newClient, readySet, run } from './tutorial-support.js';

const uri = 'mongodb://localhost:27017/?replicaSet=foo&serverSelectionTimeoutMS=2000';

test('changing a document after insertOne changes nothing stored on any member', async () => {
  const t = readySet(901);
  const client = newClient(t, uri);
  const coll = client.db('test').collection('wire');
  const doc: Record<string, unknown> = { _id: 1, name: 'before', nested: { n: 1 } };
  await run(t, coll.insertOne(doc, { writeConcern: { w: 3 } }));
  doc['name'] = 'after';
  (doc['nested'] as Record<string, unknown>)['n'] = 2;
  for (const host of t.rs.hosts) {
    const stored = t.rs.member(host).documents('test.wire');
    assert.equal(stored, [{ _id: 1, name: 'before', nested: { n: 1 } }], `${host} stores what was sent`);
  }
  await closeAll(t);
});

test('changing a document returned by findOne changes nothing stored', async () => {
  const t = readySet(902);
  const client = newClient(t, uri);
  const coll = client.db('test').collection('wire');
  await run(t, coll.insertOne({ _id: 1, tags: ['a'] }, { writeConcern: { w: 3 } }));
  const found = (await run(t, coll.findOne({ _id: 1 }))) as Record<string, unknown>;
  found['tags'] = ['changed'];
  (found as Record<string, unknown>)['extra'] = true;
  const again = (await run(t, coll.findOne({ _id: 1 }))) as Record<string, unknown>;
  assert.equal(again, { _id: 1, tags: ['a'] });
  const primary = t.rs.primary() as string;
  assert.equal(t.rs.member(primary).documents('test.wire'), [{ _id: 1, tags: ['a'] }]);
  await closeAll(t);
});

test('the client refuses what BSON cannot carry before sending, naming the field', async () => {
  const t = readySet(903);
  const client = newClient(t, uri);
  const coll = client.db('test').collection('wire');
  const sent: string[] = [];
  client.on('commandStarted', (e: { commandName?: string }) => sent.push(String(e.commandName)));
  const circular: Record<string, unknown> = { _id: 1, inner: {} };
  (circular['inner'] as Record<string, unknown>)['self'] = circular;
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [circular, 'documents[0].inner.self', /circular/],
    [{ _id: 2, big: 2n ** 64n }, 'documents[0].big', /int64/],
    [{ _id: 3, fn: () => 1 }, 'documents[0].fn', /function/],
    [{ _id: 4, ['a\u0000b']: 1 }, 'documents[0].a\u0000b', /NUL/],
    [{ _id: 5, s: 'x'.repeat(16 * 1024 * 1024) }, 'documents[0]', /maxBsonObjectSize/],
  ];
  for (const [doc, path, message] of cases) {
    const error = await failure(t, coll.insertOne(doc));
    assert.instance(error, MongoBSONError, `${path}: ${error.message}`);
    assert.is((error as MongoBSONError).path, path);
    assert.match(error.message, message);
    assert.ok(error.message.includes(path), `the message names ${path}: ${error.message}`);
  }
  assert.equal(sent.filter((name) => name === 'insert'), [], 'nothing was sent');
  const primary = t.rs.primary() as string;
  assert.equal(t.rs.member(primary).documents('test.wire'), []);
  // The client stays usable.
  await run(t, coll.insertOne({ _id: 9, ok: true }));
  await closeAll(t);
});

test('checkCommandDocument: accepts shared (non-circular) references, int64 BigInts and BSON values; bounds the command', () => {
  const shared = { a: 1 };
  checkCommandDocument({ insert: 'c', documents: [{ x: shared, y: shared, n: 2n ** 63n - 1n, l: Long.fromNumber(5), d: new Date(0) }] }, { maxBsonObjectSize: 1024 });
  assert.throws(() => checkCommandDocument({ insert: 'c', documents: [{ n: -(2n ** 63n) - 1n }] }, { maxBsonObjectSize: 1024 }), /int64/);
  assert.throws(() => checkCommandDocument({ insert: 'c', documents: [{ s: Symbol('x') }] }, { maxBsonObjectSize: 1024 }), /symbol/);
  // Many small documents may each fit yet make the command too large.
  const many = Array.from({ length: 40 }, (_, i) => ({ i, s: 'x'.repeat(1000) }));
  try {
    checkCommandDocument({ insert: 'c', documents: many }, { maxBsonObjectSize: 2000 });
    assert.unreachable('the command is larger than maxBsonObjectSize + 16 KiB');
  } catch (error) {
    assert.instance(error, MongoBSONError);
    assert.is((error as MongoBSONError).path, '(command)');
  }
  let deep: Record<string, unknown> = {};
  const root = deep;
  for (let i = 0; i < 500; i++) deep = (deep['d'] = {}) as Record<string, unknown>;
  assert.throws(() => checkCommandDocument({ insert: 'c', documents: [root] }, { maxBsonObjectSize: 1 << 20 }), /nested more than/);
  assert.throws(() => checkCommandDocument({ ping: 1 }, { maxBsonObjectSize: 0 }), /maxBsonObjectSize/);
});

test.run();
