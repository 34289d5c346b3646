/**
 * Rollback: a member whose oplog diverged from its (more advanced) sync source finds the newest
 * common entry, probing backwards in batches, truncates everything after it, rebuilds its data
 * from the remaining oplog and resumes fetching. Rolled-back entries are reported as lost.
 */
import type { Trace } from '../kernel/trace.js';
import type { CommitPoint } from './commit-point.js';
import type { DurableState } from './durable-state.js';
import { MemberState } from './member-state.js';
import type { ReplicationObserver } from './observer.js';
import { type OpTime, type OplogEntry, formatOpTime } from './oplog.js';
import type { PeerView } from './peer-view.js';
import type { Replication } from './replication.js';
import type { RoleState } from './role.js';
import type { IncarnationTimers } from './timers.js';
import type { MemberTransitions } from './transitions.js';

/** Entries examined per common-point request during rollback. */
export const rollbackCommonPointBatch = 1000;

export interface RollbackDeps {
  readonly host: string;
  readonly durable: DurableState;
  readonly role: RoleState;
  readonly commitPoint: CommitPoint;
  readonly timers: IncarnationTimers;
  readonly trace: Trace;
  readonly observer: ReplicationObserver | undefined;
  readonly transitions: MemberTransitions;
  readonly replication: Pick<Replication, 'dropBuffered' | 'retryLater' | 'maybeStartFetcher'>;
  /** Re-applies the (truncated) oplog to fresh storage. */
  rebuildStorage(): void;
}

export function startRollback(deps: RollbackDeps, source: PeerView): void {
  const { role, transitions, timers } = deps;
  role.rollingBack = true;
  deps.replication.dropBuffered();
  transitions.setState(MemberState.ROLLBACK, `diverged from ${source.member.host}`);
  const oplog = deps.durable.oplog;
  const incarnation = timers.incarnation;
  const probe = (end: number): void => {
    // Entries before oplog.first were dropped from the capped oplog; they were stable (committed
    // and journaled), so the common point is never older than them.
    const start = Math.max(oplog.first, end - rollbackCommonPointBatch);
    const opTimes: OpTime[] = [];
    for (let i = end - 1; i >= start; i--) {
      const e = oplog.at(i) as OplogEntry;
      opTimes.push({ ts: e.ts, t: e.t });
    }
    source.channel.call('local', { _replFindCommonPoint: 1, opTimes }, (res) => {
      if (timers.incarnation !== incarnation) return;
      if (res === null || res['ok'] !== 1) {
        role.rollingBack = false;
        transitions.setState(MemberState.SECONDARY, 'rollback interrupted, will retry');
        deps.replication.retryLater();
        return;
      }
      const index = Number(res['index']);
      if (index < 0 && start > oplog.first) {
        probe(start);
        return;
      }
      if (index < 0 && oplog.first > 0) {
        // No common point among the entries we still hold: real mongod cannot roll back either and
        // needs a resync. Stay out of the way and try again later (the invariant checker reports
        // any committed entry this would have cost).
        deps.trace.record('rs.rollback.noCommonPoint', `${deps.host} oldest=${formatOpTime(oplog.oldest() as OplogEntry)} source=${source.member.host}`);
        role.rollingBack = false;
        transitions.setState(MemberState.RECOVERING, 'no common point with the sync source in the held oplog');
        deps.replication.retryLater();
        return;
      }
      const keep = index < 0 ? 0 : end - index;
      finishRollback(deps, keep, source.member.host);
    });
  };
  probe(oplog.length);
}

function finishRollback(deps: RollbackDeps, keep: number, sourceHost: string): void {
  const { durable } = deps;
  const removed = durable.oplog.truncate(keep);
  durable.durableCount = Math.min(durable.durableCount, keep);
  deps.commitPoint.truncated(durable.oplog, keep);
  deps.rebuildStorage();
  deps.trace.record('rs.rollback', `${deps.host} n=${removed.length} to=${formatOpTime(durable.oplog.lastOpTime())} source=${sourceHost}`);
  if (removed.length > 0) deps.observer?.lost(deps.host, removed, 'rollback');
  deps.role.rollingBack = false;
  deps.transitions.setState(MemberState.SECONDARY, 'rollback done');
  deps.replication.maybeStartFetcher();
}
