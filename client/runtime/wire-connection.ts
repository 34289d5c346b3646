/**
 * One connection through the transport port with request/reply matching and per-request
 * socket timeouts. Replies, closes and timeouts reach the caller through the runtime queue.
 */
import { maxPendingRequestsPerConnection, maxQuotedMessageChars } from './constants.js';
import type { RuntimeContext } from './context.js';
import type { Document, TimerHandle, TransportConnection } from './ports.js';

export type WireOutcome =
  | { readonly ok: true; readonly reply: Document }
  /** `network`: the connection closed or failed; `timeout`: no reply within the socket timeout. */
  | { readonly ok: false; readonly kind: 'network' | 'timeout'; readonly message: string };

interface PendingRequest {
  readonly callback: (outcome: WireOutcome) => void;
  timer: TimerHandle | null;
}

export class WireConnection {
  private readonly transport: TransportConnection;
  private readonly pending = new Map<number, PendingRequest>();
  private closedByUs = false;
  private failure: string | null = null;
  /** Called once when the peer (not we) closes or resets the connection, after pending requests failed. */
  onBroken: ((message: string) => void) | null = null;

  constructor(
    private readonly ctx: RuntimeContext,
    readonly address: string,
    private readonly label: string,
  ) {
    this.transport = ctx.ports.transport.connect(address, {
      onReply: (responseTo, body) => ctx.input(() => this.replied(responseTo, body)),
      onClose: (reason) => ctx.input(() => this.peerClosed(reason)),
    });
  }

  get id(): number {
    return this.transport.id;
  }

  /** Open: neither side closed it. */
  get isOpen(): boolean {
    return !this.closedByUs && this.failure === null;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends `body`; `callback` runs once with the reply, a network error or a timeout (`timeoutMS` null: none). */
  request(requestId: number, db: string, body: Document, timeoutMS: number | null, callback: (outcome: WireOutcome) => void): void {
    if (!this.isOpen) {
      const message = this.failure ?? `connection to ${this.address} is closed`;
      this.ctx.input(() => callback({ ok: false, kind: 'network', message }));
      return;
    }
    if (this.pending.size >= maxPendingRequestsPerConnection) {
      const message = `connection to ${this.address} already has ${maxPendingRequestsPerConnection} requests awaiting replies (maxPendingRequestsPerConnection)`;
      this.ctx.input(() => callback({ ok: false, kind: 'network', message }));
      return;
    }
    const entry: PendingRequest = { callback, timer: null };
    if (timeoutMS !== null && timeoutMS > 0) {
      entry.timer = this.ctx.ports.clock.setTimer(this.ctx.now() + timeoutMS, `${this.label}.socketTimeout`, () => {
        entry.timer = null;
        this.ctx.input(() => this.timedOut(requestId, timeoutMS));
      });
    }
    this.pending.set(requestId, entry);
    this.transport.send(requestId, db, body);
  }

  /** Sends without awaiting a reply (an unacknowledged write: OP_MSG moreToCome). */
  sendOnly(requestId: number, db: string, body: Document): boolean {
    if (!this.isOpen) return false;
    this.transport.send(requestId, db, body);
    return true;
  }

  /** Stops waiting for `requestId`: a late reply is dropped. */
  forget(requestId: number): void {
    const entry = this.pending.get(requestId);
    if (entry === undefined) return;
    this.pending.delete(requestId);
    if (entry.timer !== null) this.ctx.ports.clock.clearTimer(entry.timer);
  }

  /**
   * Fails every pending request with a network error `message` (an interrupted connection),
   * then closes the connection.
   */
  interrupt(message: string): void {
    this.failAll('network', message);
    this.close();
  }

  /** Closes our end; requests still pending are dropped silently (whoever closes knows why). */
  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    for (const requestId of [...this.pending.keys()]) this.forget(requestId);
    this.transport.close();
  }

  private replied(responseTo: number, body: Document): void {
    const entry = this.pending.get(responseTo);
    if (entry === undefined) return; // forgotten (cancelled check, timed-out request) or not ours
    this.forget(responseTo);
    entry.callback({ ok: true, reply: body });
  }

  private timedOut(requestId: number, timeoutMS: number): void {
    const entry = this.pending.get(requestId);
    if (entry === undefined) return;
    this.forget(requestId);
    // A socket timeout leaves the stream in an unknown state: the connection is unusable.
    const message = `connection to ${this.address} timed out after ${timeoutMS} ms`;
    this.failure = message;
    entry.callback({ ok: false, kind: 'timeout', message });
    this.failAll('network', message);
    this.close();
  }

  private peerClosed(reason: string): void {
    if (this.closedByUs || this.failure !== null) return;
    const message = `connection to ${this.address} ${describeClose(reason)}`;
    this.failure = message;
    this.failAll('network', message);
    this.onBroken?.(message);
  }

  private failAll(kind: 'network' | 'timeout', message: string): void {
    const entries = [...this.pending.entries()];
    for (const [requestId] of entries) this.forget(requestId);
    for (const [, entry] of entries) entry.callback({ ok: false, kind, message });
  }
}

function describeClose(reason: string): string {
  const quoted = reason.length > maxQuotedMessageChars ? `${reason.slice(0, maxQuotedMessageChars)}…` : reason;
  switch (reason) {
    case 'refused':
      return 'was refused';
    case 'reset':
      return 'was reset';
    case 'closed':
      return 'was closed by the peer';
    default:
      return `closed (${quoted})`;
  }
}
