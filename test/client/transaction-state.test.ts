/** transactions.md "ClientSession changes": the five transaction states and their transitions. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { afterOperation, commitPlan, abortPlan, startTransaction, transactionFields, MongoTransactionError } from '../../client/transaction-state.js';

const throwsWith = (fn: () => unknown, text: string): void =>
  assert.throws(fn, (e: unknown) => e instanceof MongoTransactionError && (e as Error).message.includes(text), text);

test('startTransaction: from no transaction, committed or aborted; never while one is starting or in progress', () => {
  assert.is(startTransaction('none'), 'starting');
  assert.is(startTransaction('committed'), 'starting');
  assert.is(startTransaction('committedEmpty'), 'starting');
  assert.is(startTransaction('aborted'), 'starting');
  throwsWith(() => startTransaction('starting'), 'Transaction already in progress');
  throwsWith(() => startTransaction('inProgress'), 'Transaction already in progress');
});

test('an operation: starting becomes in progress; after commit or abort the session leaves the transaction', () => {
  assert.is(afterOperation('starting'), 'inProgress');
  assert.is(afterOperation('inProgress'), 'inProgress');
  assert.is(afterOperation('committed'), 'none');
  assert.is(afterOperation('committedEmpty'), 'none');
  assert.is(afterOperation('aborted'), 'none');
  assert.is(afterOperation('none'), 'none');
});

test('commitTransaction: no command for an empty transaction; a committed one is committed again (w: majority)', () => {
  assert.equal(commitPlan('starting'), { send: false, retry: false });
  assert.equal(commitPlan('committedEmpty'), { send: false, retry: false });
  assert.equal(commitPlan('inProgress'), { send: true, retry: false });
  assert.equal(commitPlan('committed'), { send: true, retry: true });
  throwsWith(() => commitPlan('none'), 'No transaction started');
  throwsWith(() => commitPlan('aborted'), 'Cannot call commitTransaction after calling abortTransaction');
});

test('abortTransaction: only while starting or in progress; no command for an empty transaction', () => {
  assert.equal(abortPlan('starting'), { send: false });
  assert.equal(abortPlan('inProgress'), { send: true });
  throwsWith(() => abortPlan('none'), 'No transaction started');
  throwsWith(() => abortPlan('committed'), 'Cannot call abortTransaction after calling commitTransaction');
  throwsWith(() => abortPlan('committedEmpty'), 'Cannot call abortTransaction after calling commitTransaction');
  throwsWith(() => abortPlan('aborted'), 'Cannot call abortTransaction twice');
});

test('command fields: autocommit on every command; startTransaction and readConcern only on the first', () => {
  const first = transactionFields('starting', { level: 'snapshot' });
  assert.equal(Object.keys(first), ['startTransaction', 'autocommit', 'readConcern']);
  assert.is(first['startTransaction'], true);
  assert.is(first['autocommit'], false);
  assert.equal(first['readConcern'], { level: 'snapshot' });
  const later = transactionFields('inProgress', { level: 'snapshot' });
  assert.equal(Object.keys(later), ['autocommit']);
  assert.equal(Object.keys(transactionFields('starting', undefined)), ['startTransaction', 'autocommit']);
});

test.run();
