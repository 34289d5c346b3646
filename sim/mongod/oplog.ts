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

/**
 * Entries a member keeps at most (a real oplog is a capped collection; its size is
 * `oplogSizeMB`). The oldest entries beyond this are dropped, but never entries the member
 * may still need: see `trimFront`.
 */
export const defaultMaxOplogEntries = 100_000;
/** The smallest cap a member accepts (tests use small caps to reach the edge quickly). */
export const minOplogEntries = 10;

/**
 * The oplog as a window over a logical sequence: entry `i` (0-based, counted from the first entry
 * ever appended) stays at index `i` for the oplog's life, even after older entries are dropped
 * from the front. `first` is the index of the oldest entry still held; `length` is one past the
 * newest. Every index the rest of the simulator keeps (durableCount, the commit point, a
 * fetcher's position) is a logical index, so dropping the front never shifts it.
 */
export class Oplog {
  private list: OplogEntry[] = [];
  /** Logical index of list[0]. */
  private offset = 0;
  /** list[head] is the oldest held entry; [0, head) are dropped slots awaiting compaction. */
  private head = 0;

  /** One past the newest entry's logical index. */
  get length(): number {
    return this.offset + this.list.length;
  }

  /** Logical index of the oldest entry still held (0 until the front is first trimmed). */
  get first(): number {
    return this.offset + this.head;
  }

  /** Entries held, oldest first. */
  get entries(): readonly OplogEntry[] {
    if (this.head > 0) this.compact();
    return this.list;
  }

  /** The oldest entry still held. */
  oldest(): OplogEntry | undefined {
    return this.list[this.head];
  }

  last(): OplogEntry | undefined {
    return this.list[this.list.length - 1];
  }

  lastOpTime(): OpTime {
    return this.list.length > this.head ? (this.list[this.list.length - 1] as OplogEntry) : nullOpTime;
  }

  /** The entry at logical `index`, or undefined when it is dropped or not yet written. */
  at(index: number): OplogEntry | undefined {
    const i = index - this.offset;
    return i >= this.head ? this.list[i] : undefined;
  }

  append(entry: OplogEntry): void {
    const last = this.list.length > this.head ? this.list[this.list.length - 1] : undefined;
    if (last !== undefined && !(entry.ts > last.ts && entry.t >= last.t)) {
      throw new Error(`oplog order violated: ${formatOpTime(entry)} after ${formatOpTime(last)}`);
    }
    this.list.push(entry);
  }

  /** Logical index of the entry whose timestamp is `ts`, or -1. Timestamps strictly increase along the oplog. */
  indexOfTs(ts: number): number {
    let lo = this.head;
    let hi = this.list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = (this.list[mid] as OplogEntry).ts;
      if (v === ts) return mid + this.offset;
      if (v < ts) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Logical index of the entry with exactly this optime, or -1. */
  indexOf(opTime: OpTime): number {
    const i = this.indexOfTs(opTime.ts);
    return i >= 0 && (this.at(i) as OplogEntry).t === opTime.t ? i : -1;
  }

  /** Logical count of entries with optime ≤ `opTime` (dropped entries count: they are all older). */
  countUpTo(opTime: OpTime): number {
    let lo = this.head;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOpTime(this.list[mid] as OplogEntry, opTime) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo + this.offset;
  }

  /** Removes and returns every entry after the first `keep` (logical) entries. */
  truncate(keep: number): OplogEntry[] {
    if (keep < this.first) throw new Error(`oplog: cannot truncate to ${keep}, entries before ${this.first} are already dropped`);
    return this.list.splice(keep - this.offset);
  }

  /** Entries with logical indexes [from, to), clamped to what is held. */
  slice(from: number, to: number): OplogEntry[] {
    return this.list.slice(Math.max(from - this.offset, this.head), Math.max(to - this.offset, this.head));
  }

  /**
   * Drops the oldest entries so that at most `maxEntries` are held, but never an entry at a
   * logical index ≥ `keepFrom` (the caller passes what it may still need: entries after the
   * majority commit point or after the journaled prefix can roll back or be lost in a crash,
   * and real mongod never truncates oplog entries newer than the majority commit point either).
   * Returns the number of entries dropped.
   */
  trimFront(maxEntries: number, keepFrom: number): number {
    const held = this.list.length - this.head;
    const wanted = Math.min(held - maxEntries, keepFrom - this.first);
    if (wanted <= 0) return 0;
    this.head += wanted;
    // Compact once the dropped slots outnumber the held ones: amortised O(1) per entry.
    if (this.head > this.list.length - this.head) this.compact();
    return wanted;
  }

  private compact(): void {
    this.list = this.list.slice(this.head);
    this.offset += this.head;
    this.head = 0;
  }
}
