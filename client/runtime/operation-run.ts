/**
 * Drives one operation's executor machine (core/executor): selection waits on its single
 * timer, check-outs go to the server's pool, commands to the checked-out connection, SDAM
 * application errors to the topology, and the outcome to the caller.
 */
import { MongoNetworkError } from '../../core/errors.js';
import { PoolClosedError } from '../../core/pool/index.js';
import type { TopologyDescription } from '../../core/sdam/types.js';
import { createExecutor, stepExecutor, type ExecutorAction, type ExecutorInput, type ExecutorOptions, type ExecutorState, type ExecutorStep, type OperationInput } from '../../core/executor/index.js';
import type { RunResult } from './api.js';
import type { RuntimeContext } from './context.js';
import type { ServerPool } from './server-pool.js';
import type { ServerSession } from './sessions.js';
import { TimerSlot } from './timer-slot.js';

/** What an operation needs from the runtime around it. */
export interface OperationHost {
  pool(address: string): ServerPool | undefined;
  /** Operations currently holding (or checking out) a connection, per server: the in-window choice. */
  operationCounts(): ReadonlyMap<string, number>;
  countOperation(address: string, delta: 1 | -1): void;
  /** server-selection.md: a selection that must wait asks every monitor for an immediate check. */
  requestImmediateChecks(): void;
  /** uri-options.md "socketTimeoutMS"; null for none. */
  readonly socketTimeoutMS: number | null;
  finished(run: OperationRun, result: RunResult, txnNumberUsed: boolean): void;
}

export interface OperationSpec {
  /** The executor's input: its `readPreference` and `pinnedAddress` decide selection and `$readPreference`. */
  readonly operation: OperationInput;
  readonly options: ExecutorOptions;
  readonly session: ServerSession | null;
  /** Load-balanced mode: keep the connection when the reply opens a cursor (RunOperation.pinCursor). */
  readonly pinCursor?: boolean;
  /** Run on this connection, already checked out and pinned to a cursor (RunOperation.pinnedConnection). */
  readonly pinnedConnection?: number;
  /** The session is a ClientSession's (RunOperation.session): not returned to the pool after the operation. */
  readonly explicitSession?: boolean;
  /** Load-balanced mode: keep the connection whatever the reply, for a transaction (RunOperation.pinTransaction). */
  readonly pinTransaction?: boolean;
}

export class OperationRun {
  private state: ExecutorState;
  private readonly wake: TimerSlot;
  /** The pool the outstanding checkOut or the held connection belongs to. */
  private heldPool: ServerPool | null = null;
  /** The server whose operation count this operation holds. */
  private counted: string | null = null;
  private done = false;
  /** The server of the last attempt that reached check-out (a completed operation's address). */
  private lastAddress: string | null = null;
  /** pinCursor: the connection the executor gave back, held until the reply shows whether a cursor is open. */
  private heldBack: { readonly pool: ServerPool; readonly connectionId: number } | null = null;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly host: OperationHost,
    readonly spec: OperationSpec,
    readonly id: number,
  ) {
    this.wake = new TimerSlot(ctx.ports.clock, `operation.${id}`);
    this.state = createExecutor(spec.options, ctx.now()).state;
  }

  get session(): ServerSession | null {
    return this.spec.session;
  }

  get isDone(): boolean {
    return this.done;
  }

  start(): void {
    this.step({
      type: 'start',
      operation: this.spec.operation,
      topology: this.ctx.topology().description,
      random: this.ctx.ports.random,
      operationCounts: this.host.operationCounts(),
    });
  }

  topologyChanged(description: TopologyDescription): void {
    if (this.done) return;
    this.step({ type: 'topologyChanged', topology: description, operationCounts: this.host.operationCounts() });
  }

  /** Abandons the operation without an outcome (the runtime reports one): timers and counts are released. */
  abandon(): void {
    this.done = true;
    this.wake.cancel();
    this.release();
  }

  private step(input: ExecutorInput): void {
    if (this.done) return;
    this.carryOut(stepExecutor(this.state, input, this.ctx.now()));
  }

  private carryOut(step: ExecutorStep): void {
    this.state = step.state;
    for (const event of step.events) this.ctx.emit(event);
    for (const action of step.actions) this.perform(action);
  }

  private perform(action: ExecutorAction): void {
    switch (action.type) {
      case 'requestImmediateCheck':
        return this.host.requestImmediateChecks();
      case 'wakeAt':
        return this.wake.arm(action.atMs, () => this.ctx.input(() => this.step({ type: 'timerFired' })));
      case 'checkOut':
        return this.checkOut(action.address);
      case 'send':
        return this.send(action);
      case 'checkIn': {
        const pool = this.heldPool ?? this.host.pool(action.address);
        this.release();
        if (this.spec.pinnedConnection !== undefined) {
          // The connection belongs to its cursor until releasePinned; a broken one is closed then.
          if (action.error !== null) pool?.step({ type: 'connectionFailed', connectionId: action.connectionId, error: action.error });
          return;
        }
        if ((this.spec.pinCursor === true || this.spec.pinTransaction === true) && action.error === null && pool !== undefined) {
          this.heldBack = { pool, connectionId: action.connectionId };
          return;
        }
        pool?.checkIn(action.connectionId, action.error);
        return;
      }
      case 'applicationError': {
        return this.ctx.updateTopology({
          type: 'applicationError',
          address: action.address,
          kind: action.kind,
          handshakeCompleted: action.handshakeCompleted,
          ...(action.connectionGeneration !== null ? { generation: action.connectionGeneration } : {}),
          ...(action.response !== null ? { response: action.response } : {}),
          errorLabels: action.errorLabels,
          serviceId: action.serviceId,
          message: action.error.message,
        });
      }
      case 'complete': {
        const pinned = this.keepPinned(action.reply);
        return this.finish({ ok: true, reply: action.reply, address: this.lastAddress ?? '', attempts: action.attempts, ...(pinned !== null ? { pinnedConnection: pinned } : {}) }, action.txnNumberUsed);
      }
      case 'fail': {
        const pinned = this.keepPinned(null);
        return this.finish({ ok: false, error: action.error, address: action.address ?? this.lastAddress, attempts: action.attempts, ...(pinned !== null ? { pinnedConnection: pinned } : {}) }, action.txnNumberUsed);
      }
    }
  }

  /** pinCursor: the held-back connection stays out when `reply` opens a cursor (its id), else goes back now. */
  private keepPinned(reply: Readonly<Record<string, unknown>> | null): number | null {
    const held = this.heldBack;
    this.heldBack = null;
    if (held === null) return null;
    if (this.spec.pinTransaction === true) {
      // load-balancers.md: a transaction keeps its connection until the session lets it go.
      held.pool.pinToTransaction(held.connectionId);
      return held.connectionId;
    }
    const cursor = reply?.['cursor'] as { id?: unknown } | undefined;
    if (cursor !== undefined && cursor !== null && !isZeroCursorId(cursor.id)) {
      held.pool.pinToCursor(held.connectionId);
      return held.connectionId;
    }
    held.pool.checkIn(held.connectionId, null);
    return null;
  }

  private checkOut(address: string): void {
    const pool = this.host.pool(address);
    this.lastAddress = address;
    const pinned = this.spec.pinnedConnection;
    if (pinned !== undefined) {
      // load-balancers.md: getMore and killCursors go on the cursor's own connection, no check-out.
      const info = pool?.describeConnection(pinned);
      if (pool === undefined || info === undefined) {
        this.ctx.input(() => this.step({ type: 'checkOutFailed', error: new MongoNetworkError(`the connection pinned to this cursor (${pinned} to ${address}) is gone`) }));
        return;
      }
      this.heldPool = pool;
      this.counted = address;
      this.host.countOperation(address, 1);
      this.ctx.input(() => this.step({ type: 'checkedOut', connection: info }));
      return;
    }
    if (pool === undefined) {
      // The server left the topology between selection and check-out.
      this.ctx.input(() => this.step({ type: 'checkOutFailed', error: new PoolClosedError(address) }));
      return;
    }
    this.heldPool = pool;
    this.counted = address;
    this.host.countOperation(address, 1);
    pool.checkOut((outcome) => {
      if (this.done) {
        if (outcome.ok) pool.checkIn(outcome.connection.id, null);
        return;
      }
      if (outcome.ok) return this.step({ type: 'checkedOut', connection: outcome.connection });
      this.release();
      this.step({
        type: 'checkOutFailed',
        error: outcome.error,
        ...(outcome.connectionGeneration !== undefined ? { connectionGeneration: outcome.connectionGeneration } : {}),
        ...(outcome.response !== undefined ? { response: outcome.response } : {}),
      });
    });
  }

  private send(action: Extract<ExecutorAction, { type: 'send' }>): void {
    const pool = this.heldPool;
    const connection = pool?.connection(action.connectionId);
    const requestId = action.requestId;
    if (connection === undefined) {
      this.ctx.input(() => this.step({ type: 'networkError', error: new MongoNetworkError(`connection ${action.connectionId} to ${action.address} is gone`), requestId }));
      return;
    }
    // The command goes out exactly as the executor built it (and as commandStarted showed it).
    const body = action.command;
    if (!action.expectsReply) {
      const written = connection.wire.sendOnly(requestId, action.databaseName, body);
      this.ctx.input(() =>
        this.step(written ? { type: 'reply', reply: { ok: 1 }, requestId } : { type: 'networkError', error: new MongoNetworkError(`connection to ${action.address} is closed`), requestId }),
      );
      return;
    }
    connection.wire.request(requestId, action.databaseName, body, this.host.socketTimeoutMS, (outcome) => {
      if (outcome.ok) return this.step({ type: 'reply', reply: outcome.reply, requestId });
      this.step({ type: 'networkError', error: new MongoNetworkError(outcome.message), timeout: outcome.kind === 'timeout', requestId });
    });
  }

  private release(): void {
    if (this.counted !== null) this.host.countOperation(this.counted, -1);
    this.counted = null;
    this.heldPool = null;
  }

  private finish(result: RunResult, txnNumberUsed: boolean): void {
    this.done = true;
    this.wake.cancel();
    this.release();
    this.host.finished(this, result, txnNumberUsed);
  }
}

/** A cursor id of 0 (number, bigint or Long) or none: the server holds no cursor. */
function isZeroCursorId(id: unknown): boolean {
  if (typeof id === 'number') return id === 0;
  if (typeof id === 'bigint') return id === 0n;
  if (id !== null && typeof id === 'object' && typeof (id as { isZero?: unknown }).isZero === 'function') return (id as { isZero(): boolean }).isZero();
  return true;
}
