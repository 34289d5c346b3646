/**
 * State, inputs and actions of the connection pool machine (machine.ts). All plain data:
 * the state is never mutated in place, so a caller may keep old states (e.g. for replay).
 */
import type { ConnectionClosedReason } from './events.js';
import type { PoolOptions } from './options.js';

/** CMAP ConnectionPool.state. */
export type PoolStatus = 'paused' | 'ready' | 'closed';

/** CMAP Connection.state, minus "closed": a closed connection leaves the pool's state. */
export type PooledConnectionState = 'pending' | 'available' | 'inUse';

/** The checkOut a pending connection was created for; it gets the connection once established. */
export interface ConnectionRequest {
  readonly requestId: number;
  readonly startedAtMs: number;
}

export interface PooledConnection {
  /** CMAP "Monotonically Increasing ID": 1, 2, 3, ... in order of creation. */
  readonly id: number;
  /** The pool (or, load-balanced, the service) generation the connection belongs to. */
  readonly generation: number;
  /** Load-balanced mode: the serviceId from the handshake; null until established or when not load-balanced. */
  readonly serviceId: string | null;
  readonly state: PooledConnectionState;
  readonly createdAtMs: number;
  /** When it last became available; null unless `state` is 'available'. */
  readonly availableSinceMs: number | null;
  /** Pending connections created by a checkOut; null for background (minPoolSize) ones. */
  readonly request: ConnectionRequest | null;
  /** An in-use connection the runtime reported broken: closed (reason 'error') on checkIn. */
  readonly error: Error | null;
}

/** A checkOut in the WaitQueue. */
export interface WaitingRequest extends ConnectionRequest {
  /** When it fails with WaitQueueTimeoutError; null for no deadline. */
  readonly deadlineMs: number | null;
}

/** Load-balanced mode: CMAP serviceGenerations entry (generation, connection count). */
export interface ServiceGeneration {
  readonly generation: number;
  readonly connectionCount: number;
}

export interface PoolState {
  readonly address: string;
  readonly options: PoolOptions;
  readonly status: PoolStatus;
  /** CMAP ConnectionPool.generation (non-load-balanced mode). */
  readonly generation: number;
  readonly serviceGenerations: ReadonlyMap<string, ServiceGeneration>;
  readonly nextConnectionId: number;
  /** Every pending, available and in-use connection, by id. */
  readonly connections: ReadonlyMap<number, PooledConnection>;
  /** Ids of available connections; the last one was checked in most recently and is handed out first. */
  readonly available: readonly number[];
  /** FIFO: the first request is served first (CMAP "WaitQueue": Ordered/fair). */
  readonly waitQueue: readonly WaitingRequest[];
  /** The last wakeAt asked of the runtime, or null when nothing is due. */
  readonly wakeAtMs: number | null;
  /** Message of the error given to the last clear (bounded), quoted by PoolClearedError; null if none. */
  readonly clearCause: string | null;
  /** The latest `now` seen; an earlier one is clamped to it (core/machine.ts). */
  readonly lastNowMs: number;
}

export type PoolInput =
  /**
   * Check out a connection (CMAP "Checking Out a Connection"). `requestId` is the caller's
   * handle, unique among outstanding requests. `deadlineMs` is an extra absolute deadline
   * (e.g. from timeoutMS); the earlier of it and now + waitQueueTimeoutMS applies.
   */
  | { readonly type: 'checkOut'; readonly requestId: number; readonly deadlineMs?: number }
  /** Return an in-use connection (CMAP "Checking In a Connection"). */
  | { readonly type: 'checkIn'; readonly connectionId: number }
  /** The runtime finished the handshake of a pending connection. Load-balanced mode needs its serviceId. */
  | { readonly type: 'established'; readonly connectionId: number; readonly serviceId?: string }
  /** The handshake of a pending connection failed. */
  | { readonly type: 'establishmentFailed'; readonly connectionId: number; readonly error: Error }
  /** An established connection's socket closed or failed (it is perished: CMAP "Errored"). */
  | { readonly type: 'connectionFailed'; readonly connectionId: number; readonly error: Error }
  /**
   * CMAP clear(); with `serviceId` in load-balanced mode. `cause` is the error that made SDAM
   * clear the pool; PoolClearedError quotes its message.
   */
  | { readonly type: 'clear'; readonly interruptInUseConnections?: boolean; readonly serviceId?: string; readonly cause?: Error }
  | { readonly type: 'ready' }
  | { readonly type: 'close' }
  /** The time of an earlier wakeAt came. Any other input also handles whatever is due. */
  | { readonly type: 'timerFired' };

export type PoolAction =
  /** Open and handshake a connection; report back with 'established' or 'establishmentFailed'. */
  | { readonly type: 'establish'; readonly connectionId: number; readonly address: string; readonly generation: number }
  /** Close the connection's socket; the pool has forgotten it. */
  | { readonly type: 'closeConnection'; readonly connectionId: number; readonly reason: ConnectionClosedReason }
  /** Hand the connection to the checkOut `requestId`. */
  | { readonly type: 'deliver'; readonly requestId: number; readonly connectionId: number }
  /** Fail the checkOut `requestId` with `error`. */
  | { readonly type: 'failRequest'; readonly requestId: number; readonly error: Error }
  /** Cancel whatever the in-use connection is doing with `error`; check it in afterwards as usual. */
  | { readonly type: 'interruptConnection'; readonly connectionId: number; readonly error: Error }
  /** Call `stepPool(state, {type: 'timerFired'}, atMs)` at `atMs`; replaces any earlier wakeAt. */
  | { readonly type: 'wakeAt'; readonly atMs: number };
