// Served clusters over real loopback sockets, with each client under test (the official driver
// and mongosim's MongoClient over net/): a 3-member set (discovery by connection string, CRUD, a
// primary crash with a write in flight that is retried and lands once, the old primary
// rejoining) and a sharded cluster behind two mongoses (CRUD, shard-primary and router crashes
// mid-write).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServedCluster } from '../../net/index.js';
import type { ServeOptions } from '../../net/index.js';
import { mongosimClient, officialDriver } from './support/driver-under-test.js';
import type { DriverUnderTest } from './support/driver-under-test.js';
import { replicaSetScenario, shardedScenario } from './support/served-scenarios.js';

type Case = [what: string, options: ServeOptions, scenario: (c: ServedCluster, d: DriverUnderTest) => Promise<void>];
const cases: Case[] = [
  ['replica set: discovery, CRUD, primary crash mid-write, rejoin', { members: 3 }, replicaSetScenario],
  ['two mongoses: CRUD, shard primary and router crashed mid-write', { members: 3, mongos: 2 }, shardedScenario],
];

let seed = 7;
for (const [what, options, scenario] of cases) {
  for (const driver of [officialDriver, mongosimClient]) {
    const worldSeed = seed++;
    test(`${driver.name}: ${what}`, async () => {
      const cluster = await ServedCluster.start({ ...options, seed: worldSeed });
      if ((options.mongos ?? 0) > 0) assert.is(cluster.uri, `mongodb://${cluster.mongosHosts.join(',')}/`);
      try {
        await scenario(cluster, driver);
      } finally {
        await cluster.stop();
      }
      assert.is(cluster.connectionCount, 0);
    });
  }
}

test.run();
