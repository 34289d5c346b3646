import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createTopology,
  maxServersPerTopology,
  poolGeneration,
  stalePrimaryByNewerPrimaryError,
  stalePrimaryByTupleError,
  type TopologyDescriptionChangedEvent,
} from '../../../core/sdam/index.js';
import { MongoInvalidArgumentError } from '../../../core/errors.js';
import { applyCheckFailure, closeTopology, connectionString, eventNames, hello, primary, secondary, topology } from './helpers.js';

test('initial TopologyType follows the SDAM table', () => {
  assert.is(topology('mongodb://a,b').state.description.type, 'Unknown');
  assert.is(topology('mongodb://a').state.description.type, 'Unknown');
  const rs = topology('mongodb://a/?replicaSet=rs').state.description;
  assert.is(rs.type, 'ReplicaSetNoPrimary');
  assert.is(rs.setName, 'rs');
  assert.is(topology('mongodb://a/?directConnection=true').state.description.type, 'Single');
  const single = topology('mongodb://a/?directConnection=true&replicaSet=rs').state.description;
  assert.is(single.type, 'Single');
  assert.is(single.setName, 'rs');
  assert.is(topology('mongodb://a/?replicaSet=rs&directConnection=false').state.description.type, 'ReplicaSetNoPrimary');
});

test('creation publishes opening events and starts a monitor per seed', () => {
  const r = topology('mongodb://A,b:27018', { topologyId: 7 });
  assert.equal(eventNames(r), ['topologyOpening', 'topologyDescriptionChanged', 'serverOpening:a:27017', 'serverOpening:b:27018']);
  assert.ok(r.events.every((e) => 'topologyId' in e && e.topologyId === 7));
  const changed = r.events[1] as TopologyDescriptionChangedEvent;
  assert.is(changed.previousDescription.servers.size, 0);
  assert.is(changed.previousDescription.type, 'Unknown');
  assert.equal([...changed.newDescription.servers.keys()], ['a:27017', 'b:27018']);
  assert.equal(r.actions, [
    { type: 'startMonitoring', address: 'a:27017' },
    { type: 'startMonitoring', address: 'b:27018' },
  ]);
  assert.equal([...r.state.pools.keys()], ['a:27017', 'b:27018']);
  assert.is(poolGeneration(r.state, 'a:27017'), 0);
  assert.is(poolGeneration(r.state, 'z:1'), null);
});

test('load-balanced mode: the server is a LoadBalancer at once and never monitored', () => {
  const r = topology('mongodb://a/?loadBalanced=true');
  assert.equal(eventNames(r), ['topologyOpening', 'topologyDescriptionChanged', 'serverOpening:a:27017', 'serverDescriptionChanged:a:27017', 'topologyDescriptionChanged']);
  assert.is(r.state.description.type, 'LoadBalanced');
  assert.is(r.state.description.servers.get('a:27017')?.type, 'LoadBalancer');
  assert.equal(r.actions, [{ type: 'readyPool', address: 'a:27017' }]);
  // core/machine.ts rule (b): monitor input does not fit a load-balanced topology.
  const after = hello(r.state, 'a:27017', { ok: 1, isWritablePrimary: true });
  assert.equal(after.events, [{ name: 'inputIgnored', machine: 'topology', input: 'hello', state: 'loadBalanced', reason: 'a load-balanced topology is not monitored' }]);
  assert.ok(after.state === r.state);
  assert.is(after.state.description.servers.get('a:27017')?.type, 'LoadBalancer');
  assert.equal(eventNames(applyCheckFailure(r.state, { address: 'a:27017', kind: 'network', message: 'x' }, 1)), ['inputIgnored']);
});

test('forbidden configuration combinations are rejected with the reason', () => {
  const bad: Array<[Parameters<typeof connectionString>, string]> = [
    [[['a', 'b'], { directConnection: true }], 'directConnection=true cannot be used with multiple seeds'],
    [[['a'], { loadBalanced: true, directConnection: true }], 'loadBalanced=true cannot be used with directConnection=true'],
    [[['a'], { loadBalanced: true, replicaSet: 'rs' }], 'loadBalanced=true cannot be used with replicaSet'],
    [[['a', 'b'], { loadBalanced: true }], 'loadBalanced=true cannot be used with multiple hosts'],
  ];
  for (const [args, message] of bad) {
    assert.throws(() => createTopology({ connectionString: connectionString(...args) }, 0), (e: unknown) => e instanceof MongoInvalidArgumentError && e.message === message);
  }
  assert.equal(createTopology({ connectionString: connectionString([]) }, 0).warnings, ['the topology was created with no seeds']);
});

test('a primary adds its members, removes the rest, and reports both', () => {
  const start = topology('mongodb://a,z/?replicaSet=rs').state;
  const r = hello(start, 'a:27017', primary(['a:27017', 'b:27017'], { passives: ['c:27017'], arbiters: ['d:27017'] }));
  const td = r.state.description;
  assert.is(td.type, 'ReplicaSetWithPrimary');
  assert.equal([...td.servers.keys()].sort(), ['a:27017', 'b:27017', 'c:27017', 'd:27017']);
  assert.equal(eventNames(r), [
    'serverDescriptionChanged:a:27017',
    'serverOpening:b:27017',
    'serverOpening:c:27017',
    'serverOpening:d:27017',
    'serverClosed:z:27017',
    'topologyDescriptionChanged',
  ]);
  assert.equal(r.actions, [
    { type: 'startMonitoring', address: 'b:27017' },
    { type: 'startMonitoring', address: 'c:27017' },
    { type: 'startMonitoring', address: 'd:27017' },
    { type: 'stopMonitoring', address: 'z:27017' },
    { type: 'readyPool', address: 'a:27017' },
  ]);
  assert.equal([...r.state.pools.keys()].sort(), ['a:27017', 'b:27017', 'c:27017', 'd:27017']);
  // Outcomes from a removed server are ignored.
  const late = hello(r.state, 'z:27017', secondary(['a:27017']));
  assert.is(late.events.length, 0);
  assert.ok(late.state === r.state);
});

test('an equal reply updates RTT silently; a changed one publishes both events', () => {
  const s1 = hello(topology('mongodb://a/?directConnection=true').state, 'a:27017', { ok: 1, isWritablePrimary: true, maxWireVersion: 21 }, 1, 5).state;
  const same = hello(s1, 'a:27017', { ok: 1, isWritablePrimary: true, maxWireVersion: 21 }, 2, 9);
  assert.is(same.events.length, 0);
  assert.is(same.state.description.servers.get('a:27017')?.roundTripTime, 9);
  assert.is(same.state.description.servers.get('a:27017')?.lastUpdateTime, 2);
  const changed = hello(same.state, 'a:27017', { ok: 1, isWritablePrimary: true, maxWireVersion: 21, logicalSessionTimeoutMinutes: 30 }, 3);
  assert.equal(eventNames(changed), ['serverDescriptionChanged:a:27017', 'topologyDescriptionChanged']);
  assert.is(changed.state.description.logicalSessionTimeoutMinutes, 30);
});

test('a newer primary marks the old one Unknown and (multi-threaded) requests a check, without clearing its pool', () => {
  const uri = 'mongodb://a,b/?replicaSet=rs';
  for (const mode of ['multiThreaded', 'singleThreaded'] as const) {
    let s = topology(uri, { monitoringMode: mode }).state;
    s = hello(s, 'a:27017', primary(['a:27017', 'b:27017'], { electionId: '000000000000000000000001', setVersion: 1 })).state;
    const r = hello(s, 'b:27017', primary(['a:27017', 'b:27017'], { electionId: '000000000000000000000002', setVersion: 1 }));
    const old = r.state.description.servers.get('a:27017');
    assert.is(old?.type, 'Unknown');
    assert.is(old?.error, stalePrimaryByNewerPrimaryError);
    assert.is(r.state.description.maxElectionId, '000000000000000000000002');
    const wantsCheck = r.actions.some((a) => a.type === 'requestImmediateCheck' && a.address === 'a:27017');
    assert.is(wantsCheck, mode === 'multiThreaded');
    assert.not.ok(r.actions.some((a) => a.type === 'clearPool'));
  }
});

test('a stale primary is marked Unknown with the tuple in the error', () => {
  let s = topology('mongodb://a,b/?replicaSet=rs').state;
  s = hello(s, 'b:27017', primary(['a:27017', 'b:27017'], { electionId: '000000000000000000000002', setVersion: 2 })).state;
  const r = hello(s, 'a:27017', primary(['a:27017', 'b:27017'], { electionId: '000000000000000000000001', setVersion: 3 }));
  const a = r.state.description.servers.get('a:27017');
  assert.is(a?.type, 'Unknown');
  assert.ok(a?.error?.startsWith(`${stalePrimaryByTupleError}, {electionId: 000000000000000000000001, setVersion: 3} is stale compared to {electionId: 000000000000000000000002, setVersion: 2}`));
  assert.is(r.state.description.servers.get('b:27017')?.type, 'RSPrimary');
  // Pre-6.0 wire versions order by setVersion first: the same reply is then the newer primary.
  let old = topology('mongodb://a,b/?replicaSet=rs').state;
  old = hello(old, 'b:27017', primary(['a:27017', 'b:27017'], { electionId: '000000000000000000000002', setVersion: 2, maxWireVersion: 16 })).state;
  const r2 = hello(old, 'a:27017', primary(['a:27017', 'b:27017'], { electionId: '000000000000000000000001', setVersion: 3, maxWireVersion: 16 }));
  assert.is(r2.state.description.servers.get('a:27017')?.type, 'RSPrimary');
  assert.is(r2.state.description.maxSetVersion, 3);
});

test('secondaries: PossiblePrimary only for single-threaded clients; me mismatch removes', () => {
  const single = hello(topology('mongodb://a,b/?replicaSet=rs', { monitoringMode: 'singleThreaded' }).state, 'a:27017', secondary(['a:27017', 'b:27017'], { primary: 'B:27017' }));
  assert.is(single.state.description.servers.get('b:27017')?.type, 'PossiblePrimary');
  const multi = hello(topology('mongodb://a,b/?replicaSet=rs').state, 'a:27017', secondary(['a:27017', 'b:27017'], { primary: 'b:27017' }));
  assert.is(multi.state.description.servers.get('b:27017')?.type, 'Unknown');
  const mismatch = hello(topology('mongodb://a/?replicaSet=rs').state, 'a:27017', secondary(['c:27017'], { me: 'c:27017' }));
  assert.equal([...mismatch.state.description.servers.keys()], ['c:27017']);
  const wrongSet = hello(topology('mongodb://a,b/?replicaSet=rs').state, 'a:27017', secondary(['a:27017'], { setName: 'other' }));
  assert.equal([...wrongSet.state.description.servers.keys()], ['b:27017']);
});

test('direct connection with a replica set name verifies it', () => {
  const s = topology('mongodb://a/?directConnection=true&replicaSet=rs').state;
  const wrong = hello(s, 'a:27017', primary(['a:27017'], { setName: 'wrong' }));
  const sd = wrong.state.description.servers.get('a:27017');
  assert.is(sd?.type, 'Unknown');
  assert.ok(sd?.error?.includes("expected 'rs'"));
  assert.not.ok(wrong.actions.some((a) => a.type === 'readyPool'));
  const arbiter = hello(topology('mongodb://a/?directConnection=true').state, 'a:27017', { ok: 1, setName: 'rs', arbiterOnly: true, maxWireVersion: 21 });
  assert.ok(arbiter.actions.some((a) => a.type === 'readyPool'), 'a direct connection readies the pool of any known type');
});

test('a failed check marks Unknown and clears the pool; timeouts interrupt in-use connections', () => {
  let s = topology('mongodb://a/?replicaSet=rs').state;
  s = hello(s, 'a:27017', primary(['a:27017'])).state;
  const net = applyCheckFailure(s, { address: 'a:27017', kind: 'network', message: 'connection reset' }, 5);
  assert.is(net.state.description.type, 'ReplicaSetNoPrimary');
  assert.ok(net.state.description.servers.get('a:27017')?.error?.includes('connection reset'));
  assert.equal(net.actions, [{ type: 'clearPool', address: 'a:27017', serviceId: null, generation: 1, interruptInUseConnections: false }]);
  const timeout = applyCheckFailure(net.state, { address: 'a:27017', kind: 'timeout', message: '' }, 6);
  assert.equal(timeout.actions, [{ type: 'clearPool', address: 'a:27017', serviceId: null, generation: 2, interruptInUseConnections: true }]);
  assert.is(poolGeneration(timeout.state, 'a:27017'), 2);
  const notOk = hello(timeout.state, 'a:27017', { ok: 0, errmsg: 'no' });
  assert.ok(notOk.actions.some((a) => a.type === 'clearPool'));
  assert.is(applyCheckFailure(s, { address: 'not valid:1:2', kind: 'network', message: 'x' }, 1).warnings.length, 1);
});

test('an older topologyVersion is ignored', () => {
  const tv = (counter: number) => ({ processId: '000000000000000000000001', counter });
  let s = topology('mongodb://a/?replicaSet=rs').state;
  s = hello(s, 'a:27017', primary(['a:27017'], { topologyVersion: tv(5) })).state;
  const older = hello(s, 'a:27017', secondary(['a:27017'], { topologyVersion: tv(4) }));
  assert.ok(older.state === s);
  const equal = hello(s, 'a:27017', secondary(['a:27017'], { topologyVersion: tv(5) }));
  assert.is(equal.state.description.servers.get('a:27017')?.type, 'RSSecondary');
});

test('logicalSessionTimeoutMinutes is the minimum over data-bearing servers, null if any lacks it', () => {
  let s = topology('mongodb://a,b,c/?replicaSet=rs').state;
  const hosts = ['a:27017', 'b:27017', 'c:27017'];
  s = hello(s, 'a:27017', primary(hosts, { logicalSessionTimeoutMinutes: 30 })).state;
  s = hello(s, 'b:27017', secondary(hosts, { logicalSessionTimeoutMinutes: 10 })).state;
  assert.is(s.description.logicalSessionTimeoutMinutes, 10);
  s = hello(s, 'c:27017', { ok: 1, setName: 'rs', arbiterOnly: true, hosts, maxWireVersion: 21 }).state;
  assert.is(s.description.logicalSessionTimeoutMinutes, 10, 'arbiters do not count');
  s = hello(s, 'b:27017', secondary(hosts)).state;
  assert.is(s.description.logicalSessionTimeoutMinutes, null);
});

test('updating one member of a 50-member set shares every other description', () => {
  const hosts = Array.from({ length: 50 }, (_, i) => `h${i}:27017`);
  let s = topology('mongodb://h0/?replicaSet=rs').state;
  s = hello(s, 'h0:27017', primary(hosts)).state;
  for (const h of hosts.slice(1)) s = hello(s, h, secondary(hosts)).state;
  const before = s.description;
  const after = hello(s, 'h7:27017', secondary(hosts), 9, 11).state.description;
  assert.is(after.type, 'ReplicaSetWithPrimary');
  assert.is(after.servers.size, 50);
  for (const h of hosts) if (h !== 'h7:27017') assert.ok(after.servers.get(h) === before.servers.get(h), h);
  assert.is(after.servers.get('h7:27017')?.roundTripTime, 11);
  assert.is(before.servers.get('h7:27017')?.roundTripTime, 5, 'the previous description is untouched');
});

test(`the topology never monitors more than maxServersPerTopology servers`, () => {
  const seeds = ['s0', 's1', 's2', 's3', 's4'];
  let s = topology(`mongodb://${seeds.join(',')}/?replicaSet=rs`).state;
  const warnings: string[] = [];
  seeds.forEach((seed, n) => {
    const hosts = Array.from({ length: 250 }, (_, i) => `m${n}-${i}:27017`);
    const r = hello(s, `${seed}:27017`, secondary(hosts));
    warnings.push(...r.warnings);
    s = r.state;
  });
  assert.is(s.description.servers.size, maxServersPerTopology);
  assert.ok(warnings.some((w) => w.includes('maxServersPerTopology')));
});

test('closing removes every server, then publishes TopologyClosedEvent last', () => {
  let s = topology('mongodb://a,b').state;
  s = hello(s, 'a:27017', { ok: 1, msg: 'isdbgrid', maxWireVersion: 21 }).state;
  const closed = closeTopology(s, 9);
  assert.equal(eventNames(closed), ['serverClosed:a:27017', 'serverClosed:b:27017', 'topologyDescriptionChanged', 'topologyClosed']);
  assert.is(closed.state.description.type, 'Unknown');
  assert.is(closed.state.description.servers.size, 0);
  assert.equal(closed.actions.map((a) => a.type), ['stopMonitoring', 'stopMonitoring']);
  // core/machine.ts rule (b): nothing fits a closed topology; each input is ignored, named.
  assert.equal(hello(closed.state, 'a:27017', { ok: 1 }, 10).events, [{ name: 'inputIgnored', machine: 'topology', input: 'hello', state: 'closed', reason: 'the topology is closed' }]);
  const again = closeTopology(closed.state, 10);
  assert.equal(eventNames(again), ['inputIgnored']);
  assert.ok(again.state === closed.state && again.actions.length === 0);
});

test('standalone and mongos transitions', () => {
  const one = hello(topology('mongodb://a').state, 'a:27017', { ok: 1, isWritablePrimary: true, maxWireVersion: 21 });
  assert.is(one.state.description.type, 'Single');
  const two = hello(topology('mongodb://a,b').state, 'a:27017', { ok: 1, isWritablePrimary: true, maxWireVersion: 21 });
  assert.is(two.state.description.type, 'Unknown');
  assert.equal([...two.state.description.servers.keys()], ['b:27017']);
  let sharded = hello(topology('mongodb://a,b').state, 'a:27017', { ok: 1, msg: 'isdbgrid', maxWireVersion: 21 }).state;
  assert.is(sharded.description.type, 'Sharded');
  sharded = hello(sharded, 'b:27017', primary(['b:27017'])).state;
  assert.equal([...sharded.description.servers.keys()], ['a:27017']);
  const ghost = hello(topology('mongodb://a,b').state, 'a:27017', { ok: 1, isreplicaset: true, maxWireVersion: 21 });
  assert.is(ghost.state.description.type, 'Unknown');
});

test.run();
