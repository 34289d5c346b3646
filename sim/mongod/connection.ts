/** A client (or member-to-member) connection accepted by a simulated mongod. */
import type { SimSocket } from '../network/network.js';
import { type Document, reply } from '../protocol.js';

export interface ClientConnection {
  readonly id: number;
  readonly socket: SimSocket;
  appName: string | undefined;
  /** True for member-to-member connections (no fail points unless failInternalCommands). */
  internal: boolean;
}

/** Replies on `conn` unless the client already closed it. */
export function sendReply(conn: ClientConnection, requestId: number, body: Readonly<Document>): void {
  if (!conn.socket.closed) conn.socket.send(reply(requestId, body));
}

/** Thrown by a command to close the client's connection without a reply (a simulated network error). */
export class CloseConnection extends Error {}
