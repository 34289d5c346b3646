/**
 * Errors a checkOut can fail with (CMAP "Connection Pool Errors"). Class names and `name`
 * values follow the official Node driver so `instanceof` and `err.name` checks read the same.
 * Messages carry only the pool address ("host:port"), never credentials.
 */
import { MongoError, MongoNetworkError } from '../errors.js';

/** Label Node puts on PoolClearedError: the operation may be retried on another attempt. */
export const poolRequestedRetryLabel = 'PoolRequestedRetry';

/** checkOut on a closed pool, or a request still outstanding when the pool closed. */
export class PoolClosedError extends MongoError {
  readonly address: string;
  constructor(address: string) {
    super('Attempted to check out a connection from closed connection pool');
    this.address = address;
  }
  override get name(): string {
    return 'MongoPoolClosedError';
  }
}

/**
 * checkOut on a paused pool, or a request evicted by clear. A network error so it is
 * retryable, and (CMAP "Clearing a non-load balanced pool") it must not mark the server Unknown.
 */
export class PoolClearedError extends MongoNetworkError {
  readonly address: string;
  readonly errorLabels: readonly string[] = [poolRequestedRetryLabel];
  /** `cause` is the message of the error that cleared the pool, when known. */
  constructor(address: string, cause?: string | null, message?: string) {
    super(message ?? `Connection pool for ${address} was cleared because another operation failed${cause ? ` with: "${cause}"` : ''}`);
    this.address = address;
  }
  override get name(): string {
    return 'MongoPoolClearedError';
  }
}

/** The error an in-use connection is interrupted with by clear({interruptInUseConnections: true}). */
export class PoolClearedOnNetworkError extends PoolClearedError {
  constructor(address: string) {
    // CMAP "Clearing a non-load balanced pool": the message the spec recommends.
    super(address, null, `Connection to ${address} interrupted due to server monitor timeout`);
  }
  override get name(): string {
    return 'PoolClearedOnNetworkError';
  }
}

/** A queued checkOut reached its deadline (waitQueueTimeoutMS or the request's own). */
export class WaitQueueTimeoutError extends MongoError {
  readonly address: string;
  /** `message`: load-balanced pools give the detailed one of load-balancers.md "Connection Pooling". */
  constructor(address: string, message = 'Timed out while checking out a connection from connection pool') {
    super(message);
    this.address = address;
  }
  override get name(): string {
    return 'MongoWaitQueueTimeoutError';
  }
}

/** The wait queue already holds maxWaitQueueLength requests (a safety bound, not a spec option). */
export class WaitQueueFullError extends MongoError {
  readonly address: string;
  constructor(address: string, limit: number) {
    super(`Connection pool for ${address} already has ${limit} queued checkOut requests`);
    this.address = address;
  }
  override get name(): string {
    return 'MongoWaitQueueFullError';
  }
}
