/** Errors only the runtime raises; named as in the official Node driver. */
import { MongoError } from '../../core/errors.js';

/** An operation was issued to (or was still running in) a client that is closing or closed. */
export class MongoTopologyClosedError extends MongoError {
  constructor(message = 'Topology is closed') {
    super(message);
  }
  override get name(): string {
    return 'MongoTopologyClosedError';
  }
}
