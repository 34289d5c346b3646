/**
 * The connection pool of one server as a pure state machine (connection-monitoring-and-pooling.md,
 * CMAP): `(state, input, now) → {state, actions, events}`.
 *
 * The pool decides which connection serves which checkOut, when connections are created,
 * and when they are closed; the client runtime performs the actions (handshakes,
 * socket closes, handing connections to callers, timers) and reports outcomes back as inputs.
 * There is no background thread: its duties (populating minPoolSize, closing perished available
 * connections) are done eagerly in every step, with a wakeAt for the next idle expiry, so
 * they happen "as soon as possible" as CMAP "Background Thread" asks. Time going backwards and
 * inputs that do not fit the pool's state follow core/machine.ts.
 */
import { MongoInvalidArgumentError } from '../errors.js';
import { maxClearCauseChars, maxWaitQueueLength, unlimitedPoolConnectionCap } from './constants.js';
import { PoolClearedError, PoolClearedOnNetworkError, PoolClosedError, WaitQueueFullError, WaitQueueTimeoutError } from './errors.js';
import type { CheckOutFailedReason, ConnectionClosedReason, ConnectionPoolEvent } from './events.js';
import { poolInvariantViolations } from './invariants.js';
import { resolvePoolOptions, type PoolOptionsInput } from './options.js';
import type { ConnectionRequest, PoolAction, PoolInput, PoolState, PooledConnection, ServiceGeneration, WaitingRequest } from './types.js';
import { clockWentBackwards, inputIgnored, stepTimeMs, type MachineEvent, type Step } from '../machine.js';

/** What the pool publishes: the CMAP events plus the notices every machine may emit. */
export type PoolEvent = ConnectionPoolEvent | MachineEvent;

export type PoolStep = Step<PoolState, PoolAction, PoolEvent>;

/** createPool's options: the server's address and the CMAP options. */
export interface PoolCreateOptions extends PoolOptionsInput {
  /** "host:port" of the server the pool connects to. */
  readonly address: string;
}

/** CMAP "Creating a Connection Pool": generation 0, state "paused", ConnectionPoolCreated. */
export function createPool(options: PoolCreateOptions, nowMs: number): PoolStep {
  if (options === null || typeof options !== 'object') throw new MongoInvalidArgumentError(`Connection pool options must be an object with an address, got ${options === null ? 'null' : typeof options}`);
  const { address, ...poolOptions } = options;
  if (typeof address !== 'string' || address.length === 0) throw new MongoInvalidArgumentError('Connection pool address must be a non-empty "host:port" string');
  const now = nowMs;
  checkTime(now);
  const resolved = resolvePoolOptions(poolOptions);
  const state: PoolState = {
    address,
    options: resolved,
    status: 'paused',
    generation: 0,
    serviceGenerations: new Map(),
    nextConnectionId: 1,
    connections: new Map(),
    available: [],
    waitQueue: [],
    wakeAtMs: null,
    clearCause: null,
    lastNowMs: now,
  };
  return { state, actions: [], events: [{ name: 'connectionPoolCreated', address, options: { ...resolved.specified } }] };
}

/** Applies one input at time `nowMs` (ms, the caller's clock; an earlier time is clamped: core/machine.ts). */
export function stepPool(state: PoolState, input: PoolInput, nowMs: number): PoolStep {
  checkTime(nowMs);
  const clock = clockWentBackwards('pool', nowMs, state.lastNowMs);
  const draft = new Draft(state, stepTimeMs(nowMs, state.lastNowMs));
  if (clock !== null) draft.events.push(clock);
  draft.expireDue();
  draft.apply(input);
  draft.settle();
  return draft.finish();
}

function checkTime(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new MongoInvalidArgumentError(`Pool time 'now' must be a finite number of milliseconds, got ${String(now)}`);
}

/** Connection counts (CMAP totalConnectionCount, availableConnectionCount, pendingConnectionCount). */
export function poolCounts(state: PoolState): { total: number; available: number; pending: number; inUse: number } {
  let pending = 0;
  let inUse = 0;
  for (const c of state.connections.values()) {
    if (c.state === 'pending') pending++;
    else if (c.state === 'inUse') inUse++;
  }
  return { total: state.connections.size, available: state.available.length, pending, inUse };
}

/** The largest number of connections the pool may hold: maxPoolSize, or the safety cap when unlimited. */
export function connectionLimit(state: PoolState): number {
  return state.options.maxPoolSize > 0 ? state.options.maxPoolSize : unlimitedPoolConnectionCap;
}

/** A working copy of the state for one step; collects actions and events in order. */
class Draft {
  status: PoolState['status'];
  generation: number;
  nextConnectionId: number;
  readonly connections: Map<number, PooledConnection>;
  readonly serviceGenerations: Map<string, ServiceGeneration>;
  available: number[];
  waitQueue: WaitingRequest[];
  clearCause: string | null;
  readonly actions: PoolAction[] = [];
  readonly events: PoolEvent[] = [];
  private pendingCount: number;

  constructor(
    private readonly base: PoolState,
    private readonly now: number,
  ) {
    this.status = base.status;
    this.generation = base.generation;
    this.nextConnectionId = base.nextConnectionId;
    this.connections = new Map(base.connections);
    this.serviceGenerations = new Map(base.serviceGenerations);
    this.available = [...base.available];
    this.waitQueue = [...base.waitQueue];
    this.clearCause = base.clearCause;
    this.pendingCount = poolCounts(base).pending;
  }

  private get address(): string {
    return this.base.address;
  }

  private get options(): PoolState['options'] {
    return this.base.options;
  }

  apply(input: PoolInput): void {
    switch (input.type) {
      case 'checkOut':
        return this.checkOut(input.requestId, input.deadlineMs);
      case 'checkIn':
        return this.checkIn(input.connectionId);
      case 'established':
        return this.established(input.connectionId, input.serviceId);
      case 'establishmentFailed':
        return this.establishmentFailed(input.connectionId, input.error);
      case 'connectionFailed':
        return this.connectionFailed(input.connectionId, input.error);
      case 'clear':
        return this.clear(input.interruptInUseConnections ?? false, input.serviceId, input.cause);
      case 'ready':
        return this.ready();
      case 'close':
        return this.close();
      case 'timerFired':
        return; // expireDue already handled whatever is due.
      default: {
        const unknown: { type?: unknown } = input;
        throw new MongoInvalidArgumentError(`Unknown pool input type ${JSON.stringify(unknown.type)}`);
      }
    }
  }

  /** core/machine.ts rule (b): an input that does not fit the pool's state changes nothing and says so. */
  private ignore(input: PoolInput['type'], reason: string): void {
    this.events.push(inputIgnored('pool', input, this.status, reason));
  }

  // ---- inputs -------------------------------------------------------------------------------

  /** CMAP "Checking Out a Connection": enter the WaitQueue; settle() serves it when it can. */
  private checkOut(requestId: number, deadlineMs: number | undefined): void {
    if (typeof requestId !== 'number' || !Number.isSafeInteger(requestId)) throw new MongoInvalidArgumentError(`checkOut requestId must be a safe integer, got ${String(requestId)}`);
    if (deadlineMs !== undefined && (typeof deadlineMs !== 'number' || Number.isNaN(deadlineMs))) throw new MongoInvalidArgumentError(`checkOut deadlineMs must be a number, got ${String(deadlineMs)}`);
    if (this.isOutstanding(requestId)) return this.ignore('checkOut', `checkOut requestId ${requestId} is already outstanding`);
    this.events.push({ name: 'connectionCheckOutStarted', address: this.address });
    const request: ConnectionRequest = { requestId, startedAtMs: this.now };
    if (this.status === 'closed') return this.failRequest(request, 'poolClosed', new PoolClosedError(this.address));
    // CMAP: checkOut on a "paused" pool is a retryable, non-timeout network error.
    if (this.status === 'paused') return this.failRequest(request, 'connectionError', this.poolClearedError());
    if (this.waitQueue.length >= maxWaitQueueLength) return this.failRequest(request, 'connectionError', new WaitQueueFullError(this.address, maxWaitQueueLength));
    const fromOption = this.options.waitQueueTimeoutMS > 0 ? this.now + this.options.waitQueueTimeoutMS : null;
    const deadline = deadlineMs === undefined ? fromOption : fromOption === null ? deadlineMs : Math.min(fromOption, deadlineMs);
    this.waitQueue.push({ ...request, deadlineMs: deadline });
  }

  /** CMAP "Checking In a Connection". */
  private checkIn(connectionId: number): void {
    // CMAP: checking in a connection the pool did not create MUST be an error.
    if (typeof connectionId !== 'number' || !Number.isSafeInteger(connectionId) || connectionId < 1 || connectionId >= this.nextConnectionId) {
      throw new MongoInvalidArgumentError(`checkIn of connection ${String(connectionId)}, which the pool for ${this.address} did not create`);
    }
    const connection = this.connections.get(connectionId);
    // One it created but that is not checked out now (checked in twice, already closed) does not fit.
    if (connection === undefined || connection.state !== 'inUse') {
      return this.ignore('checkIn', `checkIn of connection ${connectionId}, which is ${connection === undefined ? 'closed' : connection.state}, not checked out`);
    }
    this.events.push({ name: 'connectionCheckedIn', address: this.address, connectionId });
    if (connection.error !== null) return this.closeConnection(connection, 'error', connection.error);
    if (this.status === 'closed') return this.closeConnection(connection, 'poolClosed', null);
    if (this.isStale(connection)) return this.closeConnection(connection, 'stale', null);
    this.makeAvailable(connection);
  }

  /** CMAP "Establishing a Connection": ConnectionReady, then to its request or the available list. */
  private established(connectionId: number, serviceId: string | undefined): void {
    const pending = this.connections.get(connectionId);
    // A late report for a connection the pool already closed (clear with interrupt, close) is a race, not misuse.
    if (pending === undefined) return;
    if (pending.state !== 'pending') return this.ignore('established', `connection ${connectionId} reported established but it is ${pending.state}, not being established`);
    let connection: PooledConnection = pending;
    if (this.options.loadBalanced) {
      if (typeof serviceId !== 'string' || serviceId.length === 0) {
        throw new MongoInvalidArgumentError(`Connection ${connectionId} to load-balanced ${this.address} was established without a serviceId`);
      }
      // CMAP "Load Balancer Mode": take the service's generation and count the connection.
      const entry = this.serviceGenerations.get(serviceId) ?? { generation: 0, connectionCount: 0 };
      this.serviceGenerations.set(serviceId, { generation: entry.generation, connectionCount: entry.connectionCount + 1 });
      connection = { ...connection, serviceId, generation: entry.generation };
    }
    const request = connection.request;
    // Cleared while it was being established (Node does the same): it may not be handed out,
    // and its checkOut fails with the retryable PoolClearedError.
    if (this.isStale(connection)) {
      this.closeConnection(connection, 'stale', null);
      if (request !== null) this.failRequest(request, 'connectionError', this.poolClearedError());
      return;
    }
    this.pendingCount--;
    this.events.push({ name: 'connectionReady', address: this.address, connectionId, durationMS: this.now - connection.createdAtMs });
    if (request === null) return this.makeAvailable({ ...connection, request: null });
    const inUse: PooledConnection = { ...connection, state: 'inUse', request: null };
    this.connections.set(connectionId, inUse);
    this.deliver(request, inUse);
  }

  private establishmentFailed(connectionId: number, error: Error): void {
    const connection = this.connections.get(connectionId);
    if (connection === undefined) return; // already closed by clear/close: a race.
    if (connection.state !== 'pending') return this.ignore('establishmentFailed', `connection ${connectionId} reported a failed handshake but it is ${connection.state}, not being established`);
    this.closeConnection(connection, 'error', error);
    if (connection.request !== null) this.failRequest(connection.request, 'connectionError', error);
  }

  /** CMAP "Perishable: Errored". */
  private connectionFailed(connectionId: number, error: Error): void {
    const connection = this.connections.get(connectionId);
    if (connection === undefined) return; // the pool closed it already.
    if (connection.state === 'pending') return this.establishmentFailed(connectionId, error);
    if (connection.state === 'available') return this.closeConnection(connection, 'error', error);
    // In use: the holder still owns it; it is closed when checked in.
    if (connection.error === null) this.connections.set(connectionId, { ...connection, error });
  }

  /** CMAP "Clearing a Connection Pool". */
  private clear(interruptInUseConnections: boolean, serviceId: string | undefined, cause: Error | undefined): void {
    if (typeof interruptInUseConnections !== 'boolean') throw new MongoInvalidArgumentError('clear interruptInUseConnections must be a boolean');
    if (this.status === 'closed') return this.ignore('clear', 'the pool is closed');
    if (this.options.loadBalanced) return this.clearService(interruptInUseConnections, serviceId);
    if (serviceId !== undefined) throw new MongoInvalidArgumentError(`clear with a serviceId on the non-load-balanced pool for ${this.address}`);
    // "Clearing a non-load balanced pool": bump the generation and pause; the event only if not already paused.
    const oldGeneration = this.generation;
    this.generation++;
    this.clearCause = cause instanceof Error ? cause.message.slice(0, maxClearCauseChars) : null;
    const wasPaused = this.status === 'paused';
    this.status = 'paused';
    if (!wasPaused) this.events.push({ name: 'connectionPoolCleared', address: this.address, serviceId: undefined, interruptInUseConnections });
    // The WaitQueue is cleared eagerly with a retryable error.
    const waiting = this.waitQueue;
    this.waitQueue = [];
    for (const request of waiting) this.failRequest(request, 'connectionError', this.poolClearedError());
    if (interruptInUseConnections) this.interrupt((c) => c.generation <= oldGeneration);
    // "A pool SHOULD allow immediate scheduling of the next background thread iteration after
    // a clear": settle() closes the now-stale available connections in this same step.
  }

  /** "Clearing a load balanced pool": bump the service's generation; no pause, the WaitQueue stays. */
  private clearService(interruptInUseConnections: boolean, serviceId: string | undefined): void {
    if (typeof serviceId !== 'string' || serviceId.length === 0) throw new MongoInvalidArgumentError(`clear on the load-balanced pool for ${this.address} needs a serviceId`);
    const entry = this.serviceGenerations.get(serviceId);
    const oldGeneration = entry?.generation ?? 0;
    // Without an entry there are no connections of this service, so nothing to mark stale.
    if (entry !== undefined) this.serviceGenerations.set(serviceId, { ...entry, generation: entry.generation + 1 });
    this.events.push({ name: 'connectionPoolCleared', address: this.address, serviceId, interruptInUseConnections });
    if (interruptInUseConnections) this.interrupt((c) => c.serviceId === serviceId && c.generation <= oldGeneration);
  }

  /**
   * interruptInUseConnections: in-use connections of the old generation are interrupted (they
   * are stale, so they close on checkIn) and pending ones are closed, failing their checkOuts.
   */
  private interrupt(ofOldGeneration: (c: PooledConnection) => boolean): void {
    for (const connection of [...this.connections.values()]) {
      if (connection.state === 'inUse' && ofOldGeneration(connection)) {
        this.actions.push({ type: 'interruptConnection', connectionId: connection.id, error: new PoolClearedOnNetworkError(this.address) });
      } else if (connection.state === 'pending' && !this.options.loadBalanced) {
        this.closeConnection(connection, 'stale', null);
        if (connection.request !== null) this.failRequest(connection.request, 'connectionError', this.poolClearedError());
      }
    }
  }

  /** CMAP "Marking a Connection Pool as Ready". */
  private ready(): void {
    if (this.status === 'closed') return this.ignore('ready', 'the pool is closed');
    if (this.status !== 'paused') return; // already ready: no event.
    this.status = 'ready';
    // PoolReady is emitted before any population settle() may start.
    this.events.push({ name: 'connectionPoolReady', address: this.address });
  }

  /** CMAP "Closing a Connection Pool". */
  private close(): void {
    if (this.status === 'closed') return this.ignore('close', 'the pool is already closed');
    this.status = 'closed';
    const waiting = this.waitQueue;
    this.waitQueue = [];
    for (const request of waiting) this.failRequest(request, 'poolClosed', new PoolClosedError(this.address));
    for (const connection of [...this.connections.values()]) {
      if (connection.state === 'pending') {
        this.closeConnection(connection, 'poolClosed', null);
        if (connection.request !== null) this.failRequest(connection.request, 'poolClosed', new PoolClosedError(this.address));
      } else if (connection.state === 'available') {
        this.closeConnection(connection, 'poolClosed', null);
      }
    }
    this.events.push({ name: 'connectionPoolClosed', address: this.address });
  }

  // ---- what every step does -----------------------------------------------------------------

  /** Times out due requests ("Timeout aggressively") and closes idle available connections. */
  expireDue(): void {
    const isDue = (r: WaitingRequest): boolean => r.deadlineMs !== null && r.deadlineMs <= this.now;
    if (this.waitQueue.some(isDue)) {
      const due = this.waitQueue.filter(isDue);
      this.waitQueue = this.waitQueue.filter((r) => !isDue(r));
      for (const request of due) this.failRequest(request, 'timeout', new WaitQueueTimeoutError(this.address));
    }
    this.closePerishedAvailable();
  }

  /** Serves the WaitQueue, populates minPoolSize, times out what is due, and sets the next wakeAt. */
  settle(): void {
    this.closePerishedAvailable();
    if (this.status === 'ready') {
      this.serveWaitQueue();
      this.populate();
    }
    this.expireDue();
  }

  /**
   * The checkOut loop for the request at the front of the queue: a non-perished available
   * connection, else a new connection if under maxPoolSize and maxConnecting, else wait.
   * Newer requests are never served before the front one.
   */
  private serveWaitQueue(): void {
    const limit = connectionLimit(this.base);
    // Each pass removes one request from the queue or stops, so this bound is never reached.
    for (let pass = 0, maxPasses = this.waitQueue.length; pass < maxPasses; pass++) {
      const front = this.waitQueue[0];
      if (front === undefined) return;
      const connection = this.takeAvailable();
      if (connection !== null) {
        this.waitQueue.shift();
        const inUse: PooledConnection = { ...connection, state: 'inUse', availableSinceMs: null };
        this.connections.set(inUse.id, inUse);
        this.deliver(front, inUse);
        continue;
      }
      if (this.connections.size < limit && this.pendingCount < this.options.maxConnecting) {
        this.waitQueue.shift();
        this.createConnection(front);
        continue;
      }
      return;
    }
  }

  /** CMAP "Populating the Pool": background connections up to minPoolSize, within maxConnecting. */
  private populate(): void {
    const target = Math.min(this.options.minPoolSize, connectionLimit(this.base));
    for (let guard = 0; guard < this.options.maxConnecting && this.connections.size < target && this.pendingCount < this.options.maxConnecting; guard++) {
      this.createConnection(null);
    }
  }

  /** The most recently checked-in available connection, closing perished ones on the way. */
  private takeAvailable(): PooledConnection | null {
    for (let guard = this.available.length; guard > 0; guard--) {
      const id = this.available.pop();
      if (id === undefined) return null;
      const connection = this.connections.get(id)!;
      const reason = this.perishedReason(connection);
      if (reason === null) return connection;
      this.closeConnection(connection, reason, null);
    }
    return null;
  }

  /** The background thread's other duty: close available connections that are stale or idle. */
  private closePerishedAvailable(): void {
    if (this.available.every((id) => this.perishedReason(this.connections.get(id)!) === null)) return;
    for (const id of [...this.available]) {
      const connection = this.connections.get(id)!;
      const reason = this.perishedReason(connection);
      if (reason !== null) this.closeConnection(connection, reason, null);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** CMAP "Perishable": stale (generation) or idle (available too long). */
  private perishedReason(connection: PooledConnection): 'stale' | 'idle' | null {
    if (this.isStale(connection)) return 'stale';
    const maxIdle = this.options.maxIdleTimeMS;
    if (maxIdle > 0 && connection.availableSinceMs !== null && this.now - connection.availableSinceMs >= maxIdle) return 'idle';
    return null;
  }

  private isStale(connection: PooledConnection): boolean {
    if (!this.options.loadBalanced) return connection.generation !== this.generation;
    if (connection.serviceId === null) return false; // pending: generation is assigned at establishment.
    const entry = this.serviceGenerations.get(connection.serviceId);
    return entry !== undefined && connection.generation !== entry.generation;
  }

  private isOutstanding(requestId: number): boolean {
    if (this.waitQueue.some((r) => r.requestId === requestId)) return true;
    for (const c of this.connections.values()) if (c.request?.requestId === requestId) return true;
    return false;
  }

  /** CMAP "Creating a Connection": pending, ConnectionCreated, and ask the runtime to establish it. */
  private createConnection(request: ConnectionRequest | null): void {
    const id = this.nextConnectionId++;
    const connection: PooledConnection = {
      id,
      generation: this.generation,
      serviceId: null,
      state: 'pending',
      createdAtMs: this.now,
      availableSinceMs: null,
      request: request === null ? null : { requestId: request.requestId, startedAtMs: request.startedAtMs },
      error: null,
    };
    this.connections.set(id, connection);
    this.pendingCount++;
    this.events.push({ name: 'connectionCreated', address: this.address, connectionId: id });
    this.actions.push({ type: 'establish', connectionId: id, address: this.address, generation: connection.generation });
  }

  /** CMAP "Marking a Connection as Available". */
  private makeAvailable(connection: PooledConnection): void {
    this.connections.set(connection.id, { ...connection, state: 'available', availableSinceMs: this.now, request: null });
    this.available.push(connection.id);
  }

  /** CMAP "Closing a Connection": forget it, ConnectionClosed, and ask the runtime to close the socket. */
  private closeConnection(connection: PooledConnection, reason: ConnectionClosedReason, error: Error | null): void {
    if (connection.state === 'pending') this.pendingCount--;
    if (connection.state === 'available') this.available = this.available.filter((id) => id !== connection.id);
    this.connections.delete(connection.id);
    if (connection.serviceId !== null) {
      const entry = this.serviceGenerations.get(connection.serviceId);
      if (entry !== undefined) {
        // CMAP "Load Balancer Mode": drop the entry once its connection count reaches 0.
        if (entry.connectionCount <= 1) this.serviceGenerations.delete(connection.serviceId);
        else this.serviceGenerations.set(connection.serviceId, { ...entry, connectionCount: entry.connectionCount - 1 });
      }
    }
    this.events.push({
      name: 'connectionClosed',
      address: this.address,
      connectionId: connection.id,
      reason,
      serviceId: connection.serviceId ?? undefined,
      error: reason === 'error' ? error : null,
    });
    this.actions.push({ type: 'closeConnection', connectionId: connection.id, reason });
  }

  private deliver(request: ConnectionRequest, connection: PooledConnection): void {
    this.events.push({ name: 'connectionCheckedOut', address: this.address, connectionId: connection.id, durationMS: this.now - request.startedAtMs });
    this.actions.push({ type: 'deliver', requestId: request.requestId, connectionId: connection.id });
  }

  private poolClearedError(): PoolClearedError {
    return new PoolClearedError(this.address, this.clearCause);
  }

  private failRequest(request: ConnectionRequest, reason: CheckOutFailedReason, error: Error): void {
    this.events.push({ name: 'connectionCheckOutFailed', address: this.address, reason, durationMS: this.now - request.startedAtMs, error });
    this.actions.push({ type: 'failRequest', requestId: request.requestId, error });
  }

  /** The earliest request deadline or idle expiry still ahead. */
  private nextDueMs(): number | null {
    let next: number | null = null;
    for (const r of this.waitQueue) if (r.deadlineMs !== null && (next === null || r.deadlineMs < next)) next = r.deadlineMs;
    const maxIdle = this.options.maxIdleTimeMS;
    if (maxIdle > 0) {
      for (const id of this.available) {
        const since = this.connections.get(id)!.availableSinceMs!;
        if (next === null || since + maxIdle < next) next = since + maxIdle;
      }
    }
    return next;
  }

  finish(): PoolStep {
    const next = this.nextDueMs();
    if (next !== null && next !== this.base.wakeAtMs) this.actions.push({ type: 'wakeAt', atMs: next });
    const state: PoolState = {
      address: this.base.address,
      options: this.base.options,
      status: this.status,
      generation: this.generation,
      serviceGenerations: this.serviceGenerations,
      nextConnectionId: this.nextConnectionId,
      connections: this.connections,
      available: this.available,
      waitQueue: this.waitQueue,
      wakeAtMs: next,
      clearCause: this.clearCause,
      lastNowMs: this.now,
    };
    const violations = poolInvariantViolations(state);
    if (violations.length > 0) throw new Error(`Connection pool invariant violated for ${state.address}: ${violations.join('; ')}`);
    return { state, actions: this.actions, events: this.events };
  }
}
