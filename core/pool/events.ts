/**
 * Connection pool monitoring events (CMAP "Events"). Names and field names follow the official
 * Node driver's CMAP event classes (`name: 'connectionCheckedOut'`, `durationMS`, ...) so
 * listeners read the same; here they are plain data. Node's wall-clock `time` is left out:
 * the core has no clock, and the runtime knows when it emits each event.
 */
import type { PoolOptionName } from './options.js';

/** Why a connection was closed (CMAP ConnectionClosedEvent.reason). */
export type ConnectionClosedReason = 'stale' | 'idle' | 'error' | 'poolClosed';

/** Why a checkOut failed (CMAP ConnectionCheckOutFailedEvent.reason). */
export type CheckOutFailedReason = 'poolClosed' | 'timeout' | 'connectionError';

export interface ConnectionPoolCreatedEvent {
  readonly name: 'connectionPoolCreated';
  readonly address: string;
  /** The pool options the user set ("Any non-default pool options that were set"). */
  readonly options: Readonly<Partial<Record<PoolOptionName, number>>>;
}

export interface ConnectionPoolReadyEvent {
  readonly name: 'connectionPoolReady';
  readonly address: string;
}

export interface ConnectionPoolClearedEvent {
  readonly name: 'connectionPoolCleared';
  readonly address: string;
  /** Set only in load-balanced mode: the service whose connections were cleared. */
  readonly serviceId: string | undefined;
  readonly interruptInUseConnections: boolean;
}

export interface ConnectionPoolClosedEvent {
  readonly name: 'connectionPoolClosed';
  readonly address: string;
}

export interface ConnectionCreatedEvent {
  readonly name: 'connectionCreated';
  readonly address: string;
  readonly connectionId: number;
}

export interface ConnectionReadyEvent {
  readonly name: 'connectionReady';
  readonly address: string;
  readonly connectionId: number;
  /** Milliseconds from ConnectionCreated to this event. */
  readonly durationMS: number;
}

export interface ConnectionClosedEvent {
  readonly name: 'connectionClosed';
  readonly address: string;
  readonly connectionId: number;
  readonly reason: ConnectionClosedReason;
  readonly serviceId: string | undefined;
  /** The error that broke the connection when `reason` is 'error', else null. */
  readonly error: Error | null;
}

export interface ConnectionCheckOutStartedEvent {
  readonly name: 'connectionCheckOutStarted';
  readonly address: string;
}

export interface ConnectionCheckOutFailedEvent {
  readonly name: 'connectionCheckOutFailed';
  readonly address: string;
  readonly reason: CheckOutFailedReason;
  /** Milliseconds from ConnectionCheckOutStarted to this event. */
  readonly durationMS: number;
  readonly error: Error;
}

export interface ConnectionCheckedOutEvent {
  readonly name: 'connectionCheckedOut';
  readonly address: string;
  readonly connectionId: number;
  /** Milliseconds from ConnectionCheckOutStarted to this event. */
  readonly durationMS: number;
}

export interface ConnectionCheckedInEvent {
  readonly name: 'connectionCheckedIn';
  readonly address: string;
  readonly connectionId: number;
}

export type ConnectionPoolEvent =
  | ConnectionPoolCreatedEvent
  | ConnectionPoolReadyEvent
  | ConnectionPoolClearedEvent
  | ConnectionPoolClosedEvent
  | ConnectionCreatedEvent
  | ConnectionReadyEvent
  | ConnectionClosedEvent
  | ConnectionCheckOutStartedEvent
  | ConnectionCheckOutFailedEvent
  | ConnectionCheckedOutEvent
  | ConnectionCheckedInEvent;

export type ConnectionPoolEventName = ConnectionPoolEvent['name'];
