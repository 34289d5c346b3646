/**
 * The sync source's side of replication (any member can be one): `_replFetch` answers a batch
 * of entries after the fetcher's last optime, or parks the request (awaitData) until an entry
 * arrives or the wait expires; `_replFindCommonPoint` answers rollback's probes.
 */
import type { Document } from '../protocol.js';
import type { TimerHandle } from '../kernel/scheduler.js';
import type { CommitPoint } from './commit-point.js';
import type { DurableState } from './durable-state.js';
import { CommandError, ErrorCodes } from './errors.js';
import { MemberState } from './member-state.js';
import { type OpTime, formatOpTime, nullOpTime } from './oplog.js';
import { opTimeField } from './optime-field.js';
import type { Doc } from './query.js';
import type { RoleState } from './role.js';
import { electionTimeoutMs } from './set-settings.js';
import type { IncarnationTimers } from './timers.js';

/** The oplog fetcher's awaitData wait on its sync source: half the election timeout. */
export const oplogFetchAwaitFraction = 0.5;
/** Entries per oplog fetch batch (simulator bound). */
export const oplogFetchBatchLimit = 1000;

interface FetchWaiter {
  readonly after: OpTime;
  readonly respond: () => void;
  settled: boolean;
}

export interface OplogServerDeps {
  readonly durable: DurableState;
  readonly role: RoleState;
  readonly commitPoint: CommitPoint;
  readonly timers: IncarnationTimers;
}

export class OplogServer {
  private waiters: FetchWaiter[] = [];

  constructor(private readonly deps: OplogServerDeps) {}

  /** The process stopped: parked fetches die with their connections. */
  clear(): void {
    this.waiters = [];
  }

  onFetch(body: Readonly<Document>, respond: (r: Doc) => void): void {
    const { durable, role } = this.deps;
    if (durable.config === null || !(role.state === MemberState.PRIMARY || role.state === MemberState.SECONDARY)) {
      throw new CommandError(ErrorCodes.NotPrimaryOrSecondary, 'node is not in primary or recovering state');
    }
    const after = opTimeField(body, 'after');
    const limit = Math.min(Number(body['limit']) || oplogFetchBatchLimit, oplogFetchBatchLimit);
    const answer = (): boolean => {
      const oplog = durable.oplog;
      const oldest = oplog.oldest();
      if (oplog.first > 0 && oldest !== undefined && after.ts < oldest.ts) {
        // Our capped oplog no longer reaches back to the fetcher's position: it is too stale to
        // sync from us (mongod answers its fetcher with OplogStartMissing and it tries elsewhere).
        respond({ ok: 0, code: ErrorCodes.OplogStartMissing, codeName: 'OplogStartMissing', errmsg: `our oplog starts at ${formatOpTime(oldest)}, after the requested ${formatOpTime(after)}`, ...this.metadata() });
        return true;
      }
      const index = after.t === nullOpTime.t && after.ts === nullOpTime.ts ? -1 : oplog.indexOf(after);
      if (index < 0 && !(after.t === nullOpTime.t && after.ts === nullOpTime.ts)) {
        // The fetcher's last optime is not in our oplog: one of us must roll back.
        respond({ ok: 1, diverged: true, ...this.metadata() });
        return true;
      }
      if (index + 1 < oplog.length) {
        respond({ ok: 1, entries: oplog.slice(index + 1, index + 1 + limit), ...this.metadata() });
        return true;
      }
      return false;
    };
    if (answer()) return;
    let timer: TimerHandle | null = null;
    const waiter: FetchWaiter = {
      after,
      settled: false,
      respond: () => {
        if (waiter.settled) return;
        if (answer()) {
          waiter.settled = true;
          if (timer !== null) this.deps.timers.cancel(timer);
        }
      },
    };
    this.waiters.push(waiter);
    const awaitMs = Number(body['maxAwaitTimeMS']) || electionTimeoutMs(this.deps.durable.config) * oplogFetchAwaitFraction;
    timer = this.deps.timers.afterCancellable(awaitMs, 'rs.fetch.await', () => {
      if (waiter.settled) return;
      waiter.settled = true;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      respond({ ok: 1, entries: [], ...this.metadata() });
    });
  }

  /** New entries in our oplog: answer the parked fetches that can now be answered. */
  wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      w.respond();
      if (!w.settled) this.waiters.push(w);
    }
  }

  onFindCommonPoint(body: Readonly<Document>): Doc {
    const opTimes = body['opTimes'];
    if (!Array.isArray(opTimes)) throw new CommandError(ErrorCodes.BadValue, "'opTimes' must be an array of optimes");
    for (let i = 0; i < opTimes.length; i++) {
      if (this.deps.durable.oplog.indexOf(opTimeField({ o: opTimes[i] }, 'o')) >= 0) return { ok: 1, index: i };
    }
    return { ok: 1, index: -1 };
  }

  /** What every fetch reply carries besides entries: the source's term, role, position and commit point. */
  private metadata(): Doc {
    const last = this.deps.durable.oplog.last();
    return {
      term: this.deps.durable.term,
      isPrimary: this.deps.role.state === MemberState.PRIMARY,
      lastApplied: last === undefined ? nullOpTime : { ts: last.ts, t: last.t },
      commitPoint: this.deps.commitPoint.opTime,
      commitWallMs: this.deps.commitPoint.wallMs,
    };
  }
}
