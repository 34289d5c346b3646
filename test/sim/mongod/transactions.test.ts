/** sim/mongod/transactions.ts: what a server answers to a transaction's statements, commit and abort. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCodes } from '../../../sim/mongod/errors.js';
import { codeOf } from './helpers.js';
import { isTransientTransactionError, Transactions, transactionOf, withoutTransactionFields } from '../../../sim/mongod/transactions.js';

const code = codeOf;

test('a transaction starts, takes statements, commits, and commits again; it cannot then be aborted', () => {
  const t = new Transactions();
  assert.is(code(() => t.statement('s', 1, false)), ErrorCodes.NoSuchTransaction, 'no statement before startTransaction');
  t.statement('s', 1, true);
  t.statement('s', 1, false);
  assert.is(code(() => t.statement('s', 2, false)), ErrorCodes.NoSuchTransaction, 'another txnNumber is not in progress');
  t.commit('s', 1);
  t.commit('s', 1);
  assert.equal(t.stateOf('s'), { txnNumber: 1, state: 'committed' });
  assert.is(code(() => t.abort('s', 1)), ErrorCodes.TransactionCommitted);
  assert.is(code(() => t.statement('s', 1, false)), ErrorCodes.NoSuchTransaction, 'a committed transaction takes no statements');
  assert.is(code(() => t.statement('s', 0, true)), ErrorCodes.TransactionTooOld);
});

test('abort: once; an aborted or unknown transaction cannot be committed or aborted', () => {
  const t = new Transactions();
  assert.is(code(() => t.abort('s', 1)), ErrorCodes.NoSuchTransaction);
  assert.is(code(() => t.commit('s', 1)), ErrorCodes.NoSuchTransaction);
  t.statement('s', 1, true);
  t.abort('s', 1);
  assert.is(code(() => t.abort('s', 1)), ErrorCodes.NoSuchTransaction);
  assert.is(code(() => t.commit('s', 1)), ErrorCodes.NoSuchTransaction);
  t.statement('s', 2, true);
  assert.equal(t.stateOf('s'), { txnNumber: 2, state: 'inProgress' });
});

test('transactionOf: only autocommit false; a bad autocommit or a missing lsid/txnNumber is refused', () => {
  assert.is(transactionOf({ insert: 'c' }), null);
  assert.equal(transactionOf({ insert: 'c', lsid: { id: 'x' }, txnNumber: 3, autocommit: false, startTransaction: true }), { lsid: transactionOf({ lsid: { id: 'x' }, txnNumber: 1, autocommit: false })!.lsid, txnNumber: 3, start: true });
  assert.is(code(() => transactionOf({ insert: 'c', autocommit: true })), ErrorCodes.InvalidOptions);
  assert.is(code(() => transactionOf({ insert: 'c', txnNumber: 1, autocommit: false })), ErrorCodes.InvalidOptions);
  assert.is(code(() => transactionOf({ insert: 'c', lsid: { id: 'x' }, autocommit: false })), ErrorCodes.InvalidOptions);
  assert.equal(withoutTransactionFields({ insert: 'c', lsid: { id: 'x' }, txnNumber: 1, autocommit: false, startTransaction: true }), { insert: 'c', lsid: { id: 'x' } });
});

test('transient errors (mongod error_labels.cpp): LockTimeout always; NoSuchTransaction; retryable codes only outside commit/abort', () => {
  assert.ok(isTransientTransactionError(ErrorCodes.LockTimeout, true));
  assert.ok(isTransientTransactionError(ErrorCodes.NoSuchTransaction, true));
  assert.ok(isTransientTransactionError(ErrorCodes.NotWritablePrimary, false));
  assert.not.ok(isTransientTransactionError(ErrorCodes.NotWritablePrimary, true));
  assert.not.ok(isTransientTransactionError(51, false));
});

test.run();
