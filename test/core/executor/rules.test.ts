// The pure rule functions behind the executor: command classification, labels, reply errors,
// redaction, and which error is reported after two failures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoError, MongoNetworkError, MongoServerError } from '../../../core/errors.js';
import { PoolClearedError, WaitQueueTimeoutError } from '../../../core/pool/errors.js';
import { commandNameOf, hasWriteStage, isRetryableReadCommand, isRetryableWriteCommand, isUnacknowledged } from '../../../core/executor/commands.js';
import { MongoWriteConcernError, isOkReply, serverErrorFromReply, writeConcernErrorFromReply } from '../../../core/executor/errors.js';
import { errorLabelsOf, hasErrorLabel, withErrorLabel } from '../../../core/executor/labels.js';
import { isSensitiveCommand, redactedFailure } from '../../../core/executor/redaction.js';
import {
  indicatesNoWrite,
  isRetryableReadError,
  needsRetryableWriteLabel,
  readErrorToReport,
  supportsRetryableWrites,
  supportsSessions,
  writeErrorToReport,
  type LabelContext,
} from '../../../core/executor/retryability.js';
import { server } from './helpers.js';

test('commandNameOf is the first key', () => {
  assert.is(commandNameOf({ find: 'c', filter: {} }), 'find');
  assert.is(commandNameOf({}), null);
});

test('retryable read commands (retryable-reads.md "Supported Read Operations")', () => {
  for (const command of [
    { find: 'c' },
    { aggregate: 'c', pipeline: [{ $match: {} }] },
    { aggregate: 1, pipeline: [{ $changeStream: {} }] },
    { distinct: 'c', key: 'x' },
    { count: 'c' },
    { listDatabases: 1 },
    { listCollections: 1 },
    { listIndexes: 'c' },
  ]) {
    assert.ok(isRetryableReadCommand(command), JSON.stringify(command));
  }
  for (const command of [
    { getMore: 1, collection: 'c' },
    { mapReduce: 'c' },
    { aggregate: 'c', pipeline: [{ $out: 'x' }] },
    { aggregate: 'c', pipeline: [{ $match: {} }, { $merge: { into: 'x' } }] },
    { insert: 'c' },
    { ping: 1 },
  ]) {
    assert.not.ok(isRetryableReadCommand(command), JSON.stringify(command));
  }
  assert.not.ok(hasWriteStage('not a pipeline'));
});

test('retryable write commands (retryable-writes.md "Supported Write Operations")', () => {
  for (const command of [
    { insert: 'c', documents: [{}, {}] },
    { update: 'c', updates: [{ q: {}, u: {} }, { q: {}, u: {}, multi: false }] },
    { delete: 'c', deletes: [{ q: {}, limit: 1 }] },
    { findAndModify: 'c', query: {}, remove: true },
    { bulkWrite: 1, ops: [{ insert: 0, document: {} }, { update: 0, filter: {}, updateMods: {} }] },
  ]) {
    assert.ok(isRetryableWriteCommand(command), JSON.stringify(command));
  }
  for (const command of [
    { update: 'c', updates: [{ q: {}, u: {} }, { q: {}, u: {}, multi: true }] }, // updateMany
    { delete: 'c', deletes: [{ q: {}, limit: 0 }] }, // deleteMany
    { bulkWrite: 1, ops: [{ delete: 0, filter: {}, multi: true }] },
    { update: 'c' }, // no statements: cannot be judged, so not retryable
    { aggregate: 'c', pipeline: [{ $out: 'x' }] },
    { create: 'c' },
    { commitTransaction: 1 },
  ]) {
    assert.not.ok(isRetryableWriteCommand(command), JSON.stringify(command));
  }
});

test('unacknowledged write concern', () => {
  assert.ok(isUnacknowledged({ insert: 'c', writeConcern: { w: 0 } }));
  assert.not.ok(isUnacknowledged({ insert: 'c', writeConcern: { w: 1 } }));
  assert.not.ok(isUnacknowledged({ insert: 'c', writeConcern: { w: 0, j: true } }));
  assert.not.ok(isUnacknowledged({ insert: 'c' }));
});

test('labels are added to a copy that keeps class, message and own fields', () => {
  const original = new MongoServerError('boom', { code: 91, codeName: 'ShutdownInProgress', errorLabels: ['A'] });
  const labelled = withErrorLabel(original, 'RetryableWriteError');
  assert.instance(labelled, MongoServerError);
  assert.is(labelled.name, 'MongoServerError');
  assert.is(labelled.message, 'boom');
  assert.is(labelled.code, 91);
  assert.equal(labelled.errorLabels, ['A', 'RetryableWriteError']);
  assert.equal(original.errorLabels, ['A'], 'the original is untouched');
  assert.is(withErrorLabel(labelled, 'A'), labelled, 'no copy when the label is already there');
  const network = withErrorLabel(new MongoNetworkError('reset'), 'RetryableWriteError');
  assert.instance(network, MongoNetworkError);
  assert.ok(hasErrorLabel(network, 'RetryableWriteError'));
  assert.equal(errorLabelsOf(null), []);
  assert.equal(errorLabelsOf({ errorLabels: ['x', 3] }), ['x']);
});

test('reply errors: ok, server error, write concern error', () => {
  assert.ok(isOkReply({ ok: 1 }));
  assert.ok(isOkReply({ ok: true }));
  assert.not.ok(isOkReply({ ok: 0 }));
  assert.not.ok(isOkReply({}));
  const error = serverErrorFromReply({ ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary', errorLabels: ['L'] });
  assert.equal([error.message, error.code, error.codeName, error.errorLabels], ['not primary', 10107, 'NotWritablePrimary', ['L']]);
  assert.is(serverErrorFromReply({ ok: 0 }).message, 'command failed');
  assert.is(serverErrorFromReply({ ok: 0, code: 1.5 }).code, undefined);
  const reply = { ok: 1, n: 1, writeConcernError: { code: 64, errmsg: 'waiting for replication timed out', errorLabels: ['B'] }, errorLabels: ['A', 'B'] };
  const wce = writeConcernErrorFromReply(reply)!;
  assert.instance(wce, MongoWriteConcernError);
  assert.instance(wce, MongoServerError);
  assert.is(wce.name, 'MongoWriteConcernError');
  assert.equal([wce.code, wce.errorLabels, wce.result], [64, ['A', 'B'], reply]);
  assert.is(writeConcernErrorFromReply({ ok: 1 }), null);
});

test('sensitive commands and failure redaction', () => {
  for (const name of ['authenticate', 'saslStart', 'saslContinue', 'getnonce', 'createUser', 'updateUser', 'copydbgetnonce', 'copydbsaslstart', 'copydb']) {
    assert.ok(isSensitiveCommand({ [name]: 1 }), name);
  }
  assert.ok(isSensitiveCommand({ hello: 1, speculativeAuthenticate: {} }));
  assert.ok(isSensitiveCommand({ isMaster: 1, speculativeAuthenticate: {} }));
  // Issue 9: command names are matched case-insensitively (the Node driver and the spec's
  // legacy-hello note), so a differently cased sensitive command is still redacted.
  for (const name of ['createuser', 'CREATEUSER', 'saslstart', 'SaslContinue', 'updateuser', 'Authenticate', 'GETNONCE', 'copyDb', 'copyDbSaslStart', 'copyDbGetNonce']) {
    assert.ok(isSensitiveCommand({ [name]: 1 }), name);
  }
  assert.ok(isSensitiveCommand({ HELLO: 1, speculativeAuthenticate: {} }));
  assert.not.ok(isSensitiveCommand({ createUsers: 1 }));
  assert.not.ok(isSensitiveCommand({ hello: 1 }));
  assert.not.ok(isSensitiveCommand({ find: 'c', speculativeAuthenticate: {} }));
  assert.not.ok(isSensitiveCommand({}));
  const network = new MongoNetworkError('reset');
  assert.is(redactedFailure(true, network), network, 'client-side failures are not server-side: kept');
  const server = new MongoServerError('secret detail', { code: 18 });
  assert.is(redactedFailure(false, server), server);
  const redacted = redactedFailure(true, server) as MongoServerError;
  assert.equal([redacted.message, redacted.code, redacted.codeName, redacted.errorLabels], ['', 18, undefined, []]);
});

test('sessions and retryable-write support of a server', () => {
  assert.ok(supportsRetryableWrites(server('a', 'RSPrimary')));
  assert.ok(supportsRetryableWrites(server('a', 'Mongos')));
  assert.ok(supportsRetryableWrites(server('a', 'LoadBalancer', { logicalSessionTimeoutMinutes: null })), 'load balancers ignore logicalSessionTimeoutMinutes');
  assert.not.ok(supportsRetryableWrites(server('a', 'Standalone')));
  assert.ok(supportsSessions(server('a', 'Standalone')));
  assert.not.ok(supportsRetryableWrites(server('a', 'RSPrimary', { logicalSessionTimeoutMinutes: null })));
});

test('retryable read errors', () => {
  assert.ok(isRetryableReadError(new MongoNetworkError('x')));
  assert.ok(isRetryableReadError(new PoolClearedError('a:1')));
  for (const code of [262, 11600, 11602, 10107, 13435, 13436, 189, 134, 91, 7, 6, 89, 9001]) {
    assert.ok(isRetryableReadError(new MongoServerError('x', { code })), String(code));
  }
  assert.not.ok(isRetryableReadError(new MongoServerError('x', { code: 11000 })));
  assert.not.ok(isRetryableReadError(new MongoServerError('x')));
  assert.not.ok(isRetryableReadError(new MongoWriteConcernError('x', { code: 91 }, {})));
  assert.not.ok(isRetryableReadError(new WaitQueueTimeoutError('a:1')));
});

const context: LabelContext = {
  retryWrites: true,
  inTransaction: false,
  phase: 'command',
  maxWireVersion: 8,
  serverType: 'RSPrimary',
  serverSupportsRetryableWrites: true,
};

test('RetryableWriteError label rules', () => {
  const notPrimary = new MongoServerError('x', { code: 10107 });
  assert.ok(needsRetryableWriteLabel(notPrimary, context));
  assert.not.ok(needsRetryableWriteLabel(notPrimary, { ...context, maxWireVersion: 9 }), '4.4+ labels itself');
  assert.not.ok(needsRetryableWriteLabel(notPrimary, { ...context, retryWrites: false }));
  assert.not.ok(needsRetryableWriteLabel(notPrimary, { ...context, inTransaction: true }));
  assert.not.ok(needsRetryableWriteLabel(notPrimary, { ...context, serverSupportsRetryableWrites: false }));
  assert.not.ok(needsRetryableWriteLabel(new MongoServerError('x', { code: 134 }), context), '134 is a read-only code');
  assert.ok(needsRetryableWriteLabel(new MongoServerError('x', { code: 262 }), context));
  assert.not.ok(needsRetryableWriteLabel(new MongoServerError('x', { errorLabels: ['RetryableWriteError'], code: 91 }), context), 'already labelled');
  const network = new MongoNetworkError('x');
  assert.ok(needsRetryableWriteLabel(network, { ...context, maxWireVersion: 21 }));
  assert.not.ok(needsRetryableWriteLabel(network, { ...context, serverSupportsRetryableWrites: false }));
  assert.ok(needsRetryableWriteLabel(network, { ...context, phase: 'checkOut', serverSupportsRetryableWrites: false }), 'establishing a connection');
  assert.ok(needsRetryableWriteLabel(new PoolClearedError('a:1'), { ...context, maxWireVersion: 21 }));
  assert.not.ok(needsRetryableWriteLabel(new WaitQueueTimeoutError('a:1'), context));
  assert.not.ok(needsRetryableWriteLabel(new MongoError('x'), context));
  const handshake = { ...context, phase: 'checkOut' as const, maxWireVersion: 21 };
  assert.ok(needsRetryableWriteLabel(new MongoServerError('x', { code: 91 }), handshake), 'a handshake error with a listed code, any version');
  assert.not.ok(needsRetryableWriteLabel(new MongoServerError('x', { code: 18 }), handshake));
  assert.not.ok(needsRetryableWriteLabel(new MongoServerError('x'), handshake));
  const wce = new MongoWriteConcernError('x', { code: 91 }, {});
  assert.ok(needsRetryableWriteLabel(wce, context));
  assert.not.ok(needsRetryableWriteLabel(wce, { ...context, serverType: 'Mongos' }));
});

test('which error is reported after failures', () => {
  const attempted = { error: new MongoNetworkError('attempted'), phase: 'command' as const, address: 'a' };
  const noWrite = { error: new MongoServerError('no write', { errorLabels: ['NoWritesPerformed'] }), phase: 'command' as const, address: 'b' };
  const checkOut = { error: new PoolClearedError('b'), phase: 'checkOut' as const, address: 'b' };
  assert.ok(indicatesNoWrite(noWrite.error, 'command'));
  assert.ok(indicatesNoWrite(checkOut.error, 'checkOut'));
  assert.not.ok(indicatesNoWrite(attempted.error, 'command'));
  assert.is(writeErrorToReport([attempted, noWrite]), attempted);
  assert.is(writeErrorToReport([noWrite, attempted]), attempted);
  assert.is(writeErrorToReport([noWrite, checkOut]), noWrite);
  assert.is(writeErrorToReport([checkOut, noWrite]), checkOut);
  assert.is(writeErrorToReport([]), null);
  assert.is(readErrorToReport([attempted, checkOut]), attempted);
  assert.is(readErrorToReport([attempted, noWrite]), noWrite);
  assert.is(readErrorToReport([checkOut]), checkOut);
  assert.is(readErrorToReport([]), null);
});

test.run();
