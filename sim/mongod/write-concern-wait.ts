/**
 * Waiting for write concern: a write's reply is held until enough members have applied (or
 * journaled, with j) its optime, the majority commit point passes it, `wtimeout` expires, or
 * the primary steps down.
 */
import { simBugs } from '../bugs.js';
import { ErrorCodes } from './errors.js';
import { type DurableState, lastDurableEntry } from './durable-state.js';
import { type OpTime, compareOpTime } from './oplog.js';
import type { PeerView } from './peer-view.js';
import type { Doc } from './query.js';
import { journalCommitIntervalMs } from './oplog-writer.js';
import type { IncarnationTimers } from './timers.js';
import { type WriteConcern, writeConcernTimeoutError } from './write-concern.js';

/** Writes waiting for write concern per process (simulator bound). */
export const maxWriteConcernWaiters = 100_000;

interface WcWaiter {
  readonly opTime: OpTime;
  readonly wc: WriteConcern;
  readonly done: (wcError: Doc | null) => void;
  settled: boolean;
}

export interface WriteConcernDeps {
  readonly durable: DurableState;
  readonly peers: ReadonlyMap<string, PeerView>;
  readonly timers: IncarnationTimers;
  readonly replicaSet: boolean;
  /** The majority commit point right now. */
  commitPoint(): OpTime;
}

export class WriteConcernWaiters {
  private waiters: WcWaiter[] = [];

  constructor(private readonly deps: WriteConcernDeps) {}

  /** Calls `done(null)` once `wc` is satisfied for `opTime`, or `done(error)` when it cannot be. */
  wait(opTime: OpTime, wc: WriteConcern, done: (wcError: Doc | null) => void): void {
    if (wc.w === 0 || !this.deps.replicaSet) {
      if (wc.j) this.whenDurable(opTime, () => done(null));
      else done(null);
      return;
    }
    const waiter: WcWaiter = { opTime, wc, done, settled: false };
    if (this.satisfied(waiter)) {
      done(null);
      return;
    }
    if (this.waiters.length >= maxWriteConcernWaiters) {
      done({ code: ErrorCodes.WriteConcernFailed, codeName: 'WriteConcernFailed', errmsg: 'too many writes waiting for write concern' });
      return;
    }
    this.waiters.push(waiter);
    if (wc.wtimeout > 0) {
      this.deps.timers.after(wc.wtimeout, 'rs.wtimeout', () => {
        if (waiter.settled) return;
        waiter.settled = true;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        done(writeConcernTimeoutError(wc));
      });
    }
  }

  /** Something moved (a journal flush, a member's position, the commit point): release satisfied writes. */
  check(): void {
    if (this.waiters.length === 0) return;
    const still: WcWaiter[] = [];
    const ready: WcWaiter[] = [];
    for (const w of this.waiters) {
      if (w.settled) continue;
      if (this.satisfied(w)) ready.push(w);
      else still.push(w);
    }
    this.waiters = still;
    for (const w of ready) {
      w.settled = true;
      w.done(null);
    }
  }

  /** The primary stepped down: every waiting write fails with InterruptedDueToReplStateChange. */
  interruptAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (w.settled) continue;
      w.settled = true;
      w.done({ code: ErrorCodes.InterruptedDueToReplStateChange, codeName: 'InterruptedDueToReplStateChange', errmsg: 'operation was interrupted because a replica set state change happened' });
    }
  }

  /** The process stopped: nobody is left to answer. */
  clear(): void {
    this.waiters = [];
  }

  /** j on a standalone (or w:0): poll at the journal interval until `opTime` is journaled. */
  private whenDurable(opTime: OpTime, fn: () => void): void {
    const check = (): void => {
      const d = lastDurableEntry(this.deps.durable);
      if (d !== undefined && compareOpTime(d, opTime) >= 0) fn();
      else this.deps.timers.after(journalCommitIntervalMs, 'mongod.journal.wait', check);
    };
    check();
  }

  private satisfied(waiter: WcWaiter): boolean {
    const { opTime, wc } = waiter;
    const myDurable = lastDurableEntry(this.deps.durable);
    const selfDurable = myDurable !== undefined && compareOpTime(myDurable, opTime) >= 0;
    if (wc.w === 'majority') return simBugs.majorityAckEarly || (compareOpTime(this.deps.commitPoint(), opTime) >= 0 && (!wc.j || selfDurable));
    let count = wc.j ? (selfDurable ? 1 : 0) : 1;
    if (count >= wc.w && (!wc.j || selfDurable)) return true;
    for (const peer of this.deps.peers.values()) {
      if (peer.member.arbiterOnly) continue;
      if (compareOpTime(wc.j ? peer.durable : peer.applied, opTime) >= 0) count++;
    }
    return count >= wc.w && (!wc.j || selfDurable);
  }
}
