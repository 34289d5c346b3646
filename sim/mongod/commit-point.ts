/**
 * The majority commit point as one member knows it: a primary computes it from its members'
 * durable positions, a secondary learns it from its sync source. Every entry it passes is
 * reported to the observer once, in order.
 */
import { type MemberConfig, type ReplSetConfig, writeMajorityCount } from './config.js';
import { type DurableState, lastDurableEntry } from './durable-state.js';
import type { ReplicationObserver } from './observer.js';
import { type OpTime, type Oplog, type OplogEntry, compareOpTime, nullOpTime } from './oplog.js';
import type { PeerView } from './peer-view.js';

export class CommitPoint {
  opTime: OpTime = nullOpTime;
  wallMs = 0;
  /** Oplog entries [0, index) are majority-committed (and were reported to the observer). */
  index = 0;
  /**
   * Entries [0, reported) were reported to the observer by this member, in this or an earlier
   * incarnation. It survives a restart (unlike `index`), so a member that relearns its commit
   * point after a restart reports only what is new: re-reporting the whole oplog made each
   * restart cost O(oplog) and long runs slow down day after day.
   */
  private reported = 0;
  /** Scratch list of members' durable optimes for `advance` (reused: no allocation per call). */
  private readonly positions: OpTime[] = [];

  constructor(private readonly host: string, private readonly observer: ReplicationObserver | undefined) {}

  reset(): void {
    this.opTime = nullOpTime;
    this.wallMs = 0;
    this.index = 0;
  }

  /**
   * Primary: the newest optime durable on a write-majority of voting data-bearing members, in
   * our term. Returns true when the commit point moved.
   */
  advance(config: ReplSetConfig, me: MemberConfig | undefined, durable: DurableState, peers: ReadonlyMap<string, PeerView>): boolean {
    // Called on every durable-position change (the idle hot path): one reused array, and an
    // insertion sort (newest first) instead of sort() with a comparator closure. Equal optimes
    // are interchangeable here (only the candidate's value is used), so the order among them does not matter.
    // Only `count` leading slots are meaningful; the array is never shrunk, so it is not reallocated.
    const positions = this.positions;
    let count = 0;
    if (me !== undefined && me.votes > 0) {
      const d = lastDurableEntry(durable);
      positions[count++] = d === undefined ? nullOpTime : d;
    }
    for (const peer of peers.values()) if (peer.member.votes > 0 && !peer.member.arbiterOnly) positions[count++] = peer.durable;
    const needed = writeMajorityCount(config);
    if (count < needed) return false;
    for (let i = 1; i < count; i++) {
      const item = positions[i] as OpTime;
      let j = i - 1;
      while (j >= 0 && compareOpTime(positions[j] as OpTime, item) < 0) {
        positions[j + 1] = positions[j] as OpTime;
        j--;
      }
      positions[j + 1] = item;
    }
    const candidate = positions[needed - 1] as OpTime;
    // Only an entry of our own term commits (with it, everything before it): Raft's rule.
    if (candidate.t !== durable.term || compareOpTime(candidate, this.opTime) <= 0) return false;
    const oplog = durable.oplog;
    const newIndex = oplog.countUpTo(candidate);
    const committed = this.unreported(oplog, this.index, newIndex);
    this.index = newIndex;
    const lastCommitted = oplog.at(newIndex - 1) as OplogEntry;
    this.opTime = { ts: lastCommitted.ts, t: lastCommitted.t };
    this.wallMs = lastCommitted.wallMs;
    if (committed.length > 0) this.observer?.committed(this.host, committed);
    return true;
  }

  /** Secondary: adopt the commit point its sync source reports, as far as its own oplog agrees. */
  learn(oplog: Oplog, point: OpTime, wallMs: number): void {
    if (compareOpTime(point, this.opTime) <= 0) return;
    const from = this.index;
    const index = oplog.indexOf(point);
    if (index < 0) {
      // Not in our oplog yet: advance only to our last entry if it is in the same term and older
      // (entries of one term all come from that term's primary, so ours are in its oplog).
      const last = oplog.last();
      if (last === undefined || last.t !== point.t || compareOpTime(last, this.opTime) <= 0 || compareOpTime(last, point) > 0) return;
      this.opTime = { ts: last.ts, t: last.t };
      this.wallMs = last.wallMs;
      this.index = oplog.length;
    } else {
      this.opTime = point;
      this.wallMs = wallMs;
      this.index = index + 1;
    }
    if (this.observer !== undefined && this.index > from) {
      const committed = this.unreported(oplog, from, this.index);
      if (committed.length > 0) this.observer.committed(this.host, committed);
    }
  }

  /** Entries [from, to) not yet reported to the observer; marks them reported. */
  private unreported(oplog: Oplog, from: number, to: number): OplogEntry[] {
    const start = Math.max(from, this.reported);
    if (to > this.reported) this.reported = to;
    return start < to ? oplog.slice(start, to) : [];
  }

  /** Rollback truncated the oplog to its first `keep` entries: pull the commit point back if it was past them. */
  truncated(oplog: Oplog, keep: number): void {
    // Entries from `keep` on are gone; new ones at those indexes have not been reported.
    if (this.reported > keep) this.reported = keep;
    if (this.index <= keep) return;
    this.index = keep;
    const last = oplog.last();
    this.opTime = last === undefined ? nullOpTime : { ts: last.ts, t: last.t };
    this.wallMs = last?.wallMs ?? 0;
  }
}
