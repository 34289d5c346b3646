/** PyMongo high-availability guide, items 5 to 9: read preferences, tags, latency windows, mongoses, max staleness. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoServerSelectionError } from '../../core/errors.js';
import { MongosProcess } from '../../sim/mongos/mongos.js';
import { closeAll, failure, newClient, readFrom, readySet, run, spread, tutorialHosts, waitFor, type Tutorial } from './tutorial-support.js';

/** One-way latency between the client host and `server`, both directions (round trip = 2×). */
function latency(t: Tutorial, clientHost: string, server: string, oneWayMs: number, backMs = oneWayMs): void {
  t.world.network.setLink(clientHost, server, { latency: { kind: 'constant', ms: oneWayMs }, jitterMs: 0 }, false);
  t.world.network.setLink(server, clientHost, { latency: { kind: 'constant', ms: backMs }, jitterMs: 0 }, false);
}

test('5. secondaryPreferred reads secondaries, then the primary when none is up; secondary then fails', async () => {
  const t = readySet(201);
  const client = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo&serverSelectionTimeoutMS=2000');
  const db = client.db('test');
  await run(t, db.collection('test').insertOne({ x: 1 }, { writeConcern: { w: 3 } }));
  const primary = t.rs.primary() as string;
  const sp = db.collection('test', { readPreference: 'secondaryPreferred' });
  for (let i = 0; i < 6; i++) assert.is.not(await readFrom(t, sp), primary);
  for (const h of tutorialHosts) if (h !== primary) t.rs.crash(h);
  waitFor(t, () => client.secondaries.length === 0, 'the client to notice the secondaries are gone', 5_000);
  assert.is(client.primary, primary);
  assert.is(await readFrom(t, sp), primary);
  const secondary = db.collection('test').withOptions({ readPreference: 'secondary' });
  const error = await failure(t, secondary.findOne({}));
  assert.instance(error, MongoServerSelectionError);
  await closeAll(t);
});

test('6. tag sets: ny first, then sf, then failure; a final {} falls back to any member', async () => {
  const t = readySet(202, [
    { host: 'localhost:27017', priority: 2, tags: { dc: 'la' } },
    { host: 'localhost:27018', tags: { dc: 'ny' } },
    { host: 'localhost:27019', tags: { dc: 'sf' } },
  ]);
  waitFor(t, () => t.rs.primary() === 'localhost:27017', 'the priority-2 member to be primary');
  const client = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo&serverSelectionTimeoutMS=2000');
  const db = client.db('test');
  await run(t, db.collection('test').insertOne({ x: 1 }, { writeConcern: { w: 3 } }));
  const tagged = db.collection('test', { readPreference: { mode: 'secondary', tags: [{ dc: 'ny' }, { dc: 'sf' }] } });
  for (let i = 0; i < 4; i++) assert.is(await readFrom(t, tagged), 'localhost:27018');
  t.rs.crash('localhost:27018');
  waitFor(t, () => !client.secondaries.includes('localhost:27018'), 'ny to be gone', 5_000);
  for (let i = 0; i < 4; i++) assert.is(await readFrom(t, tagged), 'localhost:27019');
  t.rs.crash('localhost:27019');
  waitFor(t, () => client.secondaries.length === 0, 'sf to be gone', 5_000);
  assert.instance(await failure(t, tagged.findOne({})), MongoServerSelectionError);
  const anyMember = db.collection('test', { readPreference: { mode: 'nearest', tags: [{ dc: 'ny' }, { dc: 'sf' }, {}] } });
  assert.is(await readFrom(t, anyMember), 'localhost:27017');
  await closeAll(t);
});

test('7. localThresholdMS=35 spreads reads over members within 35 ms of the nearest', async () => {
  const t = readySet(203);
  for (const host of ['app-wide', 'app-narrow']) {
    latency(t, host, 'localhost:27017', 5); // 10 ms round trip
    latency(t, host, 'localhost:27018', 20); // 40 ms
    latency(t, host, 'localhost:27019', 40); // 80 ms
  }
  const wide = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo&readPreference=nearest&localThresholdMS=35', {}, 'app-wide');
  const narrow = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo&readPreference=nearest', {}, 'app-narrow');
  t.world.scheduler.runFor(30_000);
  assert.equal(wide.topologyDescription.servers.get('localhost:27018')?.roundTripTime, 40);
  await run(t, wide.db('test').collection('test').insertOne({ x: 1 }, { writeConcern: { w: 3 } }));
  const wideCounts = await spread(t, wide.db('test').collection('test'), 60);
  assert.is(wideCounts.get('localhost:27019') ?? 0, 0);
  assert.ok((wideCounts.get('localhost:27017') ?? 0) >= 15, JSON.stringify([...wideCounts]));
  assert.ok((wideCounts.get('localhost:27018') ?? 0) >= 15, JSON.stringify([...wideCounts]));
  const narrowCounts = await spread(t, narrow.db('test').collection('test'), 20);
  assert.equal([...narrowCounts.keys()], ['localhost:27017']);
  await closeAll(t);
});

test('8. three mongoses at 20, 35 and 40 ms: operations split between the first two, none to the third', async () => {
  const t = readySet(204);
  const routers = ['m1:27017', 'm2:27017', 'm3:27017'].map((host) => new MongosProcess(t.world, { host, shard: { name: 'foo', hosts: [...tutorialHosts] } }));
  for (const r of routers) r.start();
  latency(t, 'app', 'm1:27017', 10); // 20 ms round trip
  latency(t, 'app', 'm2:27017', 17, 18); // 35 ms
  latency(t, 'app', 'm3:27017', 20); // 40 ms
  const client = newClient(t, 'mongodb://m1:27017,m2:27017,m3:27017/', {}, 'app');
  t.world.scheduler.runFor(30_000);
  assert.equal(['m1:27017', 'm2:27017', 'm3:27017'].map((a) => client.topologyDescription.servers.get(a)?.roundTripTime), [20, 35, 40]);
  assert.is(client.isMongos, true);
  const coll = client.db('test').collection('test');
  const writes = new Map<string, number>();
  client.on('commandStarted', (e: { commandName: string; address: string }) => {
    if (e.commandName === 'insert') writes.set(e.address, (writes.get(e.address) ?? 0) + 1);
  });
  for (let i = 0; i < 60; i++) await run(t, coll.insertOne({ i }));
  const reads = await spread(t, coll, 60);
  for (const counts of [writes, reads]) {
    assert.is(counts.get('m3:27017') ?? 0, 0, JSON.stringify([...counts]));
    assert.ok((counts.get('m1:27017') ?? 0) >= 18, JSON.stringify([...counts]));
    assert.ok((counts.get('m2:27017') ?? 0) >= 18, JSON.stringify([...counts]));
  }
  await closeAll(t);
});

test('9. maxStalenessSeconds=90 excludes a secondary lagging 120 s', async () => {
  const t = readySet(205, [
    { host: 'localhost:27017' },
    { host: 'localhost:27018' },
    { host: 'localhost:27019', priority: 0, secondaryDelaySecs: 120 },
  ]);
  // Long enough for the delayed member's last write to trail the primary's by ~120 s.
  t.world.scheduler.runFor(200_000);
  const bounded = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo&readPreference=secondary&maxStalenessSeconds=90');
  const unbounded = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo&readPreference=secondary');
  t.world.scheduler.runFor(30_000);
  const lagging = 'localhost:27019';
  const fresh = tutorialHosts.find((h) => h !== lagging && h !== t.rs.primary()) as string;
  const boundedCounts = await spread(t, bounded.db('test').collection('test'), 20);
  assert.equal([...boundedCounts.keys()], [fresh]);
  // Without the bound both secondaries serve reads (so the exclusion above is the bound's doing).
  const unboundedCounts = await spread(t, unbounded.db('test').collection('test'), 30);
  assert.ok((unboundedCounts.get(lagging) ?? 0) > 0, JSON.stringify([...unboundedCounts]));
  await closeAll(t);
});

test.run();
