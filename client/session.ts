/**
 * ClientSession (driver-sessions.md): an explicit session. Its server session is taken from
 * the client's pool when first needed (its `id` is read) and given back by endSession().
 * Operations do not take a `session` option yet, and there are no transactions: what exists
 * is the lifecycle and the session id.
 */
import { MongoError } from '../core/errors.js';
import type { Document } from './runtime/ports.js';

/** driver-sessions.md: using a session after endSession. Named as in the Node driver. */
export class MongoExpiredSessionError extends MongoError {
  override get name(): string {
    return 'MongoExpiredSessionError';
  }
}

/** What a session needs from its client's runtime: a server session to hold, and a way to give it back. */
export interface ServerSessionSource {
  acquireServerSession(): { readonly lsid: Document };
  releaseServerSession(session: { readonly lsid: Document }): void;
}

export class ClientSession {
  private serverSession: { readonly lsid: Document } | null = null;
  private ended = false;

  constructor(private readonly source: ServerSessionSource) {}

  /** The logical session id `{id: UUID}` (driver-sessions.md "id"). */
  get id(): Document {
    if (this.ended) throw new MongoExpiredSessionError('Cannot use a session that has ended');
    this.serverSession ??= this.source.acquireServerSession();
    return this.serverSession.lsid;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** driver-sessions.md "endSession": idempotent; the server session goes back to the pool. */
  async endSession(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const held = this.serverSession;
    this.serverSession = null;
    if (held !== null) this.source.releaseServerSession(held);
  }
}
