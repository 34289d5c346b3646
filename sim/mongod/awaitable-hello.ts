/**
 * Awaitable hello (server-monitoring.md "Streaming protocol"): a hello carrying the client's
 * current `topologyVersion` and `maxAwaitTimeMS` is parked until our topologyVersion changes or
 * the wait expires, then answered with the hello reply of that moment.
 */
import type { Document } from '../protocol.js';
import { type ClientConnection, sendReply } from './connection.js';
import { CommandError, ErrorCodes } from './errors.js';
import type { Doc } from './query.js';
import type { IncarnationTimers } from './timers.js';
import { isPlainObject } from './values.js';
import type { TimerHandle } from '../kernel/scheduler.js';

/** Pending awaitable hellos per process (simulator bound). */
export const maxAwaitingHellos = 100_000;

interface HelloWaiter {
  readonly conn: ClientConnection;
  readonly requestId: number;
  readonly body: Readonly<Document>;
  timer: TimerHandle | null;
  settled: boolean;
}

/** The hello reply this node would send right now on `conn`. */
export type HelloReplyFn = (conn: ClientConnection, body: Readonly<Document>) => Doc;

export class AwaitableHellos {
  private readonly waiters = new Set<HelloWaiter>();

  constructor(private readonly timers: IncarnationTimers, private readonly helloReply: HelloReplyFn) {}

  get size(): number { return this.waiters.size; }

  /**
   * Answers a hello now, or parks it and returns undefined. `awaitable` says whether this server
   * version supports the streaming protocol; `current` is our topologyVersion.
   */
  hello(conn: ClientConnection, requestId: number, body: Readonly<Document>, awaitable: boolean, current: { processIdHex: string; counter: number }): Doc | undefined {
    const tv = body['topologyVersion'];
    const maxAwait = body['maxAwaitTimeMS'];
    if (tv !== undefined && maxAwait !== undefined && awaitable) {
      if (typeof maxAwait !== 'number' || !Number.isInteger(maxAwait) || maxAwait < 0) {
        throw new CommandError(ErrorCodes.BadValue, 'maxAwaitTimeMS must be a non-negative integer');
      }
      if (!isPlainObject(tv)) throw new CommandError(ErrorCodes.TypeMismatch, "'topologyVersion' must be an object");
      const pid = tv['processId'];
      const pidHex = typeof pid === 'string' ? pid : (pid as { toHexString?: () => string } | undefined)?.toHexString?.();
      const counter = Number(tv['counter']);
      // Wait only when the client already has our current version; otherwise it is out of date: answer now.
      if (pidHex === current.processIdHex && counter === current.counter && this.waiters.size < maxAwaitingHellos) {
        const waiter: HelloWaiter = { conn, requestId, body, timer: null, settled: false };
        this.waiters.add(waiter);
        waiter.timer = this.timers.afterCancellable(maxAwait, 'mongod.hello.await', () => this.settle(waiter, this.helloReply(conn, body)));
        return undefined;
      }
    }
    return this.helloReply(conn, body);
  }

  /** Our topologyVersion changed: every parked hello gets the new reply. */
  answerAll(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) this.settle(waiter, this.helloReply(waiter.conn, waiter.body));
  }

  /** Clean shutdown: each parked hello gets an error reply (ShutdownInProgress) instead of silence. */
  failAll(errorReply: () => Doc): void {
    for (const waiter of [...this.waiters]) this.settle(waiter, errorReply());
  }

  /** The client closed the connection: nobody to answer. */
  dropConnection(conn: ClientConnection): void {
    for (const waiter of this.waiters) if (waiter.conn === conn) this.drop(waiter);
  }

  /** The process stopped: its timers are dead already (new incarnation), forget the waiters. */
  clear(): void {
    this.waiters.clear();
  }

  private settle(waiter: HelloWaiter, body: Doc): void {
    if (waiter.settled) return;
    this.drop(waiter);
    sendReply(waiter.conn, waiter.requestId, body);
  }

  private drop(waiter: HelloWaiter): void {
    waiter.settled = true;
    this.waiters.delete(waiter);
    if (waiter.timer !== null) this.timers.cancel(waiter.timer);
    waiter.timer = null;
  }
}
