/**
 * Replication as a member takes part in it. The fetching side (secondaries, and a new primary
 * catching up): choose a sync source, fetch batches from it, apply them (after the secondary
 * delay or replication lag), learn the commit point, report our position to the primary. The
 * primary's side: record members' positions and advance the majority commit point.
 */
import type { Trace } from '../kernel/trace.js';
import type { Document } from '../protocol.js';
import type { CommitPoint } from './commit-point.js';
import type { DurableState } from './durable-state.js';
import { MemberState } from './member-state.js';
import type { ReplicationObserver } from './observer.js';
import { type OpTime, type OplogEntry, compareOpTime } from './oplog.js';
import { oplogFetchAwaitFraction, oplogFetchBatchLimit } from './oplog-server.js';
import { opTimeField } from './optime-field.js';
import type { PeerView } from './peer-view.js';
import type { RoleState } from './role.js';
import { electionTimeoutMs, heartbeatTimeoutMs, memberOf } from './set-settings.js';
import type { Storage } from './storage.js';
import type { Clock, IncarnationTimers } from './timers.js';
import type { MemberTransitions } from './transitions.js';
import type { TimerHandle } from '../kernel/scheduler.js';

/** After a failed fetch, wait this long before choosing a sync source again (simulator choice). */
export const syncSourceRetryMs = 1000;

/** A new primary's catch-up: fetch up to `target` from `source` before accepting writes. */
export interface CatchUpView {
  readonly target: OpTime;
  readonly source: string;
}

export interface ReplicationDeps {
  readonly host: string;
  readonly durable: DurableState;
  readonly role: RoleState;
  readonly peers: ReadonlyMap<string, PeerView>;
  readonly commitPoint: CommitPoint;
  readonly timers: IncarnationTimers;
  readonly trace: Trace;
  readonly observer: ReplicationObserver | undefined;
  readonly transitions: MemberTransitions;
  /** Extra delay before a secondary applies a fetched batch, ms. */
  readonly replicationLagMs: number;
  /** Virtual time (the world's scheduler). */
  readonly clock: Clock;
  isRunning(): boolean;
  storage(): Storage;
  /** The new primary's catch-up in progress, if any (our only sync source while it lasts). */
  readonly catchUp: { readonly current: CatchUpView | null };
  finishCatchUp(why: string): void;
  /** Initial sync finished: a secondary now, the election timer starts. */
  armElectionTimer(): void;
  /** Our sync source's oplog diverged from ours and it is ahead: roll back to the common point. */
  startRollback(source: PeerView): void;
  /** Entries were applied: wake members fetching from us. */
  wakeFetchers(): void;
  /** Positions or the commit point moved: release writes waiting for write concern. */
  checkWriteConcern(): void;
}

export class Replication {
  private fetching = false;
  private abandonFetch: (() => void) | null = null;
  private fetchSource: string | null = null;
  private fetchRetryAtMs = 0;
  private applyBuffer: OplogEntry[] = [];
  private applyTimerArmed = false;

  constructor(private readonly deps: ReplicationDeps) {}

  get syncSource(): string | null { return this.fetchSource; }
  get isFetching(): boolean { return this.fetching; }

  /** A new incarnation: nothing in flight, nothing buffered. */
  reset(): void {
    this.fetching = false;
    this.abandonFetch = null;
    this.fetchSource = null;
    this.applyBuffer = [];
    this.applyTimerArmed = false;
  }

  /** A new primary fetches only from its catch-up source. */
  clearSyncSource(): void {
    this.fetchSource = null;
  }

  /** Rollback starts: buffered entries may be on the wrong branch. */
  dropBuffered(): void {
    this.applyBuffer = [];
  }

  /** Rollback was interrupted: choose a sync source again after a pause. */
  retryLater(): void {
    this.fetchRetryAtMs = this.deps.clock.nowMs + syncSourceRetryMs;
  }

  // ---- the fetching side ----------------------------------------------------------------------

  private lastApplied(): OpTime {
    return this.deps.durable.oplog.lastOpTime();
  }

  private chooseSyncSource(): PeerView | null {
    const { role, peers } = this.deps;
    const mine = this.lastApplied();
    const cutoff = this.deps.clock.nowMs - electionTimeoutMs(this.deps.durable.config);
    const catchUp = this.deps.catchUp.current;
    if (catchUp !== null) return peers.get(catchUp.source) ?? null;
    if (role.primaryHost !== null && role.primaryHost !== this.deps.host) {
      const primary = peers.get(role.primaryHost);
      if (primary !== undefined && primary.state === MemberState.PRIMARY) return primary;
    }
    let best: PeerView | null = null;
    for (const peer of peers.values()) {
      if (peer.member.arbiterOnly || peer.lastHeardMs < cutoff || peer.state === MemberState.DOWN) continue;
      if (!(peer.state === MemberState.PRIMARY || peer.state === MemberState.SECONDARY)) continue;
      if (compareOpTime(peer.applied, mine) <= 0) continue;
      if (best === null || compareOpTime(peer.applied, best.applied) > 0) best = peer;
    }
    return best;
  }

  maybeStartFetcher(): void {
    const { role } = this.deps;
    if (!this.deps.isRunning() || this.fetching || role.rollingBack) return;
    const fetchingState = role.state === MemberState.SECONDARY || role.state === MemberState.STARTUP2 || (role.state === MemberState.PRIMARY && this.deps.catchUp.current !== null);
    if (!fetchingState || this.deps.clock.nowMs < this.fetchRetryAtMs) return;
    if (this.applyBuffer.length >= oplogFetchBatchLimit) return;
    const source = this.chooseSyncSource();
    if (source === null) {
      if (this.fetchSource !== null) this.fetchSource = null;
      return;
    }
    this.fetchSource = source.member.host;
    this.fetchFrom(source);
  }

  /** Abandons an in-flight fetch whose source is no longer the one we would choose (e.g. a new primary appeared). */
  redirectFetcher(): void {
    if (!this.fetching || this.abandonFetch === null) return;
    const best = this.chooseSyncSource();
    if (best !== null && best.member.host !== this.fetchSource) {
      this.abandonFetch();
      this.maybeStartFetcher();
    }
  }

  private fetchFrom(source: PeerView): void {
    const { timers } = this.deps;
    this.fetching = true;
    const pendingLast = this.applyBuffer[this.applyBuffer.length - 1];
    const after = pendingLast === undefined ? this.lastApplied() : { ts: pendingLast.ts, t: pendingLast.t };
    const awaitMs = electionTimeoutMs(this.deps.durable.config) * oplogFetchAwaitFraction;
    const incarnation = timers.incarnation;
    let done = false;
    let timeout: TimerHandle | null = null;
    const requestId = source.channel.call('local', { _replFetch: 1, after, limit: oplogFetchBatchLimit, maxAwaitTimeMS: awaitMs, term: this.deps.durable.term }, (res) => {
      if (done || timers.incarnation !== incarnation) return;
      done = true;
      if (timeout !== null) timers.cancel(timeout);
      this.fetching = false;
      this.abandonFetch = null;
      this.onFetchReply(source, after, res);
    });
    this.abandonFetch = () => {
      if (done) return;
      done = true;
      if (timeout !== null) timers.cancel(timeout);
      source.channel.forget(requestId);
      this.fetching = false;
      this.abandonFetch = null;
    };
    // The network may black-hole the request: give up after the await time plus a heartbeat timeout.
    timeout = timers.afterCancellable(awaitMs + heartbeatTimeoutMs(this.deps.durable.config), 'rs.fetch.timeout', () => {
      if (done) return;
      done = true;
      source.channel.forget(requestId);
      this.fetching = false;
      this.abandonFetch = null;
      this.fetchRetryAtMs = this.deps.clock.nowMs + syncSourceRetryMs;
    });
  }

  private onFetchReply(source: PeerView, after: OpTime, res: Readonly<Document> | null): void {
    const { role, durable, transitions, timers } = this.deps;
    if (res === null || res['ok'] !== 1) {
      this.fetchRetryAtMs = this.deps.clock.nowMs + syncSourceRetryMs;
      timers.after(syncSourceRetryMs, 'rs.fetch.retry', () => this.maybeStartFetcher());
      return;
    }
    const term = Number(res['term']);
    if (term > durable.term) transitions.updateTerm(term, `fetch reply from ${source.member.host}`);
    if (res['isPrimary'] === true && term >= durable.term && role.state !== MemberState.PRIMARY) {
      role.lastHeardFromPrimaryMs = this.deps.clock.nowMs;
      if (role.primaryHost !== source.member.host) {
        role.primaryHost = source.member.host;
        transitions.notifyTopologyVersion();
      }
    }
    if (res['diverged'] === true) {
      // Only a source that is ahead of us can make us roll back; one that is behind (it crashed and
      // lost its tail, say) is just not a usable sync source right now.
      if (compareOpTime(res['lastApplied'] as OpTime, this.lastApplied()) <= 0) {
        this.fetchRetryAtMs = this.deps.clock.nowMs + syncSourceRetryMs;
        source.applied = res['lastApplied'] as OpTime;
        if (role.primaryHost === source.member.host && res['isPrimary'] !== true) {
          role.primaryHost = null;
          source.state = MemberState.UNKNOWN;
          transitions.notifyTopologyVersion();
        }
        timers.after(syncSourceRetryMs, 'rs.fetch.retry', () => this.maybeStartFetcher());
        return;
      }
      if (role.state === MemberState.PRIMARY) {
        if (this.deps.catchUp.current !== null) this.deps.finishCatchUp('catch-up source diverged');
        return;
      }
      this.deps.startRollback(source);
      return;
    }
    const entries = res['entries'] as OplogEntry[];
    const last = this.applyBuffer[this.applyBuffer.length - 1];
    const expected = last === undefined ? this.lastApplied() : last;
    if (entries.length > 0 && compareOpTime(after, expected) === 0) {
      for (const e of entries) this.applyBuffer.push(e);
      this.scheduleApply();
    }
    if (role.state !== MemberState.PRIMARY) this.deps.commitPoint.learn(durable.oplog, res['commitPoint'] as OpTime, Number(res['commitWallMs']));
    if (entries.length === 0 && role.state === MemberState.STARTUP2) this.finishInitialSync();
    this.maybeStartFetcher();
  }

  private finishInitialSync(): void {
    const { role } = this.deps;
    role.initialSyncDone = true;
    if (role.state === MemberState.STARTUP2) {
      role.lastHeardFromPrimaryMs = this.deps.clock.nowMs;
      this.deps.transitions.setState(MemberState.SECONDARY, 'initial sync done');
      this.deps.armElectionTimer();
    }
  }

  private secondaryDelayMs(): number {
    return (memberOf(this.deps.durable.config, this.deps.host)?.secondaryDelaySecs ?? 0) * 1000;
  }

  private scheduleApply(): void {
    if (this.applyTimerArmed || this.applyBuffer.length === 0) return;
    const first = this.applyBuffer[0] as OplogEntry;
    const delay = this.deps.role.state === MemberState.PRIMARY ? 0 : Math.max(this.deps.replicationLagMs, first.wallMs + this.secondaryDelayMs() - this.deps.clock.nowMs);
    if (delay <= 0) {
      // No lag configured and nothing delayed: apply now (saves an event per batch on the idle path).
      this.flushApplyBuffer(false);
      return;
    }
    this.applyTimerArmed = true;
    this.deps.timers.after(delay, 'rs.apply', () => {
      this.applyTimerArmed = false;
      this.flushApplyBuffer(false);
    });
  }

  /** Applies buffered entries that are due (all of them when `all`: a new primary draining), then reports our position. */
  flushApplyBuffer(all: boolean): void {
    if (this.applyBuffer.length === 0) return;
    const { role, durable } = this.deps;
    const now = this.deps.clock.nowMs;
    const delay = role.state === MemberState.PRIMARY ? 0 : this.secondaryDelayMs();
    const applied: OplogEntry[] = [];
    let i = 0;
    const oplog = durable.oplog;
    const storage = this.deps.storage();
    for (; i < this.applyBuffer.length; i++) {
      const e = this.applyBuffer[i] as OplogEntry;
      if (!all && e.wallMs + delay > now) break;
      const last = oplog.last();
      if (last !== undefined && !(e.ts > last.ts && e.t >= last.t)) continue;
      oplog.append(e);
      storage.apply(e);
      applied.push(e);
    }
    this.applyBuffer = this.applyBuffer.slice(i);
    if (applied.length > 0) {
      // Secondaries journal each applied batch before reporting it (durable = applied).
      durable.durableCount = oplog.length;
      this.deps.observer?.applied(this.deps.host, applied);
      this.deps.wakeFetchers();
      this.reportPosition();
      if (role.state === MemberState.STARTUP2) this.finishInitialSync();
      const catchUp = this.deps.catchUp.current;
      if (catchUp !== null && compareOpTime(this.lastApplied(), catchUp.target) >= 0) this.deps.finishCatchUp('caught up');
    }
    if (this.applyBuffer.length > 0) this.scheduleApply();
    else this.maybeStartFetcher();
  }

  private reportPosition(): void {
    const { role } = this.deps;
    if (role.state === MemberState.PRIMARY || role.primaryHost === null) return;
    const primary = this.deps.peers.get(role.primaryHost);
    if (primary === undefined) return;
    const last = this.deps.durable.oplog.last();
    if (last === undefined) return;
    const position = { ts: last.ts, t: last.t };
    primary.channel.call('admin', {
      replSetUpdatePosition: 1, host: this.deps.host, applied: position, durable: position, appliedWallMs: last.wallMs, term: this.deps.durable.term,
    }, () => undefined);
  }

  // ---- the primary's side ---------------------------------------------------------------------

  /** replSetUpdatePosition from a member: record its position, maybe advance the commit point. */
  onUpdatePosition(body: Readonly<Document>): Document {
    const host = String(body['host']);
    const peer = this.deps.peers.get(host);
    if (peer !== undefined) {
      const applied = opTimeField(body, 'applied');
      const durable = opTimeField(body, 'durable');
      if (compareOpTime(applied, peer.applied) > 0) {
        peer.applied = applied;
        peer.appliedWallMs = Number(body['appliedWallMs']);
      }
      if (compareOpTime(durable, peer.durable) > 0) peer.durable = durable;
      peer.lastHeardMs = this.deps.clock.nowMs;
      if (typeof body['term'] === 'number' && body['term'] > this.deps.durable.term) this.deps.transitions.updateTerm(body['term'], `position update from ${host}`);
      if (this.deps.role.state === MemberState.PRIMARY) this.advanceCommitPoint();
      this.deps.checkWriteConcern();
    }
    return { ok: 1 };
  }

  /** Majority commit point (primary only); writes waiting on it are released when it moves. */
  advanceCommitPoint(): void {
    const config = this.deps.durable.config;
    if (config === null || this.deps.role.state !== MemberState.PRIMARY) return;
    if (this.deps.commitPoint.advance(config, memberOf(this.deps.durable.config, this.deps.host), this.deps.durable, this.deps.peers)) this.deps.checkWriteConcern();
  }
}
