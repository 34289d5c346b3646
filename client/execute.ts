/**
 * Runs one operation through the runtime and turns its callback into a promise. Failed results
 * keep the runtime's typed error (MongoNetworkError, MongoServerSelectionError,
 * MongoServerError, ...); a reply that still says `ok: 0` becomes a MongoServerError here so no
 * failure can pass as a result.
 */
import { MongoError } from '../core/errors.js';
import { isOkReply, serverErrorFromReply, writeConcernErrorFromReply } from '../core/executor/index.js';
import type { ClientRuntimeApi, RunOperation } from './runtime/api.js';
import type { Document } from './runtime/ports.js';

export interface OperationSuccess {
  readonly reply: Document;
  /** The server that answered (where a cursor lives). */
  readonly address: string;
  readonly attempts: number;
  /** Load-balanced mode: the connection kept for the cursor the reply opened (RunOperation.pinCursor). */
  readonly pinnedConnection?: number;
}

/**
 * `onPinned` (a ClientSession's transaction): told of the connection a pinTransaction operation
 * kept, on success and on failure; that connection is then the session's to release.
 */
export function runOperation(runtime: ClientRuntimeApi, operation: RunOperation, onPinned?: (address: string, connectionId: number) => void): Promise<OperationSuccess> {
  return new Promise<OperationSuccess>((resolve, reject) => {
    let settled = false;
    try {
      runtime.run(operation, (result) => {
        // A runtime calls back once; a second call would be a runtime bug, never a second outcome.
        if (settled) return;
        settled = true;
        if (onPinned !== undefined && result.pinnedConnection !== undefined && result.address !== null) onPinned(result.address, result.pinnedConnection);
        if (!result.ok) {
          reject(result.error instanceof Error ? result.error : new MongoError(`operation failed: ${String(result.error)}`));
          return;
        }
        const pinned = result.pinnedConnection;
        const failure = !isOkReply(result.reply) ? serverErrorFromReply(result.reply) : writeConcernErrorFromReply(result.reply);
        if (failure !== null) {
          // Nobody will hold a cursor of a failed reply: its pinned connection goes back at once.
          if (pinned !== undefined && onPinned === undefined) runtime.releasePinned?.(result.address, pinned);
          reject(failure);
          return;
        }
        resolve({ reply: result.reply, address: result.address, attempts: result.attempts, ...(pinned !== undefined ? { pinnedConnection: pinned } : {}) });
      });
    } catch (error) {
      settled = true;
      reject(error);
    }
  });
}
