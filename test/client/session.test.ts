/** driver-sessions.md explicit sessions: startSession, a lazily taken server session, endSession giving it back. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoExpiredSessionError } from '../../client/session.js';
import { MongoTopologyClosedError } from '../../client/errors.js';
import { simPorts } from '../../harness/sim-ports.js';
import { settle } from '../../harness/settle.js';
import { readySet } from './runtime/helpers.js';

test('startSession: an id from the session pool, reused after endSession; an ended session cannot be used', async () => {
  const { world } = readySet(95);
  const client = new MongoClient('mongodb://a:27017/?replicaSet=rs0', { ports: simPorts(world) });
  await settle(world, client.db('test').collection('c').insertOne({ _id: 1 }));
  const implicit = (client as unknown as { runtime: { pooledSessions: number } }).runtime;
  assert.is(implicit.pooledSessions, 1, 'the insert returned its implicit session');
  const session = client.startSession();
  const id = session.id;
  assert.ok((id as { id?: unknown }).id !== undefined, 'an lsid {id: UUID}');
  assert.is(implicit.pooledSessions, 0, 'the explicit session holds the pooled server session');
  assert.is(session.id, id, 'the same id every time');
  await session.endSession();
  assert.ok(session.hasEnded);
  assert.is(implicit.pooledSessions, 1, 'endSession gave it back');
  await session.endSession();
  assert.throws(() => session.id, (e: unknown) => e instanceof MongoExpiredSessionError);
  await settle(world, client.close());
  assert.throws(() => client.startSession(), (e: unknown) => e instanceof MongoTopologyClosedError);
});

test.run();
