// The official driver's streaming monitor over a served member: the awaitable hello with
// exhaustAllowed is answered as mongod streams it (moreToCome replies, each answering the
// previous one), so the driver's heartbeats are awaited and a step-down reaches it on the stream.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from 'mongodb';
import type { ServerHeartbeatSucceededEvent, TopologyDescriptionChangedEvent } from 'mongodb';
import { ServedCluster } from '../../net/index.js';

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('streamed hello: awaited heartbeats, and a step-down seen without polling', async () => {
  const rs = await ServedCluster.start({ members: 3, seed: 13 });
  // heartbeatFrequencyMS far longer than the test: only the stream can tell the driver in time.
  const client = new MongoClient(rs.uri, { serverSelectionTimeoutMS: 10_000, heartbeatFrequencyMS: 60_000, serverMonitoringMode: 'stream' });
  const awaited: ServerHeartbeatSucceededEvent[] = [];
  client.on('serverHeartbeatSucceeded', (e) => { if (e.awaited) awaited.push(e); });
  let primaryInDriver: string | undefined;
  client.on('topologyDescriptionChanged', (e: TopologyDescriptionChangedEvent) => {
    primaryInDriver = [...e.newDescription.servers.values()].find((s) => s.type === 'RSPrimary')?.address;
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    const deadline = Date.now() + 10_000;
    while (awaited.length === 0 && Date.now() < deadline) await pause(20);
    assert.ok(awaited.length > 0, 'no awaited (streamed) heartbeat arrived');
    const old = rs.primary() as string;
    rs.stepDown(old, 30);
    const next = await rs.waitForPrimary(10_000, old);
    const seenBy = Date.now() + 5_000;
    while (primaryInDriver !== next && Date.now() < seenBy) await pause(20);
    assert.is(primaryInDriver, next);
  } finally {
    await client.close();
    await rs.stop();
  }
});

test.run();
