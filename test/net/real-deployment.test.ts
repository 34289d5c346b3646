// mongosim's client over net/ against a real deployment: runs when MONGODB_URI is set (for
// example mongodb://localhost:27017/?replicaSet=rs0), and is reported as skipped with the reason
// otherwise. It discovers the deployment, runs CRUD in a collection of its own, and leaves no
// timer or socket behind. (mongosim's client does not authenticate: a URI with credentials is
// skipped with that reason.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from '../../client/index.js';
import { parseConnectionString } from '../../core/uri/index.js';
import { netPortsForUri } from '../../net/index.js';

const uri = process.env['MONGODB_URI'];
const why = uri === undefined || uri.length === 0
  ? 'MONGODB_URI is not set'
  : parseConnectionString(uri).auth?.username != null
    ? 'MONGODB_URI has credentials and mongosim\'s client does not authenticate'
    : null;

if (why !== null) {
  process.stdout.write(`test/net/real-deployment: skipped: ${why}\n`);
  test.skip(`real deployment (skipped: ${why})`, () => undefined);
} else {
  test('real deployment: discover, CRUD, close cleanly', async () => {
    const ports = netPortsForUri(uri as string);
    const client = new MongoClient(uri as string, { ports });
    const name = `mongosim_net_${Date.now().toString(36)}`;
    try {
      await client.connect();
      assert.is((await client.db('admin').runCommand({ ping: 1 }))['ok'], 1);
      assert.ok(client.nodes.length >= 1, `discovered ${client.nodes.length} servers`);
      const coll = client.db('mongosim_test').collection(name);
      await coll.insertMany([{ _id: 1, v: 1 }, { _id: 2, v: 2 }]);
      assert.equal(await coll.findOne({ _id: 2 }), { _id: 2, v: 2 });
      assert.is((await coll.updateOne({ _id: 1 }, { $set: { v: 10 } })).modifiedCount, 1);
      assert.is(await coll.countDocuments({}), 2);
      await client.db('mongosim_test').runCommand({ drop: name });
    } finally {
      await client.close();
    }
    assert.is(ports.pendingTimers(), 0);
    assert.is(ports.openConnections(), 0);
  });
}

test.run();
