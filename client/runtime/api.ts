/**
 * What the MongoClient façade needs from the runtime. The runtime (client/runtime/*) joins the
 * pure machines of core/ — SDAM topology, one monitor per server, one CMAP pool per server,
 * the operation executor — to the ports, and is drivable synchronously (callbacks, no promises)
 * so fuzzers can run it inside the simulator without macrotask hops.
 */
import type { MongoError } from '../../core/errors.js';
import type { TopologyDescription } from '../../core/sdam/types.js';
import type { ReadPreference } from '../../core/selection/read-preference.js';
import type { Document } from './ports.js';
import type { ServerSession } from './sessions.js';

export interface RunOperation {
  /** read/write: driver-built operations, retryable when their command is; command: runCommand, never retried. */
  readonly kind: 'read' | 'write' | 'command';
  readonly databaseName: string;
  /** The command document (first key = command name), without lsid/txnNumber/$db. */
  readonly command: Document;
  readonly readPreference?: ReadPreference;
  /**
   * Pin the operation to this server (getMore/killCursors must go where the cursor lives): no
   * server selection and no retry. A dead server fails it at once with the pool's or the
   * connection's MongoNetworkError; a server no longer in the topology with a
   * MongoServerClosedError naming the address.
   */
  readonly address?: string;
  /** Per-operation overrides of the client's retry options. */
  readonly retryReads?: boolean;
  readonly retryWrites?: boolean;
  /**
   * load-balancers.md "Behaviour With Cursors": the command opens a cursor. In load-balanced
   * mode, when the reply's cursor id is not 0, its connection stays checked out, pinned to the
   * cursor (the result's `pinnedConnection`) until `releasePinned`.
   */
  readonly pinCursor?: boolean;
  /** With `address`: run on this pinned connection (a result's `pinnedConnection`) instead of checking one out. */
  readonly pinnedConnection?: number;
  /**
   * An explicit session (ClientSession): its server session is used instead of an implicit one
   * and stays with the ClientSession afterwards; `inTransaction` sends the transaction's
   * txnNumber and turns every retry off (transactions.md).
   */
  readonly session?: { readonly serverSession: ServerSession; readonly inTransaction: boolean };
  /**
   * load-balancers.md "Connection Pinning": a transaction's first command. In load-balanced mode
   * its connection stays checked out whatever the outcome (the result's `pinnedConnection`, on
   * failure too, unless the connection broke) until `releasePinned`.
   */
  readonly pinTransaction?: boolean;
}

export type RunResult =
  | { readonly ok: true; readonly reply: Document; readonly address: string; readonly attempts: number; readonly pinnedConnection?: number }
  | { readonly ok: false; readonly error: MongoError | Error; readonly address: string | null; readonly attempts: number; readonly pinnedConnection?: number };

/** Every SDAM, CMAP and command monitoring event, as the Node driver names them (`serverDescriptionChanged`, `connectionCheckedOut`, `commandStarted`, ...). */
export interface RuntimeEvent {
  readonly name: string;
  readonly [field: string]: unknown;
}

export interface ClientRuntimeApi {
  /** Starts monitoring (returns at once; discovery happens in the background). */
  connect(): void;
  run(operation: RunOperation, done: (result: RunResult) => void): void;
  /** The current SDAM description. */
  description(): TopologyDescription;
  /** Subscribe to every event; returns an unsubscribe function. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
  /** Stops every monitor, pool and timer; nothing stays scheduled afterwards. */
  close(done: () => void): void;
  /** Checks a pinned connection (RunResult.pinnedConnection) back in to its server's pool. */
  releasePinned?(address: string, connectionId: number): void;
  /** driver-sessions.md: a server session for an explicit session, from the pool (or new). */
  acquireServerSession?(): { readonly lsid: Document };
  /** Gives an explicit session's server session back to the pool. */
  releaseServerSession?(session: { readonly lsid: Document }): void;
}
