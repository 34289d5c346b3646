import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../../sim/world.js';
import { ReplicaSetSim } from '../../../sim/mongod/replset.js';
import { startElected } from '../../../sim/mongod/elected-start.js';
import { MemberState } from '../../../sim/mongod/member-state.js';

const members = [{ host: 'a:27017' }, { host: 'b:27017' }, { host: 'c:27017' }];

test('startElected: the first member is primary and every member settled, without waiting out an election timeout', () => {
  for (const seed of [1, 2, 3]) {
    const world = new World({ seed });
    const rs = new ReplicaSetSim(world, { name: 'rs0', members });
    assert.is(startElected(world, rs), 'a:27017');
    assert.is(rs.primary(), 'a:27017');
    for (const h of rs.hosts) assert.ok([MemberState.PRIMARY, MemberState.SECONDARY].includes(rs.member(h).memberState as never), `${h} settled`);
    // electionTimeoutMillis is 10 s; the start takes a few heartbeats' worth of virtual time.
    assert.ok(world.nowMs < 1_000, `took ${world.nowMs} virtual ms`);
    assert.equal(rs.violations, []);
  }
});

test('startElected: the same seed gives the same trace', () => {
  const hash = (seed: number): string => {
    const world = new World({ seed });
    startElected(world, new ReplicaSetSim(world, { name: 'rs0', members }));
    world.scheduler.runFor(5_000);
    return world.trace.hash();
  };
  assert.is(hash(4), hash(4));
});

test.run();
