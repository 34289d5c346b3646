/**
 * The client runtime's ports (client/runtime/ports.ts) in virtual time: the clock is the
 * world's scheduler, the transport is the simulated network carrying sim/protocol.ts
 * request/reply messages, and the random source is the world's `client:<host>` stream.
 * This is glue between client/ and sim/, so it lives in harness/, which may import both.
 */
import type { ClockPort, ConnectionHandlers, RuntimePorts, TimerHandle, TransportConnection, TransportPort } from '../client/runtime/ports.js';
import type { TimerHandle as SchedulerTimer } from '../sim/kernel/scheduler.js';
import type { SimSocket } from '../sim/network/network.js';
import { bsonCopy, isReply, request } from '../sim/protocol.js';
import type { Document } from '../sim/protocol.js';
import type { World } from '../sim/world.js';
import type { SimRandom } from '../sim/kernel/random.js';
import { defaultStallGraceMs, worldDriver, type WorldDriver } from './world-driver.js';

/** The host the client connects from when none is given (the network's link key). */
export const defaultClientHost = 'client';


export interface SimPortsOptions {
  /** The client's host name on the simulated network. Default `client`. */
  readonly clientHost?: string;
  /**
   * Advance the world's virtual time by itself whenever this client has work pending, so a
   * plain `await coll.insertOne(...)` works (harness/world-driver.ts). Default true: that is
   * how driver-style code is written, and `settle` keeps working alongside it. False leaves
   * every step of virtual time to the caller (settle, or the scheduler driven by hand, as a
   * fuzzer does); an operation then left waiting with nothing driving the world is reported
   * after `stallGraceMs` as an uncaught error instead of hanging.
   */
  readonly autoAdvance?: boolean;
  /** With autoAdvance false: real ms pending work may wait with the world untouched. Default 1000. */
  readonly stallGraceMs?: number;
  /**
   * The caller steps the world's scheduler itself, synchronously, and never awaits (the fuzzer
   * and the scenario runner's client workload): no world driver, no real timer, no stall check.
   * Default false.
   */
  readonly detached?: boolean;
}

/** RuntimePorts plus what tests need to prove nothing leaks after `close()`. */
export interface SimRuntimePorts extends RuntimePorts {
  readonly clientHost: string;
  readonly random: SimRandom;
  /** Timers set through the clock port that have neither fired nor been cleared. */
  pendingTimers(): number;
  /** Labels of those timers (for a readable failure message). */
  pendingTimerLabels(): string[];
  /** Connections opened through the transport port and not yet closed (by either side). */
  openConnections(): number;
  /**
   * Client work is pending: a timer of an operation or of close() is armed, or a request that
   * a caller awaits has no reply yet. This is what the auto-advancing driver waits on.
   */
  hasPendingWork(): boolean;
}

/**
 * Timers a caller awaits, by the runtime's label: an operation waiting for a suitable server
 * (`operation.<id>`, client/runtime/operation-run.ts) and close() waiting for endSessions
 * (`close.endSessions`). Monitor and pool timers are background work: they never start a busy
 * period, so an idle client leaves virtual time standing still.
 */
function awaitedTimer(label: string): boolean {
  return label.startsWith('operation.') || label.startsWith('close.');
}

/**
 * Requests a caller awaits: every one except a streaming monitor's awaitable hello (answered
 * only when the server changes or after maxAwaitTimeMS: server-monitoring.md "Streaming
 * protocol") and an unacknowledged write (w:0 gets no reply). A polling check or a handshake
 * in flight counts: it is short and bounded by connectTimeoutMS, and a pool's handshake is what
 * an operation checking out a new connection waits on.
 */
function awaitedRequest(body: Document): boolean {
  if ('topologyVersion' in body && 'maxAwaitTimeMS' in body) return false;
  const wc = body['writeConcern'];
  return !(wc !== null && typeof wc === 'object' && (wc as Document)['w'] === 0);
}

/** Counts pending client work for one simPorts and tells the world's driver when some may start. */
class PendingWork {
  timers = 0;
  requests = 0;

  constructor(private readonly driver: Pick<WorldDriver, 'poke'>) {}

  get any(): boolean {
    return this.timers > 0 || this.requests > 0;
  }

  poke(): void {
    this.driver.poke();
  }
}

class SimClock implements ClockPort {
  private readonly live = new Map<TimerHandle, string>();

  constructor(
    private readonly world: World,
    private readonly work: PendingWork,
  ) {}

  now(): number {
    return this.world.scheduler.nowMs;
  }

  setTimer(atMs: number, label: string, fn: () => void): TimerHandle {
    const scheduler = this.world.scheduler;
    // "at once if that is in the past": the scheduler refuses past times, so clamp to now.
    const due = Number.isFinite(atMs) ? Math.max(atMs, scheduler.nowMs) : Number.NaN;
    if (Number.isNaN(due)) throw new RangeError(`setTimer '${label}': atMs must be a finite number of ms, got ${String(atMs)}`);
    const awaited = awaitedTimer(label);
    const handle: SchedulerTimer = scheduler.at(due, `client.${label}`, () => {
      this.live.delete(handle);
      if (awaited) this.work.timers--;
      fn();
    });
    this.live.set(handle, label);
    if (awaited) {
      this.work.timers++;
      this.work.poke();
    }
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    const label = this.live.get(handle);
    if (label === undefined) return;
    this.live.delete(handle);
    if (awaitedTimer(label)) this.work.timers--;
    this.world.scheduler.cancel(handle);
  }

  get pending(): number {
    return this.live.size;
  }

  labels(): string[] {
    return [...this.live.values()];
  }
}

class SimConnection implements TransportConnection {
  private done = false;
  /** requestIds sent on this connection that a caller awaits and that have no reply yet. */
  private readonly awaited = new Set<number>();

  constructor(
    private readonly socket: SimSocket,
    readonly address: string,
    private readonly handlers: ConnectionHandlers,
    private readonly world: World,
    private readonly work: PendingWork,
    private readonly onGone: (connection: SimConnection) => void,
  ) {
    socket.onMessage((message) => {
      if (this.done || !isReply(message)) return;
      if (this.awaited.delete(message.responseTo)) this.work.requests--;
      // A reply is read back from BSON: the client never holds an object the server keeps.
      handlers.onReply(message.responseTo, bsonCopy(message.body).doc);
    });
    socket.onClose((reason) => this.gone(reason));
  }

  get id(): number {
    return this.socket.id;
  }

  get closed(): boolean {
    return this.done;
  }

  /**
   * The request travels as BSON would: the server gets its own copy (later changes to `body`
   * change nothing it stored) and the copy's size, for its maxBsonObjectSize and message limits.
   */
  send(requestId: number, db: string, body: Document): void {
    if (this.done) return;
    const copy = bsonCopy(body);
    this.socket.send(request(requestId, db, copy.doc, copy.sizeBytes));
    if (awaitedRequest(body) && !this.awaited.has(requestId)) {
      this.awaited.add(requestId);
      this.work.requests++;
      this.work.poke();
    }
  }

  /**
   * Closes our end. The contract reports it as onClose('closed'), but from a scheduler event at
   * the current virtual time: like the network, the port never calls back re-entrantly.
   */
  close(): void {
    if (this.done) return;
    this.socket.close();
    this.done = true;
    this.forgetAwaited();
    this.onGone(this);
    this.world.scheduler.at(this.world.nowMs, 'client.connectionClosed', () => this.handlers.onClose('closed'));
  }

  private gone(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.forgetAwaited();
    this.onGone(this);
    this.handlers.onClose(reason);
  }

  /** A closed connection answers nothing more. */
  private forgetAwaited(): void {
    this.work.requests -= this.awaited.size;
    this.awaited.clear();
  }
}

class SimTransport implements TransportPort {
  private readonly open = new Set<SimConnection>();

  constructor(
    private readonly world: World,
    private readonly clientHost: string,
    private readonly work: PendingWork,
  ) {}

  connect(address: string, handlers: ConnectionHandlers): TransportConnection {
    const socket = this.world.network.connect(this.clientHost, address);
    const connection = new SimConnection(socket, address, handlers, this.world, this.work, (c) => this.open.delete(c));
    this.open.add(connection);
    return connection;
  }

  get openCount(): number {
    return this.open.size;
  }
}

/** The runtime's ports in `world`'s virtual time, connecting from `clientHost`. */
export function simPorts(world: World, options: SimPortsOptions = {}): SimRuntimePorts {
  const clientHost = options.clientHost ?? defaultClientHost;
  if (typeof clientHost !== 'string' || clientHost.length === 0 || /[\s|,>=]/.test(clientHost)) {
    throw new TypeError(`simPorts: clientHost ${JSON.stringify(clientHost)} must be a non-empty host name without spaces or | , > =`);
  }
  const autoAdvance = options.autoAdvance ?? true;
  if (typeof autoAdvance !== 'boolean') throw new TypeError(`simPorts: autoAdvance must be true or false, got ${JSON.stringify(autoAdvance)}`);
  const stallGraceMs = options.stallGraceMs ?? defaultStallGraceMs;
  if (typeof stallGraceMs !== 'number' || !Number.isFinite(stallGraceMs) || stallGraceMs < 0) {
    throw new RangeError(`simPorts: stallGraceMs must be a finite number of real ms >= 0, got ${String(stallGraceMs)}`);
  }
  let work: PendingWork;
  if (options.detached === true) {
    work = new PendingWork({ poke: () => undefined });
  } else {
    const driver = worldDriver(world);
    work = new PendingWork(driver);
    driver.addSource({ autoAdvance, stallGraceMs, hasPendingWork: () => work.any });
  }
  const clock = new SimClock(world, work);
  const transport = new SimTransport(world, clientHost, work);
  const random = world.random(`client:${clientHost}`);
  return {
    clock,
    transport,
    random,
    clientHost,
    pendingTimers: () => clock.pending,
    pendingTimerLabels: () => clock.labels(),
    openConnections: () => transport.openCount,
    hasPendingWork: () => work.any,
  };
}

