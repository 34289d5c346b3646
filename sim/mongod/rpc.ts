/**
 * A request/reply channel from one simulated process to one address over the simulated
 * network: one connection, reopened lazily after it closes, with replies matched to requests
 * by id. Used for member-to-member traffic (heartbeats, votes, oplog fetches), by mongos to
 * reach its shard and by the test/scenario client. Callbacks always run from scheduler events.
 */
import type { Network, SimSocket } from '../network/network.js';
import { type Document, isReply, request } from '../protocol.js';

/** `null` when the connection closed (or was reset/refused) before the reply arrived. */
export type ReplyCallback = (reply: Readonly<Document> | null, failure: string | null) => void;

/** Bound on requests awaiting a reply on one channel; beyond it the oldest are failed. */
export const maxPendingRequestsPerChannel = 10_000;

export class RpcChannel {
  private socket: SimSocket | null = null;
  /**
   * Requests awaiting replies, oldest first: slots [0, pendingLength) of three parallel arrays
   * (id, callback, socket). A channel rarely has more than a few outstanding requests, so a
   * short scan beats a hash map; parallel arrays with an explicit length (never shrunk, freed
   * slots cleared) spare the heartbeat hot path an entry object and an array reallocation per request.
   */
  private pendingIds: number[] = [];
  private pendingCbs: Array<ReplyCallback | null> = [];
  private pendingSockets: Array<SimSocket | null> = [];
  private pendingLength = 0;
  private nextRequestId = 1;

  constructor(
    private readonly network: Network,
    readonly fromHost: string,
    readonly toAddress: string,
  ) {}

  get pendingCount(): number {
    return this.pendingLength;
  }

  /** Removes pending slot `index` (keeping the others in order) and returns its callback. */
  private removeAt(index: number): ReplyCallback {
    const ids = this.pendingIds;
    const cbs = this.pendingCbs;
    const sockets = this.pendingSockets;
    const n = this.pendingLength;
    const cb = cbs[index] as ReplyCallback;
    for (let j = index + 1; j < n; j++) {
      ids[j - 1] = ids[j] as number;
      cbs[j - 1] = cbs[j] as ReplyCallback;
      sockets[j - 1] = sockets[j] as SimSocket;
    }
    // Clear the freed slot so a settled request's callback and socket are not kept alive.
    ids[n - 1] = 0;
    cbs[n - 1] = null;
    sockets[n - 1] = null;
    this.pendingLength = n - 1;
    return cb;
  }

  /** Removes the pending request `requestId` and returns its callback (undefined when it is not pending). */
  private take(requestId: number): ReplyCallback | undefined {
    const ids = this.pendingIds;
    const n = this.pendingLength;
    for (let i = 0; i < n; i++) {
      if (ids[i] === requestId) return this.removeAt(i);
    }
    return undefined;
  }

  /**
   * Sends `body` to run against `db`; returns the request id (usable with `forget`).
   * `bsonSizeBytes`: the body's BSON size when the caller serialized it (client traffic).
   */
  call(db: string, body: Readonly<Document>, callback: ReplyCallback, bsonSizeBytes?: number): number {
    const socket = this.ensureSocket();
    const requestId = this.nextRequestId++;
    if (this.pendingLength >= maxPendingRequestsPerChannel) {
      const oldest = this.removeAt(0);
      oldest(null, 'too many pending requests');
    }
    const n = this.pendingLength;
    this.pendingIds[n] = requestId;
    this.pendingCbs[n] = callback;
    this.pendingSockets[n] = socket;
    this.pendingLength = n + 1;
    socket.send(request(requestId, db, body, bsonSizeBytes));
    return requestId;
  }

  /** Stops waiting for a request's reply (after a timeout); a late reply is ignored. */
  forget(requestId: number): void {
    this.take(requestId);
  }

  /** Closes the connection (a timed-out peer, or the owning process going away); pending requests fail. */
  reset(reason = 'closed'): void {
    const socket = this.socket;
    this.socket = null;
    if (socket !== null && !socket.closed) socket.close();
    this.failAll(reason, null);
  }

  /** Fails the requests sent on `socket` (all of them when null), oldest first. */
  private failAll(reason: string, socket: SimSocket | null): void {
    const n = this.pendingLength;
    if (n === 0) return;
    const failed: ReplyCallback[] = [];
    const keptIds: number[] = [];
    const keptCbs: Array<ReplyCallback | null> = [];
    const keptSockets: Array<SimSocket | null> = [];
    for (let i = 0; i < n; i++) {
      const entrySocket = this.pendingSockets[i] as SimSocket;
      const cb = this.pendingCbs[i] as ReplyCallback;
      if (socket === null || entrySocket === socket) {
        failed.push(cb);
      } else {
        keptIds.push(this.pendingIds[i] as number);
        keptCbs.push(cb);
        keptSockets.push(entrySocket);
      }
    }
    // The survivors are in place before any callback runs (a callback may send a new request).
    this.pendingIds = keptIds;
    this.pendingCbs = keptCbs;
    this.pendingSockets = keptSockets;
    this.pendingLength = keptIds.length;
    for (const cb of failed) cb(null, reason);
  }

  private ensureSocket(): SimSocket {
    if (this.socket !== null && !this.socket.closed) return this.socket;
    const socket = this.network.connect(this.fromHost, this.toAddress);
    this.socket = socket;
    socket.onMessage((message) => {
      const responseTo = message['responseTo'];
      if (typeof responseTo !== 'number') return;
      if (!isReply(message)) return;
      const cb = this.take(responseTo);
      if (cb !== undefined) cb(message.body, null);
    });
    socket.onClose((reason) => {
      if (this.socket === socket) this.socket = null;
      this.failAll(reason, socket);
    });
    return socket;
  }
}
