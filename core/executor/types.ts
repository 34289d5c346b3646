/**
 * State, inputs, actions and events of the operation executor (machine.ts). Plain data; the
 * state is never mutated in place. Field names of the command monitoring events follow the
 * Node driver (`commandName`, `requestId`, `databaseName`, `command`, `reply`, `failure`,
 * `duration`, `address`, `connectionId`, `serviceId`).
 */
import type { MongoError } from '../errors.js';
import type { MachineEvent, Step } from '../machine.js';
import type { RandomSource } from '../random.js';
import type { ServerDescription, ServerType, TopologyDescription } from '../sdam/types.js';
import type { OperationCounts } from '../selection/in-window-choice.js';
import type { ReadPreference } from '../selection/read-preference.js';
import type { Document } from './errors.js';
import type { AttemptFailure, FailurePhase } from './retryability.js';

/**
 * `read` and `write` are operations the driver builds (CRUD, enumeration, ...): eligible for
 * retryable reads/writes when their command is. `command` is the generic runCommand helper:
 * sent as-is, never retried (retryable-reads.md "Unsupported Read Operations").
 */
export type OperationKind = 'read' | 'write' | 'command';

/** The implicit (or explicit) session; the runtime owns the session pool. */
export interface SessionInput {
  /** The server session id document (`{id: UUID}`), added as `lsid`. */
  readonly lsid: Document;
  /**
   * The transaction number to use if this operation is a retryable write: larger than any used
   * before on this session. The outcome's `txnNumberUsed` says whether it was consumed.
   */
  readonly txnNumber: bigint | number;
  /** Inside a transaction nothing is retried and no RetryableWriteError label is added. */
  readonly inTransaction?: boolean;
}

export interface OperationInput {
  readonly kind: OperationKind;
  readonly databaseName: string;
  /** The command document; its first key is the command name. No `lsid`/`txnNumber` of its own. */
  readonly command: Document;
  /** For `read` and `command`; default primary. `write` always selects a writable server. */
  readonly readPreference?: ReadPreference;
  /** Null or absent: no session (no `lsid`), so no retryable write. */
  readonly session?: SessionInput | null;
  /** Wire requestId of the first attempt; attempt n uses firstRequestId + n - 1 (reserve maxAttempts ids). */
  readonly firstRequestId: number;
  /** CLAM `operationId`, the same on every attempt. Optional. */
  readonly operationId?: number;
  /**
   * Pin the operation to this server ("host:port"), as getMore and killCursors must be
   * (server-selection.md "Cursors"): no server selection, a checkOut from that server's pool
   * at once, never retried. A server no longer in the topology fails it at once with a
   * MongoServerClosedError naming the address. Null or absent: select a server.
   */
  readonly pinnedAddress?: string | null;
}

export interface ExecutorOptions {
  /** Default true. */
  readonly retryReads?: boolean;
  /** Default true. */
  readonly retryWrites?: boolean;
  /** Per selection (the retry selects afresh); default 30000. */
  readonly serverSelectionTimeoutMS?: number;
  /** The latency window of every selection (server-selection.md "localThresholdMS"); default 15. */
  readonly localThresholdMS?: number;
}

/** The connection the pool handed out, as the runtime knows it after the handshake. */
export interface ConnectionInfo {
  /** CMAP connection id (unique within its pool). */
  readonly id: number;
  readonly address: string;
  /** Its pool (or load-balanced service) generation: SDAM's "error generation number". */
  readonly generation: number;
  readonly maxWireVersion: number;
  readonly serverType: ServerType;
  readonly serviceId?: string | null;
  /** The server's own id for the connection (hello `connectionId`), if known. */
  readonly serverConnectionId?: number | null;
}

export type ExecutorInput =
  /** Begin the operation (the client options came with createExecutor). */
  | {
      readonly type: 'start';
      readonly operation: OperationInput;
      readonly topology: TopologyDescription;
      readonly random: RandomSource;
      readonly operationCounts?: OperationCounts;
    }
  /** A new topology description (any SDAM change); wakes a waiting selection. */
  | { readonly type: 'topologyChanged'; readonly topology: TopologyDescription; readonly operationCounts?: OperationCounts }
  /** The time of the last `wakeAt` came. */
  | { readonly type: 'timerFired' }
  /** The checkOut asked for succeeded. */
  | { readonly type: 'checkedOut'; readonly connection: ConnectionInfo }
  /**
   * The checkOut failed: PoolClearedError, WaitQueueTimeoutError, PoolClosedError, or the
   * error of a failed connection handshake (`connectionGeneration` then names its generation,
   * `response` the failing handshake reply if it was a server error).
   */
  | { readonly type: 'checkOutFailed'; readonly error: Error; readonly connectionGeneration?: number; readonly response?: Document }
  /** The server's reply to the command sent (for an unacknowledged write: `{ok: 1}` once written). */
  | { readonly type: 'reply'; readonly reply: Document; readonly requestId?: number }
  /** The connection failed while sending or awaiting the reply. `timeout` for a socket timeout. */
  | { readonly type: 'networkError'; readonly error: Error; readonly timeout?: boolean; readonly requestId?: number };

export type ExecutorInputType = ExecutorInput['type'];

/**
 * SDAM "Error handling" input for the runtime to apply (core/sdam stepTopology, input `applicationError`): the
 * fields match ApplicationErrorInput; `phase` says whether the handshake had completed.
 */
export interface ApplicationErrorAction {
  readonly type: 'applicationError';
  readonly address: string;
  readonly error: Error;
  /** The connection's generation; null when unknown (SDAM then uses the pool's current one). */
  readonly connectionGeneration: number | null;
  readonly phase: 'handshake' | 'command';
  readonly kind: 'network' | 'timeout' | 'command';
  readonly handshakeCompleted: boolean;
  /** The failing reply (`ok: 0` or with `writeConcernError`), for `command` errors. */
  readonly response: Document | null;
  readonly errorLabels: readonly string[];
  readonly serviceId: string | null;
}

export type ExecutorAction =
  /** Ask the monitors for an immediate check (server-selection.md selection loop). */
  | { readonly type: 'requestImmediateCheck' }
  /** Step again with `timerFired` at `atMs`; replaces any earlier wakeAt. */
  | { readonly type: 'wakeAt'; readonly atMs: number }
  /** Check out a connection from the pool of `address`; answer with checkedOut / checkOutFailed. */
  | { readonly type: 'checkOut'; readonly address: string; readonly attempt: number }
  /**
   * Send `command` on the checked-out connection, exactly as built (lsid, txnNumber and
   * $readPreference included): the `commandStarted` event shows the same document.
   * `expectsReply` false for an unacknowledged write (OP_MSG moreToCome): answer with
   * `reply {ok: 1}` once written.
   */
  | {
      readonly type: 'send';
      readonly connectionId: number;
      readonly address: string;
      readonly requestId: number;
      readonly databaseName: string;
      readonly command: Document;
      readonly expectsReply: boolean;
    }
  /** Return the connection to its pool; with `error` it is broken (pool input connectionFailed first). */
  | { readonly type: 'checkIn'; readonly connectionId: number; readonly address: string; readonly error: Error | null }
  | ApplicationErrorAction
  /** The operation succeeded with `reply`. */
  | { readonly type: 'complete'; readonly reply: Document; readonly attempts: number; readonly txnNumberUsed: boolean }
  /** The operation failed with `error`, reported by the server at `address` (null: no server involved). */
  | { readonly type: 'fail'; readonly error: MongoError | Error; readonly address: string | null; readonly attempts: number; readonly txnNumberUsed: boolean };

interface CommandEventBase {
  readonly commandName: string;
  readonly requestId: number;
  readonly databaseName: string;
  readonly operationId: number | undefined;
  readonly address: string;
  readonly connectionId: number;
  readonly serverConnectionId: number | null;
  readonly serviceId: string | undefined;
}

export interface CommandStartedEvent extends CommandEventBase {
  readonly name: 'commandStarted';
  /** The command exactly as sent (with lsid/txnNumber/$readPreference), or `{}` for a sensitive command. */
  readonly command: Document;
}

export interface CommandSucceededEvent extends CommandEventBase {
  readonly name: 'commandSucceeded';
  /** Milliseconds from send to reply, on the caller's clock. */
  readonly duration: number;
  readonly reply: Document;
}

export interface CommandFailedEvent extends CommandEventBase {
  readonly name: 'commandFailed';
  readonly duration: number;
  readonly failure: Error;
}

/** The operation is about to retry (retryable-*.md "Logging Retry Attempts": MAY log). */
export interface RetryingEvent {
  readonly name: 'retrying';
  readonly attempt: number;
  readonly previousError: Error;
  readonly deprioritized: readonly string[];
}

/**
 * server-selection.md "Logging": what a selection log message carries. `selector` is the read
 * preference of a read, or null for a write (the primary); `topology` is the description the
 * pass saw. The client turns these into "Server selection ..." log messages.
 */
interface ServerSelectionEventBase {
  readonly operation: string;
  readonly operationId: number | undefined;
  readonly selector: ReadPreference | null;
  readonly topology: TopologyDescription;
}

export interface ServerSelectionStartedEvent extends ServerSelectionEventBase {
  readonly name: 'serverSelectionStarted';
}

/** The first pass that found no suitable server (once per selection: server-selection.md "Logging"). */
export interface ServerSelectionWaitingEvent extends ServerSelectionEventBase {
  readonly name: 'serverSelectionWaiting';
  readonly remainingTimeMS: number;
}

export interface ServerSelectionSucceededEvent extends ServerSelectionEventBase {
  readonly name: 'serverSelectionSucceeded';
  readonly address: string;
}

export interface ServerSelectionFailedEvent extends ServerSelectionEventBase {
  readonly name: 'serverSelectionFailed';
  readonly failure: Error;
}

export type ServerSelectionEvent = ServerSelectionStartedEvent | ServerSelectionWaitingEvent | ServerSelectionSucceededEvent | ServerSelectionFailedEvent;

/** Besides its own events, the notices of core/machine.ts (`inputIgnored`, `clockWentBackwards`). */
export type ExecutorEvent = CommandStartedEvent | CommandSucceededEvent | CommandFailedEvent | RetryingEvent | ServerSelectionEvent | MachineEvent;

export type ExecutorPhase = ExecutorState['phase'];

/** The validated operation and client options. */
export interface ResolvedOperation {
  readonly kind: OperationKind;
  readonly databaseName: string;
  readonly commandName: string;
  readonly command: Document;
  readonly readPreference: ReadPreference | null;
  readonly session: { readonly lsid: Document; readonly txnNumber: bigint; readonly inTransaction: boolean } | null;
  readonly firstRequestId: number;
  readonly operationId: number | undefined;
  /** The server the operation is pinned to (no selection, no retry), or null. */
  readonly pinnedAddress: string | null;
  readonly unacknowledged: boolean;
  readonly sensitive: boolean;
  readonly retryReads: boolean;
  readonly retryWrites: boolean;
  readonly serverSelectionTimeoutMS: number | undefined;
  readonly localThresholdMS: number | undefined;
  /** retryReads on, a retryable read command, not in a transaction. */
  readonly retryableRead: boolean;
  /** retryWrites on, a retryable write command, acknowledged, with a session, not in a transaction (the server is checked at selection). */
  readonly retryableWriteCandidate: boolean;
}

/** The command in flight on the checked-out connection. */
export interface InFlightCommand {
  readonly requestId: number;
  readonly startedAtMs: number;
  readonly command: Document;
}

/**
 * The executor's state: one of its phases, each holding only its own fields (so a phase's
 * fields are reached without null checks). The phase × input table in machine.ts says what
 * each input does in each phase.
 */
export type ExecutorState = IdleState | SelectingState | CheckingOutState | AwaitingReplyState | DoneState;

/** Waiting for `start`. */
export interface IdleState {
  readonly phase: 'idle';
  /** The client options given to createExecutor; validated with the operation at `start`. */
  readonly options: ExecutorOptions | undefined;
  /** The latest `now` seen (core/machine.ts rule (a)). */
  readonly lastNowMs: number;
}

/** What a started operation carries through selection, check-out and send. */
export interface OperationProgress {
  readonly operation: ResolvedOperation;
  readonly random: RandomSource;
  readonly topology: TopologyDescription;
  readonly operationCounts: OperationCounts | undefined;
  /** The attempt in progress (1-based). Never above maxAttempts. */
  readonly attempt: number;
  /** The first attempt's server supported retryable writes: lsid + txnNumber are sent and the write may be retried. */
  readonly retryableWrite: boolean;
  readonly failures: readonly AttemptFailure[];
  readonly deprioritized: readonly string[];
  readonly commandsStarted: number;
  readonly commandsFinished: number;
  readonly lastNowMs: number;
}

/** Server selection for the current attempt, waiting for a suitable server or a timer. */
export interface SelectingState extends OperationProgress {
  readonly phase: 'selecting';
  readonly selectionStartMs: number;
  /** The last wakeAt asked of the runtime, or null. */
  readonly wakeAtMs: number | null;
  /** serverSelectionWaiting was emitted for this selection (it is emitted once per selection). */
  readonly waitReported?: boolean;
}

/** A checkOut from the selected server's pool is outstanding. */
export interface CheckingOutState extends OperationProgress {
  readonly phase: 'checkingOut';
  /** The server selected for the current attempt. */
  readonly server: ServerDescription;
}

/** The command was sent on `connection`; its reply or error is awaited. */
export interface AwaitingReplyState extends OperationProgress {
  readonly phase: 'awaitingReply';
  readonly server: ServerDescription;
  /** Held only while awaiting a reply; checked in as soon as the reply or error comes. */
  readonly connection: ConnectionInfo;
  readonly inFlight: InFlightCommand;
}

/** The operation completed or failed (its last action was `complete` or `fail`). */
export interface DoneState {
  readonly phase: 'done';
  readonly outcome: ExecutorOutcome;
  /** Attempts made (0 when `start` was refused). */
  readonly attempt: number;
  readonly commandsStarted: number;
  readonly commandsFinished: number;
  readonly lastNowMs: number;
}

export type ExecutorOutcome =
  | { readonly kind: 'completed'; readonly reply: Document }
  | { readonly kind: 'failed'; readonly error: Error; readonly address: string | null };

export type ExecutorStep = Step<ExecutorState, ExecutorAction, ExecutorEvent>;

export type { FailurePhase };
