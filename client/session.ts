/**
 * ClientSession (driver-sessions.md): an explicit session. Its server session is taken from
 * the client's pool when first needed (its `id` is read) and given back by endSession().
 * Operations given `{session}` run with it; transactions (transactions.md) keep their state
 * in transaction-state.ts, and in load-balanced mode the transaction's connection is pinned
 * from its first command until the session lets it go (load-balancers.md "Connection Pinning").
 */
import { MongoError, MongoNetworkError } from '../core/errors.js';
import type { OperationSuccess } from './execute.js';
import type { RunOperation } from './runtime/api.js';
import type { Document } from './runtime/ports.js';
import type { ServerSession } from './runtime/sessions.js';
import { readConcernDocument, writeConcernDocument, type ReadConcern, type WriteConcern } from './concerns.js';
import { abortPlan, afterOperation, commitPlan, startTransaction, transactionFields, type TransactionState } from './transaction-state.js';

export { MongoTransactionError } from './transaction-state.js';

/** driver-sessions.md: using a session after endSession. Named as in the Node driver. */
export class MongoExpiredSessionError extends MongoError {
  override get name(): string {
    return 'MongoExpiredSessionError';
  }
}

/** Runs one operation; `onPinned` hears of a connection kept for a transaction (RunOperation.pinTransaction). */
export type SessionRun = (operation: RunOperation, onPinned?: (address: string, connectionId: number) => void) => Promise<OperationSuccess>;

/** What a session needs from its client: a server session to hold and give back, and a way to run commands. */
export interface ServerSessionSource {
  acquireServerSession(): { readonly lsid: Document };
  releaseServerSession(session: { readonly lsid: Document }): void;
  readonly run?: SessionRun;
  releasePinned?(address: string, connectionId: number): void;
}

/** transactions.md "TransactionOptions" (readPreference and maxCommitTimeMS are not supported yet). */
export interface TransactionOptions {
  readonly readConcern?: ReadConcern;
  readonly writeConcern?: WriteConcern;
}

/** transactions.md "writeConcern for commitTransaction attempts": a retried commit waits at most this long for a majority. */
export const commitRetryWtimeoutMS = 10_000;

export class ClientSession {
  private serverSession: ServerSession | null = null;
  private ended = false;
  private state: TransactionState = 'none';
  private options: TransactionOptions = {};
  /** load-balancers.md: the connection this session's transaction is pinned to. */
  private pinned: { readonly address: string; readonly connectionId: number } | null = null;

  constructor(private readonly source: ServerSessionSource) {}

  /** The logical session id `{id: UUID}` (driver-sessions.md "id"). */
  get id(): Document {
    return this.held().lsid;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** transactions.md: true while a transaction is starting or in progress. */
  inTransaction(): boolean {
    return this.state === 'starting' || this.state === 'inProgress';
  }

  /** transactions.md "startTransaction": increments the server session's txnNumber. */
  startTransaction(options: TransactionOptions = {}): void {
    const session = this.held();
    const next = startTransaction(this.state);
    // load-balancers.md: a new transaction returns the previous one's pinned connection.
    this.unpin();
    session.txnNumber += 1n;
    this.state = next;
    this.options = options;
  }

  /** transactions.md "commitTransaction": retried once on a retryable error; a committed transaction is committed again. */
  async commitTransaction(): Promise<void> {
    this.held();
    const plan = commitPlan(this.state);
    if (!plan.send) {
      this.state = 'committedEmpty';
      return;
    }
    this.state = 'committed';
    try {
      await this.endCommand('commitTransaction', plan.retry);
    } catch (error) {
      if (!isRetryable(error)) throw this.commitError(error);
      this.unpin();
      try {
        await this.endCommand('commitTransaction', true);
      } catch (again) {
        throw this.commitError(again);
      }
    }
  }

  /** transactions.md "abortTransaction": retried once on a retryable error; its errors are ignored. */
  async abortTransaction(): Promise<void> {
    this.held();
    const plan = abortPlan(this.state);
    this.state = 'aborted';
    try {
      if (!plan.send) return;
      try {
        await this.endCommand('abortTransaction', false);
      } catch (error) {
        if (!isRetryable(error)) return;
        this.unpin();
        await this.endCommand('abortTransaction', false).catch(() => undefined);
      }
    } finally {
      // load-balancers.md: an abort, whatever its outcome, ends the pinning.
      this.unpin();
    }
  }

  /**
   * Runs `operation` with this session: its lsid, and inside a transaction the transaction's
   * fields, no retries and the pinned connection (transactions.md "Constructing commands
   * within a transaction").
   */
  async runOperation(run: SessionRun, operation: RunOperation): Promise<OperationSuccess> {
    const serverSession = this.held();
    if (!this.inTransaction()) {
      // transactions.md: after commit or abort, the next operation leaves the transaction.
      this.state = afterOperation(this.state);
      this.unpin();
      return run({ ...operation, session: { serverSession, inTransaction: false } });
    }
    const { writeConcern: _wc, readConcern: _rc, ...command } = operation.command;
    Object.assign(command, transactionFields(this.state, readConcernDocument(this.options.readConcern)));
    this.state = afterOperation(this.state);
    const pinned = this.pinned;
    const onPinned = (address: string, connectionId: number): void => {
      this.pinned = { address, connectionId };
    };
    const txnOperation: RunOperation = {
      ...operation,
      command,
      session: { serverSession, inTransaction: true },
      ...(pinned !== null && operation.pinnedConnection === undefined ? { address: pinned.address, pinnedConnection: pinned.connectionId, pinCursor: false } : {}),
      ...(pinned === null ? { pinTransaction: true } : {}),
    };
    try {
      const result = await run(txnOperation, onPinned);
      // The connection is the transaction's: a cursor opened in it must not give it back.
      if (pinned === null && this.pinned !== null && result.pinnedConnection === this.pinned.connectionId) {
        const { pinnedConnection: _p, ...rest } = result;
        return rest;
      }
      return result;
    } catch (error) {
      // transactions.md "Transient Transaction Error": a network error inside a transaction is one.
      if (error instanceof MongoNetworkError) addLabel(error, 'TransientTransactionError');
      if (error instanceof MongoError && error.hasErrorLabel('TransientTransactionError')) this.unpin();
      throw error;
    }
  }

  /** A runner for cursors opened with this session (find, getMore and killCursors all carry it). */
  runner(run: SessionRun, releasePinned?: (address: string, connectionId: number) => void): { run(operation: RunOperation): Promise<OperationSuccess>; releasePinned?(address: string, connectionId: number): void } {
    return { run: (operation) => this.runOperation(run, operation), ...(releasePinned !== undefined ? { releasePinned } : {}) };
  }

  /** driver-sessions.md "endSession": idempotent; aborts an open transaction (errors ignored); the server session goes back to the pool. */
  async endSession(): Promise<void> {
    if (this.ended) return;
    if (this.inTransaction()) await this.abortTransaction().catch(() => undefined);
    this.unpin();
    this.ended = true;
    const held = this.serverSession;
    this.serverSession = null;
    if (held !== null) this.source.releaseServerSession(held);
  }

  private held(): ServerSession {
    if (this.ended) throw new MongoExpiredSessionError('Cannot use a session that has ended');
    this.serverSession ??= this.source.acquireServerSession() as ServerSession;
    return this.serverSession;
  }

  private unpin(): void {
    const pinned = this.pinned;
    this.pinned = null;
    if (pinned !== null) this.source.releasePinned?.(pinned.address, pinned.connectionId);
  }

  /** commitTransaction/abortTransaction to admin, on the pinned connection when there is one; a retry uses w: majority. */
  private endCommand(name: 'commitTransaction' | 'abortTransaction', majority: boolean): Promise<OperationSuccess> {
    const run = this.source.run;
    if (run === undefined) throw new MongoError(`${name}: this session's client cannot run commands`);
    const wc = writeConcernDocument(this.options.writeConcern);
    const writeConcern = majority ? { ...wc, w: 'majority', wtimeout: wc?.['wtimeout'] ?? commitRetryWtimeoutMS } : wc;
    const pinned = this.pinned;
    return run({
      kind: 'write',
      databaseName: 'admin',
      command: { [name]: 1, ...(writeConcern !== undefined ? { writeConcern } : {}), autocommit: false },
      session: { serverSession: this.held(), inTransaction: true },
      ...(pinned !== null ? { address: pinned.address, pinnedConnection: pinned.connectionId } : {}),
    });
  }

  /** transactions.md "UnknownTransactionCommitResult": a retryable or write concern failure of commit; a transient one unpins. */
  private commitError(error: unknown): unknown {
    if (isRetryable(error) || (error instanceof MongoError && (error as { code?: unknown }).code === 50)) addLabel(error as MongoError, 'UnknownTransactionCommitResult');
    if (error instanceof MongoError && (error.hasErrorLabel('TransientTransactionError') || error instanceof MongoNetworkError)) this.unpin();
    return error;
  }
}

/** retryable-writes.md: a network error or a server error labelled RetryableWriteError. */
function isRetryable(error: unknown): boolean {
  return error instanceof MongoNetworkError || (error instanceof MongoError && error.hasErrorLabel('RetryableWriteError'));
}

function addLabel(error: MongoError, label: string): void {
  if (error.hasErrorLabel(label)) return;
  const labels = (error as { errorLabels?: unknown }).errorLabels;
  Object.defineProperty(error, 'errorLabels', { value: [...(Array.isArray(labels) ? labels : []), label], enumerable: true, configurable: true, writable: false });
}
