import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoNetworkError } from '../../../core/errors.js';
import { MongosProcess } from '../../../sim/mongos/mongos.js';
import { LoadBalancerSim } from '../../../sim/lb/load-balancer.js';
import { readySet, newRuntime, closeSync, runSync, insert, find, spyTransport, secondaryPreferred, type SentCommand } from './helpers.js';
import { ClientRuntime } from '../../../client/runtime/runtime.js';
import { simPorts } from '../../../harness/sim-ports.js';

test('load-balanced: no monitors, hello with loadBalanced: true, connections keep their serviceId', () => {
  const s = readySet(71);
  const shard = { name: 'rs0', hosts: s.rs.hosts };
  for (const host of ['mongos1:27017', 'mongos2:27017']) new MongosProcess(s.world, { host, shard, loadBalanced: true }).start();
  new LoadBalancerSim(s.world, { host: 'lb:27017', backends: ['mongos1:27017', 'mongos2:27017'] }).start();
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(s.world), sent);
  const runtime = new ClientRuntime('mongodb://lb:27017/?loadBalanced=true', { ports });
  const events: Array<{ name: string; [k: string]: unknown }> = [];
  runtime.subscribe((e) => events.push(e));
  const h = { world: s.world, ports, runtime, events };
  assert.is(runtime.description().type, 'LoadBalanced');
  const r = runSync(h, insert('c', [{ _id: 1 }]));
  assert.ok(r.ok, r.ok ? '' : String(r.error));
  const handshake = sent.find((x) => 'client' in x.body)!;
  assert.is(handshake.body['hello'], 1);
  assert.is(handshake.body['loadBalanced'], true);
  assert.not.ok(events.some((e) => e.name === 'serverHeartbeatStarted'), 'a load balancer is never monitored');
  const started = events.find((e) => e.name === 'commandStarted' && e['commandName'] === 'insert')!;
  assert.is(typeof started['serviceId'], 'string');
  closeSync(h);
  assert.is(ports.pendingTimers(), 0);
  assert.is(ports.openConnections(), 0);
});

test('a mongos seed list: Sharded topology, reads carry $readPreference to the mongos', () => {
  const s = readySet(72);
  const shard = { name: 'rs0', hosts: s.rs.hosts };
  for (const host of ['m1:27017', 'm2:27017']) new MongosProcess(s.world, { host, shard }).start();
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(s.world), sent);
  const runtime = new ClientRuntime('mongodb://m1:27017,m2:27017/', { ports });
  const h = { world: s.world, ports, runtime, events: [] };
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  assert.is(runtime.description().type, 'Sharded');
  s.world.scheduler.runFor(2000);
  const r = runSync(h, find('c', {}, { readPreference: secondaryPreferred }));
  assert.ok(r.ok, r.ok ? '' : String(r.error));
  const read = sent.filter((x) => x.body['find'] === 'c').pop()!;
  assert.equal(read.body['$readPreference'], { mode: 'secondaryPreferred' });
  closeSync(h);
});

test('directConnection to a secondary reads with primaryPreferred', () => {
  const s = readySet(73);
  const secondary = s.rs.hosts.find((x) => x !== s.primary)!;
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(s.world), sent);
  const runtime = new ClientRuntime(`mongodb://${secondary}/?directConnection=true`, { ports });
  const h = { world: s.world, ports, runtime, events: [] };
  const r = runSync(h, find('c'));
  assert.ok(r.ok, r.ok ? '' : String(r.error));
  assert.is(r.ok && r.address, secondary);
  assert.equal(sent.find((x) => x.body['find'] === 'c')!.body['$readPreference'], { mode: 'primaryPreferred' });
  assert.is(runtime.description().type, 'Single');
  closeSync(h);
});

test('a member removed by reconfig: its monitor and pool stop, its connections close', () => {
  const { world, rs, primary } = readySet(74);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0&minPoolSize=1');
  h.runtime.connect();
  world.scheduler.runFor(2000);
  const removed = rs.hosts.find((x) => x !== primary)!;
  let reply: unknown = undefined;
  rs.reconfig(rs.hosts.filter((x) => x !== removed).map((host) => ({ host })), (r) => { reply = r; });
  world.scheduler.runFor(15_000);
  assert.ok(reply, 'reconfig answered');
  assert.not.ok(h.runtime.description().servers.has(removed), 'removed from the description');
  assert.ok(h.events.some((e) => e.name === 'serverClosed' && e['address'] === removed));
  assert.ok(h.events.some((e) => e.name === 'connectionPoolClosed' && e['address'] === removed));
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  closeSync(h);
  assert.is(h.ports.openConnections(), 0);
});

test('socketTimeoutMS: a command without a reply in time fails with a network timeout', () => {
  const { world, primary } = readySet(75);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0&socketTimeoutMS=500&retryReads=false');
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  world.network.clog(primary, 'client', 3000, false);
  const t0 = world.nowMs;
  const r = runSync(h, find('c'));
  if (r.ok) return assert.unreachable('the reply is held back');
  assert.instance(r.error, MongoNetworkError);
  assert.match(r.error.message, /timed out after 500 ms/);
  assert.ok(world.nowMs - t0 >= 500 && world.nowMs - t0 < 600);
  // The timed-out connection is closed as broken, not reused.
  assert.ok(h.events.some((e) => e.name === 'connectionClosed' && e['reason'] === 'error'));
  world.scheduler.runFor(10_000);
  assert.ok(runSync(h, find('c')).ok);
  closeSync(h);
});

test('connectTimeoutMS: a handshake that never completes fails the check-out and the monitor check', () => {
  const { world, primary } = readySet(76);
  const h = newRuntime(world, `mongodb://${primary}/?directConnection=true&connectTimeoutMS=300&serverSelectionTimeoutMS=2000`);
  world.network.partition(['client'], [primary]);
  const r = runSync(h, find('c'));
  if (r.ok) return assert.unreachable('partitioned');
  assert.match(r.error.message, /timed out after 300 ms|Server selection/i);
  assert.ok(h.events.some((e) => e.name === 'serverHeartbeatFailed'));
  world.network.heal();
  world.scheduler.runFor(15_000);
  assert.ok(runSync(h, find('c')).ok);
  closeSync(h);
  assert.is(h.ports.pendingTimers(), 0);
});

test.run();
