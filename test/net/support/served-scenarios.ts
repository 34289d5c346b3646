/**
 * What a real driver must be able to do against a served cluster (issue 11, "Done when"),
 * written once and run with each client under test over real loopback sockets.
 */
import * as assert from 'uvu/assert';
import type { ServedCluster } from '../../../net/index.js';
import type { DriverUnderTest, TestClient } from './driver-under-test.js';

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it holds or `timeoutMs` of wall time pass. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.unreachable(`${what}: not within ${timeoutMs} ms`);
    await pause(50);
  }
}

/** Holds the next insert on `address` for `blockTimeMS` (failCommand), through a direct connection. */
async function holdNextInsert(driver: DriverUnderTest, address: string, blockTimeMS: number): Promise<void> {
  const direct = await driver.connect(`mongodb://${address}/?directConnection=true`);
  try {
    await direct.command('admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], blockConnection: true, blockTimeMS } });
  } finally {
    await direct.close();
  }
}

/** Waits for the first insert the client starts after `from`; returns its address. */
async function firstInsertAfter(client: TestClient, from: number): Promise<string> {
  await eventually('the insert was sent', () => client.inserts.length > from, 5000);
  return client.inserts[from]!.address;
}

async function crud(client: TestClient): Promise<void> {
  const coll = client.collection('app', 'items');
  await coll.insertMany([{ _id: 1, v: 1 }, { _id: 2, v: 2 }, { _id: 3, v: 3 }]);
  assert.equal(await coll.findOne({ _id: 2 }), { _id: 2, v: 2 });
  assert.is((await coll.updateOne({ _id: 2 }, { $set: { v: 20 } })).modifiedCount, 1);
  assert.is((await coll.deleteOne({ _id: 3 })).deletedCount, 1);
  assert.equal(await coll.find({}).sort({ _id: 1 }).toArray(), [{ _id: 1, v: 1 }, { _id: 2, v: 20 }]);
  assert.is(await coll.countDocuments({}), 2);
}

/** The write `_id` was sent to `crashed`, retried elsewhere with the same txnNumber, and landed once. */
async function assertRetriedOnce(client: TestClient, from: number, crashed: string, id: number): Promise<void> {
  const attempts = client.inserts.slice(from);
  assert.ok(attempts.length >= 2, `expected a retried insert, saw ${attempts.length} attempt(s)`);
  assert.is(attempts[0]!.address, crashed);
  assert.is.not(attempts[attempts.length - 1]!.address, crashed);
  assert.is(attempts[attempts.length - 1]!.txnNumber, attempts[0]!.txnNumber);
  assert.is(await client.collection('app', 'items').countDocuments({ _id: id }), 1);
}

/** Discovery by connection string, CRUD, a crash of the primary mid-write (retried, lands once), the old primary rejoining. */
export async function replicaSetScenario(rs: ServedCluster, driver: DriverUnderTest): Promise<void> {
  const client = await driver.connect(rs.uri);
  try {
    const hello = await client.command('admin', { hello: 1 });
    assert.is(hello['setName'], rs.replicaSet.name);
    assert.equal([...(hello['hosts'] as string[])].sort(), [...rs.hosts].sort());
    assert.is(hello['primary'], rs.primary());
    await crud(client);

    // Crash the primary while an insert is held on it (a fail point blocks it before it runs).
    const oldPrimary = rs.primary() as string;
    await holdNextInsert(driver, oldPrimary, 2000);
    const from = client.inserts.length;
    const write = client.collection('app', 'items').insertOne({ _id: 100 });
    await firstInsertAfter(client, from);
    await pause(100);
    rs.crash(oldPrimary);
    assert.is((await write).insertedId, 100);
    const newPrimary = await rs.waitForPrimary(15_000, oldPrimary);
    assert.is(client.inserts[client.inserts.length - 1]!.address, newPrimary);
    await assertRetriedOnce(client, from, oldPrimary, 100);

    // The old primary restarts and rejoins as a secondary, with the retried write replicated to it.
    rs.restart(oldPrimary);
    await eventually('the old primary rejoins as SECONDARY', async () => {
      const status = await client.command('admin', { replSetGetStatus: 1 });
      return (status['members'] as Array<Record<string, unknown>>).some((m) => m['name'] === oldPrimary && m['stateStr'] === 'SECONDARY');
    });
    const direct = await driver.connect(`mongodb://${oldPrimary}/?directConnection=true&readPreference=secondaryPreferred`);
    try {
      await eventually('the rejoined member has the retried write', async () => (await direct.collection('app', 'items').countDocuments({ _id: 100 })) === 1);
    } finally {
      await direct.close();
    }
  } finally {
    await client.close();
  }
}

/** Two mongoses in front of the set: discovery, CRUD, the shard primary and then a router crashed mid-write. */
export async function shardedScenario(cluster: ServedCluster, driver: DriverUnderTest): Promise<void> {
  const client = await driver.connect(cluster.uri);
  try {
    const hello = await client.command('admin', { hello: 1 });
    assert.is(hello['msg'], 'isdbgrid');
    await crud(client);
    const coll = client.collection('app', 'items');

    // The shard primary crashes while a write through a router waits on it.
    const shardPrimary = cluster.primary() as string;
    await holdNextInsert(driver, shardPrimary, 2000);
    const w1 = coll.insertOne({ _id: 10 });
    await pause(200);
    cluster.crash(shardPrimary);
    assert.is((await w1).insertedId, 10);
    assert.is(await coll.countDocuments({ _id: 10 }), 1);

    // A router crashes with a write held on it: the client retries on the other router.
    // Both routers hold their next insert, so whichever the client picks is caught mid-write.
    for (const r of cluster.mongosHosts) await holdNextInsert(driver, r, 1000);
    const from = client.inserts.length;
    const w2 = coll.insertOne({ _id: 20 });
    const router = await firstInsertAfter(client, from);
    await pause(100);
    cluster.crash(router);
    assert.is((await w2).insertedId, 20);
    await assertRetriedOnce(client, from, router, 20);

    // Both come back: the old shard primary as a secondary, the router serving again.
    cluster.restart(shardPrimary);
    cluster.restart(router);
    await eventually('the old shard primary rejoins', () => cluster.replicaSet.member(shardPrimary).memberState === 2);
    const again = await driver.connect(`mongodb://${router}/?directConnection=true`);
    try {
      assert.is(await again.collection('app', 'items').countDocuments({}), 4);
    } finally {
      await again.close();
    }
  } finally {
    await client.close();
  }
}
