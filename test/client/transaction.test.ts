/** transactions.md through a MongoClient on a simulated replica set: the commands a transaction sends and what the server answers. */
import { Long } from 'bson';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoServerError } from '../../core/errors.js';
import { MongoTransactionError } from '../../client/session.js';
import { simPorts } from '../../harness/sim-ports.js';
import { settle } from '../../harness/settle.js';
import { readySet } from './runtime/helpers.js';

type Started = { commandName: string; databaseName?: string; command: Record<string, unknown> };

test('a transaction: txnNumber and autocommit on every command, startTransaction only on the first, commit to admin (twice is fine)', async () => {
  const { world } = readySet(151);
  const client = new MongoClient('mongodb://a:27017/?replicaSet=rs0', { ports: simPorts(world) });
  const started: Started[] = [];
  client.on('commandStarted', (e: Started) => started.push(e));
  const coll = client.db('test').collection('c');
  const session = client.startSession();
  session.startTransaction();
  assert.ok(session.inTransaction());
  await settle(world, coll.insertOne({ _id: 1 }, { session }));
  await settle(world, coll.insertOne({ _id: 2 }, { session }));
  await settle(world, session.commitTransaction());
  assert.not.ok(session.inTransaction());
  await settle(world, session.commitTransaction());
  const [first, second, commit, again] = started.filter((e) => e.commandName !== 'endSessions');
  assert.is(first!.command['startTransaction'], true);
  assert.is(first!.command['autocommit'], false);
  assert.is(String(first!.command['txnNumber']), '1');
  assert.equal(first!.command['lsid'], session.id);
  assert.not.ok('startTransaction' in second!.command, 'only the first command starts the transaction');
  assert.is(String(second!.command['txnNumber']), '1');
  assert.is(commit!.commandName, 'commitTransaction');
  assert.is(commit!.databaseName, 'admin');
  assert.equal(again!.command['writeConcern'], { w: 'majority', wtimeout: 10000 }, 'a commit run again uses w: majority');
  session.startTransaction();
  assert.ok(session.inTransaction(), 'a new transaction starts after a commit');
  await settle(world, session.endSession());
  await settle(world, client.close());
});

test('abort: the server forgets nothing it was not told; a second abort is refused by the client, an unknown transaction by the server', async () => {
  const { world } = readySet(152);
  const client = new MongoClient('mongodb://a:27017/?replicaSet=rs0', { ports: simPorts(world) });
  const admin = client.db('admin');
  const session = client.startSession();
  session.startTransaction();
  await settle(world, client.db('test').collection('c').insertOne({ _id: 1 }, { session }));
  await settle(world, session.abortTransaction());
  const twice = await settle(world, session.abortTransaction().then(() => null, (e: unknown) => e));
  assert.ok(twice instanceof MongoTransactionError && /twice/.test(twice.message), 'a second abort is refused');
  // The server itself: abort of an aborted transaction is NoSuchTransaction (251) labelled TransientTransactionError.
  const error = await settle(world, admin.runCommand({ abortTransaction: 1, lsid: session.id, txnNumber: Long.fromNumber(1), autocommit: false }).then(() => null, (e: unknown) => e));
  assert.ok(error instanceof MongoServerError);
  assert.is((error as MongoServerError).code, 251);
  assert.ok((error as MongoServerError).hasErrorLabel('TransientTransactionError'));
  await settle(world, session.endSession());
  await settle(world, client.close());
});

test.run();
