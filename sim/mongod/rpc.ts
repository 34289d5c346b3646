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
   * Requests awaiting replies, oldest first. A plain array: a channel rarely has more than a few
   * outstanding requests, and a short scan beats a hash map on the heartbeat hot path.
   */
  private pending: Array<{ readonly id: number; readonly cb: ReplyCallback; readonly socket: SimSocket }> = [];
  private nextRequestId = 1;

  constructor(
    private readonly network: Network,
    readonly fromHost: string,
    readonly toAddress: string,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  private take(requestId: number): { readonly cb: ReplyCallback } | undefined {
    const list = this.pending;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i] as { id: number; cb: ReplyCallback };
      if (entry.id === requestId) {
        list.splice(i, 1);
        return entry;
      }
    }
    return undefined;
  }

  /** Sends `body` to run against `db`; returns the request id (usable with `forget`). */
  call(db: string, body: Readonly<Document>, callback: ReplyCallback): number {
    const socket = this.ensureSocket();
    const requestId = this.nextRequestId++;
    if (this.pending.length >= maxPendingRequestsPerChannel) {
      const oldest = this.pending.shift();
      oldest?.cb(null, 'too many pending requests');
    }
    this.pending.push({ id: requestId, cb: callback, socket });
    socket.send(request(requestId, db, body));
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

  /** Fails the requests sent on `socket` (all of them when null). */
  private failAll(reason: string, socket: SimSocket | null): void {
    if (this.pending.length === 0) return;
    const failed = this.pending.filter((entry) => socket === null || entry.socket === socket);
    this.pending = this.pending.filter((entry) => !(socket === null || entry.socket === socket));
    for (const entry of failed) entry.cb(null, reason);
  }

  private ensureSocket(): SimSocket {
    if (this.socket !== null && !this.socket.closed) return this.socket;
    const socket = this.network.connect(this.fromHost, this.toAddress);
    this.socket = socket;
    socket.onMessage((message) => {
      const responseTo = message['responseTo'];
      if (typeof responseTo !== 'number') return;
      if (!isReply(message)) return;
      const entry = this.take(responseTo);
      if (entry !== undefined) entry.cb(message.body, null);
    });
    socket.onClose((reason) => {
      if (this.socket === socket) this.socket = null;
      this.failAll(reason, socket);
    });
    return socket;
  }
}
