// A served 3-member set, over real loopback sockets, with each client under test: discovery by
// connection string, CRUD, a primary crash with a write in flight (retried, lands once), rejoin.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServedCluster } from '../../net/index.js';
import { mongosimClient, officialDriver } from './support/driver-under-test.js';
import { replicaSetScenario } from './support/served-scenarios.js';

for (const [driver, seed] of [[officialDriver, 7], [mongosimClient, 8]] as const) {
  test(`${driver.name}: replica set discovery, CRUD, primary crash mid-write, rejoin`, async () => {
    const rs = await ServedCluster.start({ members: 3, seed });
    try {
      await replicaSetScenario(rs, driver);
    } finally {
      await rs.stop();
    }
    assert.is(rs.connectionCount, 0);
  });
}

test.run();
