/**
 * Operations pinned to one server (getMore and killCursors go where their cursor lives).
 * server-selection.md "Cursors": "Cursor operations OP_GET_MORE and OP_KILL_CURSOR do not go
 * through the server selection process. Cursor operations must be sent to the original server".
 * So a pinned operation checks out from that server's pool at once, whatever SDAM currently
 * thinks of the server: a dead server fails it with the pool's or the connection's network
 * error straight away, instead of after serverSelectionTimeoutMS.
 */
import { MongoError } from '../errors.js';

/**
 * The server a pinned operation must go to is no longer part of the topology (SDAM removed it,
 * e.g. after a reconfig), so its pool is gone. Named as in the Node driver ("Server is closed").
 */
export class MongoServerClosedError extends MongoError {
  readonly address: string;
  constructor(address: string) {
    super(`Server is closed: the operation is pinned to ${address}, which is not part of the topology`);
    this.address = address;
  }
  override get name(): string {
    return 'MongoServerClosedError';
  }
}
