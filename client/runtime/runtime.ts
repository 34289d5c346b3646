/**
 * The client runtime: joins the pure machines of core/ (SDAM topology, one monitor and one
 * connection pool per server, one executor per operation) to the ports. It is driven by
 * callbacks only (port callbacks and `run`), never by promises, so a fuzzer can run it inside
 * the simulator without macrotask hops.
 *
 * Every input — a reply, a closed connection, a timer, a `run` — is queued and the queue is
 * drained at once, one item at a time. A machine is therefore never stepped while another
 * step is carrying out its actions, and the order of everything is a function of the order of
 * port callbacks: the same simulated world gives the same event sequence.
 */
import { MongoError, MongoInvalidArgumentError, MongoNetworkError } from '../../core/errors.js';
import { createTopology, stepTopology, type TopologyInput, type TopologyResult, type TopologyState } from '../../core/sdam/index.js';
import type { TopologyAction } from '../../core/sdam/index.js';
import type { TopologyDescription } from '../../core/sdam/types.js';
import { parseConnectionString } from '../../core/uri/index.js';
import type { ConnectionOptions, ConnectionString } from '../../core/uri/types.js';
import type { ConnectionInfo, ExecutorOptions, OperationInput } from '../../core/executor/index.js';
import { maxAttempts } from '../../core/executor/index.js';
import { readPreference as buildReadPreference, readPreferenceFromConnectionOptions, type ReadPreference } from '../../core/selection/read-preference.js';
import type { PoolOptionsInput } from '../../core/pool/index.js';
import type { ClientRuntimeApi, RunOperation, RunResult, RuntimeEvent } from './api.js';
import {
  closeEndSessionsTimeoutMS,
  defaultConnectTimeoutMS,
  defaultSocketTimeoutMS,
  endSessionsServerSelectionTimeoutMS,
  maxInFlightOperations,
  maxQueuedInputs,
  maxSessionsPerEndSessionsCommand,
} from './constants.js';
import type { RuntimeContext } from './context.js';
import { MongoTopologyClosedError } from './errors.js';
import { clientMetadata, handshakeCommand, type ClientMetadataInput } from './handshake.js';
import { OperationRun, type OperationHost, type OperationSpec } from './operation-run.js';
import type { Document, RuntimePorts } from './ports.js';
import { ServerMonitor } from './server-monitor.js';
import { ServerPool, type AppConnection } from './server-pool.js';
import { ServerSessionPool, type ServerSession } from './sessions.js';
import { TimerSlot } from './timer-slot.js';

export interface ClientRuntimeOptions {
  readonly ports: RuntimePorts;
  /** Handshake metadata (driver version, OS, platform): the runtime reads no real environment. */
  readonly metadata?: ClientMetadataInput;
  /** server-monitoring.md "serverMonitoringMode" auto: whether the caller detected a FaaS platform. */
  readonly isFaaS?: boolean;
  /** SDAM "Topology IDs"; default 0. */
  readonly topologyId?: number;
}

/** Seed hosts ("host:port") plus connection options, as an alternative to a connection string. */
export interface SeedList {
  readonly hosts: readonly string[];
  readonly options?: ConnectionOptions;
}

export type RuntimeState = 'created' | 'connected' | 'closing' | 'closed';

/** Builds a ConnectionString from seeds (parsed like a URI's host list, so bad hosts get the URI error). */
export function connectionStringFromSeeds(seeds: SeedList): ConnectionString {
  if (seeds === null || typeof seeds !== 'object' || !Array.isArray(seeds.hosts) || seeds.hosts.length === 0) {
    throw new MongoInvalidArgumentError('seed list must have a non-empty array of "host:port" strings in hosts');
  }
  for (const host of seeds.hosts) {
    if (typeof host !== 'string' || host.length === 0 || /[,/?@]/.test(host)) throw new MongoInvalidArgumentError(`seed host ${JSON.stringify(host)} must be a "host:port" string`);
  }
  const parsed = parseConnectionString(`mongodb://${seeds.hosts.join(',')}/`);
  return { ...parsed, options: { ...parsed.options, ...(seeds.options ?? {}) } };
}

export class ClientRuntime implements ClientRuntimeApi, RuntimeContext, OperationHost {
  readonly ports: RuntimePorts;
  readonly connectionString: ConnectionString;
  private topologyState: TopologyState;
  private readonly pendingTopologyStart: TopologyResult;
  private readonly monitors = new Map<string, ServerMonitor>();
  private readonly pools = new Map<string, ServerPool>();
  /** Pools of servers that left the topology, kept until the client closes so their in-use connections get closed. */
  private readonly retiredPools = new Set<ServerPool>();
  private readonly operations = new Set<OperationRun>();
  /** The caller's callback of each running operation. */
  private readonly doneCallbacks = new Map<OperationRun, (result: RunResult) => void>();
  private readonly counts = new Map<string, number>();
  private readonly sessions: ServerSessionPool;
  /** Server sessions held by explicit sessions (ClientSession), until endSession. */
  private readonly explicitSessions = new Set<ServerSession>();
  private readonly listeners: Array<(event: RuntimeEvent) => void> = [];
  private readonly queue: Array<() => void> = [];
  private queueHead = 0;
  private draining = false;
  private listenerError: unknown = null;
  private requestIdCounter = 1;
  private operationIdCounter = 1;
  private lifecycle: RuntimeState = 'created';
  private readonly closeCallbacks: Array<() => void> = [];
  private readonly closeTimer: TimerSlot;
  private readonly handshake: Document;
  private readonly executorOptions: ExecutorOptions;
  private readonly defaultReadPreference: ReadPreference;
  private readonly connectTimeoutMS: number;
  readonly socketTimeoutMS: number | null;
  private readonly isFaaS: boolean;

  constructor(source: ConnectionString | string | SeedList, options: ClientRuntimeOptions) {
    if (options === null || typeof options !== 'object' || options.ports === undefined) throw new MongoInvalidArgumentError('ClientRuntime needs options.ports (clock, transport, random)');
    this.ports = options.ports;
    this.connectionString = typeof source === 'string' ? parseConnectionString(source) : 'scheme' in source ? source : connectionStringFromSeeds(source);
    const opts = this.connectionString.options;
    this.connectTimeoutMS = nonNegativeMs('connectTimeoutMS', opts.connectTimeoutMS, defaultConnectTimeoutMS);
    const socketTimeoutMS = nonNegativeMs('socketTimeoutMS', opts.socketTimeoutMS, defaultSocketTimeoutMS);
    this.socketTimeoutMS = socketTimeoutMS === 0 ? null : socketTimeoutMS;
    this.isFaaS = options.isFaaS ?? false;
    this.executorOptions = {
      ...(typeof opts.retryReads === 'boolean' ? { retryReads: opts.retryReads } : {}),
      ...(typeof opts.retryWrites === 'boolean' ? { retryWrites: opts.retryWrites } : {}),
      ...(typeof opts.serverSelectionTimeoutMS === 'number' ? { serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS } : {}),
      ...(typeof opts.localThresholdMS === 'number' ? { localThresholdMS: opts.localThresholdMS } : {}),
    };
    this.defaultReadPreference = readPreferenceFromConnectionOptions(opts);
    const appName = typeof opts.appname === 'string' ? opts.appname : null;
    this.handshake = handshakeCommand(clientMetadata(options.metadata ?? {}, appName), opts.loadBalanced === true);
    this.sessions = new ServerSessionPool(this.ports.random);
    this.closeTimer = new TimerSlot(this.ports.clock, 'close.endSessions');
    // SDAM "Client construction": the description exists at once; monitoring starts on connect().
    this.pendingTopologyStart = createTopology({ connectionString: this.connectionString, topologyId: options.topologyId ?? 0 }, this.ports.clock.now());
    this.topologyState = this.pendingTopologyStart.state;
  }

  // ---- ClientRuntimeApi ------------------------------------------------------------------------

  connect(): void {
    if (this.lifecycle !== 'created') return;
    this.lifecycle = 'connected';
    const start = this.pendingTopologyStart;
    this.input(() => this.applyTopologyResult(start, null));
  }

  run(operation: RunOperation, done: (result: RunResult) => void): void {
    if (typeof done !== 'function') throw new MongoInvalidArgumentError('run needs a callback');
    if (this.lifecycle === 'created') this.connect();
    this.input(() => this.startOperation(operation, done));
  }

  description(): TopologyDescription {
    return this.topologyState.description;
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    if (typeof listener !== 'function') throw new MongoInvalidArgumentError('subscribe needs a listener function');
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  close(done: () => void): void {
    if (typeof done !== 'function') throw new MongoInvalidArgumentError('close needs a callback');
    if (this.lifecycle === 'closed') {
      this.input(() => done());
      return;
    }
    this.closeCallbacks.push(done);
    if (this.lifecycle === 'closing') return;
    const wasConnected = this.lifecycle === 'connected';
    this.lifecycle = 'closing';
    this.input(() => (wasConnected ? this.endSessionsThenTeardown() : this.teardown()));
  }

  acquireServerSession(): ServerSession {
    const session = this.sessions.acquire(this.now(), this.topologyState.description.logicalSessionTimeoutMinutes);
    this.explicitSessions.add(session);
    return session;
  }

  releaseServerSession(session: { readonly lsid: Document }): void {
    // Only a server session this runtime handed out goes back into its pool.
    if (!this.explicitSessions.delete(session as ServerSession)) throw new MongoInvalidArgumentError('releaseServerSession: not a server session of this client');
    this.sessions.release(session as ServerSession, this.now(), this.topologyState.description.logicalSessionTimeoutMinutes);
  }

  releasePinned(address: string, connectionId: number): void {
    if (typeof address !== 'string' || !Number.isSafeInteger(connectionId)) throw new MongoInvalidArgumentError('releasePinned needs an address and a connection id');
    this.input(() => this.pools.get(address)?.checkIn(connectionId, null));
  }

  // ---- introspection (tests, the façade's client attributes) -------------------------------------

  get state(): RuntimeState {
    return this.lifecycle;
  }

  /** Application and monitoring connections the runtime holds open. */
  openConnections(): number {
    let open = 0;
    for (const m of this.monitors.values()) open += m.openConnections;
    for (const p of this.pools.values()) open += p.openConnections;
    for (const p of this.retiredPools) open += p.openConnections;
    return open;
  }

  /** Operations started and not finished. */
  get runningOperations(): number {
    return this.operations.size;
  }

  /** Idle server sessions in the session pool. */
  get pooledSessions(): number {
    return this.sessions.size;
  }

  // ---- RuntimeContext ----------------------------------------------------------------------------

  now(): number {
    return this.ports.clock.now();
  }

  input(work: () => void): void {
    if (this.queue.length - this.queueHead >= maxQueuedInputs) {
      throw new MongoError(`client runtime: more than ${maxQueuedInputs} inputs queued (maxQueuedInputs): a feedback loop between machines`);
    }
    this.queue.push(work);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queueHead < this.queue.length) {
        const next = this.queue[this.queueHead]!;
        this.queue[this.queueHead] = noop;
        this.queueHead++;
        next();
      }
    } finally {
      this.queue.length = 0;
      this.queueHead = 0;
      this.draining = false;
    }
    const error = this.listenerError;
    if (error !== null) {
      this.listenerError = null;
      throw error;
    }
  }

  emit(coreEvent: { readonly name: string }): void {
    const event = coreEvent as RuntimeEvent;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A throwing listener must not leave a machine half-stepped: rethrown once the queue is drained.
        if (this.listenerError === null) this.listenerError = error;
      }
    }
  }

  nextRequestId(count = 1): number {
    const id = this.requestIdCounter;
    this.requestIdCounter += count;
    return id;
  }

  topology(): TopologyState {
    return this.topologyState;
  }

  updateTopology(input: TopologyInput): void {
    if (this.lifecycle === 'closed' || this.topologyState.closed) return;
    this.applyTopologyResult(stepTopology(this.topologyState, input, this.now()), this.topologyState.description);
  }

  // ---- OperationHost -----------------------------------------------------------------------------

  pool(address: string): ServerPool | undefined {
    return this.pools.get(address);
  }

  operationCounts(): ReadonlyMap<string, number> {
    return this.counts;
  }

  countOperation(address: string, delta: 1 | -1): void {
    const next = (this.counts.get(address) ?? 0) + delta;
    if (next < 0) throw new Error(`runtime invariant: operation count of ${address} went below zero`);
    if (next === 0) this.counts.delete(address);
    else this.counts.set(address, next);
  }

  requestImmediateChecks(): void {
    for (const monitor of this.monitors.values()) this.input(() => monitor.step({ type: 'requestCheck' }));
  }

  finished(run: OperationRun, result: RunResult, txnNumberUsed: boolean): void {
    this.operations.delete(run);
    const session = run.session;
    if (session !== null) {
      if (txnNumberUsed) session.txnNumber += 1n;
      // driver-sessions.md "Dirty": a network error may leave the server session in use.
      if (!result.ok && result.error instanceof MongoNetworkError) session.dirty = true;
      // An explicit session's server session goes back to the pool at endSession, not here.
      if (run.spec.explicitSession !== true) this.sessions.release(session, this.now(), this.topologyState.description.logicalSessionTimeoutMinutes);
    }
    const done = this.doneCallbacks.get(run);
    this.doneCallbacks.delete(run);
    done?.(result);
  }

  // ---- internals ---------------------------------------------------------------------------------

  private startOperation(operation: RunOperation, done: (result: RunResult) => void): void {
    const fail = (error: Error): void => done({ ok: false, error, address: null, attempts: 0 });
    if (this.lifecycle === 'closing' || this.lifecycle === 'closed') return fail(new MongoTopologyClosedError());
    if (this.operations.size >= maxInFlightOperations) return fail(new MongoError(`client runtime: ${maxInFlightOperations} operations are already running (maxInFlightOperations)`));
    const problem = runOperationProblem(operation);
    if (problem !== null) return fail(new MongoInvalidArgumentError(problem));
    // A pinned operation (getMore/killCursors) skips selection in the executor, which also
    // fails it at once, naming the address, when that server has left the topology.
    const pinnedAddress = operation.address ?? null;
    const readPreference = operation.kind === 'write' ? null : (operation.readPreference ?? this.defaultReadPreference);
    const ownSession = 'lsid' in operation.command || 'txnNumber' in operation.command;
    const explicit = operation.session;
    const inTransaction = explicit?.inTransaction === true;
    const session: ServerSession | null = explicit !== undefined ? explicit.serverSession : ownSession ? null : this.sessions.acquire(this.now(), this.topologyState.description.logicalSessionTimeoutMinutes);
    const input: OperationInput = {
      kind: operation.kind,
      databaseName: operation.databaseName,
      command: operation.command,
      ...(readPreference !== null ? { readPreference } : {}),
      // A transaction's commands all carry its txnNumber (startTransaction incremented it).
      session: session === null ? null : { lsid: session.lsid, txnNumber: inTransaction ? session.txnNumber : session.txnNumber + 1n, inTransaction },
      firstRequestId: this.nextRequestId(maxAttempts),
      operationId: this.operationIdCounter,
      ...(pinnedAddress !== null ? { pinnedAddress } : {}),
    };
    const options: ExecutorOptions = {
      ...this.executorOptions,
      ...(typeof operation.retryReads === 'boolean' ? { retryReads: operation.retryReads } : {}),
      ...(typeof operation.retryWrites === 'boolean' ? { retryWrites: operation.retryWrites } : {}),
    };
    // load-balancers.md "Connection Pinning": only a load balancer's cursors pin connections.
    const pinCursor = operation.pinCursor === true && this.topologyState.settings.loadBalanced;
    const pinTransaction = operation.pinTransaction === true && this.topologyState.settings.loadBalanced;
    const spec: OperationSpec = {
      operation: input,
      options: inTransaction ? { ...options, retryReads: false, retryWrites: false } : options,
      session,
      ...(explicit !== undefined ? { explicitSession: true } : {}),
      ...(pinCursor ? { pinCursor } : {}),
      ...(pinTransaction ? { pinTransaction } : {}),
      ...(operation.pinnedConnection !== undefined ? { pinnedConnection: operation.pinnedConnection } : {}),
    };
    const run = new OperationRun(this, this, spec, this.operationIdCounter++);
    this.operations.add(run);
    this.doneCallbacks.set(run, done);
    run.start();
  }

  private applyTopologyResult(result: TopologyResult, previous: TopologyDescription | null): void {
    this.topologyState = result.state;
    for (const event of result.events) this.emit(event);
    for (const warning of result.warnings) this.emit({ name: 'topologyWarning', message: warning } as RuntimeEvent);
    for (const action of result.actions) this.performTopologyAction(action);
    const description = result.state.description;
    if (previous !== description) {
      for (const run of [...this.operations]) this.input(() => run.topologyChanged(this.topologyState.description));
    }
  }

  private performTopologyAction(action: TopologyAction): void {
    switch (action.type) {
      case 'startMonitoring':
        return this.startServer(action.address);
      case 'stopMonitoring':
        return this.stopServer(action.address);
      case 'clearPool': {
        const pool = this.pools.get(action.address);
        if (pool === undefined) return;
        const cause = this.topologyState.description.servers.get(action.address)?.error ?? null;
        return pool.step({
          type: 'clear',
          interruptInUseConnections: action.interruptInUseConnections,
          ...(action.serviceId !== null ? { serviceId: action.serviceId } : {}),
          ...(cause !== null ? { cause: new MongoError(cause) } : {}),
        });
      }
      case 'readyPool':
        // load-balancers.md: SDAM never starts monitoring a load balancer; its pool is made here.
        if (this.topologyState.settings.loadBalanced && !this.pools.has(action.address)) this.startServer(action.address);
        return this.pools.get(action.address)?.step({ type: 'ready' });
      case 'requestImmediateCheck': {
        const monitor = this.monitors.get(action.address);
        if (monitor !== undefined) this.input(() => monitor.step({ type: 'requestCheck' }));
        return;
      }
      case 'cancelCheck': {
        const monitor = this.monitors.get(action.address);
        if (monitor !== undefined) this.input(() => monitor.step({ type: 'cancelCheck' }));
        return;
      }
    }
  }

  /** SDAM "begin monitoring the new server": its pool first (paused), then its monitor. */
  private startServer(address: string): void {
    if (this.lifecycle === 'closing' || this.lifecycle === 'closed') return;
    if (this.pools.has(address)) return;
    const opts = this.connectionString.options;
    const loadBalanced = this.topologyState.settings.loadBalanced;
    const poolOptions: PoolOptionsInput = {
      ...(opts.maxPoolSize !== undefined ? { maxPoolSize: opts.maxPoolSize } : {}),
      ...(opts.minPoolSize !== undefined ? { minPoolSize: opts.minPoolSize } : {}),
      ...(opts.maxIdleTimeMS !== undefined ? { maxIdleTimeMS: opts.maxIdleTimeMS } : {}),
      ...(opts.waitQueueTimeoutMS !== undefined ? { waitQueueTimeoutMS: opts.waitQueueTimeoutMS } : {}),
      ...(opts.maxConnecting !== undefined ? { maxConnecting: opts.maxConnecting } : {}),
      ...(loadBalanced ? { loadBalanced: true } : {}),
    };
    this.pools.set(address, new ServerPool(this, address, poolOptions, this.handshake, this.connectTimeoutMS, (c) => this.connectionInfo(address, c)));
    // load-balancers.md: a load balancer is never monitored (SDAM never asks, but be explicit).
    if (loadBalanced) return;
    const monitor = new ServerMonitor(
      this,
      address,
      {
        address,
        heartbeatFrequencyMS: this.topologyState.description.heartbeatFrequencyMS,
        ...(opts.serverMonitoringMode !== undefined ? { serverMonitoringMode: opts.serverMonitoringMode } : {}),
        isFaaS: this.isFaaS,
        connectTimeoutMS: this.connectTimeoutMS,
      },
      this.handshake,
    );
    this.monitors.set(address, monitor);
  }

  /** SDAM "remove": stop the monitor and close the pool (in-use connections close on check-in). */
  private stopServer(address: string): void {
    this.monitors.get(address)?.close();
    this.monitors.delete(address);
    const pool = this.pools.get(address);
    this.pools.delete(address);
    if (pool !== undefined) {
      pool.step({ type: 'close' });
      if (pool.openConnections > 0) this.retiredPools.add(pool);
    }
  }

  private connectionInfo(address: string, c: AppConnection): ConnectionInfo {
    const hello = c.hello ?? {};
    const server = this.topologyState.description.servers.get(address);
    const maxWireVersion = typeof hello['maxWireVersion'] === 'number' ? hello['maxWireVersion'] : (server?.maxWireVersion ?? 0);
    const serverConnectionId = typeof hello['connectionId'] === 'number' ? hello['connectionId'] : null;
    const serviceId = hello['serviceId'];
    return {
      id: c.id,
      address,
      generation: c.generation,
      maxWireVersion,
      serverType: server?.type ?? 'Unknown',
      serverConnectionId,
      serviceId: serviceId !== null && typeof serviceId === 'object' && typeof (serviceId as { toHexString?: unknown }).toHexString === 'function'
        ? (serviceId as { toHexString(): string }).toHexString()
        : null,
    };
  }

  /** driver-sessions.md "endSessions": best effort, bounded by closeEndSessionsTimeoutMS. */
  private endSessionsThenTeardown(): void {
    const ids = this.sessions.drain().slice(0, maxSessionsPerEndSessionsCommand);
    if (ids.length === 0) return this.teardown();
    this.closeTimer.arm(this.now() + closeEndSessionsTimeoutMS, () => this.input(() => this.teardown()));
    const input: OperationInput = {
      kind: 'command',
      databaseName: 'admin',
      command: { endSessions: ids },
      readPreference: buildReadPreference('primaryPreferred'),
      session: null,
      firstRequestId: this.nextRequestId(maxAttempts),
      operationId: this.operationIdCounter,
    };
    const spec: OperationSpec = {
      operation: input,
      options: { ...this.executorOptions, retryReads: false, retryWrites: false, serverSelectionTimeoutMS: endSessionsServerSelectionTimeoutMS },
      session: null,
    };
    const run = new OperationRun(this, this, spec, this.operationIdCounter++);
    this.operations.add(run);
    this.doneCallbacks.set(run, () => this.input(() => this.teardown()));
    run.start();
  }

  /** Stops every operation, monitor, pool and timer; then SDAM "Client closing". */
  private teardown(): void {
    if (this.lifecycle === 'closed') return;
    this.lifecycle = 'closed';
    this.closeTimer.cancel();
    const running = [...this.operations];
    this.operations.clear();
    for (const run of running) {
      run.abandon();
      const done = this.doneCallbacks.get(run);
      this.doneCallbacks.delete(run);
      if (run.session !== null) run.session.dirty = true;
      done?.({ ok: false, error: new MongoTopologyClosedError('Topology is closed: the client closed while the operation was running'), address: null, attempts: 0 });
    }
    for (const monitor of this.monitors.values()) monitor.close();
    this.monitors.clear();
    for (const pool of [...this.pools.values(), ...this.retiredPools]) pool.close();
    this.pools.clear();
    this.retiredPools.clear();
    this.counts.clear();
    if (!this.topologyState.closed) {
      const result = stepTopology(this.topologyState, { type: 'close' }, this.now());
      this.topologyState = result.state;
      for (const event of result.events) this.emit(event);
      // Its stopMonitoring actions are already done: every monitor and pool is closed.
    }
    const callbacks = this.closeCallbacks.splice(0);
    for (const callback of callbacks) this.input(callback);
  }
}

function noop(): void {}

function nonNegativeMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new MongoInvalidArgumentError(`${name} must be a number of milliseconds >= 0, got ${String(value)}`);
  return value;
}

/** What is wrong with a RunOperation, or null (the executor checks the rest and names it too). */
function runOperationProblem(operation: RunOperation): string | null {
  if (operation === null || typeof operation !== 'object') return 'run needs an operation object';
  if (operation.kind !== 'read' && operation.kind !== 'write' && operation.kind !== 'command') return `operation kind must be "read", "write" or "command", got ${JSON.stringify(operation.kind)}`;
  if (operation.command === null || typeof operation.command !== 'object' || Array.isArray(operation.command)) return 'operation command must be a document';
  if (operation.address !== undefined && (typeof operation.address !== 'string' || operation.address.length === 0)) return 'operation address must be a "host:port" string';
  if (operation.retryReads !== undefined && typeof operation.retryReads !== 'boolean') return 'operation retryReads must be a boolean';
  if (operation.retryWrites !== undefined && typeof operation.retryWrites !== 'boolean') return 'operation retryWrites must be a boolean';
  if (operation.pinCursor !== undefined && typeof operation.pinCursor !== 'boolean') return 'operation pinCursor must be a boolean';
  if (operation.pinnedConnection !== undefined && (!Number.isSafeInteger(operation.pinnedConnection) || operation.address === undefined)) return 'operation pinnedConnection must be a connection id, given with address';
  return null;
}
