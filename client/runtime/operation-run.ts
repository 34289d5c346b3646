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
      case 'complete':
        return this.finish({ ok: true, reply: action.reply, address: this.lastAddress ?? '', attempts: action.attempts }, action.txnNumberUsed);
      case 'fail':
        return this.finish({ ok: false, error: action.error, address: action.address, attempts: action.attempts }, action.txnNumberUsed);
    }
  }

  private checkOut(address: string): void {
    const pool = this.host.pool(address);
    this.lastAddress = address;
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
