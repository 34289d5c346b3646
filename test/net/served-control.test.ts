// Controlling a served cluster while it runs, through the {mongosim: action} admin command any
// member answers and through the programmatic API: status, stepDown, partition/heal, crash and
// restart, setLatency, setSpeed, and bad requests named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from 'mongodb';
import { ServedCluster } from '../../net/index.js';

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('control command: partition the primary away, heal, crash and restart a member, latency and speed', async () => {
  const rs = await ServedCluster.start({ members: 3, seed: 21 });
  const client = new MongoClient(rs.uri, { serverSelectionTimeoutMS: 10_000, heartbeatFrequencyMS: 500 });
  try {
    await client.connect();
    const admin = client.db('admin');
    const status = await admin.command({ mongosim: 'status' });
    const first = status['primary'] as string;
    assert.equal(status['hosts'], rs.hosts);
    assert.is(status['speed'], 1);

    // Latency between simulated processes shows in virtual time: a w:3 write waits for it (done
    // first, while all three members are up and the primary is settled).
    await admin.command({ mongosim: 'setLatency', ms: 50 });
    const v0 = rs.world.nowMs;
    await client.db('t').collection<{ _id: number }>('c').insertOne({ _id: 1 }, { writeConcern: { w: 3 } });
    assert.ok(rs.world.nowMs - v0 >= 100, `a w:3 write took ${rs.world.nowMs - v0} virtual ms with 50 ms links`);
    await admin.command({ mongosim: 'setLatency', ms: 0 });

    // Isolating the primary (from its peers and from clients) elects another within ~2 s of wall time.
    await admin.command({ mongosim: 'partition', host: first });
    const second = await rs.waitForPrimary(10_000, first);
    assert.is.not(second, first);
    await admin.command({ mongosim: 'heal' });
    // The old primary sees the new term and steps down: one primary again.
    const deadline = Date.now() + 10_000;
    while (rs.replicaSet.primaries().length !== 1 && Date.now() < deadline) await pause(50);
    assert.equal(rs.replicaSet.primaries(), [second]);

    // Crash and restart a secondary through the command; the set sees it down, then back.
    const secondary = rs.hosts.find((h) => h !== second) as string;
    await admin.command({ mongosim: 'crash', host: secondary });
    assert.is(rs.replicaSet.member(secondary).isRunning, false);
    await admin.command({ mongosim: 'restart', host: secondary });
    assert.is(rs.replicaSet.member(secondary).isRunning, true);

    await admin.command({ mongosim: 'setSpeed', speed: 5 });
    assert.is(rs.speed, 5);

    // Bad requests are refused by name, and the member keeps serving.
    for (const [cmd, re] of [
      [{ mongosim: 'crash' }, /'host' must name a member/],
      [{ mongosim: 'crash', host: 'nowhere:1' }, /no served process "nowhere:1"/],
      [{ mongosim: 'setLatency', ms: -1 }, /latency ms -1/],
      [{ mongosim: 'setSpeed', speed: 1e9 }, /speed 1000000000/],
    ] as const) {
      const error = await admin.command(cmd).catch((e: Error) => e);
      assert.instance(error, Error);
      assert.match((error as Error).message, re);
    }
    assert.is((await admin.command({ ping: 1 }))['ok'], 1);
  } finally {
    await client.close();
    await rs.stop();
  }
});

test('ServedCluster.start refuses bad options by name', async () => {
  for (const [options, re] of [
    [{ members: 0 }, /members 0/],
    [{ mongos: 17 }, /mongos 17/],
    [{ speed: 0 }, /speed 0/],
    [{ bind: 'not an address' }, /bind "not an address"/],
    [{ version: '3.6' }, /version "3.6"/],
    [{ port: 70000 }, /port 70000/],
  ] as const) {
    const error = await ServedCluster.start(options as never).catch((e: Error) => e);
    assert.instance(error, Error);
    assert.match((error as Error).message, re);
  }
});

test.run();
