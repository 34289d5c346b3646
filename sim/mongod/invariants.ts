/**
 * Replication invariants, checked continuously as members report events (never by polling):
 *  1. at most one primary per term;
 *  2. no majority-committed write is ever rolled back (or lost in a crash);
 *  3. members agree on the committed oplog prefix: whenever a primary or a secondary advances
 *     its commit point, the entries it now counts as committed match everyone else's;
 *  4. a member's term never decreases;
 *  5. topologyVersion.counter never decreases within a processId.
 * Also keeps the set's lost writes: client writes removed by rollback, or lost in a crash and
 * held by no other member.
 */
import type { LossReason, ReplicationObserver } from './observer.js';
import { CommittedLog } from './committed-log.js';
import { type OplogEntry, formatOpTime } from './oplog.js';

export interface LostWrite {
  readonly atMs: number;
  readonly host: string;
  readonly reason: LossReason;
  readonly op: string;
  readonly ns: string;
  readonly opTime: string;
  readonly documentId: unknown;
}

export interface Violation {
  readonly atMs: number;
  readonly invariant: 'onePrimaryPerTerm' | 'committedNeverLost' | 'committedPrefixAgreement' | 'termNeverDecreases' | 'topologyVersionMonotonic';
  readonly detail: string;
}

/** Bound on stored lost writes / violations (the counts keep going). */
export const maxRecordedEvents = 10_000;

export class InvariantChecker implements ReplicationObserver {
  readonly violations: Violation[] = [];
  readonly lostWrites: LostWrite[] = [];
  /** Every election won, in order. */
  readonly primaries: Array<{ atMs: number; host: string; term: number }> = [];
  private readonly primaryByTerm = new Map<number, string>();
  private readonly termByHost = new Map<string, number>();
  private readonly counterByProcess = new Map<string, number>();
  /** Committed timestamp → term of the committed entry. */
  private readonly committedTs = new CommittedLog();
  /** `ts/t` of each write already counted as lost → its timestamp (for forgetting it past the horizon). */
  private readonly lostKeys = new Map<string, number>();
  /** Oldest oplog timestamp each member still holds (0 until it first trims its capped oplog). */
  private readonly oldestTsByHost = new Map<string, number>();
  violationCount = 0;
  lostWriteCount = 0;

  /**
   * @param now the virtual clock
   * @param heldElsewhere whether an entry lost by `host` in a crash is still in another member's oplog
   * @param record trace hook
   */
  constructor(
    private readonly now: () => number,
    private readonly heldElsewhere: (host: string, entry: OplogEntry) => boolean = () => false,
    private readonly record: (kind: string, detail: string) => void = () => undefined,
  ) {}

  private violate(invariant: Violation['invariant'], detail: string): void {
    this.violationCount++;
    this.record('invariant.violation', `${invariant} ${detail}`);
    if (this.violations.length < maxRecordedEvents) this.violations.push({ atMs: this.now(), invariant, detail });
  }

  becamePrimary(host: string, term: number): void {
    const previous = this.primaryByTerm.get(term);
    if (previous !== undefined && previous !== host) this.violate('onePrimaryPerTerm', `term ${term}: ${previous} and ${host}`);
    this.primaryByTerm.set(term, host);
    if (this.primaries.length < maxRecordedEvents) this.primaries.push({ atMs: this.now(), host, term });
  }

  /** A member the checker has not heard of holds its whole oplog: nothing of it may be forgotten yet. */
  private know(host: string): void {
    if (!this.oldestTsByHost.has(host)) this.oldestTsByHost.set(host, 0);
  }

  termChanged(host: string, from: number, to: number): void {
    this.know(host);
    const last = this.termByHost.get(host) ?? from;
    if (to < last || to < from) this.violate('termNeverDecreases', `${host}: ${Math.max(last, from)} -> ${to}`);
    this.termByHost.set(host, to);
  }

  topologyVersionChanged(host: string, processId: string, counter: number): void {
    const last = this.counterByProcess.get(processId);
    if (last !== undefined && counter < last) this.violate('topologyVersionMonotonic', `${host} ${processId}: ${last} -> ${counter}`);
    this.counterByProcess.set(processId, counter);
  }

  committed(host: string, entries: readonly OplogEntry[]): void {
    this.know(host);
    for (const e of entries) {
      const t = this.committedTs.add(e.ts, e.t);
      if (t !== e.t) this.violate('committedPrefixAgreement', `${host} committed ${formatOpTime(e)} but t${t} was committed at that timestamp`);
    }
  }

  /**
   * Replicated entries are not checked here: a member may briefly fetch from a stale source and
   * roll back later. Agreement is checked when a member counts entries as committed (`committed`).
   */
  applied(host: string, _entries: readonly OplogEntry[]): void {
    this.know(host);
  }

  /**
   * A member dropped the front of its capped oplog. Committed timestamps older than every
   * member's oldest entry can never be reported lost or committed again, so they are forgotten:
   * that keeps the checker's memory flat over long runs. Timestamps were recorded in commit
   * order, which is timestamp order, so the oldest are at the front of the map.
   */
  trimmed(host: string, oldestTs: number): void {
    this.oldestTsByHost.set(host, oldestTs);
    let horizon = Number.POSITIVE_INFINITY;
    for (const ts of this.oldestTsByHost.values()) if (ts < horizon) horizon = ts;
    this.committedTs.forgetBefore(horizon);
    for (const [key, ts] of this.lostKeys) {
      if (ts >= horizon) break;
      this.lostKeys.delete(key);
    }
  }

  lost(host: string, entries: readonly OplogEntry[], reason: LossReason): void {
    this.know(host);
    for (const e of entries) {
      // A crash that drops a node's unjournaled tail loses nothing the set still holds elsewhere:
      // the node fetches it again. Only entries gone from every member are lost.
      if (reason === 'crash' && this.heldElsewhere(host, e)) continue;
      if (this.committedTs.get(e.ts) === e.t) this.violate('committedNeverLost', `${host} lost committed ${formatOpTime(e)} (${reason})`);
      if (e.op === 'n') continue;
      const key = `${e.ts}/${e.t}`;
      if (this.lostKeys.has(key)) continue;
      this.lostKeys.set(key, e.ts);
      this.lostWriteCount++;
      if (this.lostWrites.length < maxRecordedEvents) {
        this.lostWrites.push({ atMs: this.now(), host, reason, op: e.op, ns: e.ns, opTime: formatOpTime(e), documentId: (e.o2 ?? e.o)['_id'] });
      }
    }
  }

  /** True iff the entry (by optime) was ever majority-committed. */
  isCommitted(entry: { ts: number; t: number }): boolean {
    return this.committedTs.get(entry.ts) === entry.t;
  }
}
