import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import { MongoClient } from '../../client/mongo-client.js';
import { MongoInvalidOperationError, MongoTopologyClosedError } from '../../client/errors.js';
import { MongoInvalidArgumentError, MongoParseError } from '../../core/errors.js';
import { fakeClientOptions, ok, server, topologyOf } from './fake-runtime.js';

function make(uri = 'mongodb://a:27017,b:27017,c:27017/?replicaSet=foo', extra = {}) {
  const { options, holder } = fakeClientOptions(() => ok({ n: 1 }), extra);
  const client = new MongoClient(uri, options);
  return { client, runtime: holder.runtime! };
}

test('construction starts monitoring at once and hands the runtime the merged options', () => {
  const { runtime } = make('mongodb://a/?replicaSet=foo', { heartbeatFrequencyMS: 600 });
  assert.is(runtime.connected, 1);
  assert.is(runtime.connectionString.options.heartbeatFrequencyMS, 600);
  assert.is(runtime.connectionString.options.replicaSet, 'foo');
});

test('ports are required; bad URIs fail before any runtime exists', () => {
  assert.throws(() => new MongoClient('mongodb://a/'), (e: unknown) => e instanceof MongoInvalidArgumentError && /ports/.test((e as Error).message));
  assert.throws(() => new MongoClient('mongodb://a/?w=-2', fakeClientOptions(() => ok({})).options), (e: unknown) => e instanceof MongoParseError && /w/.test((e as Error).message));
});

test('attributes before discovery: empty nodes, null primary and address', () => {
  const { client } = make();
  assert.equal(client.nodes, []);
  assert.is(client.primary, null);
  assert.equal(client.secondaries, []);
  assert.is(client.address, null);
  assert.is(client.isPrimary, false);
  assert.is(client.isMongos, false);
  assert.is(client.maxBsonObjectSize, 16 * 1024 * 1024);
  assert.is(client.maxMessageSizeBytes, 48_000_000);
  assert.is(client.maxWriteBatchSize, 100_000);
});

test('attributes of a discovered replica set', () => {
  const { client, runtime } = make();
  runtime.topology = topologyOf('ReplicaSetWithPrimary', [
    server('a:27017', 'RSSecondary'),
    server('b:27017', 'RSPrimary', { maxBsonObjectSize: 1000, maxMessageSizeBytes: 2000, maxWriteBatchSize: 3 }),
    server('c:27017', 'RSArbiter'),
    server('d:27017', 'Unknown'),
  ]);
  assert.equal(client.nodes, ['a:27017', 'b:27017', 'c:27017']);
  assert.is(client.primary, 'b:27017');
  assert.equal(client.secondaries, ['a:27017']);
  assert.equal(client.arbiters, ['c:27017']);
  assert.is(client.address, 'b:27017');
  assert.is(client.isPrimary, true);
  assert.is(client.maxBsonObjectSize, 1000);
  assert.is(client.maxMessageSizeBytes, 2000);
  assert.is(client.maxWriteBatchSize, 3);
});

test('address throws when load-balancing among several mongoses, not with one', () => {
  const { client, runtime } = make('mongodb://m1,m2/');
  runtime.topology = topologyOf('Sharded', [server('m1:27017', 'Mongos'), server('m2:27017', 'Mongos')]);
  assert.is(client.isMongos, true);
  assert.is(client.isPrimary, true);
  assert.throws(() => client.address, (e: unknown) => e instanceof MongoInvalidOperationError && /load-balances among 2 mongoses/.test((e as Error).message));
  runtime.topology = topologyOf('Sharded', [server('m1:27017', 'Mongos')]);
  assert.is(client.address, 'm1:27017');
});

test('option attributes', () => {
  const { client } = make('mongodb://a/?retryWrites=false&localThresholdMS=35&serverSelectionTimeoutMS=1234', { retryReads: false });
  assert.is(client.retryWrites, false);
  assert.is(client.retryReads, false);
  assert.is(client.localThresholdMS, 35);
  assert.is(client.serverSelectionTimeoutMS, 1234);
});

test('runtime events are re-emitted by name, including those raised while constructing', async () => {
  const { client, runtime } = make();
  const seen: string[] = [];
  client.on('topologyOpening', (e) => seen.push(e.name));
  client.on('serverHeartbeatSucceeded', (e) => seen.push(`${e.name}:${e.connectionId}`));
  await Promise.resolve();
  runtime.emit({ name: 'serverHeartbeatSucceeded', connectionId: 'a:27017' });
  assert.equal(seen, ['topologyOpening', 'serverHeartbeatSucceeded:a:27017']);
});

test('after construction events are published synchronously, held construction events first', () => {
  const { client, runtime } = make();
  const seen: string[] = [];
  for (const name of ['topologyOpening', 'serverHeartbeatStarted']) client.on(name, (e) => seen.push(e.name));
  // A synchronous driver (a fuzzer stepping the world) gets events without awaiting anything.
  runtime.emit({ name: 'serverHeartbeatStarted' });
  assert.equal(seen, ['topologyOpening', 'serverHeartbeatStarted']);
  runtime.emit({ name: 'serverHeartbeatStarted' });
  assert.is(seen.length, 3);
});

test('sensitive commands are redacted in command events', async () => {
  const { client, runtime } = make();
  await Promise.resolve();
  const events: Record<string, unknown>[] = [];
  client.on('commandStarted', (e) => events.push(e));
  client.on('commandSucceeded', (e) => events.push(e));
  runtime.emit({ name: 'commandStarted', commandName: 'saslStart', command: { saslStart: 1, payload: 'secret' } });
  runtime.emit({ name: 'commandSucceeded', commandName: 'saslStart', reply: { payload: 'secret' } });
  runtime.emit({ name: 'commandStarted', commandName: 'find', command: { find: 't' } });
  assert.equal(events[0]?.command, {});
  assert.equal(events[1]?.reply, {});
  assert.equal(events[2]?.command, { find: 't' });
  assert.not.match(JSON.stringify(events), /secret/);
});

test('close() closes the runtime once, unsubscribes, and later operations fail', async () => {
  const { client, runtime } = make();
  const p1 = client.close();
  const p2 = client.close();
  await Promise.all([p1, p2]);
  assert.is(runtime.closed, 1);
  assert.is(runtime.listenerCount, 0);
  assert.is(client.closed, true);
  const e = await client.db('x').collection('y').insertOne({}).catch((x: unknown) => x);
  assert.instance(e, MongoTopologyClosedError);
  assert.is(runtime.operations.length, 0);
  await client.connect().then(() => assert.unreachable(), (x: unknown) => assert.instance(x, MongoTopologyClosedError));
});

test('db() defaults to the URI database, then "test"', () => {
  assert.is(make('mongodb://a/shop').client.db().databaseName, 'shop');
  assert.is(make('mongodb://a/').client.db().databaseName, 'test');
});

// Issue 9: the password was printed by util.inspect(client) and JSON.stringify(client.options).
test('no password or secret option in util.inspect(client), JSON.stringify(client), or client.options', async () => {
  const uri = 'mongodb://alice:s3cret-pw@a:27017/admin?replicaSet=foo&proxyHost=p&proxyUsername=pu&proxyPassword=proxy-pw&tlsCertificateKeyFilePassword=key-pw';
  const { client } = make(uri, { authMechanismProperties: { AWS_SESSION_TOKEN: 'aws-token' }, authMechanism: 'MONGODB-AWS' });
  await Promise.resolve();
  const outputs = {
    inspect: inspect(client, { depth: 20, showHidden: true }),
    inspectOptions: inspect(client.options, { depth: 20, showHidden: true }),
    json: JSON.stringify(client),
    jsonOptions: JSON.stringify(client.options),
  };
  for (const [where, text] of Object.entries(outputs)) {
    for (const secret of ['s3cret-pw', 'proxy-pw', 'key-pw', 'aws-token']) assert.not.ok(text.includes(secret), `${secret} in ${where}: ${text}`);
  }
  assert.match(outputs.inspect, /MongoClient/);
  assert.match(outputs.inspect, /alice:<redacted>@a:27017/);
  assert.match(outputs.jsonOptions, /"username":"alice"/);
  assert.match(outputs.jsonOptions, /"replicaSet":"foo"/);
  // The values themselves are untouched: the runtime still gets the real credentials.
  assert.is(client.options.connectionString.auth?.password, 's3cret-pw');
});

test.run();
