/** PyMongo high-availability guide, items 1 and 2: starting a replica set and connecting to it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeAll, newClient, newWorld, readySet, run, tutorialHosts, waitFor } from './tutorial-support.js';

test('1. three uninitialized mongods; a directConnection client runs replSetInitiate and the set comes online', async () => {
  const t = newWorld(101);
  t.rs.start();
  assert.is(t.rs.primary(), null);
  const direct = newClient(t, 'mongodb://localhost:27017/?directConnection=true');
  const config = {
    _id: 'foo',
    members: tutorialHosts.map((host, i) => ({ _id: i, host })),
  };
  const reply = await run(t, direct.db('admin').runCommand({ replSetInitiate: config }));
  assert.is(reply.ok, 1);
  waitFor(t, () => t.rs.primary() !== null, 'an elected primary');
  // The set is online: every member is primary or secondary, and a direct client sees its member's role.
  waitFor(t, () => tutorialHosts.every((h) => ['PRIMARY', 'SECONDARY'].includes(t.rs.member(h).memberStateName)), 'all members up');
  waitFor(t, () => direct.topologyDescription.servers.get('localhost:27017')?.type !== 'RSGhost', 'the direct client to see the member initialized', 30_000);
  const seen = direct.topologyDescription.servers.get('localhost:27017')?.type;
  assert.ok(seen === 'RSPrimary' || seen === 'RSSecondary', String(seen));
  assert.equal(direct.nodes, ['localhost:27017']);
  await closeAll(t);
});

test('2. a replicaSet client starts with empty nodes, discovers all three members, and an insert issued at once succeeds', async () => {
  const t = readySet(102);
  const client = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo');
  assert.equal(client.nodes, []);
  assert.is(client.primary, null);
  assert.is(client.address, null);
  // Issued before discovery: it waits for a primary, then succeeds.
  const insert = client.db('test').collection('test').insertOne({ x: 1 });
  const result = await run(t, insert);
  assert.is(result.acknowledged, true);
  t.world.scheduler.runFor(1000);
  assert.equal(client.nodes, [...tutorialHosts]);
  assert.is(client.primary, t.rs.primary());
  assert.equal(client.secondaries, tutorialHosts.filter((h) => h !== t.rs.primary()));
  assert.is(client.address, t.rs.primary());
  assert.is(client.isPrimary, true);
  assert.is(client.isMongos, false);
  assert.equal(await run(t, client.db('test').collection('test').findOne({ x: 1 })), { x: 1, _id: result.insertedId });
  await closeAll(t);
});

test.run();
