// The official `mongodb` driver against a served 3-member set over real loopback sockets:
// discovery by connection string, CRUD, a crash of the primary with a write in flight (the
// retried write succeeds and lands once), and the old primary rejoining as a secondary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent } from 'mongodb';
import { ServedCluster } from '../../net/index.js';

const driverOptions = { serverSelectionTimeoutMS: 15_000, heartbeatFrequencyMS: 500 } as const;

test('discovers the set by connection string, runs CRUD, survives a primary crash, sees it rejoin', async () => {
  const rs = await ServedCluster.start({ members: 3, seed: 7 });
  const client = new MongoClient(rs.uri, { ...driverOptions, monitorCommands: true });
  const inserts: CommandStartedEvent[] = [];
  client.on('commandStarted', (e) => { if (e.commandName === 'insert') inserts.push(e); });
  try {
    await client.connect();
    const coll = client.db('app').collection<{ _id: number; v?: number }>('items');

    // Discovery: the driver sees the three members and the primary the simulator elected.
    const hello = await client.db('admin').command({ hello: 1 });
    assert.is(hello['setName'], 'rs0');
    assert.equal([...(hello['hosts'] as string[])].sort(), [...rs.hosts].sort());
    assert.is(hello['primary'], rs.primary());

    // CRUD.
    await coll.insertMany([{ _id: 1, v: 1 }, { _id: 2, v: 2 }, { _id: 3, v: 3 }]);
    assert.equal(await coll.findOne({ _id: 2 }), { _id: 2, v: 2 });
    const upd = await coll.updateOne({ _id: 2 }, { $set: { v: 20 } });
    assert.is(upd.modifiedCount, 1);
    const del = await coll.deleteOne({ _id: 3 });
    assert.is(del.deletedCount, 1);
    assert.equal(await coll.find({}).sort({ _id: 1 }).toArray(), [{ _id: 1, v: 1 }, { _id: 2, v: 20 }]);
    assert.is(await coll.countDocuments({}), 2);

    // Crash the primary while an insert is held on it (blocked by a fail point, so it has not run).
    const oldPrimary = rs.primary() as string;
    await client.db('admin').command({
      configureFailPoint: 'failCommand', mode: { times: 1 },
      data: { failCommands: ['insert'], blockConnection: true, blockTimeMS: 2000 },
    });
    inserts.length = 0;
    const write = coll.insertOne({ _id: 100 });
    await new Promise((r) => setTimeout(r, 200));
    rs.crash(oldPrimary);
    const result = await write;
    assert.is(result.insertedId, 100);
    const newPrimary = await rs.waitForPrimary(15_000, oldPrimary);
    assert.is.not(newPrimary, oldPrimary);
    // The driver sent the insert twice (the retry) with the same session and txnNumber.
    assert.ok(inserts.length >= 2, `expected a retried insert, saw ${inserts.length} insert(s)`);
    const first = inserts[0]!.command;
    const last = inserts[inserts.length - 1]!.command;
    assert.equal(String(last['txnNumber']), String(first['txnNumber']));
    assert.is(inserts[0]!.address, oldPrimary);
    assert.is(inserts[inserts.length - 1]!.address, newPrimary);
    // ...and it landed once.
    assert.is(await coll.countDocuments({ _id: 100 }), 1);

    // The old primary comes back and rejoins as a secondary; the driver sees it.
    rs.restart(oldPrimary);
    const deadline = Date.now() + 15_000;
    let status: Record<string, unknown> = {};
    for (;;) {
      status = await client.db('admin').command({ replSetGetStatus: 1 });
      const me = (status['members'] as Array<Record<string, unknown>>).find((m) => m['name'] === oldPrimary);
      if (me?.['stateStr'] === 'SECONDARY') break;
      if (Date.now() > deadline) assert.unreachable(`old primary did not rejoin: ${JSON.stringify(me)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const rejoined = await client.db('admin').command({ hello: 1 });
    assert.ok((rejoined['hosts'] as string[]).includes(oldPrimary));
    // A read from the rejoined secondary sees the retried write.
    const direct = new MongoClient(`mongodb://${oldPrimary}/?directConnection=true`, driverOptions);
    try {
      const deadline2 = Date.now() + 15_000;
      while ((await direct.db('app').collection<{ _id: number }>('items').countDocuments({ _id: 100 })) !== 1) {
        if (Date.now() > deadline2) assert.unreachable('the rejoined member never replicated the retried write');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await direct.close();
    }
  } finally {
    await client.close();
    await rs.stop();
  }
  assert.is(rs.connectionCount, 0);
});

test.run();
