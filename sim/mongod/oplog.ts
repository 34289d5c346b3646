/**
 * The replication oplog: an append-only list of entries ordered by optime. An optime is
 * `{ts, t}` (timestamp, term) and optimes compare by term first, then timestamp, as the
 * server's OpTime does. Internally a timestamp is one number, `seconds * 2^20 + increment`,
 * so comparisons are cheap; `toBsonTimestamp` gives the `bson` Timestamp clients see.
 */
import { Timestamp } from 'bson';
import type { Doc } from './query.js';

/** Increments per second a timestamp can carry in the packed form (2^20 writes per virtual second). */
export const maxIncrementsPerSecond = 1 << 20;

export interface OpTime {
  readonly ts: number;
  readonly t: number;
}

export const nullOpTime: OpTime = { ts: 0, t: -1 };

export function compareOpTime(a: OpTime, b: OpTime): number {
  if (a.t !== b.t) return a.t - b.t;
  return a.ts - b.ts;
}

export function opTimeEquals(a: OpTime, b: OpTime): boolean {
  return a.t === b.t && a.ts === b.ts;
}

export function tsSeconds(ts: number): number {
  return Math.floor(ts / maxIncrementsPerSecond);
}

export function tsIncrement(ts: number): number {
  return ts % maxIncrementsPerSecond;
}

export function toBsonTimestamp(ts: number): Timestamp {
  return new Timestamp({ t: tsSeconds(ts), i: tsIncrement(ts) });
}

export function formatOpTime(o: OpTime): string {
  return `${tsSeconds(o.ts)}:${tsIncrement(o.ts)}/t${o.t}`;
}

/** The retryable-write record carried by a write's oplog entry (so every member knows it). */
export interface TxnRecord {
  readonly lsid: string;
  readonly txnNumber: number;
  readonly stmtId: number;
  /** What the statement returned the first time, replayed on a retry. */
  readonly result: Readonly<Doc>;
}

export interface OplogEntry extends OpTime {
  /** 'i' insert, 'u' update (post-image), 'd' delete, 'c' command (create/drop), 'n' no-op. */
  readonly op: 'i' | 'u' | 'd' | 'c' | 'n';
  readonly ns: string;
  readonly o: Readonly<Doc>;
  /** `{_id}` of the updated document for 'u'. */
  readonly o2?: Readonly<Doc>;
  /** Wall-clock time of the write on the primary (virtual ms since the simulator epoch). */
  readonly wallMs: number;
  readonly txn?: TxnRecord;
}

export class Oplog {
  private readonly list: OplogEntry[] = [];

  get length(): number {
    return this.list.length;
  }

  get entries(): readonly OplogEntry[] {
    return this.list;
  }

  last(): OplogEntry | undefined {
    return this.list[this.list.length - 1];
  }

  lastOpTime(): OpTime {
    return this.list[this.list.length - 1] ?? nullOpTime;
  }

  at(index: number): OplogEntry | undefined {
    return this.list[index];
  }

  append(entry: OplogEntry): void {
    const last = this.list[this.list.length - 1];
    if (last !== undefined && !(entry.ts > last.ts && entry.t >= last.t)) {
      throw new Error(`oplog order violated: ${formatOpTime(entry)} after ${formatOpTime(last)}`);
    }
    this.list.push(entry);
  }

  /** Index of the entry whose timestamp is `ts`, or -1. Timestamps strictly increase along the oplog. */
  indexOfTs(ts: number): number {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = (this.list[mid] as OplogEntry).ts;
      if (v === ts) return mid;
      if (v < ts) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Index of the entry with exactly this optime, or -1. */
  indexOf(opTime: OpTime): number {
    const i = this.indexOfTs(opTime.ts);
    return i >= 0 && (this.list[i] as OplogEntry).t === opTime.t ? i : -1;
  }

  /** Number of entries with optime ≤ `opTime`. */
  countUpTo(opTime: OpTime): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOpTime(this.list[mid] as OplogEntry, opTime) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Removes and returns every entry after the first `keep` entries. */
  truncate(keep: number): OplogEntry[] {
    return this.list.splice(keep);
  }

  slice(from: number, to: number): OplogEntry[] {
    return this.list.slice(from, to);
  }
}
