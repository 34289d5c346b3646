/**
 * A server's transactions (transactions.md "Server Commands", as mongod and mongos answer them): per
 * logical session, the latest txnNumber and whether that transaction is in progress, committed
 * or aborted. A transaction's statements are applied as they come (simplification: no snapshot
 * isolation, and abort does not undo them); this table decides what startTransaction,
 * commitTransaction and abortTransaction answer, with mongod's codes:
 * NoSuchTransaction (251), TransactionCommitted (256), TransactionTooOld (225).
 */
import { CommandError, ErrorCodes, retryableWriteErrorCodes } from './errors.js';
import { isPlainObject, valueKey } from './values.js';

type Document = Readonly<Record<string, unknown>>;

export type TransactionState = 'inProgress' | 'committed' | 'aborted';

/** At most this many sessions are remembered; the oldest is forgotten first (a bound, not a mongod limit). */
export const maxTransactionSessions = 10_000;

/** What a command says about its transaction: null when it is not part of one (no `autocommit: false`). */
export function transactionOf(body: Document): { readonly lsid: string; readonly txnNumber: number; readonly start: boolean } | null {
  if (body['autocommit'] !== false) {
    if (body['autocommit'] !== undefined) throw new CommandError(ErrorCodes.InvalidOptions, 'autocommit can only be specified as false');
    return null;
  }
  const lsid = body['lsid'];
  const txnNumber = Number(body['txnNumber']);
  if (!isPlainObject(lsid)) throw new CommandError(ErrorCodes.InvalidOptions, "'autocommit' field requires a session id");
  if (body['txnNumber'] === undefined || !Number.isInteger(txnNumber) || txnNumber < 0) throw new CommandError(ErrorCodes.InvalidOptions, "'autocommit' field requires a transaction number to also be specified");
  return { lsid: valueKey(lsid['id'] ?? lsid), txnNumber, start: body['startTransaction'] === true };
}

export class Transactions {
  private readonly sessions = new Map<string, { txnNumber: number; state: TransactionState }>();

  /** A statement of a transaction (not commit/abort): the first one starts it; later ones need it in progress. */
  statement(lsid: string, txnNumber: number, start: boolean): void {
    const current = this.sessions.get(lsid);
    if (start) {
      if (current !== undefined && current.txnNumber > txnNumber) {
        throw new CommandError(ErrorCodes.TransactionTooOld, `txnNumber ${txnNumber} is less than last txnNumber ${current.txnNumber} seen in session ${lsid}`);
      }
      if (current !== undefined && current.txnNumber === txnNumber) {
        throw new CommandError(ErrorCodes.NoSuchTransaction, `Transaction ${txnNumber} has already been started on session ${lsid}`);
      }
      this.remember(lsid, { txnNumber, state: 'inProgress' });
      return;
    }
    if (current === undefined || current.txnNumber !== txnNumber || current.state !== 'inProgress') {
      throw new CommandError(ErrorCodes.NoSuchTransaction, `Transaction ${txnNumber} has been aborted or was never started on session ${lsid}`);
    }
  }

  /** commitTransaction: commits an open transaction; committing a committed one again succeeds. */
  commit(lsid: string, txnNumber: number): void {
    const current = this.sessions.get(lsid);
    if (current === undefined || current.txnNumber !== txnNumber || current.state === 'aborted') {
      throw new CommandError(ErrorCodes.NoSuchTransaction, `Transaction ${txnNumber} has been aborted or was never started on session ${lsid}`);
    }
    current.state = 'committed';
  }

  /** abortTransaction: aborts an open transaction; a committed one cannot be aborted. */
  abort(lsid: string, txnNumber: number): void {
    const current = this.sessions.get(lsid);
    if (current !== undefined && current.txnNumber === txnNumber && current.state === 'committed') {
      throw new CommandError(ErrorCodes.TransactionCommitted, `Transaction ${txnNumber} has been committed.`);
    }
    if (current === undefined || current.txnNumber !== txnNumber || current.state !== 'inProgress') {
      throw new CommandError(ErrorCodes.NoSuchTransaction, `Transaction ${txnNumber} has been aborted or was never started on session ${lsid}`);
    }
    current.state = 'aborted';
  }

  stateOf(lsid: string): { readonly txnNumber: number; readonly state: TransactionState } | undefined {
    return this.sessions.get(lsid);
  }

  private remember(lsid: string, entry: { txnNumber: number; state: TransactionState }): void {
    this.sessions.delete(lsid);
    if (this.sessions.size >= maxTransactionSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(lsid, entry);
  }
}

/**
 * mongod's isTransientTransactionError (error_labels.cpp): inside a transaction these codes
 * mean the whole transaction may be retried. For commit/abort only NoSuchTransaction is.
 */
export function isTransientTransactionError(code: number, isCommitOrAbort: boolean): boolean {
  if (code === ErrorCodes.WriteConflict || code === ErrorCodes.LockTimeout) return true;
  if (isCommitOrAbort) return code === ErrorCodes.NoSuchTransaction;
  return code === ErrorCodes.NoSuchTransaction || retryableWriteErrorCodes.has(code);
}

/** A transaction's statement as the shard gets it: the transaction fields stay with the router. */
export function withoutTransactionFields(body: Document): Document {
  const { txnNumber: _t, autocommit: _a, startTransaction: _s, ...rest } = body;
  return rest;
}
