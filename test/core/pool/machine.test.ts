// One scenario per CMAP rule, driven step by step through the pure pool machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoInvalidArgumentError, MongoNetworkError } from '../../../core/errors.js';
import {
  createPool,
  maxWaitQueueLength,
  poolCounts,
  PoolClearedError,
  PoolClearedOnNetworkError,
  PoolClosedError,
  stepPool,
  WaitQueueFullError,
  WaitQueueTimeoutError,
} from '../../../core/pool/index.js';
import { address, PoolHarness } from './harness.js';

test('a new pool is paused, reports the options the user set, and checkOut on it fails retryably', () => {
  const h = new PoolHarness({ maxPoolSize: 5, minPoolSize: 1 });
  assert.equal(h.events, [{ name: 'connectionPoolCreated', address, options: { maxPoolSize: 5, minPoolSize: 1 } }]);
  assert.is(h.state.status, 'paused');
  // Paused: no background population even with minPoolSize.
  assert.equal(h.actions, []);
  const r = h.checkOut();
  assert.equal(h.eventNames(), ['connectionCheckOutStarted', 'connectionCheckOutFailed']);
  assert.ok(h.failureOf(r) instanceof PoolClearedError);
  assert.ok(h.failureOf(r) instanceof MongoNetworkError, 'PoolClearedError is a network error, so retryable');
  assert.equal((h.events[1] as { reason: string }).reason, 'connectionError');
});

test('checkOut on a ready pool creates, establishes and hands out connection 1, then reuses it', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  assert.equal(h.eventNames(), ['connectionPoolReady']);
  const r = h.checkOut();
  assert.equal(h.eventNames(), ['connectionCheckOutStarted', 'connectionCreated']);
  assert.equal(h.actions, [{ type: 'establish', connectionId: 1, address, generation: 0 }]);
  h.at(7, { type: 'established', connectionId: 1 });
  assert.equal(h.events, [
    { name: 'connectionReady', address, connectionId: 1, durationMS: 7 },
    { name: 'connectionCheckedOut', address, connectionId: 1, durationMS: 7 },
  ]);
  assert.equal(h.actions, [{ type: 'deliver', requestId: r, connectionId: 1 }]);
  h.at(9, { type: 'checkIn', connectionId: 1 });
  assert.equal(h.eventNames(), ['connectionCheckedIn']);
  assert.equal(poolCounts(h.state), { total: 1, available: 1, pending: 0, inUse: 0 });
  const r2 = h.checkOut();
  assert.is(h.deliveredTo(r2), 1);
  assert.equal(h.eventNames(), ['connectionCheckOutStarted', 'connectionCheckedOut']);
});

test('maxPoolSize: requests beyond it wait, in FIFO order, for checked-in connections', () => {
  const h = new PoolHarness({ maxPoolSize: 2 });
  h.step({ type: 'ready' });
  const a = h.checkOutEstablished();
  const b = h.checkOutEstablished();
  const r3 = h.checkOut();
  const r4 = h.checkOut();
  assert.equal(h.establishIds(), [], 'no third connection above maxPoolSize');
  assert.is(h.state.waitQueue.length, 2);
  h.step({ type: 'checkIn', connectionId: b });
  assert.is(h.deliveredTo(r3), b, 'the older request is served first');
  assert.is(h.deliveredTo(r4), undefined);
  h.step({ type: 'checkIn', connectionId: a });
  assert.is(h.deliveredTo(r4), a);
  assert.is(h.state.connections.size, 2);
});

test('maxPoolSize 0 means no limit', () => {
  const h = new PoolHarness({ maxPoolSize: 0, maxConnecting: 1000 });
  h.step({ type: 'ready' });
  for (let i = 0; i < 150; i++) h.checkOut();
  assert.is(h.state.connections.size, 150);
  assert.is(h.state.waitQueue.length, 0);
});

test('maxConnecting: at most that many connections are established at once', () => {
  const h = new PoolHarness({ maxConnecting: 2, maxPoolSize: 10 });
  h.step({ type: 'ready' });
  const r1 = h.checkOut();
  const r2 = h.checkOut();
  const r3 = h.checkOut();
  assert.equal(h.establishIds(), [], 'the third request waits for a connecting slot');
  assert.equal(poolCounts(h.state).pending, 2);
  assert.equal(h.state.waitQueue.map((w) => w.requestId), [r3]);
  h.step({ type: 'established', connectionId: 2 });
  assert.is(h.deliveredTo(r2), 2);
  assert.equal(h.establishIds(), [3], 'a freed slot goes to the waiting request');
  h.step({ type: 'established', connectionId: 1 });
  assert.is(h.deliveredTo(r1), 1);
  h.step({ type: 'established', connectionId: 3 });
  assert.is(h.deliveredTo(r3), 3);
});

test('a connection checked in while requests wait for a connecting slot goes to the front request', () => {
  // Mirrors the integration test pool-checkout-returned-connection-maxConnecting.
  const h = new PoolHarness({ maxConnecting: 2, maxPoolSize: 10 });
  h.step({ type: 'ready' });
  const conn0 = h.checkOutEstablished();
  h.checkOut();
  h.checkOut();
  const r3 = h.checkOut();
  h.step({ type: 'checkIn', connectionId: conn0 });
  assert.is(h.deliveredTo(r3), conn0);
});

test('minPoolSize: populated in the background once ready, within maxConnecting', () => {
  const h = new PoolHarness({ minPoolSize: 3, maxConnecting: 2 });
  assert.equal(h.actions, []);
  h.step({ type: 'ready' });
  assert.equal(h.eventNames(), ['connectionPoolReady', 'connectionCreated', 'connectionCreated']);
  assert.equal(h.establishIds(), [1, 2]);
  h.step({ type: 'established', connectionId: 1 });
  assert.equal(h.eventNames(), ['connectionReady', 'connectionCreated']);
  assert.equal(h.establishIds(), [3]);
  h.step({ type: 'established', connectionId: 2 });
  h.step({ type: 'established', connectionId: 3 });
  assert.equal(poolCounts(h.state), { total: 3, available: 3, pending: 0, inUse: 0 });
  assert.equal(h.establishIds(), [], 'no more than minPoolSize');
  // A background connection serves a checkOut without a new handshake.
  const r = h.checkOut();
  assert.is(h.deliveredTo(r), 3, 'the most recently available connection first');
});

test('minPoolSize: a closed connection is replaced; a cleared pool repopulates only after ready', () => {
  const h = new PoolHarness({ minPoolSize: 1 });
  h.step({ type: 'ready' });
  h.step({ type: 'established', connectionId: 1 });
  h.step({ type: 'connectionFailed', connectionId: 1, error: new MongoNetworkError('reset') });
  assert.equal(h.closedReasons(), [[1, 'error']]);
  assert.equal(h.establishIds(), [2], 'replaced at once');
  h.step({ type: 'established', connectionId: 2 });
  h.step({ type: 'clear' });
  assert.equal(h.eventNames(), ['connectionPoolCleared', 'connectionClosed']);
  assert.equal(h.closedReasons(), [[2, 'stale']]);
  assert.equal(h.establishIds(), [], 'paused: no population');
  h.step({ type: 'ready' });
  assert.equal(h.eventNames(), ['connectionPoolReady', 'connectionCreated'], 'PoolReady comes before population');
  assert.equal(h.actions, [{ type: 'establish', connectionId: 3, address, generation: 1 }]);
});

test('maxIdleTimeMS: an idle available connection is closed when its time comes', () => {
  const h = new PoolHarness({ maxIdleTimeMS: 100 });
  h.step({ type: 'ready' });
  const c = h.checkOutEstablished();
  h.at(10, { type: 'checkIn', connectionId: c });
  assert.is(h.wakeAt(), 110);
  h.at(109, { type: 'timerFired' });
  assert.equal(h.events, [], 'not idle yet');
  h.at(110, { type: 'timerFired' });
  assert.equal(h.closedReasons(), [[c, 'idle']]);
  assert.equal(h.actions, [{ type: 'closeConnection', connectionId: c, reason: 'idle' }]);
  assert.is(h.state.connections.size, 0);
});

test('maxIdleTimeMS: checkOut skips an idle connection even if the timer has not fired yet', () => {
  const h = new PoolHarness({ maxIdleTimeMS: 100 });
  h.step({ type: 'ready' });
  const c = h.checkOutEstablished();
  h.at(0, { type: 'checkIn', connectionId: c });
  h.at(500, { type: 'checkOut', requestId: 99 });
  assert.equal(h.eventNames(), ['connectionClosed', 'connectionCheckOutStarted', 'connectionCreated']);
  assert.equal(h.establishIds(), [c + 1]);
});

test('maxIdleTimeMS 0: connections never become idle', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  const c = h.checkOutEstablished();
  h.step({ type: 'checkIn', connectionId: c });
  assert.is(h.wakeAt(), undefined);
  h.at(1e9, { type: 'timerFired' });
  assert.equal(h.events, []);
});

test('waitQueueTimeoutMS: a queued checkOut fails with WaitQueueTimeoutError at its deadline', () => {
  const h = new PoolHarness({ maxPoolSize: 1, waitQueueTimeoutMS: 50 });
  h.step({ type: 'ready' });
  const c = h.checkOutEstablished();
  h.at(20, { type: 'checkOut', requestId: 42 });
  assert.is(h.wakeAt(), 70);
  h.at(69, { type: 'timerFired' });
  assert.equal(h.events, []);
  h.at(70, { type: 'timerFired' });
  const err = h.failureOf(42);
  assert.ok(err instanceof WaitQueueTimeoutError);
  assert.is(err.message, 'Timed out while checking out a connection from connection pool');
  assert.is((err as WaitQueueTimeoutError).address, address);
  assert.equal(h.events, [{ name: 'connectionCheckOutFailed', address, reason: 'timeout', durationMS: 50, error: err }]);
  // The connection checked in later is simply available.
  h.at(80, { type: 'checkIn', connectionId: c });
  assert.equal(h.actionTypes(), []);
});

test('a request deadline earlier than waitQueueTimeoutMS wins; a served request never times out', () => {
  const h = new PoolHarness({ maxPoolSize: 1, waitQueueTimeoutMS: 1000 });
  h.step({ type: 'ready' });
  const c = h.checkOutEstablished();
  h.at(0, { type: 'checkOut', requestId: 7, deadlineMs: 30 });
  h.at(0, { type: 'checkOut', requestId: 8 });
  assert.is(h.wakeAt(), undefined, 'the earliest deadline (30) was already asked for');
  assert.is(h.state.wakeAtMs, 30);
  h.at(30, { type: 'timerFired' });
  assert.ok(h.failureOf(7) instanceof WaitQueueTimeoutError);
  assert.is(h.wakeAt(), 1000);
  h.at(40, { type: 'checkIn', connectionId: c });
  assert.is(h.deliveredTo(8), c);
  h.at(1000, { type: 'timerFired' });
  assert.equal(h.actions, []);
});

test('a timed-out request loses its place; the next one is served', () => {
  const h = new PoolHarness({ maxPoolSize: 1, waitQueueTimeoutMS: 10 });
  h.step({ type: 'ready' });
  const c = h.checkOutEstablished();
  h.at(0, { type: 'checkOut', requestId: 1 });
  h.at(5, { type: 'checkOut', requestId: 2 });
  // The runtime is late: the first deadline passed before checkIn is reported.
  h.at(12, { type: 'checkIn', connectionId: c });
  assert.ok(h.failureOf(1) instanceof WaitQueueTimeoutError);
  assert.is(h.deliveredTo(2), c);
  assert.equal(h.eventNames(), ['connectionCheckOutFailed', 'connectionCheckedIn', 'connectionCheckedOut']);
});

test('clear: bumps the generation, pauses, evicts the WaitQueue and closes available connections as stale', () => {
  const h = new PoolHarness({ maxPoolSize: 2 });
  h.step({ type: 'ready' });
  const a = h.checkOutEstablished();
  const b = h.checkOutEstablished();
  h.step({ type: 'checkIn', connectionId: b });
  h.checkOutEstablished();
  h.step({ type: 'checkIn', connectionId: b });
  h.checkOut();
  const waiting = h.checkOut();
  h.checkOut();
  assert.is(h.state.waitQueue.length, 2);
  h.step({ type: 'clear' });
  assert.is(h.state.generation, 1);
  assert.is(h.state.status, 'paused');
  assert.equal(h.eventNames(), ['connectionPoolCleared', 'connectionCheckOutFailed', 'connectionCheckOutFailed']);
  assert.equal(h.events[0], { name: 'connectionPoolCleared', address, serviceId: undefined, interruptInUseConnections: false });
  assert.ok(h.failureOf(waiting) instanceof PoolClearedError);
  // In-use connections stay checked out until they come back, then close as stale.
  h.step({ type: 'checkIn', connectionId: a });
  assert.equal(h.closedReasons(), [[a, 'stale']]);
});

test('PoolClearedError quotes the error that cleared the pool, bounded; a later clear without one drops it', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  h.step({ type: 'clear', cause: new MongoNetworkError('connection reset by peer') });
  const r = h.checkOut();
  assert.is(h.failureOf(r)?.message, `Connection pool for ${address} was cleared because another operation failed with: "connection reset by peer"`);
  h.step({ type: 'clear', cause: new MongoNetworkError('x'.repeat(5000)) });
  const long = h.failureOf(h.checkOut())?.message ?? '';
  assert.ok(long.length < 500, `message of ${long.length} characters`);
  h.step({ type: 'clear' });
  assert.is(h.failureOf(h.checkOut())?.message, `Connection pool for ${address} was cleared because another operation failed`);
});

test('clear on a paused pool emits no event but still bumps the generation', () => {
  const h = new PoolHarness();
  h.step({ type: 'clear' });
  assert.equal(h.events, []);
  assert.is(h.state.generation, 1);
  h.step({ type: 'ready' });
  h.step({ type: 'ready' });
  assert.equal(h.events, [], 'ready on a ready pool is silent');
  h.step({ type: 'clear' });
  assert.equal(h.eventNames(), ['connectionPoolCleared']);
  h.step({ type: 'clear' });
  assert.equal(h.events, []);
  assert.is(h.state.generation, 3);
});

test('a connection whose handshake finishes after a clear is closed as stale and its checkOut fails', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  const r = h.checkOut();
  h.step({ type: 'clear' });
  h.step({ type: 'ready' });
  h.step({ type: 'established', connectionId: 1 });
  assert.equal(h.closedReasons(), [[1, 'stale']]);
  assert.ok(h.failureOf(r) instanceof PoolClearedError);
  assert.equal(poolCounts(h.state).total, 0);
  // Connections created after the clear carry the new generation and are handed out.
  const c = h.checkOutEstablished();
  assert.is(c, 2);
  assert.is(h.state.connections.get(c)?.generation, 1);
});

test('interruptInUseConnections: in-use connections are interrupted, pending ones closed', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  const inUse = h.checkOutEstablished();
  const pendingRequest = h.checkOut();
  const pendingId = h.establishIds()[0]!;
  h.step({ type: 'clear', interruptInUseConnections: true });
  assert.equal(h.eventNames(), ['connectionPoolCleared', 'connectionClosed', 'connectionCheckOutFailed']);
  assert.equal((h.events[0] as { interruptInUseConnections: boolean }).interruptInUseConnections, true);
  assert.equal(h.closedReasons(), [[pendingId, 'stale']]);
  assert.ok(h.failureOf(pendingRequest) instanceof PoolClearedError);
  const interrupt = h.actions.find((a) => a.type === 'interruptConnection');
  assert.ok(interrupt !== undefined && interrupt.type === 'interruptConnection' && interrupt.connectionId === inUse);
  assert.ok(interrupt.error instanceof PoolClearedOnNetworkError);
  assert.is(interrupt.error.message, `Connection to ${address} interrupted due to server monitor timeout`);
  // The late handshake report of the closed pending connection is ignored.
  h.step({ type: 'established', connectionId: pendingId });
  assert.equal(h.actions, []);
  // The interrupted connection closes when checked in.
  h.step({ type: 'checkIn', connectionId: inUse });
  assert.equal(h.closedReasons(), [[inUse, 'stale']]);
});

test('interruptInUseConnections only interrupts connections of the generation before the clear', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  const old = h.checkOutEstablished();
  h.step({ type: 'clear' });
  h.step({ type: 'ready' });
  const fresh = h.checkOutEstablished();
  h.step({ type: 'clear', interruptInUseConnections: true });
  const interrupted = h.actions.flatMap((a) => (a.type === 'interruptConnection' ? [a.connectionId] : []));
  assert.equal(interrupted, [old, fresh]);
  h.step({ type: 'ready' });
  const newest = h.checkOutEstablished();
  h.step({ type: 'clear', interruptInUseConnections: false });
  assert.equal(h.actions.filter((a) => a.type === 'interruptConnection'), []);
  assert.ok(newest > fresh);
});

test('close: fails waiting and pending checkOuts, closes available and pending connections, then PoolClosed', () => {
  const h = new PoolHarness({ maxPoolSize: 3 });
  h.step({ type: 'ready' });
  const inUse = h.checkOutEstablished();
  const avail = h.checkOutEstablished();
  h.step({ type: 'checkIn', connectionId: avail });
  h.checkOutEstablished(); // takes `avail` again
  h.step({ type: 'checkIn', connectionId: avail });
  // Fill the pool: one pending for r1, r2 waits.
  const other = h.checkOutEstablished();
  assert.is(other, avail);
  const r1 = h.checkOut();
  const r2 = h.checkOut();
  h.step({ type: 'close' });
  assert.ok(h.failureOf(r1) instanceof PoolClosedError);
  assert.ok(h.failureOf(r2) instanceof PoolClosedError);
  assert.is(h.events.at(-1)?.name, 'connectionPoolClosed');
  assert.equal(
    h.events.filter((e) => e.name === 'connectionCheckOutFailed').map((e) => (e as { reason: string }).reason),
    ['poolClosed', 'poolClosed'],
  );
  assert.is(poolCounts(h.state).pending, 0);
  // In-use connections close on checkIn with reason poolClosed.
  h.step({ type: 'checkIn', connectionId: inUse });
  assert.equal(h.eventNames(), ['connectionCheckedIn', 'connectionClosed']);
  assert.equal(h.closedReasons(), [[inUse, 'poolClosed']]);
  // A closed pool stays closed and refuses checkOut; ready/clear/close no longer fit (core/machine.ts rule (b)).
  for (const type of ['ready', 'clear', 'close'] as const) {
    h.step({ type });
    assert.equal(h.actions, [], type);
    assert.equal(h.events.map((e) => (e.name === 'inputIgnored' ? `${e.input}:${e.state}` : e.name)), [`${type}:closed`], type);
  }
  const r3 = h.checkOut();
  const err = h.failureOf(r3);
  assert.ok(err instanceof PoolClosedError);
  assert.is(err.message, 'Attempted to check out a connection from closed connection pool');
});

test('close closes the available connections with reason poolClosed before PoolClosed', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  const a = h.checkOutEstablished();
  h.step({ type: 'checkIn', connectionId: a });
  h.step({ type: 'close' });
  assert.equal(h.eventNames(), ['connectionClosed', 'connectionPoolClosed']);
  assert.equal(h.actions, [{ type: 'closeConnection', connectionId: a, reason: 'poolClosed' }]);
});

test('a failed handshake closes the connection (reason error) and fails its checkOut with that error', () => {
  const h = new PoolHarness({ maxPoolSize: 1 });
  h.step({ type: 'ready' });
  const r1 = h.checkOut();
  const r2 = h.checkOut();
  const boom = new MongoNetworkError('connect ECONNREFUSED');
  h.step({ type: 'establishmentFailed', connectionId: 1, error: boom });
  assert.equal(h.eventNames(), ['connectionClosed', 'connectionCheckOutFailed', 'connectionCreated']);
  assert.is(h.failureOf(r1), boom);
  const closed = h.events[0];
  assert.ok(closed?.name === 'connectionClosed' && closed.error === boom && closed.reason === 'error');
  assert.equal(h.establishIds(), [2], 'the freed slot serves the next request');
  h.step({ type: 'established', connectionId: 2 });
  assert.is(h.deliveredTo(r2), 2);
});

test('a broken in-use connection closes on checkIn; a broken available one closes at once', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  const a = h.checkOutEstablished();
  const b = h.checkOutEstablished();
  h.step({ type: 'checkIn', connectionId: b });
  const err = new MongoNetworkError('socket hang up');
  h.step({ type: 'connectionFailed', connectionId: a, error: err });
  assert.equal(h.events, []);
  h.step({ type: 'checkIn', connectionId: a });
  assert.equal(h.closedReasons(), [[a, 'error']]);
  h.step({ type: 'connectionFailed', connectionId: b, error: err });
  assert.equal(h.closedReasons(), [[b, 'error']]);
  // Reports about connections the pool no longer has are late races, ignored.
  h.step({ type: 'connectionFailed', connectionId: b, error: err });
  assert.equal(h.actions, []);
});

test('load-balanced: clear(serviceId) bumps only that service and neither pauses nor evicts the queue', () => {
  const h = new PoolHarness({ loadBalanced: true, maxPoolSize: 2 });
  h.step({ type: 'ready' });
  const r1 = h.checkOut();
  h.step({ type: 'established', connectionId: 1, serviceId: 'aaa' });
  assert.is(h.deliveredTo(r1), 1);
  const r2 = h.checkOut();
  h.step({ type: 'established', connectionId: 2, serviceId: 'bbb' });
  assert.is(h.deliveredTo(r2), 2);
  const r3 = h.checkOut();
  h.step({ type: 'clear', serviceId: 'aaa' });
  assert.equal(h.events, [{ name: 'connectionPoolCleared', address, serviceId: 'aaa', interruptInUseConnections: false }]);
  assert.is(h.state.status, 'ready');
  assert.equal(h.state.waitQueue.map((w) => w.requestId), [r3]);
  h.step({ type: 'checkIn', connectionId: 2 });
  assert.is(h.deliveredTo(r3), 2, 'service bbb is not stale');
  h.step({ type: 'checkIn', connectionId: 1 });
  assert.equal(h.closedReasons(), [[1, 'stale']]);
  assert.equal([...h.state.serviceGenerations.keys()], ['bbb'], 'an entry goes once its last connection closes');
  assert.throws(() => h.step({ type: 'clear' }), (e: unknown) => e instanceof MongoInvalidArgumentError && /serviceId/.test((e as Error).message));
  h.checkOut();
  assert.equal(h.establishIds(), [3]);
  assert.throws(() => h.step({ type: 'established', connectionId: 3 }), (e: unknown) => e instanceof MongoInvalidArgumentError);
});

test('load-balanced: interruptInUseConnections interrupts only that service', () => {
  const h = new PoolHarness({ loadBalanced: true });
  h.step({ type: 'ready' });
  h.checkOut();
  h.step({ type: 'established', connectionId: 1, serviceId: 'aaa' });
  h.checkOut();
  h.step({ type: 'established', connectionId: 2, serviceId: 'bbb' });
  h.step({ type: 'clear', serviceId: 'bbb', interruptInUseConnections: true });
  assert.equal(h.actions.map((a) => (a.type === 'interruptConnection' ? a.connectionId : a.type)), [2]);
});

test('the wait queue is bounded; beyond the bound checkOut fails at once', () => {
  const h = new PoolHarness({ maxPoolSize: 1 });
  h.step({ type: 'ready' });
  h.checkOutEstablished();
  // A full queue built directly (the state is plain data): filling it one step at a time would
  // cost maxWaitQueueLength steps each copying the queue.
  const state = { ...h.state, waitQueue: Array.from({ length: maxWaitQueueLength }, (_, i) => ({ requestId: 1000 + i, startedAtMs: 0, deadlineMs: null })) };
  assert.is(stepPool(state, { type: 'timerFired' }, 0).state.waitQueue.length, maxWaitQueueLength, 'a full queue is a sound state');
  const over = stepPool(state, { type: 'checkOut', requestId: 1 }, 0);
  const fail = over.actions.find((a) => a.type === 'failRequest');
  assert.ok(fail?.type === 'failRequest' && fail.error instanceof WaitQueueFullError);
  assert.is(over.state.waitQueue.length, maxWaitQueueLength);
});

test('misuse is rejected with MongoInvalidArgumentError naming the problem, leaving the state usable', () => {
  const h = new PoolHarness();
  h.step({ type: 'ready' });
  const before = h.state;
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof MongoInvalidArgumentError && pattern.test((e as Error).message));
  rejects(() => stepPool(before, { type: 'checkIn', connectionId: 5 }, 0), /checkIn of connection 5, which the pool for .* did not create/);
  rejects(() => stepPool(before, { type: 'checkOut', requestId: 1.5 }, 0), /requestId/);
  const queued = stepPool(before, { type: 'checkOut', requestId: 1 }, 0).state;
  // Inputs that do not fit the state, and an earlier now, are not misuse: core/machine.ts
  // ignores / clamps them with an event (test/core/machine-contract.test.ts has the rule).
  assert.equal(stepPool(queued, { type: 'checkOut', requestId: 1 }, 0).events.map((e) => e.name), ['inputIgnored']);
  assert.equal(stepPool(queued, { type: 'checkIn', connectionId: 1 }, 0).events.map((e) => e.name), ['inputIgnored']);
  rejects(() => stepPool(before, { type: 'ready' }, Number.NaN), /finite/);
  const later = stepPool(before, { type: 'timerFired' }, 100).state;
  assert.equal(stepPool(later, { type: 'timerFired' }, 99).events, [{ name: 'clockWentBackwards', machine: 'pool', nowMs: 99, lastNowMs: 100 }]);
  rejects(() => stepPool(before, { type: 'clear', serviceId: 'x' }, 0), /non-load-balanced/);
  rejects(() => stepPool(before, { type: 'bogus' } as never, 0), /Unknown pool input type "bogus"/);
  rejects(() => createPool({ address: '' }, 0), /address/);
  // The failed steps changed nothing: `before` still works.
  assert.is(stepPool(before, { type: 'checkOut', requestId: 3 }, 0).state.connections.size, 1);
});

test.run();
