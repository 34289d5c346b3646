/**
 * The three ports through which the client runtime touches the world. harness/sim-ports.ts
 * implements them in the simulator's virtual time; a real-socket adapter implements them with
 * sockets and timers. The runtime itself reads no clock and starts no timer except through these.
 */
import type { RandomSource } from '../../core/random.js';

export type Document = Record<string, unknown>;

export interface TimerHandle {
  readonly id: number;
}

export interface ClockPort {
  /** Milliseconds; virtual in the simulator. Never decreases. */
  now(): number;
  /** Calls `fn` once at `atMs` (or at once if that is in the past). */
  setTimer(atMs: number, label: string, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface ConnectionHandlers {
  /** A reply arrived (`responseTo` is the requestId it answers; a streamed hello may answer more than once). */
  onReply(responseTo: number, body: Document): void;
  /** The connection is gone: refused, reset, closed by the peer, or closed by us (`closed`). */
  onClose(reason: string): void;
}

export interface TransportConnection {
  readonly id: number;
  readonly address: string;
  send(requestId: number, db: string, body: Document): void;
  close(): void;
  readonly closed: boolean;
}

export interface TransportPort {
  /** Opens a connection to `address` ("host:port"); failures arrive as onClose. */
  connect(address: string, handlers: ConnectionHandlers): TransportConnection;
}

export interface RuntimePorts {
  readonly clock: ClockPort;
  readonly transport: TransportPort;
  readonly random: RandomSource;
}
