/**
 * The transaction state of a ClientSession (transactions.md "ClientSession changes"): pure
 * transitions, so ClientSession only runs commands. "committedEmpty" is "transaction
 * committed" for a transaction that sent nothing: committing it again sends nothing either.
 * Invalid calls throw without changing the state ("error" is not a state).
 */
import { MongoError } from '../core/errors.js';
import type { Document } from './runtime/ports.js';

export type TransactionState = 'none' | 'starting' | 'inProgress' | 'committed' | 'committedEmpty' | 'aborted';

/** An invalid transaction call (Node driver: MongoTransactionError). */
export class MongoTransactionError extends MongoError {
  override get name(): string {
    return 'MongoTransactionError';
  }
}

/** transactions.md "startTransaction": "Transaction already in progress" while one is open. */
export function startTransaction(state: TransactionState): TransactionState {
  if (state === 'starting' || state === 'inProgress') throw new MongoTransactionError('Transaction already in progress');
  return 'starting';
}

/** Any operation on the session (not commit/abort): the first one starts the transaction; after commit or abort the session leaves it. */
export function afterOperation(state: TransactionState): TransactionState {
  if (state === 'starting') return 'inProgress';
  if (state === 'inProgress') return 'inProgress';
  return 'none';
}

/** transactions.md "commitTransaction": whether to send the command, and whether it re-runs a previous commit (w: majority). */
export function commitPlan(state: TransactionState): { send: boolean; retry: boolean } {
  switch (state) {
    case 'none':
      throw new MongoTransactionError('No transaction started');
    case 'aborted':
      throw new MongoTransactionError('Cannot call commitTransaction after calling abortTransaction');
    case 'starting':
    case 'committedEmpty':
      return { send: false, retry: false };
    case 'inProgress':
      return { send: true, retry: false };
    case 'committed':
      return { send: true, retry: true };
  }
}

/** transactions.md "abortTransaction": valid only while starting or in progress. */
export function abortPlan(state: TransactionState): { send: boolean } {
  switch (state) {
    case 'none':
      throw new MongoTransactionError('No transaction started');
    case 'committed':
    case 'committedEmpty':
      throw new MongoTransactionError('Cannot call abortTransaction after calling commitTransaction');
    case 'aborted':
      throw new MongoTransactionError('Cannot call abortTransaction twice');
    case 'starting':
      return { send: false };
    case 'inProgress':
      return { send: true };
  }
}

/**
 * transactions.md "Constructing the first command within a transaction" / "any other command":
 * autocommit: false always (the executor adds lsid and txnNumber for a session in a transaction); startTransaction: true and the transaction's
 * readConcern only on the first.
 */
export function transactionFields(state: TransactionState, readConcern: Document | undefined): Document {
  const first = state === 'starting';
  return {
    ...(first ? { startTransaction: true } : {}),
    autocommit: false,
    ...(first && readConcern !== undefined ? { readConcern } : {}),
  };
}
