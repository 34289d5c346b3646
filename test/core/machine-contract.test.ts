// Every core machine follows core/machine.ts the same way: (a) an earlier nowMs is clamped to
// the last time seen and reported with one clockWentBackwards event, so the times stored in
// the state never go backwards and nothing throws; (b) an input that does not fit the state
// is ignored — state unchanged, no actions beyond handing a stray resource back — with one
// inputIgnored event naming the machine, the input and the state it met. Never a throw.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clockWentBackwards, inputIgnored, inputTypeOf, stepTimeMs, type MachineEvent } from '../../core/machine.js';
import { createTopology, stepTopology, type TopologyResult } from '../../core/sdam/index.js';
import { createMonitor, stepMonitor } from '../../core/monitor/index.js';
import { createPool, stepPool } from '../../core/pool/index.js';
import { createExecutor, stepExecutor, type ExecutorState } from '../../core/executor/index.js';
import { parseConnectionString } from '../../core/uri/parse.js';
import { connection, find, seededRandom, server, topology as topologyOf } from './executor/helpers.js';

const notices = (events: readonly { readonly name: string }[]): MachineEvent[] =>
  events.filter((e): e is MachineEvent => e.name === 'inputIgnored' || e.name === 'clockWentBackwards');

const primaryHello = { ok: 1, helloOk: true, isWritablePrimary: true, setName: 'rs', hosts: ['a:27017'], minWireVersion: 0, maxWireVersion: 21 };

test('the shared helpers: the step time never goes below the last, and the event says by how much', () => {
  assert.is(stepTimeMs(5, 10), 10);
  assert.is(stepTimeMs(10, 5), 10);
  assert.is(stepTimeMs(7, 7), 7);
  assert.is(clockWentBackwards('pool', 7, 7), null);
  assert.equal(clockWentBackwards('pool', 5, 10), { name: 'clockWentBackwards', machine: 'pool', nowMs: 5, lastNowMs: 10 });
  assert.equal(inputIgnored('monitor', 'x'.repeat(400), 'closed', 'r').input.length, 300, 'bounded');
  assert.is(inputTypeOf(null), 'unknown');
  assert.is(inputTypeOf({ type: 3 }), 'unknown');
  assert.is(inputTypeOf({ type: 'reply' }), 'reply');
});

// ---- (a) time going backwards --------------------------------------------------------------

test('topology: an earlier now is clamped and reported; the server keeps the later lastUpdateTime', () => {
  const created = createTopology({ connectionString: parseConnectionString('mongodb://a/?replicaSet=rs') }, 100);
  const r = stepTopology(created.state, { type: 'hello', address: 'a:27017', reply: primaryHello, roundTripTime: 1 }, 40);
  assert.equal(notices(r.events), [{ name: 'clockWentBackwards', machine: 'topology', nowMs: 40, lastNowMs: 100 }]);
  assert.is(r.state.description.servers.get('a:27017')?.type, 'RSPrimary', 'the input is still applied');
  assert.is(r.state.description.servers.get('a:27017')?.lastUpdateTime, 100);
  assert.is(r.state.lastNowMs, 100);
  const later = stepTopology(r.state, { type: 'hello', address: 'a:27017', reply: primaryHello, roundTripTime: 1 }, 150);
  assert.equal(notices(later.events), []);
  assert.is(later.state.lastNowMs, 150);
});

test('monitor: an earlier now is clamped and reported, never thrown; durations stay >= 0', () => {
  const created = createMonitor({ address: 'a:27017', serverMonitoringMode: 'poll' }, 100);
  const check = created.actions.find((a) => a.type === 'check');
  assert.ok(check?.type === 'check');
  const r = stepMonitor(created.state, { type: 'checkSucceeded', checkId: check.checkId, reply: { ok: 1 } }, 60);
  assert.equal(notices(r.events), [{ name: 'clockWentBackwards', machine: 'monitor', nowMs: 60, lastNowMs: 100 }]);
  const succeeded = r.events.find((e) => e.name === 'serverHeartbeatSucceeded');
  assert.ok(succeeded?.name === 'serverHeartbeatSucceeded' && succeeded.duration === 0);
  assert.is(r.state.lastNowMs, 100);
  assert.is(r.state.lastCheckEndedAtMs, 100);
});

test('pool: an earlier now is clamped and reported, never thrown; checkout durations stay >= 0', () => {
  const created = createPool({ address: 'a:27017' }, 100);
  const ready = stepPool(created.state, { type: 'ready' }, 100);
  const queued = stepPool(ready.state, { type: 'checkOut', requestId: 1 }, 100);
  const r = stepPool(queued.state, { type: 'established', connectionId: 1 }, 20);
  assert.equal(notices(r.events), [{ name: 'clockWentBackwards', machine: 'pool', nowMs: 20, lastNowMs: 100 }]);
  const out = r.events.find((e) => e.name === 'connectionCheckedOut');
  assert.ok(out?.name === 'connectionCheckedOut' && out.durationMS === 0);
  assert.is(r.state.lastNowMs, 100);
});

test('executor: an earlier now is clamped and reported; command durations stay >= 0', () => {
  const a = server('a:27017', 'RSPrimary');
  const topo = topologyOf('ReplicaSetWithPrimary', [a]);
  let state: ExecutorState = createExecutor(undefined, 100).state;
  state = stepExecutor(state, { type: 'start', operation: find(), topology: topo, random: seededRandom(1) }, 100).state;
  state = stepExecutor(state, { type: 'checkedOut', connection: connection(1, a) }, 100).state;
  const r = stepExecutor(state, { type: 'reply', reply: { ok: 1 } }, 30);
  assert.equal(notices(r.events), [{ name: 'clockWentBackwards', machine: 'executor', nowMs: 30, lastNowMs: 100 }]);
  const succeeded = r.events.find((e) => e.name === 'commandSucceeded');
  assert.ok(succeeded?.name === 'commandSucceeded' && succeeded.duration === 0);
  assert.is(r.state.lastNowMs, 100);
});

// ---- (b) input that does not fit the state -------------------------------------------------

test('topology: every input after close is ignored, named, state untouched', () => {
  const created = createTopology({ connectionString: parseConnectionString('mongodb://a/?replicaSet=rs') }, 0);
  const closed = stepTopology(created.state, { type: 'close' }, 1).state;
  const inputs = [
    { type: 'hello', address: 'a:27017', reply: primaryHello, roundTripTime: 1 },
    { type: 'checkFailure', address: 'a:27017', kind: 'network', message: 'x' },
    { type: 'applicationError', address: 'a:27017', kind: 'network', handshakeCompleted: true },
    { type: 'scanCompleted' },
    { type: 'close' },
  ] as const;
  for (const input of inputs) {
    const r: TopologyResult = stepTopology(closed, input, 2); // a throw fails the test
    assert.equal(r.events, [{ name: 'inputIgnored', machine: 'topology', input: input.type, state: 'closed', reason: 'the topology is closed' }], input.type);
    assert.equal(r.actions, [], input.type);
    assert.ok(r.state === closed, `${input.type}: state untouched`);
  }
});

test('monitor: an input after close is ignored, named, with no actions', () => {
  const created = createMonitor({ address: 'a:27017' }, 0);
  const closed = stepMonitor(created.state, { type: 'close' }, 1).state;
  const r = stepMonitor(closed, { type: 'requestCheck' }, 2);
  assert.equal(r.events, [{ name: 'inputIgnored', machine: 'monitor', input: 'requestCheck', state: 'closed', reason: 'the monitor is closed' }]);
  assert.equal(r.actions, []);
  assert.is(r.state.phase, 'closed');
});

test('pool: a checkIn of a connection that is not checked out is ignored, named, never thrown', () => {
  const ready = stepPool(createPool({ address: 'a:27017' }, 0).state, { type: 'ready' }, 0);
  const queued = stepPool(ready.state, { type: 'checkOut', requestId: 1 }, 0);
  const established = stepPool(queued.state, { type: 'established', connectionId: 1 }, 1);
  const checkedIn = stepPool(established.state, { type: 'checkIn', connectionId: 1 }, 2);
  const twice = stepPool(checkedIn.state, { type: 'checkIn', connectionId: 1 }, 3); // a throw fails the test
  assert.equal(twice.events, [{ name: 'inputIgnored', machine: 'pool', input: 'checkIn', state: 'ready', reason: 'checkIn of connection 1, which is available, not checked out' }]);
  assert.equal(twice.actions, []);
  assert.equal([...twice.state.connections.values()].map((c) => c.state), ['available']);
});

test('executor: a reply when no command is in flight is ignored, named with the phase', () => {
  const a = server('a:27017', 'RSPrimary');
  const topo = topologyOf('ReplicaSetWithPrimary', [a]);
  const started = stepExecutor(createExecutor(undefined, 0).state, { type: 'start', operation: find(), topology: topo, random: seededRandom(1) }, 0).state;
  assert.is(started.phase, 'checkingOut');
  const r = stepExecutor(started, { type: 'reply', reply: { ok: 1 } }, 1);
  assert.equal(r.events, [{ name: 'inputIgnored', machine: 'executor', input: 'reply', state: 'checkingOut', reason: 'no command is in flight (phase checkingOut)' }]);
  assert.equal(r.actions, []);
  assert.is(r.state.phase, 'checkingOut');
  // After the outcome nothing fits, not even a timer or a topology change.
  const sent = stepExecutor(started, { type: 'checkedOut', connection: connection(1, a) }, 1).state;
  const finished = stepExecutor(sent, { type: 'reply', reply: { ok: 1 } }, 2).state;
  assert.is(finished.phase, 'done');
  for (const input of [{ type: 'timerFired' }, { type: 'topologyChanged', topology: topo }] as const) {
    const late = stepExecutor(finished, input, 3);
    assert.equal(late.events, [{ name: 'inputIgnored', machine: 'executor', input: input.type, state: 'done', reason: 'the operation is done' }], input.type);
    assert.equal(late.actions, [], input.type);
  }
});

test.run();
