// The official `mongodb` driver against a served sharded cluster (one replica-set shard behind
// two mongoses) over real loopback sockets: discovery as Sharded, CRUD, a crash of the shard
// primary and of a router with writes in flight (each write succeeds and lands once), and the
// crashed processes coming back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent, TopologyDescriptionChangedEvent } from 'mongodb';
import { ServedCluster } from '../../net/index.js';

const driverOptions = { serverSelectionTimeoutMS: 15_000, heartbeatFrequencyMS: 500 } as const;

test('two mongoses: Sharded discovery, CRUD, shard-primary crash and router crash mid-write', async () => {
  const cluster = await ServedCluster.start({ members: 3, mongos: 2, seed: 3 });
  const client = new MongoClient(cluster.uri, { ...driverOptions, monitorCommands: true });
  const inserts: CommandStartedEvent[] = [];
  let topologyType = '';
  client.on('commandStarted', (e) => { if (e.commandName === 'insert') inserts.push(e); });
  client.on('topologyDescriptionChanged', (e: TopologyDescriptionChangedEvent) => { topologyType = e.newDescription.type; });
  try {
    assert.equal(cluster.uri, `mongodb://${cluster.mongosHosts.join(',')}/`);
    await client.connect();
    const hello = await client.db('admin').command({ hello: 1 });
    assert.is(hello['msg'], 'isdbgrid');
    assert.is(topologyType, 'Sharded');
    const coll = client.db('app').collection<{ _id: number; v?: number }>('items');
    await coll.insertMany([{ _id: 1, v: 1 }, { _id: 2, v: 2 }]);
    await coll.updateOne({ _id: 1 }, { $inc: { v: 10 } });
    assert.equal(await coll.find({}).sort({ _id: 1 }).toArray(), [{ _id: 1, v: 11 }, { _id: 2, v: 2 }]);

    // The shard primary crashes while a write through a router waits for it.
    const shardPrimary = cluster.primary() as string;
    const direct = new MongoClient(`mongodb://${shardPrimary}/?directConnection=true`, driverOptions);
    await direct.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], blockConnection: true, blockTimeMS: 2000 } });
    await direct.close();
    const w1 = coll.insertOne({ _id: 10 });
    await new Promise((r) => setTimeout(r, 200));
    cluster.crash(shardPrimary);
    assert.is((await w1).insertedId, 10);
    assert.is(await coll.countDocuments({ _id: 10 }), 1);

    // A router crashes with a write held on it: the driver retries on the other router.
    // Both routers hold the next insert, so whichever one the driver picks is caught mid-write.
    for (const r of cluster.mongosHosts) {
      const via = new MongoClient(`mongodb://${r}/?directConnection=true`, driverOptions);
      await via.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], blockConnection: true, blockTimeMS: 1000 } });
      await via.close();
    }
    inserts.length = 0;
    const w2 = coll.insertOne({ _id: 20 });
    const deadline0 = Date.now() + 5000;
    while (inserts.length === 0 && Date.now() < deadline0) await new Promise((r) => setTimeout(r, 5));
    const router = inserts[0]!.address;
    await new Promise((r) => setTimeout(r, 100));
    cluster.crash(router);
    assert.is((await w2).insertedId, 20);
    assert.ok(inserts.length >= 2, `expected a retried insert, saw ${inserts.length}`);
    assert.is.not(inserts[inserts.length - 1]!.address, router);
    assert.equal(String(inserts[inserts.length - 1]!.command['txnNumber']), String(inserts[0]!.command['txnNumber']));
    assert.is(await coll.countDocuments({ _id: 20 }), 1);

    // Both come back.
    cluster.restart(shardPrimary);
    cluster.restart(router);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const st = await client.db('admin').command({ mongosim: 'status' });
      const back = cluster.replicaSet.member(shardPrimary).memberState === 2;
      if (back && st['ok'] === 1) break;
      if (Date.now() > deadline) assert.unreachable('the old shard primary did not rejoin');
      await new Promise((r) => setTimeout(r, 100));
    }
    const again = new MongoClient(`mongodb://${router}/?directConnection=true`, driverOptions);
    try {
      assert.is(await again.db('app').collection('items').countDocuments({}), 4);
    } finally {
      await again.close();
    }
  } finally {
    await client.close();
    await cluster.stop();
  }
});

test.run();
