// The public API of core/executor, used the way a runtime would: start, carry out actions,
// feed results back, until `complete` or `fail`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoNetworkError } from '../../../core/errors.js';
import * as executor from '../../../core/executor/index.js';
import type { ExecutorInput, ExecutorState } from '../../../core/executor/index.js';
import { connection, insertOne, seededRandom, server, topology } from './helpers.js';

test('a runtime loop: a write fails over to the new primary and completes', () => {
  const a = server('a:27017', 'RSPrimary');
  const b = server('b:27017', 'RSPrimary');
  const before = topology('ReplicaSetWithPrimary', [a, server('b:27017', 'RSSecondary')]);
  const after = topology('ReplicaSetWithPrimary', [server('a:27017', 'Unknown'), b]);
  let now = 0;
  let state: ExecutorState = executor.createExecutor(undefined, now).state;
  let current = before;
  let nextConnectionId = 1;
  let attemptOnA = true;
  const queue: ExecutorInput[] = [{ type: 'start', operation: insertOne(), topology: before, random: seededRandom(3) }];
  const outcomes: string[] = [];
  for (let guard = 0; queue.length > 0 && guard < 50; guard++) {
    const step = executor.stepExecutor(state, queue.shift()!, now);
    state = step.state;
    for (const action of step.actions) {
      switch (action.type) {
        case 'checkOut':
          queue.push({ type: 'checkedOut', connection: connection(nextConnectionId++, current.servers.get(action.address)!) });
          break;
        case 'send':
          now += 5;
          if (attemptOnA) {
            attemptOnA = false;
            queue.push({ type: 'networkError', error: new MongoNetworkError('primary went away') });
          } else {
            queue.push({ type: 'reply', reply: { ok: 1, n: 1 } });
          }
          break;
        case 'applicationError':
          // What SDAM would do: mark a Unknown; here b is already primary.
          current = after;
          queue.push({ type: 'topologyChanged', topology: current });
          break;
        case 'wakeAt':
          queue.push({ type: 'timerFired' });
          break;
        case 'complete':
        case 'fail':
          outcomes.push(action.type);
          break;
        default:
          break;
      }
    }
  }
  assert.equal(outcomes, ['complete']);
  assert.ok(executor.isExecutorDone(state));
  assert.equal(executor.executorInvariantViolations(state), []);
  assert.is(state.phase === 'done' ? state.attempt : -1, 2);
});

test('invariant checker names each broken invariant', () => {
  const good = executor.createExecutor(undefined, 0).state;
  assert.equal(executor.executorInvariantViolations(good), []);
  // Hand-built states that break the phase types: the checker reads them defensively.
  const broken = {
    ...good,
    phase: 'awaitingReply',
    attempt: 3,
    commandsStarted: 2,
    commandsFinished: 0,
    failures: [{ error: new Error('x'), phase: 'command', address: 'a' }],
    deprioritized: ['a', 'b'],
  } as unknown as ExecutorState;
  const problems = executor.executorInvariantViolations(broken);
  for (const part of ['attempt 3', 'without an operation', 'without a command in flight', 'without a connection held', 'without a selected server', '2 commands started', 'deprioritized']) {
    assert.ok(problems.some((p) => p.includes(part)), `expected a problem naming "${part}" in ${JSON.stringify(problems)}`);
  }
  const idleWithOperation = executor.executorInvariantViolations({ ...good, phase: 'idle', operation: {} as never, outcome: { kind: 'completed', reply: {} }, commandsStarted: 1, failures: [{ error: new Error('x'), phase: 'command', address: 'a' }] } as unknown as ExecutorState);
  for (const part of ['phase idle with an operation', 'with an outcome', '1 commands sent in 0 attempts', '1 failures in 0 attempts', 'phase idle holds operation']) {
    assert.ok(idleWithOperation.some((p) => p.includes(part)), `expected "${part}" in ${JSON.stringify(idleWithOperation)}`);
  }
});

test('public constants', () => {
  assert.is(executor.maxAttempts, 2);
  assert.is(executor.defaultRetryReads, true);
  assert.is(executor.defaultRetryWrites, true);
  assert.is(executor.serverLabelsRetryableWritesFromWireVersion, 9);
});

test.run();
