/**
 * A new primary's first phase (protocol version 1): catch up — fetch any newer entries a member
 * we heard from recently has, for at most catchUpTimeoutMillis — then drain — apply what was
 * fetched, write the new term's first entry and start accepting writes. A writable primary
 * also runs the periodic no-op writer so lastWriteDate keeps moving on an idle set.
 */
import type { Trace } from '../kernel/trace.js';
import type { DurableState } from './durable-state.js';
import type { Heartbeats } from './heartbeats.js';
import { MemberState } from './member-state.js';
import { type OpTime, compareOpTime, formatOpTime } from './oplog.js';
import type { OplogWriter } from './oplog-writer.js';
import type { PeerView } from './peer-view.js';
import type { CatchUpView, Replication } from './replication.js';
import type { RoleState } from './role.js';
import { catchUpTimeoutMillis, electionTimeoutMs } from './set-settings.js';
import type { Clock, IncarnationTimers } from './timers.js';
import type { MemberTransitions } from './transitions.js';

/** Periodic no-op writer interval (server parameter periodicNoopIntervalSecs = 10). */
export const noopWriterPeriodMs = 10_000;
/** Catch-up limit when catchUpTimeoutMillis is -1 ("infinite") — the server would rely on catch-up takeover (30 s). */
export const catchUpCapMs = 30_000;

export interface CatchUpDeps {
  readonly host: string;
  readonly durable: DurableState;
  readonly role: RoleState;
  readonly peers: ReadonlyMap<string, PeerView>;
  readonly timers: IncarnationTimers;
  readonly trace: Trace;
  readonly transitions: MemberTransitions;
  readonly replication: Pick<Replication, 'flushApplyBuffer' | 'maybeStartFetcher'>;
  readonly writer: Pick<OplogWriter, 'append'>;
  readonly heartbeats: Pick<Heartbeats, 'restart'>;
  /** Virtual time (the world's scheduler). */
  readonly clock: Clock;
  /** Shared read-only with the fetcher. */
  readonly state: CatchUpState;
}

/** The catch-up in progress: a small state object the fetcher reads (its only sync source while it lasts). */
export interface CatchUpState {
  current: (CatchUpView & { readonly deadlineMs: number }) | null;
}

export function newCatchUpState(): CatchUpState {
  return { current: null };
}

export class CatchUp {
  constructor(private readonly deps: CatchUpDeps) {}

  /** Stepped down or restarted: no catch-up. */
  clear(): void {
    this.deps.state.current = null;
  }

  /** We just won `term`: catch up from the most advanced member heard from within an election timeout, or drain at once. */
  begin(term: number): void {
    const { durable, timers } = this.deps;
    const cutoff = this.deps.clock.nowMs - electionTimeoutMs(durable.config);
    let target: OpTime = durable.oplog.lastOpTime();
    let source: string | null = null;
    for (const peer of this.deps.peers.values()) {
      if (peer.lastHeardMs >= cutoff && peer.state !== MemberState.DOWN && !peer.member.arbiterOnly && compareOpTime(peer.applied, target) > 0) {
        target = peer.applied;
        source = peer.member.host;
      }
    }
    if (source === null) {
      this.finish('already caught up');
      return;
    }
    const limit = catchUpTimeoutMillis(this.deps.durable.config);
    const limitMs = limit < 0 ? catchUpCapMs : limit;
    this.deps.state.current = { target, source, deadlineMs: this.deps.clock.nowMs + limitMs };
    this.deps.trace.record('rs.catchup', `${this.deps.host} from ${source} to ${formatOpTime(target)}`);
    timers.after(limitMs, 'rs.catchup.timeout', () => {
      if (this.deps.state.current !== null && this.deps.role.electionTerm === term) this.finish('catch-up timeout');
    });
    this.deps.replication.maybeStartFetcher();
  }

  /** Ends catch-up (caught up, timed out, source diverged) and schedules the drain. */
  finish(why: string): void {
    const { role, timers } = this.deps;
    this.deps.state.current = null;
    if (role.state !== MemberState.PRIMARY) return;
    const term = role.electionTerm;
    this.deps.trace.record('rs.drain', `${this.deps.host} ${why}`);
    // Drain mode: apply what was fetched, then write the new term's first entry and accept writes.
    timers.after(0, 'rs.drain', () => {
      if (role.state !== MemberState.PRIMARY || role.electionTerm !== term) return;
      this.deps.replication.flushApplyBuffer(true);
      this.deps.writer.append('n', '', { msg: 'new primary' }, undefined, undefined);
      role.writable = true;
      this.deps.trace.record('rs.writable', `${this.deps.host} term=${String(term)}`);
      this.deps.transitions.notifyTopologyVersion();
      this.deps.heartbeats.restart();
      timers.every(noopWriterPeriodMs, 'rs.noop', () => {
        if (role.state === MemberState.PRIMARY && role.electionTerm === term) this.maybeWriteNoop();
      });
    });
  }

  /** Periodic no-op writer: keeps lastWriteDate moving on an idle primary. */
  private maybeWriteNoop(): void {
    if (!this.deps.role.writable) return;
    const last = this.deps.durable.oplog.last();
    if (last !== undefined && this.deps.clock.nowMs - last.wallMs < noopWriterPeriodMs) return;
    this.deps.writer.append('n', '', { msg: 'periodic noop' }, undefined, undefined);
  }
}
