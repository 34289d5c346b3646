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

/** The host the client connects from when none is given (the network's link key). */
export const defaultClientHost = 'client';


export interface SimPortsOptions {
  /** The client's host name on the simulated network. Default `client`. */
  readonly clientHost?: string;
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
}

class SimClock implements ClockPort {
  private readonly live = new Map<TimerHandle, string>();

  constructor(private readonly world: World) {}

  now(): number {
    return this.world.scheduler.nowMs;
  }

  setTimer(atMs: number, label: string, fn: () => void): TimerHandle {
    const scheduler = this.world.scheduler;
    // "at once if that is in the past": the scheduler refuses past times, so clamp to now.
    const due = Number.isFinite(atMs) ? Math.max(atMs, scheduler.nowMs) : Number.NaN;
    if (Number.isNaN(due)) throw new RangeError(`setTimer '${label}': atMs must be a finite number of ms, got ${String(atMs)}`);
    const handle: SchedulerTimer = scheduler.at(due, `client.${label}`, () => {
      this.live.delete(handle);
      fn();
    });
    this.live.set(handle, label);
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    if (!this.live.delete(handle)) return;
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

  constructor(
    private readonly socket: SimSocket,
    readonly address: string,
    private readonly handlers: ConnectionHandlers,
    private readonly world: World,
    private readonly onGone: (connection: SimConnection) => void,
  ) {
    socket.onMessage((message) => {
      if (this.done || !isReply(message)) return;
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
  }

  /**
   * Closes our end. The contract reports it as onClose('closed'), but from a scheduler event at
   * the current virtual time: like the network, the port never calls back re-entrantly.
   */
  close(): void {
    if (this.done) return;
    this.socket.close();
    this.done = true;
    this.onGone(this);
    this.world.scheduler.at(this.world.nowMs, 'client.connectionClosed', () => this.handlers.onClose('closed'));
  }

  private gone(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.onGone(this);
    this.handlers.onClose(reason);
  }
}

class SimTransport implements TransportPort {
  private readonly open = new Set<SimConnection>();

  constructor(
    private readonly world: World,
    private readonly clientHost: string,
  ) {}

  connect(address: string, handlers: ConnectionHandlers): TransportConnection {
    const socket = this.world.network.connect(this.clientHost, address);
    const connection = new SimConnection(socket, address, handlers, this.world, (c) => this.open.delete(c));
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
  const clock = new SimClock(world);
  const transport = new SimTransport(world, clientHost);
  const random = world.random(`client:${clientHost}`);
  return {
    clock,
    transport,
    random,
    clientHost,
    pendingTimers: () => clock.pending,
    pendingTimerLabels: () => clock.labels(),
    openConnections: () => transport.openCount,
  };
}

