/**
 * Errors of the client façade beyond the shared ones in core/errors.ts, named as in the
 * official Node driver so `err.name` checks read the same.
 */
import { MongoError, MongoServerError } from '../core/errors.js';

/** An operation was started on a closed client: the runtime's class, so one `instanceof` covers both layers. */
export { MongoTopologyClosedError } from './runtime/errors.js';

/** An API used in a state that does not allow it (PyMongo's InvalidOperation, e.g. `address` among several mongoses). */
export class MongoInvalidOperationError extends MongoError {
  override get name(): string {
    return 'MongoInvalidOperationError';
  }
}

/** A cursor operation after the cursor was closed or exhausted in a way that forbids it. */
export class MongoCursorExhaustedError extends MongoError {
  override get name(): string {
    return 'MongoCursorExhaustedError';
  }
}

/** One failed statement of a batch write (`writeErrors[i]` of the reply). */
export interface WriteError {
  readonly index: number;
  readonly code: number | undefined;
  readonly errmsg: string;
}

/**
 * insertMany (or any batch) had write errors. As in the Node driver it is a server error whose
 * `code` is the first write error's, and it carries the partial result.
 */
export class MongoBulkWriteError extends MongoServerError {
  readonly writeErrors: readonly WriteError[];
  /** What the batch did before (or despite) the errors. */
  readonly result: Readonly<{ insertedCount: number; insertedIds: Readonly<Record<number, unknown>> }>;
  constructor(
    message: string,
    fields: { code?: number; codeName?: string; errorLabels?: readonly string[] },
    writeErrors: readonly WriteError[],
    result: Readonly<{ insertedCount: number; insertedIds: Readonly<Record<number, unknown>> }>,
  ) {
    super(message, fields);
    this.writeErrors = writeErrors;
    this.result = result;
  }
  override get name(): string {
    return 'MongoBulkWriteError';
  }
}
