/**
 * The operation executor (retryable reads and writes, command monitoring) as a pure machine;
 * see machine.ts. The runtime feeds it topology changes, check-out results and replies, and
 * carries out its actions (check out, send, check in, SDAM application errors, timers).
 */
export { createExecutor, isExecutorDone, stepExecutor } from './machine.js';
export { executorInvariantViolations } from './invariants.js';
export {
  maxAttempts,
  retryableWriteErrorLabel,
  noWritesPerformedLabel,
  retryableReadErrorCodes,
  retryableWriteErrorCodes,
  serverLabelsRetryableWritesFromWireVersion,
  retryableWritesUnsupportedMessage,
  defaultRetryReads,
  defaultRetryWrites,
} from './constants.js';
export { commandNameOf, isRetryableReadCommand, isRetryableWriteCommand, isUnacknowledged, hasWriteStage } from './commands.js';
export { MongoWriteConcernError, isOkReply, serverErrorFromReply, writeConcernErrorFromReply } from './errors.js';
export { MongoServerClosedError } from './pinned.js';
export { readPreferenceArgument, directConnectionReadPreferenceMode, type ReadPreferenceArgumentInput } from './read-preference-argument.js';
export { errorLabelsOf, hasErrorLabel, withErrorLabel } from './labels.js';
export { isSensitiveCommand, redactedDocument, redactedFailure } from './redaction.js';
export {
  supportsSessions,
  supportsRetryableWrites,
  isRetryableReadError,
  isRetryableWriteError,
  needsRetryableWriteLabel,
  withRetryableWriteLabel,
  indicatesNoWrite,
  writeErrorToReport,
  readErrorToReport,
  type AttemptFailure,
  type FailurePhase,
  type LabelContext,
} from './retryability.js';
export type * from './types.js';
