/**
 * The server session pool (driver-sessions.md "Server Session Pool"): implicit sessions are
 * taken for an operation and returned after it. Session ids are UUIDs whose bytes come from
 * the injected random source (never Math.random or crypto).
 */
import { UUID } from 'bson';
import type { RandomSource } from '../../core/random.js';
import { maxPooledServerSessions, sessionExpiryMarginMS } from './constants.js';
import type { Document } from './ports.js';

export interface ServerSession {
  /** `{id: UUID}` (driver-sessions.md "lsid"). */
  readonly lsid: Document;
  /** The last transaction number used; the next retryable write uses txnNumber + 1. */
  txnNumber: bigint;
  lastUseMs: number;
  /** driver-sessions.md "Dirty": a network error happened while it was in use; never reused. */
  dirty: boolean;
}

/** A version 4 UUID (RFC 4122) from 16 random bytes. */
export function randomUuid(random: RandomSource): UUID {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return new UUID(bytes);
}

export class ServerSessionPool {
  /** Most recently used last (driver-sessions.md: reuse the most recently returned session). */
  private idle: ServerSession[] = [];

  constructor(private readonly random: RandomSource) {}

  get size(): number {
    return this.idle.length;
  }

  /**
   * driver-sessions.md "Algorithm to acquire a ServerSession": discard sessions about to time
   * out (from the least recently used end), then reuse the most recent one or create one.
   */
  acquire(nowMs: number, logicalSessionTimeoutMinutes: number | null): ServerSession {
    while (this.idle.length > 0 && this.aboutToExpire(this.idle[0]!, nowMs, logicalSessionTimeoutMinutes)) this.idle.shift();
    const reused = this.idle.pop();
    if (reused !== undefined) return reused;
    return { lsid: { id: randomUuid(this.random) }, txnNumber: 0n, lastUseMs: nowMs, dirty: false };
  }

  /** driver-sessions.md "Algorithm to return a ServerSession to the pool". */
  release(session: ServerSession, nowMs: number, logicalSessionTimeoutMinutes: number | null): void {
    session.lastUseMs = nowMs;
    if (session.dirty || this.aboutToExpire(session, nowMs, logicalSessionTimeoutMinutes)) return;
    if (this.idle.length >= maxPooledServerSessions) this.idle.shift();
    this.idle.push(session);
  }

  /** Empties the pool, returning the ids to end (driver-sessions.md "endSessions"). */
  drain(): Document[] {
    const ids = this.idle.map((s) => s.lsid);
    this.idle = [];
    return ids;
  }

  private aboutToExpire(session: ServerSession, nowMs: number, timeoutMinutes: number | null): boolean {
    if (timeoutMinutes === null) return false;
    return session.lastUseMs + timeoutMinutes * 60_000 - sessionExpiryMarginMS <= nowMs;
  }
}
