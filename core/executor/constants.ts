/**
 * Limits, codes and labels of the operation executor. Every number here is named for what it
 * bounds; the tables cite the spec section they come from.
 */

/**
 * At most one retry (retryable-reads.md / retryable-writes.md: "CSOT is not enabled and one
 * retry was attempted"). CSOT's unbounded retries are not implemented, so this is a hard bound.
 */
export const maxAttempts = 2;

/** retryable-writes.md "Determining Retryable Write Errors". */
export const retryableWriteErrorLabel = 'RetryableWriteError';
/** retryable-writes.md: the server did not perform the write; see the error-choice rule. */
export const noWritesPerformedLabel = 'NoWritesPerformed';
/** client-backpressure.md; retryable-*.md "Selecting the server for retry" deprioritize on it. */
export const systemOverloadedErrorLabel = 'SystemOverloadedError';

/**
 * retryable-reads.md "Retryable Error": the server error codes that make a read retryable.
 */
export const retryableReadErrorCodes: ReadonlySet<number> = new Set([
  262, // ExceededTimeLimit
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  10107, // NotWritablePrimary
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  189, // PrimarySteppedDown
  134, // ReadConcernMajorityNotAvailableYet
  91, // ShutdownInProgress
  7, // HostNotFound
  6, // HostUnreachable
  89, // NetworkTimeout
  9001, // SocketException
]);

/**
 * retryable-writes.md "RetryableWriteError Labels": the codes a driver labels itself when the
 * server is older than 4.4 (it does not label them).
 */
export const retryableWriteErrorCodes: ReadonlySet<number> = new Set([
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  10107, // NotWritablePrimary
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  189, // PrimarySteppedDown
  91, // ShutdownInProgress
  7, // HostNotFound
  6, // HostUnreachable
  89, // NetworkTimeout
  9001, // SocketException
  262, // ExceededTimeLimit
]);

/**
 * MongoDB 4.4 (wire version 9) and newer label retryable write errors themselves; for them the
 * driver MUST NOT add the label to any error derived from a server response.
 */
export const serverLabelsRetryableWritesFromWireVersion = 9;

/** retryable-writes.md pseudocode: IllegalOperation with "Transaction numbers" is re-raised with this message. */
export const illegalOperationCode = 20;
export const transactionNumbersMessagePrefix = 'Transaction numbers';
export const retryableWritesUnsupportedMessage =
  'This MongoDB deployment does not support retryable writes. Please add retryWrites=false to your connection string.';

/** Client options default to true (retryable-reads.md "retryReads", retryable-writes.md "retryWrites"). */
export const defaultRetryReads = true;
export const defaultRetryWrites = true;
