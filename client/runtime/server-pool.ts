/**
 * Drives one server's connection pool machine (core/pool): opens and handshakes connections
 * through the transport, hands them to check-out requests, closes them, and keeps the pool's
 * single timer.
 */
import { MongoError, MongoNetworkError, MongoServerError } from '../../core/errors.js';
import { serverErrorFromReply, isOkReply } from '../../core/executor/index.js';
import { errorLabelsOf, withErrorLabel } from '../../core/executor/labels.js';
import { retryableErrorLabel, systemOverloadedErrorLabel } from '../../core/executor/constants.js';
import { WaitQueueTimeoutError, createPool, stepPool, type PoolAction, type PoolInput, type PoolOptionsInput, type PoolState, type PoolStep } from '../../core/pool/index.js';
import type { ConnectionInfo } from '../../core/executor/index.js';
import type { RuntimeContext } from './context.js';
import type { Document } from './ports.js';
import { TimerSlot } from './timer-slot.js';
import { WireConnection } from './wire-connection.js';

const adminDb = 'admin';

/** One application connection: its wire, and what its handshake said. */
export interface AppConnection {
  readonly id: number;
  readonly wire: WireConnection;
  readonly generation: number;
  hello: Document | null;
}

export type CheckOutOutcome =
  | { readonly ok: true; readonly connection: ConnectionInfo }
  | { readonly ok: false; readonly error: Error; readonly connectionGeneration?: number; readonly response?: Document };

/** What a failed handshake left behind, for the executor's SDAM "error generation" (keyed by the error). */
interface HandshakeFailure {
  readonly generation: number;
  readonly response: Document | null;
}

export class ServerPool {
  private state: PoolState;
  private readonly wake: TimerSlot;
  private readonly connections = new Map<number, AppConnection>();
  private readonly waiters = new Map<number, (outcome: CheckOutOutcome) => void>();
  private readonly handshakeFailures = new WeakMap<Error, HandshakeFailure>();
  private nextCheckOutId = 1;
  /** In-use connections pinned to a cursor (load-balanced mode), for the wait queue timeout message. */
  private readonly cursorPinned = new Set<number>();
  /** In-use connections pinned to a transaction (load-balanced mode), for the same message. */
  private readonly transactionPinned = new Set<number>();

  constructor(
    private readonly ctx: RuntimeContext,
    readonly address: string,
    options: PoolOptionsInput,
    private readonly handshake: Document,
    private readonly connectTimeoutMS: number,
    /** Builds what the executor needs to know about a connection (server type comes from SDAM). */
    private readonly describe: (connection: AppConnection) => ConnectionInfo,
  ) {
    this.wake = new TimerSlot(ctx.ports.clock, `pool.${address}`);
    const created = createPool({ ...options, address }, ctx.now());
    this.state = created.state;
    this.carryOut(created);
  }

  get status(): PoolState['status'] {
    return this.state.status;
  }

  /** Open application connections. */
  get openConnections(): number {
    let open = 0;
    for (const c of this.connections.values()) if (c.wire.isOpen) open++;
    return open;
  }

  connection(connectionId: number): AppConnection | undefined {
    return this.connections.get(connectionId);
  }

  /** The in-use connection now belongs to a cursor until it is checked in (load-balanced mode). */
  pinToCursor(connectionId: number): void {
    if (this.state.connections.get(connectionId)?.state === 'inUse') this.cursorPinned.add(connectionId);
  }

  /** The in-use connection now belongs to a transaction until it is checked in (load-balanced mode). */
  pinToTransaction(connectionId: number): void {
    if (this.state.connections.get(connectionId)?.state === 'inUse') this.transactionPinned.add(connectionId);
  }

  /** What the executor needs to know of an open connection the pool still counts as in use (a pinned one), or undefined. */
  describeConnection(connectionId: number): ConnectionInfo | undefined {
    const c = this.connections.get(connectionId);
    if (c === undefined || this.state.connections.get(connectionId)?.state !== 'inUse') return undefined;
    return this.describe(c);
  }

  /** CMAP checkOut; `callback` runs once, from the runtime queue. */
  checkOut(callback: (outcome: CheckOutOutcome) => void): void {
    const requestId = this.nextCheckOutId++;
    this.waiters.set(requestId, callback);
    this.step({ type: 'checkOut', requestId });
  }

  /** CMAP checkIn; with `error` the connection is broken and is closed instead of reused. */
  checkIn(connectionId: number, error: Error | null): void {
    this.cursorPinned.delete(connectionId);
    this.transactionPinned.delete(connectionId);
    if (error !== null) this.step({ type: 'connectionFailed', connectionId, error });
    this.step({ type: 'checkIn', connectionId });
  }

  step(input: PoolInput): void {
    this.carryOut(stepPool(this.state, input, this.ctx.now()));
  }

  /** Closes the pool and every connection, in use or not (the client is closing). */
  close(): void {
    if (this.state.status !== 'closed') this.step({ type: 'close' });
    this.wake.cancel();
    for (const c of this.connections.values()) c.wire.close();
    this.connections.clear();
  }

  private carryOut(step: PoolStep): void {
    this.state = step.state;
    for (const event of step.events) this.ctx.emit(event);
    for (const action of step.actions) this.perform(action);
  }

  private perform(action: PoolAction): void {
    switch (action.type) {
      case 'establish':
        return this.establish(action.connectionId, action.generation);
      case 'closeConnection': {
        const c = this.connections.get(action.connectionId);
        this.connections.delete(action.connectionId);
        c?.wire.close();
        return;
      }
      case 'deliver': {
        const callback = this.take(action.requestId);
        const c = this.connections.get(action.connectionId);
        if (c === undefined) throw new Error(`runtime invariant: pool ${this.address} delivered unknown connection ${action.connectionId}`);
        if (callback === undefined) {
          // Its operation is gone (the client closed): return the connection at once.
          this.ctx.input(() => this.checkIn(action.connectionId, null));
          return;
        }
        const info = this.describe(c);
        this.ctx.input(() => callback({ ok: true, connection: info }));
        return;
      }
      case 'failRequest': {
        const callback = this.take(action.requestId);
        if (callback === undefined) return;
        const failure = this.handshakeFailures.get(action.error);
        const error = this.detailed(action.error);
        const outcome: CheckOutOutcome = failure === undefined
          ? { ok: false, error }
          : { ok: false, error, connectionGeneration: failure.generation, ...(failure.response !== null ? { response: failure.response } : {}) };
        this.ctx.input(() => callback(outcome));
        return;
      }
      case 'interruptConnection':
        // CMAP "interruptInUseConnections": the command in flight fails with this error.
        this.connections.get(action.connectionId)?.wire.interrupt(action.error.message);
        return;
      case 'wakeAt':
        return this.wake.arm(action.atMs, () => this.ctx.input(() => this.step({ type: 'timerFired' })));
    }
  }

  /**
   * load-balancers.md "Connection Pooling": a load-balanced pool's WaitQueueTimeoutError says
   * what holds the connections.
   */
  private detailed(error: Error): Error {
    if (!(error instanceof WaitQueueTimeoutError) || !this.state.options.loadBalanced) return error;
    let inUse = 0;
    for (const c of this.state.connections.values()) if (c.state === 'inUse') inUse++;
    const cursors = this.cursorPinned.size;
    const transactions = this.transactionPinned.size;
    return new WaitQueueTimeoutError(
      this.address,
      `Timeout waiting for connection from the connection pool. maxPoolSize: ${this.state.options.maxPoolSize}, connections in use by cursors: ${cursors}, ` +
        `connections in use by transactions: ${transactions}, connections in use by other operations: ${inUse - cursors - transactions}`,
    );
  }

  private take(requestId: number): ((outcome: CheckOutOutcome) => void) | undefined {
    const callback = this.waiters.get(requestId);
    this.waiters.delete(requestId);
    return callback;
  }

  /**
   * A handshake failed. A checkOut waiting for the connection gets the error (its executor
   * tells SDAM); a background (minPoolSize) connection has nobody to do that, so the pool does:
   * CMAP "Populating the Pool with a Connection": "it MUST be handled via the SDAM machinery
   * according to the Application Errors section".
   */
  private handshakeFailed(connectionId: number, error: Error, kind: 'network' | 'timeout' | 'command', generation: number, response: Document | null): void {
    const background = this.state.connections.get(connectionId)?.request === null;
    this.step({ type: 'establishmentFailed', connectionId, error });
    if (!background) return;
    this.ctx.updateTopology({
      type: 'applicationError',
      address: this.address,
      kind,
      handshakeCompleted: false,
      generation,
      ...(response !== null ? { response } : {}),
      errorLabels: errorLabelsOf(error),
      serviceId: null,
      message: error.message,
    });
  }

  private establish(connectionId: number, generation: number): void {
    const wire = new WireConnection(this.ctx, this.address, `connection.${this.address}.${connectionId}`);
    const connection: AppConnection = { id: connectionId, wire, generation, hello: null };
    this.connections.set(connectionId, connection);
    const timeoutMS = this.connectTimeoutMS === 0 ? null : this.connectTimeoutMS;
    wire.request(this.ctx.nextRequestId(), adminDb, this.handshake, timeoutMS, (outcome) => {
      if (this.connections.get(connectionId) !== connection) return; // the pool closed it meanwhile
      if (!outcome.ok) {
        // CMAP "Backpressure-enabled": a network error or timeout while establishing the
        // connection (the hello) may be server overload, so it gets both labels; SDAM then
        // neither marks the server Unknown nor clears the pool.
        const error = withErrorLabel(withErrorLabel(new MongoNetworkError(`handshake failed: ${outcome.message}`), systemOverloadedErrorLabel), retryableErrorLabel);
        this.handshakeFailures.set(error, { generation, response: null });
        return this.handshakeFailed(connectionId, error, outcome.kind === 'timeout' ? 'timeout' : 'network', generation, null);
      }
      if (!isOkReply(outcome.reply)) {
        const error: MongoServerError = serverErrorFromReply(outcome.reply);
        this.handshakeFailures.set(error, { generation, response: outcome.reply });
        return this.handshakeFailed(connectionId, error, 'command', generation, outcome.reply);
      }
      connection.hello = outcome.reply;
      // An established connection that breaks while idle is perished (CMAP "Errored").
      wire.onBroken = (message) => this.step({ type: 'connectionFailed', connectionId, error: new MongoNetworkError(message) });
      const serviceId = serviceIdOf(outcome.reply);
      if (this.state.options.loadBalanced && serviceId === null) {
        // load-balancers.md "Connection Establishment": the message drivers share (the unified test checks it).
        const error = new MongoError(`Driver attempted to initialize in load balancing mode, but the server does not support this mode: ${this.address} answered the handshake without a serviceId`);
        return this.step({ type: 'establishmentFailed', connectionId, error });
      }
      this.step(serviceId === null ? { type: 'established', connectionId } : { type: 'established', connectionId, serviceId });
    });
  }
}

/** load-balancers.md: the handshake's `serviceId` (an ObjectId), as hex. */
function serviceIdOf(reply: Document): string | null {
  const value = reply['serviceId'];
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as { toHexString?: unknown }).toHexString === 'function') {
    return (value as { toHexString(): string }).toHexString();
  }
  return null;
}
