/**
 * The retry rules of retryable-reads.md and retryable-writes.md as small pure predicates:
 * which servers support retryable writes, which errors are retryable, which error gets the
 * RetryableWriteError label, and which error the caller sees after two failures.
 */
import { MongoNetworkError, MongoServerError } from '../errors.js';
import { PoolClearedError } from '../pool/errors.js';
import type { ServerDescription, ServerType } from '../sdam/types.js';
import {
  noWritesPerformedLabel,
  retryableReadErrorCodes,
  retryableWriteErrorCodes,
  retryableWriteErrorLabel,
  serverLabelsRetryableWritesFromWireVersion,
} from './constants.js';
import { MongoWriteConcernError } from './errors.js';
import { hasErrorLabel, withErrorLabel } from './labels.js';

/** Where an attempt failed: before the command was sent (checkOut, incl. handshake) or after. */
export type FailurePhase = 'checkOut' | 'command';

/**
 * driver-sessions.md: a server supports sessions when its hello reported
 * logicalSessionTimeoutMinutes. load-balancers.md: in load balancer mode that field is ignored
 * and sessions are always supported.
 */
export function supportsSessions(server: ServerDescription): boolean {
  if (server.type === 'LoadBalancer') return true;
  return server.logicalSessionTimeoutMinutes !== null && server.type !== 'Unknown';
}

/** retryable-writes.md `isRetryableWritesSupported`: sessions supported and not a standalone. */
export function supportsRetryableWrites(server: ServerDescription): boolean {
  return supportsSessions(server) && server.type !== 'Standalone';
}

/**
 * retryable-reads.md "Retryable Error": any network error (a PoolClearedError is one, as are
 * network errors during the handshake) or a server error with a listed code.
 */
export function isRetryableReadError(error: Error): boolean {
  if (error instanceof MongoNetworkError) return true;
  if (error instanceof MongoWriteConcernError) return false; // "minus the final criterion about write concern errors"
  return error instanceof MongoServerError && error.code !== undefined && retryableReadErrorCodes.has(error.code);
}

/** retryable-writes.md "Retryable Write Error": it has the RetryableWriteError label. */
export function isRetryableWriteError(error: Error): boolean {
  return hasErrorLabel(error, retryableWriteErrorLabel);
}

export interface LabelContext {
  readonly retryWrites: boolean;
  /** "Retryable Writes Within Transactions": never label errors inside a transaction. */
  readonly inTransaction: boolean;
  readonly phase: FailurePhase;
  /** Of the server the error came from (the connection's handshake, else its description). */
  readonly maxWireVersion: number;
  readonly serverType: ServerType;
  readonly serverSupportsRetryableWrites: boolean;
}

/**
 * retryable-writes.md "RetryableWriteError Labels": the error, with the label added when the
 * driver must add it. Only when retryWrites is true, and never inside a transaction.
 */
export function withRetryableWriteLabel(error: Error, context: LabelContext): Error {
  return needsRetryableWriteLabel(error, context) ? withErrorLabel(error, retryableWriteErrorLabel) : error;
}

export function needsRetryableWriteLabel(error: Error, context: LabelContext): boolean {
  if (!context.retryWrites || context.inTransaction) return false;
  if (hasErrorLabel(error, retryableWriteErrorLabel)) return false;
  // "a PoolClearedError during connection check out".
  if (error instanceof PoolClearedError) return true;
  if (error instanceof MongoNetworkError) {
    // "a network error establishing an initial connection" (any server), or "a network error
    // communicating with any server version that supports retryable writes".
    return context.phase === 'checkOut' || context.serverSupportsRetryableWrites;
  }
  if (!(error instanceof MongoServerError)) return false;
  // A handshake reply (hello, saslContinue) carries no txnNumber, so no server labels it; the
  // retryable codes count there whatever the version (retryable-reads.md "Retryable Error":
  // "Any of the above retryable errors that occur during a connection handshake"; the Node
  // driver labels such handshake errors too).
  if (context.phase === 'checkOut') return error.code !== undefined && retryableWriteErrorCodes.has(error.code);
  // Other server responses: only pre-4.4 servers that support retryable writes; 4.4+ label themselves.
  if (context.maxWireVersion >= serverLabelsRetryableWritesFromWireVersion || !context.serverSupportsRetryableWrites) return false;
  if (error.code === undefined || !retryableWriteErrorCodes.has(error.code)) return false;
  // "the writeConcernError.code field in a mongos response" MUST NOT be used.
  if (error instanceof MongoWriteConcernError) return context.serverType !== 'Mongos';
  return true;
}

/**
 * retryable-writes.md: errors that show no write happened: a client-side error before the
 * command was sent (selection, checkOut, handshake) or a server error labelled NoWritesPerformed.
 */
export function indicatesNoWrite(error: Error, phase: FailurePhase): boolean {
  return phase === 'checkOut' || hasErrorLabel(error, noWritesPerformedLabel);
}

export interface AttemptFailure {
  readonly error: Error;
  readonly phase: FailurePhase;
  /** The server the error came from ("the reported server information corresponds to the server that originated the error"). */
  readonly address: string;
}

/**
 * retryable-writes.md, after more than one error: the most recent error that indicates a write
 * was attempted; if none does, the first error.
 */
export function writeErrorToReport(failures: readonly AttemptFailure[]): AttemptFailure | null {
  for (let i = failures.length - 1; i >= 0; i--) {
    const failure = failures[i]!;
    if (!indicatesNoWrite(failure.error, failure.phase)) return failure;
  }
  return failures[0] ?? null;
}

/**
 * retryable-reads.md "3c. If a retry attempt fails": an error that does not let the caller infer
 * that an attempt was made (one from the pool or handshake, before sending) gives way to the
 * previous error; an error from the server (retryable or not) is the more relevant one.
 */
export function readErrorToReport(failures: readonly AttemptFailure[]): AttemptFailure | null {
  const last = failures[failures.length - 1];
  if (last === undefined) return null;
  if (last.phase === 'checkOut' && failures.length > 1) return failures[failures.length - 2]!;
  return last;
}
