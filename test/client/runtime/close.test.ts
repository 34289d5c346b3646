import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoTopologyClosedError } from '../../../client/runtime/errors.js';
import type { RunResult } from '../../../client/runtime/api.js';
import { readySet, newRuntime, closeSync, runSync, insert, find, spyTransport, type SentCommand } from './helpers.js';
import { ClientRuntime } from '../../../client/runtime/runtime.js';
import { simPorts } from '../../../harness/sim-ports.js';

test('close() leaves no runtime timer scheduled and no connection open', () => {
  const { world } = readySet(31);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0&minPoolSize=2&maxIdleTimeMS=60000');
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  world.scheduler.runFor(5000);
  assert.ok(h.ports.pendingTimers() > 0);
  assert.ok(h.ports.openConnections() >= 6, `open: ${h.ports.openConnections()}`);
  closeSync(h);
  assert.is(h.ports.pendingTimers(), 0, h.ports.pendingTimerLabels().join(', '));
  assert.is(h.ports.openConnections(), 0);
  assert.is(h.runtime.openConnections(), 0);
  assert.is(h.runtime.state, 'closed');
  // Nothing of the client is left in the scheduler: running on adds no client event.
  const before = h.events.length;
  world.scheduler.runFor(60_000);
  assert.is(h.events.length, before);
  assert.is(h.ports.pendingTimers(), 0);
});

test('close() ends the pooled sessions with endSessions (best effort)', () => {
  const { world } = readySet(32);
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(world), sent);
  const runtime = new ClientRuntime('mongodb://a:27017/?replicaSet=rs0', { ports });
  let result: RunResult | null = null;
  runtime.run(insert('c', [{ _id: 1 }]), (r) => { result = r; });
  world.scheduler.runUntil(() => result !== null, 30_000);
  const lsid = sent.find((s) => s.body['insert'] === 'c')?.body['lsid'];
  assert.ok(lsid, 'the insert carried an lsid');
  let closed = false;
  runtime.close(() => { closed = true; });
  world.scheduler.runUntil(() => closed, 5_000);
  assert.ok(closed);
  const end = sent.find((s) => 'endSessions' in s.body);
  assert.ok(end, 'endSessions was sent');
  assert.equal(end!.body['endSessions'], [lsid]);
  assert.is(end!.db, 'admin');
});

test('close() during an outage does not wait for endSessions; running operations fail with MongoTopologyClosedError', () => {
  const { world, rs } = readySet(33);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0&serverSelectionTimeoutMS=60000');
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  for (const host of rs.hosts) rs.crash(host);
  world.scheduler.runFor(100);
  let result: RunResult | null = null;
  h.runtime.run(find('c'), (r) => { result = r; });
  world.scheduler.runFor(1000);
  assert.is(result, null, 'still waiting for a server');
  const t0 = world.nowMs;
  closeSync(h, 2_000);
  assert.ok(world.nowMs - t0 <= 1_000, `close took ${world.nowMs - t0} ms`);
  const r = result as RunResult | null;
  if (r === null || r.ok) return assert.unreachable('the read should fail');
  assert.instance(r.error, MongoTopologyClosedError);
  assert.is(h.ports.pendingTimers(), 0, h.ports.pendingTimerLabels().join(', '));
  assert.is(h.ports.openConnections(), 0);
  // After close: run fails at once, close calls back again.
  let late: RunResult | null = null;
  h.runtime.run(find('c'), (x) => { late = x; });
  assert.ok(late !== null && !(late as RunResult).ok);
  assert.instance((late as unknown as { error: Error }).error, MongoTopologyClosedError);
  let again = false;
  h.runtime.close(() => { again = true; });
  assert.ok(again);
});

test('close() before connect() emits no I/O and finishes at once', () => {
  const { world } = readySet(34);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  let closed = false;
  h.runtime.close(() => { closed = true; });
  assert.ok(closed);
  assert.is(h.ports.openConnections(), 0);
  assert.is(h.ports.pendingTimers(), 0);
  assert.is(h.events[h.events.length - 1]!.name, 'topologyClosed');
});

test.run();
