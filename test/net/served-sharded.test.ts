// A served sharded cluster (one replica-set shard behind two mongoses), over real loopback
// sockets, with each client under test: discovery, CRUD, shard-primary and router crashes mid-write.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServedCluster } from '../../net/index.js';
import { mongosimClient, officialDriver } from './support/driver-under-test.js';
import { shardedScenario } from './support/served-scenarios.js';

for (const [driver, seed] of [[officialDriver, 3], [mongosimClient, 4]] as const) {
  test(`${driver.name}: two mongoses, CRUD, shard primary and router crashed mid-write`, async () => {
    const cluster = await ServedCluster.start({ members: 3, mongos: 2, seed });
    assert.is(cluster.uri, `mongodb://${cluster.mongosHosts.join(',')}/`);
    try {
      await shardedScenario(cluster, driver);
    } finally {
      await cluster.stop();
    }
    assert.is(cluster.connectionCount, 0);
  });
}

test.run();
