// The invariant checker must catch broken states, or the machine's self-checks and the
// property tests could pass on a checker that never complains.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maxWaitQueueLength, poolInvariantViolations, type PoolState, type PooledConnection } from '../../../core/pool/index.js';
import { PoolHarness } from './harness.js';

function readyPoolWithOneAvailable(options = {}): PoolState {
  const h = new PoolHarness({ maxPoolSize: 2, maxConnecting: 1, ...options });
  h.step({ type: 'ready' });
  const id = h.checkOutEstablished();
  h.step({ type: 'checkIn', connectionId: id });
  return h.state;
}

const conn = (id: number, patch: Partial<PooledConnection> = {}): PooledConnection => ({
  id,
  generation: 0,
  serviceId: null,
  state: 'inUse',
  createdAtMs: 0,
  availableSinceMs: null,
  request: null,
  error: null,
  ...patch,
});

test('a sound state has no violations', () => {
  assert.equal(poolInvariantViolations(readyPoolWithOneAvailable()), []);
});

const broken: Array<[string, (s: PoolState) => PoolState, RegExp]> = [
  ['more connections than maxPoolSize', (s) => ({ ...s, nextConnectionId: 9, connections: new Map([...s.connections, [2, conn(2)], [3, conn(3)]]) }), /exceed the limit 2/],
  ['more pending than maxConnecting', (s) => ({ ...s, nextConnectionId: 9, connections: new Map([...s.connections, [2, conn(2, { state: 'pending' })], [3, conn(3, { state: 'pending' })]]) }), /exceed maxConnecting 1/],
  ['an id stored under another key', (s) => ({ ...s, connections: new Map([[1, conn(5)]]), available: [] }), /stored under id 1 has id 5/],
  ['an id never handed out', (s) => ({ ...s, connections: new Map([[1, conn(1)]]), available: [], nextConnectionId: 1 }), /outside \[1, 1\)/],
  ['available without a time', (s) => ({ ...s, connections: new Map([[1, conn(1, { state: 'available' })]]) }), /available with availableSinceMs null/],
  ['an in-use connection still holding a request', (s) => ({ ...s, connections: new Map([[1, conn(1, { request: { requestId: 4, startedAtMs: 0 } })]]), available: [] }), /still holds request 4/],
  ['an available list out of step', (s) => ({ ...s, available: [1, 1] }), /duplicates/],
  ['an available list naming an in-use connection', (s) => ({ ...s, connections: new Map([[1, conn(1)]]) }), /which is not available/],
  ['a request both queued and served', (s) => ({ ...s, connections: new Map([[1, conn(1, { state: 'pending', request: { requestId: 3, startedAtMs: 0 } })]]), available: [], waitQueue: [{ requestId: 3, startedAtMs: 0, deadlineMs: null }] }), /both queued and served/],
  ['a paused pool with waiters', (s) => ({ ...s, status: 'paused', waitQueue: [{ requestId: 3, startedAtMs: 0, deadlineMs: null }] }), /paused pool has 1 queued/],
  ['a closed pool with available connections', (s) => ({ ...s, status: 'closed' }), /closed pool still has/],
  ['waiters while a connection is available', (s) => ({ ...s, waitQueue: [{ requestId: 3, startedAtMs: 0, deadlineMs: null }] }), /wait while connections are available/],
  ['waiters while a connection could be created', (s) => ({ ...s, connections: new Map(), available: [], waitQueue: [{ requestId: 3, startedAtMs: 0, deadlineMs: null }] }), /could be created/],
  ['an oversized wait queue', (s) => ({ ...s, status: 'paused', waitQueue: Array.from({ length: maxWaitQueueLength + 1 }, (_, i) => ({ requestId: i, startedAtMs: 0, deadlineMs: null })) }), /exceeds/],
  ['service generations outside load-balanced mode', (s) => ({ ...s, serviceGenerations: new Map([['a', { generation: 0, connectionCount: 0 }]]) }), /non-load-balanced pool tracks/],
];

for (const [what, corrupt, message] of broken) {
  test(`detects ${what}`, () => {
    const violations = poolInvariantViolations(corrupt(readyPoolWithOneAvailable()));
    assert.ok(violations.some((v) => message.test(v)), `got ${JSON.stringify(violations)}`);
  });
}

test('detects an empty service entry in load-balanced mode', () => {
  const h = new PoolHarness({ loadBalanced: true });
  assert.equal(poolInvariantViolations(h.state), []);
  const violations = poolInvariantViolations({ ...h.state, serviceGenerations: new Map([['svc', { generation: 2, connectionCount: 0 }]]) });
  assert.equal(violations, ['service svc is tracked with 0 connections']);
});

test.run();
