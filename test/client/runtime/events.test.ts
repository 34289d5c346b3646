import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RuntimeEvent } from '../../../client/runtime/api.js';
import { readySet, newRuntime, closeSync, runSync, insert, find } from './helpers.js';

function names(events: readonly RuntimeEvent[]): Set<string> {
  return new Set(events.map((e) => e.name));
}

test('SDAM, heartbeat, CMAP and command events are emitted with the Node driver names', () => {
  const { world } = readySet(21);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  assert.ok(runSync(h, find('c')).ok);
  closeSync(h);
  const seen = names(h.events);
  for (const name of [
    'topologyOpening', 'topologyDescriptionChanged', 'serverOpening', 'serverDescriptionChanged',
    'serverHeartbeatStarted', 'serverHeartbeatSucceeded',
    'connectionPoolCreated', 'connectionPoolReady', 'connectionCreated', 'connectionReady',
    'connectionCheckOutStarted', 'connectionCheckedOut', 'connectionCheckedIn', 'connectionPoolClosed', 'connectionClosed',
    'commandStarted', 'commandSucceeded', 'serverClosed', 'topologyClosed',
  ]) assert.ok(seen.has(name), `missing ${name}`);
  // topologyClosed is the last event.
  assert.is(h.events[h.events.length - 1]!.name, 'topologyClosed');
  assert.is(h.events[0]!.name, 'topologyOpening');
});

test('command events are paired by requestId; heartbeat started/ended pair per server', () => {
  const { world, rs, primary } = readySet(22);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  h.runtime.run(insert('c', [{ _id: 2 }]), () => undefined);
  rs.crash(primary);
  world.scheduler.runFor(30_000);
  closeSync(h);
  const open = new Map<number, string>();
  for (const e of h.events) {
    if (e.name === 'commandStarted') {
      assert.not.ok(open.has(e['requestId'] as number), 'requestIds are unique');
      open.set(e['requestId'] as number, e['commandName'] as string);
    } else if (e.name === 'commandSucceeded' || e.name === 'commandFailed') {
      assert.ok(open.delete(e['requestId'] as number), `unpaired ${e.name} ${String(e['requestId'])}`);
    }
  }
  assert.is(open.size, 0);
  assert.ok(h.events.some((e) => e.name === 'commandFailed'), 'the crash failed a command');
  const pending = new Map<string, number>();
  for (const e of h.events) {
    const id = e['connectionId'] as string;
    if (e.name === 'serverHeartbeatStarted') {
      assert.is(pending.get(id) ?? 0, 0, `two heartbeats at once on ${id}`);
      pending.set(id, 1);
    } else if (e.name === 'serverHeartbeatSucceeded' || e.name === 'serverHeartbeatFailed') {
      assert.is(pending.get(id), 1, `heartbeat end without start on ${id}`);
      pending.set(id, 0);
    }
  }
  for (const [id, n] of pending) assert.is(n, 0, `heartbeat left open on ${id} after close`);
  assert.ok(h.events.some((e) => e.name === 'serverHeartbeatFailed'));
  assert.ok(h.events.some((e) => e.name === 'connectionPoolCleared'));
});

test('sensitive commands are redacted and credentials never appear in events', () => {
  const { world } = readySet(23);
  const h = newRuntime(world, 'mongodb://alice:s3cr3tPassw0rd@a:27017/?replicaSet=rs0');
  const r = runSync(h, { kind: 'command', databaseName: 'admin', command: { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: 's3cr3tPassw0rd' } });
  assert.is(r.ok, false); // the simulated server does not know saslStart
  closeSync(h);
  const started = h.events.find((e) => e.name === 'commandStarted' && e['commandName'] === 'saslStart');
  assert.ok(started);
  assert.equal(started!['command'], {});
  const text = JSON.stringify(h.events, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Error ? v.message : v));
  assert.not.ok(text.includes('s3cr3tPassw0rd'), 'the password leaked into an event');
  assert.not.ok(text.includes('alice'), 'the user name leaked into an event');
});

test('a throwing listener does not break the runtime; the error surfaces after the step', () => {
  const { world } = readySet(24);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  let thrown = 0;
  const unsubscribe = h.runtime.subscribe((e) => {
    if (e.name === 'topologyOpening') throw new Error('listener bug');
  });
  try {
    h.runtime.connect();
  } catch (error) {
    thrown++;
    assert.match(String(error), /listener bug/);
  }
  assert.is(thrown, 1);
  unsubscribe();
  assert.ok(runSync(h, find('c')).ok);
  closeSync(h);
});

test.run();
