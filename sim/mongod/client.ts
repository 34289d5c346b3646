/**
 * A minimal simulated client: sends command documents to simulated servers over the network
 * and hands back their replies. It is what tests, scenarios and the replica set helper use to
 * talk to mongod/mongos exactly as a driver would (through connections that faults affect).
 */
import { type Document, bsonCopy } from '../protocol.js';
import type { World } from '../world.js';
import { RpcChannel } from './rpc.js';

export type CommandOutcome =
  | { readonly ok: true; readonly reply: Readonly<Document> }
  | { readonly ok: false; readonly networkError: string };

export class SimClient {
  private readonly channels = new Map<string, RpcChannel>();

  constructor(private readonly world: World, readonly clientHost = 'client') {}

  /**
   * Sends `body` to `address`; `callback` gets the reply (any `ok`) or the network error. Both
   * cross as BSON copies, as with a real driver: the caller and the server share no object.
   */
  command(address: string, db: string, body: Readonly<Document>, callback: (outcome: CommandOutcome) => void): void {
    let channel = this.channels.get(address);
    if (channel === undefined) {
      channel = new RpcChannel(this.world.network, this.clientHost, address);
      this.channels.set(address, channel);
    }
    const sent = bsonCopy(body);
    channel.call(db, sent.doc, (reply, failure) => {
      callback(reply === null ? { ok: false, networkError: failure ?? 'closed' } : { ok: true, reply: bsonCopy(reply).doc });
    }, sent.sizeBytes);
  }

  /**
   * Sends a command and runs the world until the outcome arrives or `limitMs` of virtual time
   * passes (then returns a 'timeout' network error). For tests and scripted scenarios.
   */
  commandSync(address: string, db: string, body: Readonly<Document>, limitMs = 60_000): CommandOutcome {
    let outcome: CommandOutcome | undefined;
    this.command(address, db, body, (o) => { outcome = o; });
    this.world.scheduler.runUntil(() => outcome !== undefined, limitMs);
    return outcome ?? { ok: false, networkError: 'timeout' };
  }

  /** Closes every connection (pending commands fail with 'closed'). */
  close(): void {
    for (const channel of this.channels.values()) channel.reset('closed');
    this.channels.clear();
  }
}
