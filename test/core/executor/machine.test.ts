import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoInvalidArgumentError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from '../../../core/errors.js';
import { PoolClearedError, WaitQueueTimeoutError } from '../../../core/pool/errors.js';
import { readPreference } from '../../../core/selection/read-preference.js';
import { MongoWriteConcernError } from '../../../core/executor/errors.js';
import { errorLabelsOf } from '../../../core/executor/labels.js';
import { retryableWritesUnsupportedMessage } from '../../../core/executor/constants.js';
import { Run, connection, selectedServer, find, insertOne, lsid, server, topology } from './helpers.js';

const primaryA = server('a:27017', 'RSPrimary');
const primaryB = server('b:27017', 'RSPrimary');
const secondaryB = server('b:27017', 'RSSecondary');
const unknownA = server('a:27017', 'Unknown');
const rsAB = topology('ReplicaSetWithPrimary', [primaryA, secondaryB]);
const rsNoPrimary = topology('ReplicaSetNoPrimary', [unknownA, secondaryB]);
const rsBPrimary = topology('ReplicaSetWithPrimary', [unknownA, primaryB]);

/** Start, check out on the selected server, and return the sent command's request id. */
function sendFirst(run: Run, c = 1, now = 0): number {
  const checkOut = run.lastOf('checkOut');
  assert.ok(checkOut, 'expected a checkOut');
  const s = selectedServer(run.state);
  run.step({ type: 'checkedOut', connection: connection(c, s) }, now);
  return run.lastOf('send')!.requestId;
}

// ---- selection ------------------------------------------------------------------------------

test('selection waits (immediate check + wakeAt), then succeeds on a topology change', () => {
  const run = new Run();
  const actions = run.start(insertOne(), rsNoPrimary, 1000);
  assert.equal(actions, [{ type: 'requestImmediateCheck' }, { type: 'wakeAt', atMs: 31_000 }]);
  assert.is(run.state.phase, 'selecting');
  run.step({ type: 'timerFired' }, 5000); // early timer: still waiting, no second wakeAt
  assert.equal(run.last.actions, [{ type: 'requestImmediateCheck' }]);
  run.step({ type: 'topologyChanged', topology: rsBPrimary }, 6000);
  assert.equal(run.last.actions, [{ type: 'checkOut', address: 'b:27017', attempt: 1 }]);
  sendFirst(run, 1, 6000);
  run.step({ type: 'reply', reply: { ok: 1, n: 1 } }, 6010);
  assert.equal(run.outcome(), { type: 'complete', reply: { ok: 1, n: 1 }, attempts: 1, txnNumberUsed: true });
});

test('selection timeout fails the operation with the selection error, nothing sent', () => {
  const run = new Run();
  run.start(insertOne(), rsNoPrimary, 0, { serverSelectionTimeoutMS: 500 });
  run.step({ type: 'timerFired' }, 500);
  const outcome = run.outcome();
  assert.is(outcome.type, 'fail');
  assert.instance((outcome as { error: Error }).error, MongoServerSelectionError);
  assert.is(run.of('send').length, 0);
  assert.is(run.state.phase, 'done');
});

test('selection events (server-selection.md "Logging"): started, waiting once per selection, then succeeded', () => {
  const run = new Run();
  run.start(insertOne({ operationId: 9 }), rsNoPrimary, 1000);
  run.step({ type: 'timerFired' }, 5000);
  run.step({ type: 'topologyChanged', topology: rsNoPrimary }, 5500);
  run.step({ type: 'topologyChanged', topology: rsBPrimary }, 6000);
  const selection = run.events.filter((e) => e.name.startsWith('serverSelection'));
  assert.equal(selection.map((e) => e.name), ['serverSelectionStarted', 'serverSelectionWaiting', 'serverSelectionSucceeded']);
  const [started, waiting, succeeded] = selection as unknown as Array<Record<string, unknown>>;
  assert.equal([started!['operation'], started!['operationId'], started!['selector'], started!['topology']], ['insert', 9, null, rsNoPrimary]);
  assert.is(waiting!['remainingTimeMS'], 30_000);
  assert.is(succeeded!['address'], 'b:27017');
  assert.is(succeeded!['topology'], rsBPrimary);
});

test('selection events: a timed-out selection ends with serverSelectionFailed carrying the error; a read names its read preference', () => {
  const run = new Run();
  run.start(find({ readPreference: readPreference('secondary') }), topology('ReplicaSetNoPrimary', [unknownA]), 0, { serverSelectionTimeoutMS: 500 });
  run.step({ type: 'timerFired' }, 500);
  const names = run.events.map((e) => e.name).filter((n) => n.startsWith('serverSelection'));
  assert.equal(names, ['serverSelectionStarted', 'serverSelectionWaiting', 'serverSelectionFailed']);
  const failed = run.eventsNamed('serverSelectionFailed')[0]!;
  assert.instance(failed.failure, MongoServerSelectionError);
  assert.is(failed.selector?.mode, 'secondary');
  assert.is(run.eventsNamed('serverSelectionWaiting')[0]!.remainingTimeMS, 500);
});

// ---- retryable reads ------------------------------------------------------------------------

test('a retryable read is retried once after a network error, on a newly selected server', () => {
  const run = new Run();
  run.start(find({ readPreference: readPreference('primary') }), rsAB, 0);
  const first = sendFirst(run, 1, 0);
  run.step({ type: 'networkError', error: new MongoNetworkError('connection reset') }, 20);
  // The attempt's connection goes back broken, SDAM hears about it, and the retry waits one step.
  const appErr = run.lastOf('applicationError')!;
  assert.is(appErr.address, 'a:27017');
  assert.is(appErr.kind, 'network');
  assert.is(appErr.handshakeCompleted, true);
  assert.is(run.lastOf('checkIn')!.error instanceof MongoNetworkError, true);
  assert.equal(run.last.actions.at(-1), { type: 'wakeAt', atMs: 20 });
  // SDAM marked A unknown and B won the election.
  run.step({ type: 'topologyChanged', topology: rsBPrimary }, 20);
  assert.equal(run.lastOf('checkOut'), { type: 'checkOut', address: 'b:27017', attempt: 2 });
  const second = sendFirst(run, 2, 25);
  assert.is(second, first + 1, 'each attempt has its own requestId');
  run.step({ type: 'reply', reply: { ok: 1, cursor: { id: 0, firstBatch: [] } } }, 30);
  const outcome = run.outcome();
  assert.is(outcome.type, 'complete');
  assert.is(outcome.attempts, 2);
  assert.is(run.of('send').length, 2);
});

for (const [label, op, options] of [
  ['getMore', find({ command: { getMore: 5, collection: 'coll' } }), undefined],
  ['runCommand', find({ kind: 'command', command: { find: 'coll' } }), undefined],
  ['retryReads=false', find(), { retryReads: false }],
  ['aggregate with $out', find({ command: { aggregate: 'coll', pipeline: [{ $out: 'x' }] } }), undefined],
  ['mapReduce', find({ command: { mapReduce: 'coll' } }), undefined],
  ['in a transaction', find({ session: { lsid, txnNumber: 1n, inTransaction: true } }), undefined],
] as const) {
  test(`a read is not retried: ${label}`, () => {
    const run = new Run();
    run.start(op, rsAB, 0, options);
    sendFirst(run);
    run.step({ type: 'networkError', error: new MongoNetworkError('reset') }, 5);
    const outcome = run.outcome();
    assert.is(outcome.type, 'fail');
    assert.is((outcome as { error: Error }).error.message, 'reset');
    assert.is(run.of('send').length, 1);
  });
}

test('a read is retried on a listed server error code, not on another code', () => {
  for (const [code, retried] of [[91, true], [134, true], [262, true], [11000, false], [50, false]] as const) {
    const run = new Run();
    run.start(find(), rsAB, 0);
    sendFirst(run);
    run.step({ type: 'reply', reply: { ok: 0, code, errmsg: `error ${code}` } }, 5);
    run.step({ type: 'timerFired' }, 5);
    assert.is(run.of('checkOut').length, retried ? 2 : 1, `code ${code}`);
  }
});

test('a failed retry of a read returns the second error when it came from the server', () => {
  const run = new Run();
  run.start(find(), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'reply', reply: { ok: 0, code: 91, errmsg: 'first' } }, 5);
  run.step({ type: 'timerFired' }, 5);
  sendFirst(run, 2, 6);
  run.step({ type: 'reply', reply: { ok: 0, code: 2, errmsg: 'second' } }, 9);
  const outcome = run.failed();
  assert.is(outcome.error.message, 'second');
  assert.is((outcome.error as MongoServerError).code, 2);
});

test('a failed retry of a read at check-out (driver error) returns the first error', () => {
  const run = new Run();
  run.start(find(), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'networkError', error: new MongoNetworkError('first') }, 5);
  run.step({ type: 'timerFired' }, 5);
  run.step({ type: 'checkOutFailed', error: new WaitQueueTimeoutError('a:27017') }, 6);
  assert.is((run.failed().error as Error).message, 'first');
});

test('a retry whose selection times out returns the original error', () => {
  const run = new Run();
  run.start(find(), rsAB, 0, { serverSelectionTimeoutMS: 100 });
  sendFirst(run);
  run.step({ type: 'networkError', error: new MongoNetworkError('original') }, 5);
  run.step({ type: 'topologyChanged', topology: rsNoPrimary }, 5);
  assert.equal(run.lastOf('wakeAt'), { type: 'wakeAt', atMs: 105 });
  run.step({ type: 'timerFired' }, 105);
  const outcome = run.failed();
  assert.is(outcome.error.message, 'original');
  assert.is(outcome.address, 'a:27017', 'the reported server is the one that originated the error');
});

// ---- PoolClearedError -----------------------------------------------------------------------

test('PoolClearedError at check-out is a retryable network error for reads, without an SDAM update', () => {
  const run = new Run();
  run.start(find(), rsAB, 0);
  run.step({ type: 'checkOutFailed', error: new PoolClearedError('a:27017') }, 1);
  assert.is(run.of('applicationError').length, 0, 'the pool was cleared by whoever saw the error');
  run.step({ type: 'timerFired' }, 1);
  assert.is(run.of('checkOut').length, 2);
  sendFirst(run, 3, 2);
  run.step({ type: 'reply', reply: { ok: 1 } }, 3);
  assert.is(run.outcome().type, 'complete');
});

test('PoolClearedError at check-out gets RetryableWriteError and a write is retried', () => {
  const run = new Run();
  run.start(insertOne(), rsAB, 0);
  run.step({ type: 'checkOutFailed', error: new PoolClearedError('a:27017') }, 1);
  const retrying = run.eventsNamed('retrying');
  assert.is(retrying.length, 1);
  assert.ok(errorLabelsOf(retrying[0]!.previousError).includes('RetryableWriteError'));
  assert.ok(retrying[0]!.previousError instanceof PoolClearedError, 'the labelled copy keeps its class');
  run.step({ type: 'timerFired' }, 1);
  sendFirst(run, 3, 2);
  assert.equal(run.lastOf('send')!.command, { insert: 'coll', documents: [{ x: 1 }], lsid, txnNumber: 7n });
});

// ---- retryable writes -----------------------------------------------------------------------

test('a retryable write is retried once with the same lsid and txnNumber', () => {
  const run = new Run();
  run.start(insertOne(), rsAB, 0);
  sendFirst(run);
  const firstCommand = run.lastOf('send')!.command;
  assert.equal(firstCommand, { insert: 'coll', documents: [{ x: 1 }], lsid, txnNumber: 7n });
  run.step({ type: 'networkError', error: new MongoNetworkError('reset') }, 5);
  run.step({ type: 'topologyChanged', topology: rsBPrimary }, 6);
  sendFirst(run, 2, 6);
  const retry = run.lastOf('send')!;
  assert.is(retry.address, 'b:27017');
  assert.equal(retry.command, firstCommand);
  run.step({ type: 'networkError', error: new MongoNetworkError('again') }, 9);
  const outcome = run.failed();
  assert.is(outcome.error.message, 'again', 'both attempted: the most recent error');
  assert.is(outcome.attempts, 2);
  assert.is(outcome.txnNumberUsed, true);
  assert.is(run.of('send').length, 2, 'retried once only');
});

test('a write with w:0 is sent once, without lsid or txnNumber, expecting no reply', () => {
  const run = new Run();
  run.start(insertOne({ command: { insert: 'coll', documents: [{}], writeConcern: { w: 0 } } }), rsAB, 0);
  sendFirst(run);
  const send = run.lastOf('send')!;
  assert.is(send.expectsReply, false);
  assert.equal(send.command, { insert: 'coll', documents: [{}], writeConcern: { w: 0 } });
  run.step({ type: 'networkError', error: new MongoNetworkError('reset') }, 1);
  assert.is(run.outcome().type, 'fail');
  assert.is(run.outcome().txnNumberUsed, false);
});

test('updateMany / deleteMany / retryWrites=false are not retried and carry no txnNumber', () => {
  const cases = [
    [insertOne({ command: { update: 'c', updates: [{ q: {}, u: { $set: { a: 1 } }, multi: true }] } }), undefined],
    [insertOne({ command: { delete: 'c', deletes: [{ q: {}, limit: 0 }] } }), undefined],
    [insertOne(), { retryWrites: false }],
  ] as const;
  for (const [op, options] of cases) {
    const run = new Run();
    run.start(op, rsAB, 0, options);
    sendFirst(run);
    const command = run.lastOf('send')!.command;
    assert.not.ok('txnNumber' in command);
    assert.equal(command.lsid, lsid, 'the implicit session is still sent');
    run.step({ type: 'networkError', error: new MongoNetworkError('reset') }, 1);
    assert.is(run.outcome().type, 'fail');
    assert.is(run.of('send').length, 1);
  }
});

test('a standalone does not support retryable writes: no txnNumber, no retry', () => {
  const standalone = server('s:27017', 'Standalone');
  const run = new Run();
  run.start(insertOne(), topology('Single', [standalone]), 0);
  sendFirst(run);
  const command = run.lastOf('send')!.command;
  assert.equal(command, { insert: 'coll', documents: [{ x: 1 }], lsid });
  run.step({ type: 'networkError', error: new MongoNetworkError('reset') }, 1);
  assert.is(run.of('send').length, 1);
  assert.is(run.outcome().txnNumberUsed, false);
});

test('a server without logicalSessionTimeoutMinutes gets neither lsid nor txnNumber', () => {
  const old = server('a:27017', 'RSPrimary', { logicalSessionTimeoutMinutes: null });
  const run = new Run();
  run.start(insertOne(), topology('ReplicaSetWithPrimary', [old]), 0);
  sendFirst(run);
  assert.equal(run.lastOf('send')!.command, { insert: 'coll', documents: [{ x: 1 }] });
});

test('the retry server not supporting retryable writes ends with the previous error', () => {
  const run = new Run();
  run.start(insertOne(), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'networkError', error: new MongoNetworkError('first') }, 5);
  const noSessions = server('b:27017', 'RSPrimary', { logicalSessionTimeoutMinutes: null });
  run.step({ type: 'topologyChanged', topology: topology('ReplicaSetWithPrimary', [unknownA, noSessions]) }, 6);
  assert.is((run.failed().error as Error).message, 'first');
  assert.is(run.of('send').length, 1);
});

// ---- RetryableWriteError label --------------------------------------------------------------

for (const wire of [6, 7, 8]) {
  test(`maxWireVersion ${wire}: the driver labels listed codes and retries`, () => {
    const old = server('a:27017', 'RSPrimary', { maxWireVersion: wire });
    const run = new Run();
    run.start(insertOne(), topology('ReplicaSetWithPrimary', [old]), 0);
    sendFirst(run);
    run.step({ type: 'reply', reply: { ok: 0, code: 10107, errmsg: 'not primary' } }, 1);
    const retrying = run.eventsNamed('retrying');
    assert.is(retrying.length, 1);
    assert.ok(errorLabelsOf(retrying[0]!.previousError).includes('RetryableWriteError'));
  });
}

test('maxWireVersion 8: a code not in the list is not labelled', () => {
  const old = server('a:27017', 'RSPrimary', { maxWireVersion: 8 });
  const run = new Run();
  run.start(insertOne(), topology('ReplicaSetWithPrimary', [old]), 0);
  sendFirst(run);
  run.step({ type: 'reply', reply: { ok: 0, code: 11000, errmsg: 'duplicate key' } }, 1);
  const error = (run.failed().error as Error);
  assert.equal(errorLabelsOf(error), []);
});

for (const wire of [9, 17, 21]) {
  test(`maxWireVersion ${wire}: server errors are not labelled by the driver (no retry), network errors are`, () => {
    const modern = server('a:27017', 'RSPrimary', { maxWireVersion: wire });
    const topo = topology('ReplicaSetWithPrimary', [modern]);
    const run = new Run();
    run.start(insertOne(), topo, 0);
    sendFirst(run);
    run.step({ type: 'reply', reply: { ok: 0, code: 10107, errmsg: 'not primary' } }, 1);
    const error = (run.failed().error as MongoServerError);
    assert.equal(error.errorLabels, []);
    assert.is(run.of('send').length, 1);

    const net = new Run();
    net.start(insertOne(), topo, 0);
    sendFirst(net);
    net.step({ type: 'networkError', error: new MongoNetworkError('reset') }, 1);
    assert.ok(errorLabelsOf(net.eventsNamed('retrying')[0]!.previousError).includes('RetryableWriteError'));
  });
}

test('a server-supplied RetryableWriteError label (4.4+) makes a write retryable', () => {
  const run = new Run();
  run.start(insertOne(), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'reply', reply: { ok: 0, code: 6, errmsg: 'host unreachable', errorLabels: ['RetryableWriteError'] } }, 1);
  assert.is(run.eventsNamed('retrying').length, 1);
});

test('pre-4.4 writeConcernError codes are labelled from mongod, not from mongos', () => {
  const reply = { ok: 1, n: 1, writeConcernError: { code: 91, errmsg: 'shutting down' } };
  const mongod = server('a:27017', 'RSPrimary', { maxWireVersion: 8 });
  const run = new Run();
  run.start(insertOne(), topology('ReplicaSetWithPrimary', [mongod]), 0);
  sendFirst(run);
  run.step({ type: 'reply', reply }, 1);
  assert.is(run.eventsNamed('commandSucceeded').length, 1, 'ok: 1 is a succeeded command');
  assert.is(run.eventsNamed('retrying').length, 1);
  assert.ok(run.eventsNamed('retrying')[0]!.previousError instanceof MongoWriteConcernError);

  const mongos = server('m:27017', 'Mongos', { maxWireVersion: 8 });
  const viaMongos = new Run();
  viaMongos.start(insertOne(), topology('Sharded', [mongos]), 0);
  sendFirst(viaMongos);
  viaMongos.step({ type: 'reply', reply }, 1);
  const error = (viaMongos.failed().error as MongoWriteConcernError);
  assert.instance(error, MongoWriteConcernError);
  assert.equal(error.errorLabels, []);
  assert.is(error.code, 91);
});

test('no label and no retry inside a transaction', () => {
  const run = new Run();
  run.start(insertOne({ session: { lsid, txnNumber: 3n, inTransaction: true } }), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'networkError', error: new MongoNetworkError('reset') }, 1);
  assert.equal(errorLabelsOf((run.failed().error as Error)), []);
  assert.is(run.of('send').length, 1);
});

test('IllegalOperation "Transaction numbers ..." is re-raised with an actionable message', () => {
  const run = new Run();
  run.start(insertOne(), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'reply', reply: { ok: 0, code: 20, errmsg: 'Transaction numbers are only allowed on storage engines that support document-level locking' } }, 1);
  const error = (run.failed().error as MongoServerError);
  assert.is(error.message, retryableWritesUnsupportedMessage);
  assert.is(error.code, 20);
});

// ---- NoWritesPerformed ----------------------------------------------------------------------

function failWriteTwice(first: Record<string, unknown>, second: Record<string, unknown>): MongoServerError {
  const run = new Run();
  run.start(insertOne(), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'reply', reply: first }, 1);
  run.step({ type: 'timerFired' }, 1);
  sendFirst(run, 2, 2);
  run.step({ type: 'reply', reply: second }, 3);
  assert.is(run.of('send').length, 2);
  return (run.failed().error as MongoServerError);
}

test('NoWritesPerformed: an attempted write error beats a later no-write error', () => {
  const error = failWriteTwice(
    { ok: 1, writeConcernError: { code: 91, errmsg: 'first' }, errorLabels: ['RetryableWriteError'] },
    { ok: 0, code: 10107, errmsg: 'second', errorLabels: ['RetryableWriteError', 'NoWritesPerformed'] },
  );
  assert.is(error.code, 91);
  assert.instance(error, MongoWriteConcernError);
});

test('NoWritesPerformed: when every error says no write, the first error', () => {
  const error = failWriteTwice(
    { ok: 0, code: 64, errmsg: 'first', errorLabels: ['NoWritesPerformed', 'RetryableWriteError'] },
    { ok: 0, code: 10107, errmsg: 'second', errorLabels: ['NoWritesPerformed', 'RetryableWriteError'] },
  );
  assert.is(error.message, 'first');
  assert.equal([...error.errorLabels].sort(), ['NoWritesPerformed', 'RetryableWriteError']);
});

test('NoWritesPerformed: when both attempted, the most recent error', () => {
  const error = failWriteTwice(
    { ok: 0, code: 91, errmsg: 'first', errorLabels: ['NoWritesPerformed', 'RetryableWriteError'] },
    { ok: 0, code: 2, errmsg: 'second' },
  );
  assert.is(error.message, 'second');
});

test('NoWritesPerformed: a check-out failure on the retry keeps the attempted first error', () => {
  const run = new Run();
  run.start(insertOne(), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'networkError', error: new MongoNetworkError('first') }, 1);
  run.step({ type: 'timerFired' }, 1);
  run.step({ type: 'checkOutFailed', error: new PoolClearedError('a:27017') }, 2);
  assert.is((run.failed().error as Error).message, 'first');
});

// ---- deprioritization -----------------------------------------------------------------------

test('sharded: the failed mongos is deprioritized, so the retry goes to the other one', () => {
  const m1 = server('m1:27017', 'Mongos');
  const m2 = server('m2:27017', 'Mongos');
  const sharded = topology('Sharded', [m1, m2]);
  const firstServers = new Set<string>();
  for (let seed = 1; seed <= 20; seed++) {
    const run = new Run();
    run.start(insertOne(), sharded, 0, undefined, seed);
    const first = run.lastOf('checkOut')!.address;
    firstServers.add(first);
    sendFirst(run);
    run.step({ type: 'reply', reply: { ok: 0, code: 6, errmsg: 'x', errorLabels: ['RetryableWriteError'] } }, 1);
    assert.equal(run.eventsNamed('retrying')[0]!.deprioritized, [first]);
    run.step({ type: 'timerFired' }, 1);
    assert.is.not(run.lastOf('checkOut')!.address, first, `seed ${seed}`);
  }
  assert.is(firstServers.size, 2, 'both mongoses were chosen first by some seed');
});

test('sharded: with a single mongos the retry goes back to it', () => {
  const m1 = server('m1:27017', 'Mongos');
  const run = new Run();
  run.start(find(), topology('Sharded', [m1]), 0);
  sendFirst(run);
  run.step({ type: 'networkError', error: new MongoNetworkError('x') }, 1);
  run.step({ type: 'timerFired' }, 1);
  assert.is(run.lastOf('checkOut')!.address, 'm1:27017');
});

test('replica set: deprioritize only SystemOverloadedError', () => {
  const nearest = readPreference('nearest');
  const rs = topology('ReplicaSetWithPrimary', [primaryA, secondaryB]);
  const plain = new Run();
  plain.start(find({ readPreference: nearest }), rs, 0);
  sendFirst(plain);
  plain.step({ type: 'reply', reply: { ok: 0, code: 91, errmsg: 'x' } }, 1);
  assert.equal(plain.eventsNamed('retrying')[0]!.deprioritized, []);

  const overloaded = new Run();
  overloaded.start(find({ readPreference: nearest }), rs, 0);
  const first = overloaded.lastOf('checkOut')!.address;
  sendFirst(overloaded);
  overloaded.step({ type: 'reply', reply: { ok: 0, code: 91, errmsg: 'x', errorLabels: ['SystemOverloadedError'] } }, 1);
  assert.equal(overloaded.eventsNamed('retrying')[0]!.deprioritized, [first]);
  overloaded.step({ type: 'timerFired' }, 1);
  assert.is.not(overloaded.lastOf('checkOut')!.address, first);
});

// ---- SDAM application errors ----------------------------------------------------------------

test('a handshake network error is an application error before the handshake completed', () => {
  const run = new Run();
  run.start(find(), rsAB, 0);
  run.step({ type: 'checkOutFailed', error: new MongoNetworkError('handshake reset'), connectionGeneration: 4 }, 1);
  const appErr = run.lastOf('applicationError')!;
  assert.equal(
    { phase: appErr.phase, kind: appErr.kind, handshakeCompleted: appErr.handshakeCompleted, connectionGeneration: appErr.connectionGeneration, address: appErr.address },
    { phase: 'handshake', kind: 'network', handshakeCompleted: false, connectionGeneration: 4, address: 'a:27017' },
  );
  run.step({ type: 'timerFired' }, 1);
  assert.is(run.of('checkOut').length, 2, 'handshake network errors are retryable');
});

test('a write is retried after a handshake server error with a retryable code (ShutdownInProgress)', () => {
  const run = new Run();
  run.start(insertOne(), rsAB, 0);
  run.step({ type: 'checkOutFailed', error: new MongoServerError('shutting down', { code: 91 }), response: { ok: 0, code: 91, errmsg: 'shutting down' } }, 1);
  assert.equal(run.lastOf('applicationError')!.response, { ok: 0, code: 91, errmsg: 'shutting down' });
  assert.ok(errorLabelsOf(run.eventsNamed('retrying')[0]!.previousError).includes('RetryableWriteError'));
  run.step({ type: 'timerFired' }, 1);
  sendFirst(run, 2, 2);
  run.step({ type: 'reply', reply: { ok: 1, n: 1 } }, 3);
  assert.is(run.outcome().type, 'complete');
});

test('a handshake server error is reported with its reply; a pool timeout is not reported', () => {
  const run = new Run();
  run.start(find(), rsAB, 0);
  run.step({ type: 'checkOutFailed', error: new MongoServerError('shutting down', { code: 91 }) }, 1);
  const appErr = run.lastOf('applicationError')!;
  assert.is(appErr.kind, 'command');
  assert.equal(appErr.response, { ok: 0, errmsg: 'shutting down', errorLabels: [], code: 91 });

  const timeout = new Run();
  timeout.start(find(), rsAB, 0);
  timeout.step({ type: 'checkOutFailed', error: new WaitQueueTimeoutError('a:27017') }, 1);
  assert.is(timeout.of('applicationError').length, 0);
  assert.instance((timeout.failed().error as Error), WaitQueueTimeoutError);
});

test('a command error reply is an application error with the connection generation and reply', () => {
  const run = new Run();
  run.start(find(), rsAB, 0);
  run.step({ type: 'checkedOut', connection: connection(9, primaryA, { generation: 3 }) }, 1);
  const reply = { ok: 0, code: 10107, errmsg: 'not primary' };
  run.step({ type: 'reply', reply }, 2);
  const appErr = run.lastOf('applicationError')!;
  assert.equal(
    { kind: appErr.kind, handshakeCompleted: appErr.handshakeCompleted, connectionGeneration: appErr.connectionGeneration, response: appErr.response },
    { kind: 'command', handshakeCompleted: true, connectionGeneration: 3, response: reply },
  );
  assert.equal(run.lastOf('checkIn'), { type: 'checkIn', connectionId: 9, address: 'a:27017', error: null });
});

test('a network timeout is reported as kind timeout', () => {
  const run = new Run();
  run.start(find({ kind: 'command' }), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'networkError', error: new MongoNetworkError('timed out'), timeout: true }, 1);
  assert.is(run.lastOf('applicationError')!.kind, 'timeout');
});

// ---- command monitoring ---------------------------------------------------------------------

test('command events are paired, carry Node field names, and durations come from now', () => {
  const run = new Run();
  run.start(find({ operationId: 77 }), rsAB, 1000);
  run.step({ type: 'checkedOut', connection: connection(5, primaryA, { serverConnectionId: 42 }) }, 1000);
  run.step({ type: 'networkError', error: new MongoNetworkError('reset') }, 1012);
  run.step({ type: 'timerFired' }, 1012);
  run.step({ type: 'checkedOut', connection: connection(6, primaryA) }, 1020);
  run.step({ type: 'reply', reply: { ok: 1, cursor: { id: 0, firstBatch: [] } } }, 1027);
  const started = run.eventsNamed('commandStarted');
  const failed = run.eventsNamed('commandFailed');
  const succeeded = run.eventsNamed('commandSucceeded');
  assert.is(started.length, 2);
  assert.equal(started[0], {
    name: 'commandStarted',
    commandName: 'find',
    requestId: 100,
    databaseName: 'db',
    operationId: 77,
    address: 'a:27017',
    connectionId: 5,
    serverConnectionId: 42,
    serviceId: undefined,
    command: { find: 'coll', filter: {}, lsid },
  });
  assert.is(failed[0]!.requestId, 100);
  assert.is(failed[0]!.duration, 12);
  assert.is(failed[0]!.failure.message, 'reset');
  assert.is(succeeded[0]!.requestId, 101);
  assert.is(succeeded[0]!.duration, 7);
  assert.is(succeeded[0]!.operationId, 77);
});

test('sensitive commands are redacted: command, reply and server failure', () => {
  const run = new Run();
  run.start(find({ kind: 'command', command: { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: 'secret' }, session: null }), rsAB, 0);
  sendFirst(run);
  assert.equal(run.lastOf('send')!.command, { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: 'secret' }, 'the wire gets the real command');
  run.step({ type: 'reply', reply: { ok: 1, payload: 'server-secret', conversationId: 1 } }, 2);
  assert.equal(run.eventsNamed('commandStarted')[0]!.command, {});
  assert.equal(run.eventsNamed('commandSucceeded')[0]!.reply, {});
  assert.equal((run.outcome() as { reply: unknown }).reply, { ok: 1, payload: 'server-secret', conversationId: 1 }, 'the caller still gets the reply');

  const failing = new Run();
  failing.start(find({ kind: 'command', command: { saslContinue: 1, payload: 'secret' }, session: null }), rsAB, 0);
  sendFirst(failing);
  failing.step({ type: 'reply', reply: { ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed for user alice', errorLabels: ['X'] } }, 2);
  const failure = failing.eventsNamed('commandFailed')[0]!.failure as MongoServerError;
  assert.instance(failure, MongoServerError);
  assert.equal({ message: failure.message, code: failure.code, codeName: failure.codeName, labels: failure.errorLabels }, { message: '', code: 18, codeName: 'AuthenticationFailed', labels: ['X'] });
  assert.not.ok(JSON.stringify(failing.events).includes('alice'));
});

for (const name of ['hello', 'isMaster', 'ismaster']) {
  test(`${name} is redacted only with speculativeAuthenticate`, () => {
    const withAuth = new Run();
    withAuth.start(find({ kind: 'command', command: { [name]: 1, speculativeAuthenticate: { db: 'admin' } }, session: null }), rsAB, 0);
    sendFirst(withAuth);
    assert.equal(withAuth.eventsNamed('commandStarted')[0]!.command, {});
    const plain = new Run();
    plain.start(find({ kind: 'command', command: { [name]: 1 }, session: null }), rsAB, 0);
    sendFirst(plain);
    assert.equal(plain.eventsNamed('commandStarted')[0]!.command, { [name]: 1 });
  });
}

// ---- robustness -----------------------------------------------------------------------------

test('a bad start fails with a MongoInvalidArgumentError naming the bad part', () => {
  const cases: Array<[unknown, string]> = [
    [{ ...insertOne(), kind: 'delete' }, 'operation kind'],
    [{ ...insertOne(), databaseName: '' }, 'databaseName'],
    [{ ...insertOne(), command: {} }, 'empty document'],
    [{ ...insertOne(), command: [] }, 'command must be a document'],
    [{ ...insertOne(), session: { lsid, txnNumber: 0n } }, 'txnNumber'],
    [{ ...insertOne(), session: { lsid: 'x', txnNumber: 1n } }, 'lsid'],
    [{ ...insertOne(), command: { insert: 'c', lsid } }, '"lsid"'],
    [{ ...insertOne(), firstRequestId: -1 }, 'firstRequestId'],
    [{ ...insertOne(), readPreference: readPreference('secondary') }, 'readPreference'],
    [null, 'operation must be an object'],
    [{ ...find(), readPreference: { mode: 'sometimes', tagSets: [] } }, 'ReadPreference built by readPreference()'],
    [{ ...insertOne(), session: 'implicit' }, 'session must be an object'],
    [{ ...insertOne(), session: { lsid, txnNumber: 1, inTransaction: 'no' } }, 'inTransaction'],
    [{ ...insertOne(), session: { lsid, txnNumber: 1n << 63n } }, 'txnNumber'],
    [{ ...insertOne(), session: { lsid, txnNumber: 1.5 } }, 'txnNumber'],
    [{ ...insertOne(), operationId: 'op' }, 'operationId'],
    [{ ...insertOne(), databaseName: 'x'.repeat(100), kind: 7 }, 'got 7'],
  ];
  for (const [operation, part] of cases) {
    const run = new Run();
    run.start(operation as never, rsAB, 0);
    const outcome = run.failed();
    assert.is(outcome.type, 'fail');
    assert.instance(outcome.error, MongoInvalidArgumentError);
    assert.ok(outcome.error.message.includes(part), `${outcome.error.message} should name ${part}`);
  }
  const badOptions = new Run();
  badOptions.start(find(), rsAB, 0, { retryReads: 'yes' as never });
  assert.ok((badOptions.failed().error as Error).message.includes('retryReads'));
  const badOptionsCases: Array<[unknown, string]> = [
    ['fast', 'options must be an object'],
    [{ retryWrites: 1 }, 'retryWrites'],
    [{ serverSelectionTimeoutMS: -1 }, 'serverSelectionTimeoutMS'],
    [{ serverSelectionTimeoutMS: Number.POSITIVE_INFINITY }, 'serverSelectionTimeoutMS'],
  ];
  for (const [options, part] of badOptionsCases) {
    const run = new Run();
    run.start(find(), rsAB, 0, options as never);
    assert.ok((run.failed().error as Error).message.includes(part), part);
  }
  // The options moved to createExecutor: a start that still carries them is refused, naming why.
  const oldCaller = new Run();
  oldCaller.step({ type: 'start', operation: find(), topology: rsAB, random: { int: () => 0 }, options: { retryReads: false } } as never, 0);
  assert.match((oldCaller.failed().error as Error).message, /createExecutor\(options, nowMs\)/);
  const badTopology = new Run();
  badTopology.step({ type: 'start', operation: find(), topology: {} as never, random: { int: () => 0 } }, 0);
  assert.ok((badTopology.failed().error as Error).message.includes('topology'));
  const badRandom = new Run();
  badRandom.step({ type: 'start', operation: find(), topology: rsAB, random: null as never }, 0);
  assert.ok((badRandom.failed().error as Error).message.includes('random'));
  const unknownOption = new Run();
  unknownOption.start(find(), rsAB, 0, { retryWrite: true } as never);
  assert.ok((unknownOption.failed().error as Error).message.includes('"retryWrite"'));
});

test('inputs that do not fit the phase are ignored; a stray connection is checked back in', () => {
  const run = new Run();
  run.step({ type: 'reply', reply: { ok: 1 } }, 0);
  assert.is(run.eventsNamed('inputIgnored').length, 1);
  run.step({ type: 'checkedOut', connection: connection(3, primaryA) }, 0);
  assert.equal(run.last.actions, [{ type: 'checkIn', connectionId: 3, address: 'a:27017', error: null }]);
  run.start(find(), rsAB, 0);
  run.step({ type: 'start', operation: find(), topology: rsAB, random: { int: () => 0 } }, 0);
  assert.is(run.eventsNamed('inputIgnored').length, 3);
  // A connection to the wrong server is handed back, the checkOut stays outstanding.
  run.step({ type: 'checkedOut', connection: connection(4, secondaryB) }, 1);
  assert.equal(run.last.actions, [{ type: 'checkIn', connectionId: 4, address: 'b:27017', error: null }]);
  assert.is(run.state.phase, 'checkingOut');
  sendFirst(run, 5, 2);
  run.step({ type: 'reply', reply: { ok: 1 }, requestId: 999 }, 3);
  assert.is(run.state.phase, 'awaitingReply', 'a reply to another request is ignored');
  run.step({ type: 'bogus' } as never, 3);
  run.step(null as never, 3);
  run.step({ type: 'networkError', error: new MongoNetworkError('x'), requestId: 999 }, 3);
  run.step({ type: 'topologyChanged', topology: 'not a topology' as never }, 3);
  run.step({ type: 'checkedOut', connection: { id: 1 } as never }, 3);
  run.step({ type: 'checkOutFailed', error: new Error('late') }, 3);
  assert.is(run.state.phase, 'awaitingReply');
  assert.is(run.eventsNamed('inputIgnored').length, 11);
  run.step({ type: 'timerFired' }, Number.NaN);
  run.step({ type: 'reply', reply: [1, 2] as never }, 4);
  const outcome = run.failed();
  assert.instance(outcome.error, MongoInvalidArgumentError);
  assert.is(run.eventsNamed('commandFailed').length, 1);
});

test('a non-Error network error is wrapped as a MongoNetworkError; a non-Error checkOut failure is a driver error', () => {
  const run = new Run();
  run.start(find(), rsAB, 0);
  sendFirst(run);
  run.step({ type: 'networkError', error: new Error('socket hang up') }, 1);
  assert.instance(run.eventsNamed('commandFailed')[0]!.failure, MongoNetworkError);
  assert.is(run.eventsNamed('retrying').length, 1);
  const odd = new Run();
  odd.start(find(), rsAB, 0);
  odd.step({ type: 'checkOutFailed', error: 'nope' as never }, 1);
  assert.ok((odd.failed().error as Error).message.includes('not an Error'));
});

test('time running backwards is clamped: durations are never negative', () => {
  const run = new Run();
  run.start(find(), rsAB, 100);
  sendFirst(run, 1, 100);
  run.step({ type: 'reply', reply: { ok: 1 } }, 50);
  assert.is(run.eventsNamed('commandSucceeded')[0]!.duration, 0);
});

// Issue 9: selectServer takes localThresholdMS as a parameter; the executor passes the
// client's setting (ExecutorOptions.localThresholdMS, default 15) instead of relying on the
// topology description.
test('options localThresholdMS sets the latency window of every selection', () => {
  const near = server('a:27017', 'RSPrimary', { roundTripTime: 10 });
  const mid = server('b:27017', 'RSSecondary', { roundTripTime: 40 });
  const rs = topology('ReplicaSetWithPrimary', [near, mid]);
  const nearest = find({ readPreference: readPreference('nearest') });
  const addresses = (options?: { localThresholdMS: number }): string[] => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const run = new Run();
      run.start(nearest, rs, 0, options, seed);
      seen.add(run.lastOf('checkOut')!.address);
    }
    return [...seen].sort();
  };
  assert.equal(addresses({ localThresholdMS: 35 }), ['a:27017', 'b:27017']);
  assert.equal(addresses(), ['a:27017']);
  const bad = new Run();
  bad.start(nearest, rs, 0, { localThresholdMS: -1 });
  assert.match((bad.failed().error as Error).message, /localThresholdMS/);
});

test.run();
