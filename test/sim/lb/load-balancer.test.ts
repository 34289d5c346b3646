import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongosProcess } from '../../../sim/mongos/mongos.js';
import { LoadBalancerSim } from '../../../sim/lb/load-balancer.js';
import { SimClient } from '../../../sim/mongod/client.js';
import { readySet, run } from '../mongod/helpers.js';

function setup(seed: number): ReturnType<typeof readySet> & { m1: MongosProcess; m2: MongosProcess; lb: LoadBalancerSim } {
  const s = readySet(seed);
  const shard = { name: 'rs0', hosts: s.rs.hosts };
  const m1 = new MongosProcess(s.world, { host: 'mongos1:27017', shard, loadBalanced: true });
  const m2 = new MongosProcess(s.world, { host: 'mongos2:27017', shard, loadBalanced: true });
  m1.start();
  m2.start();
  const lb = new LoadBalancerSim(s.world, { host: 'lb:27017', backends: ['mongos1:27017', 'mongos2:27017'] });
  lb.start();
  return { ...s, m1, m2, lb };
}

test('hello through the load balancer carries the serving mongos serviceId', () => {
  const { world, m1, m2 } = setup(71);
  const ids: string[] = [];
  for (const name of ['c1', 'c2', 'c3']) {
    const hello = run(new SimClient(world, name), 'lb:27017', 'admin', { hello: 1, loadBalanced: true });
    assert.is(hello['msg'], 'isdbgrid');
    ids.push((hello['serviceId'] as { toHexString(): string }).toHexString());
  }
  assert.equal(ids, [m1.serviceId, m2.serviceId, m1.serviceId], 'round robin, one backend per connection');
});

test('a connection stays pinned to its mongos; commands route through to the shard', () => {
  const { world, rs, primary } = setup(72);
  const client = new SimClient(world, 'app');
  const first = run(client, 'lb:27017', 'admin', { hello: 1, loadBalanced: true })['serviceId'] as { toHexString(): string };
  const second = run(client, 'lb:27017', 'admin', { hello: 1, loadBalanced: true })['serviceId'] as { toHexString(): string };
  assert.is(first.toHexString(), second.toHexString());
  assert.equal(run(client, 'lb:27017', 'test', { insert: 'c', documents: [{ _id: 1 }] }), { n: 1, ok: 1 });
  assert.is(rs.member(primary).documents('test.c').length, 1);
});

test('a backend crash closes the client connection behind the load balancer', () => {
  const { world, m1 } = setup(73);
  const client = new SimClient(world, 'app');
  run(client, 'lb:27017', 'admin', { hello: 1, loadBalanced: true });
  m1.crash();
  const outcome = client.commandSync('lb:27017', 'admin', { ping: 1 }, 5000);
  assert.is(outcome.ok, false);
});

test.run();
