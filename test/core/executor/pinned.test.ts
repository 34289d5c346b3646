// Operations pinned to a server (server-selection.md "Cursors": getMore and killCursors "do not
// go through the server selection process"): no selection, no waiting, no retry, and a dead or
// removed server fails them at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoError, MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from '../../../core/errors.js';
import { PoolClearedError, PoolClosedError } from '../../../core/pool/errors.js';
import { readPreference } from '../../../core/selection/read-preference.js';
import { executorInvariantViolations } from '../../../core/executor/invariants.js';
import { createExecutor, stepExecutor } from '../../../core/executor/machine.js';
import { MongoServerClosedError } from '../../../core/executor/pinned.js';
import type { ExecutorState } from '../../../core/executor/types.js';
import { Run, connection, selectedServer, find, insertOne, lsid, server, topology } from './helpers.js';

const a = 'a:27017';
const b = 'b:27017';
const primaryA = server(a, 'RSPrimary');
const secondaryB = server(b, 'RSSecondary');
const unknownB = server(b, 'Unknown');
const rsAB = topology('ReplicaSetWithPrimary', [primaryA, secondaryB]);

function getMore(pinnedAddress: string | null, fields: Parameters<typeof find>[0] = {}) {
  return find({ command: { getMore: 42, collection: 'coll' }, pinnedAddress, ...fields });
}

test('a pinned getMore checks out from its server at once, even a secondary under mode primary', () => {
  const run = new Run();
  const actions = run.start(getMore(b), rsAB, 1000);
  // Selection with mode primary would have picked a; the pinned operation goes to b directly.
  assert.equal(actions, [{ type: 'checkOut', address: b, attempt: 1 }]);
  assert.is(selectedServer(run.state).address, b);
  run.step({ type: 'checkedOut', connection: connection(1, secondaryB) }, 1001);
  const send = run.lastOf('send')!;
  assert.is(send.address, b);
  // A replica set member under mode primary gets no $readPreference; the session still goes along.
  assert.equal(send.command, { getMore: 42, collection: 'coll', lsid });
  run.step({ type: 'reply', reply: { ok: 1, cursor: { id: 0, nextBatch: [] } } }, 1003);
  assert.equal(run.outcome(), { type: 'complete', reply: { ok: 1, cursor: { id: 0, nextBatch: [] } }, attempts: 1, txnNumberUsed: false });
});

test('a pinned operation does not wait for its server to be selectable', () => {
  // b is Unknown and no server is selectable: an unpinned read would wait serverSelectionTimeoutMS.
  const topo = topology('ReplicaSetNoPrimary', [server(a, 'Unknown'), unknownB]);
  const unpinned = new Run();
  unpinned.start(find(), topo, 0);
  assert.equal(unpinned.of('wakeAt'), [{ type: 'wakeAt', atMs: 30_000 }], 'the unpinned read waits');
  const run = new Run();
  assert.equal(run.start(getMore(b), topo, 0), [{ type: 'checkOut', address: b, attempt: 1 }]);
  assert.is(run.of('wakeAt').length + run.of('requestImmediateCheck').length, 0);
});

test('a dead server\'s paused pool fails a pinned read at once with its PoolClearedError, never retried', () => {
  const run = new Run();
  // Even a pinned find, which would otherwise be a retryable read.
  run.start(find({ pinnedAddress: b, readPreference: readPreference('secondary') }), rsAB, 500);
  const cleared = new PoolClearedError(b, 'connection refused');
  run.step({ type: 'checkOutFailed', error: cleared }, 500);
  const fail = run.failed();
  assert.instance(fail.error, PoolClearedError);
  assert.instance(fail.error, MongoNetworkError);
  assert.is(fail.error.message, cleared.message);
  assert.is(fail.address, b);
  assert.is(fail.attempts, 1);
  assert.is(run.eventsNamed('retrying').length, 0);
  assert.is(run.of('checkOut').length, 1);
  // CMAP: the pool was cleared by whoever saw the error; no second SDAM update.
  assert.is(run.of('applicationError').length, 0);
  assert.is(run.state.phase, 'done');
});

test('a network error on a pinned getMore fails it with MongoNetworkError, tells SDAM, and is not retried', () => {
  const run = new Run();
  run.start(getMore(a), rsAB, 0);
  run.step({ type: 'checkedOut', connection: connection(3, primaryA, { generation: 4 }) }, 1);
  run.step({ type: 'networkError', error: new MongoNetworkError('connection reset by peer') }, 7);
  const fail = run.failed();
  assert.instance(fail.error, MongoNetworkError);
  assert.match(fail.error.message, /reset/);
  assert.is(fail.attempts, 1);
  const appErr = run.lastOf('applicationError')!;
  assert.equal([appErr.address, appErr.kind, appErr.connectionGeneration, appErr.handshakeCompleted], [a, 'network', 4, true]);
  const checkIn = run.lastOf('checkIn')!;
  assert.equal([checkIn.connectionId, checkIn.address], [3, a]);
  assert.instance(checkIn.error, MongoNetworkError, 'the connection goes back broken');
  assert.equal(run.eventsNamed('commandFailed').map((e) => e.requestId), [100]);
  assert.is(run.eventsNamed('retrying').length, 0);
  assert.is(run.of('wakeAt').length, 0);
});

test('a failed handshake on the pinned server fails at once with the network error', () => {
  const run = new Run();
  run.start(getMore(b), rsAB, 0);
  run.step({ type: 'checkOutFailed', error: new MongoNetworkError(`connection to ${b} was refused`), connectionGeneration: 2 }, 3);
  const fail = run.failed();
  assert.instance(fail.error, MongoNetworkError);
  const appErr = run.lastOf('applicationError')!;
  assert.equal([appErr.address, appErr.phase, appErr.handshakeCompleted, appErr.connectionGeneration], [b, 'handshake', false, 2]);
  assert.is(run.of('send').length, 0);
});

test('a server no longer in the topology fails the pinned operation at once, naming the address', () => {
  const run = new Run();
  const actions = run.start(getMore('gone:27017'), rsAB, 0);
  assert.is(actions.length, 1);
  const fail = run.failed();
  assert.instance(fail.error, MongoServerClosedError);
  assert.instance(fail.error, MongoError);
  assert.is(fail.error.name, 'MongoServerClosedError');
  assert.is((fail.error as MongoServerClosedError).address, 'gone:27017');
  assert.match(fail.error.message, /gone:27017.*not part of the topology/);
  assert.is(fail.address, null);
  assert.is(run.of('checkOut').length, 0);
});

test('a pool closed under a pinned operation (the server was removed) names the server', () => {
  const run = new Run();
  run.start(getMore(b), rsAB, 0);
  run.step({ type: 'topologyChanged', topology: topology('ReplicaSetWithPrimary', [primaryA]) }, 2);
  assert.is(run.state.phase, 'checkingOut', 'a topology change does not restart a pinned operation');
  run.step({ type: 'checkOutFailed', error: new PoolClosedError(b) }, 2);
  const fail = run.failed();
  assert.instance(fail.error, MongoServerClosedError);
  assert.match(fail.error.message, /b:27017/);
  // An unpinned operation keeps the pool's own error.
  const unpinned = new Run();
  unpinned.start(find(), rsAB, 0);
  unpinned.step({ type: 'checkOutFailed', error: new PoolClosedError(a) }, 1);
  assert.instance(unpinned.failed().error, PoolClosedError);
});

test('a pinned retryable write sends its txnNumber once and is not retried on a retryable error', () => {
  const run = new Run();
  run.start(insertOne({ pinnedAddress: a }), rsAB, 0);
  run.step({ type: 'checkedOut', connection: connection(1, primaryA) }, 0);
  assert.is(run.lastOf('send')!.command.txnNumber, 7n);
  run.step({ type: 'reply', reply: { ok: 0, code: 10107, errmsg: 'not primary', errorLabels: ['RetryableWriteError'] } }, 4);
  const fail = run.failed();
  assert.instance(fail.error, MongoServerError);
  assert.is(fail.attempts, 1);
  assert.is(fail.txnNumberUsed, true);
  assert.is(run.eventsNamed('retrying').length, 0);
});

test('a pinned operation on a direct connection gets the direct-connection read preference', () => {
  const run = new Run();
  run.start(getMore(b), topology('Single', [secondaryB]), 0);
  run.step({ type: 'checkedOut', connection: connection(1, secondaryB) }, 0);
  assert.equal(run.lastOf('send')!.command.$readPreference, { mode: 'primaryPreferred' });
  const mongos = server('m:27017', 'Mongos');
  const sharded = new Run();
  sharded.start(getMore('m:27017', { readPreference: readPreference('secondaryPreferred') }), topology('Sharded', [mongos]), 0);
  sharded.step({ type: 'checkedOut', connection: connection(1, mongos) }, 0);
  assert.equal(sharded.lastOf('send')!.command.$readPreference, { mode: 'secondaryPreferred' });
});

test('a bad pinnedAddress fails the start with an error naming it', () => {
  for (const bad of ['', 27017, {}]) {
    const run = new Run();
    run.start(getMore(bad as never), rsAB, 0);
    const fail = run.failed();
    assert.instance(fail.error, MongoInvalidArgumentError);
    assert.match(fail.error.message, /pinnedAddress/);
  }
  // null means "not pinned": selection as usual.
  const run = new Run();
  assert.equal(run.start(getMore(null), rsAB, 0), [{ type: 'checkOut', address: a, attempt: 1 }]);
});

test('the invariant checker names a pinned operation that strays or retries', () => {
  const started = stepExecutor(createExecutor(undefined, 0).state, { type: 'start', operation: getMore(b), topology: rsAB, random: { int: () => 0 } }, 0).state;
  assert.equal(executorInvariantViolations(started), []);
  if (started.phase !== 'checkingOut') throw new Error(`expected checkingOut, got ${started.phase}`);
  const strayed: ExecutorState = { ...started, server: primaryA };
  assert.ok(executorInvariantViolations(strayed).some((p) => /pinned to b:27017 but using a:27017/.test(p)));
  const retried: ExecutorState = { ...started, attempt: 2 };
  assert.ok(executorInvariantViolations(retried).some((p) => /pinned operation reached attempt 2/.test(p)));
});

test.run();
