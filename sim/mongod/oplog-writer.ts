/**
 * Local writes to the oplog: timestamp allocation, append + apply to storage, and the journal's
 * group commit that makes appended entries durable every `journalCommitIntervalMs`.
 */
import type { Trace } from '../kernel/trace.js';
import type { DurableState } from './durable-state.js';
import { simEpochMs } from './hello.js';
import { type OplogEntry, formatOpTime, maxIncrementsPerSecond } from './oplog.js';
import type { Doc } from './query.js';
import type { Storage } from './storage.js';
import type { Clock, IncarnationTimers } from './timers.js';

/** Journal group commit interval (storage.journal.commitIntervalMs default 100). */
export const journalCommitIntervalMs = 100;

export interface OplogWriterDeps {
  readonly host: string;
  readonly durable: DurableState;
  readonly timers: IncarnationTimers;
  readonly trace: Trace;
  readonly replicaSet: boolean;
  /** Virtual time (the world's scheduler). */
  readonly clock: Clock;
  /** The current storage (rebuilt on start and after rollback). */
  storage(): Storage;
  /** A journal flush made more entries durable. */
  onJournaled(): void;
  /** An entry was appended (a replica set member wakes the fetchers waiting on it). */
  onAppended(): void;
}

export class OplogWriter {
  private lastTsSecs = 0;
  private lastTsInc = 0;
  private journalTimerArmed = false;

  constructor(private readonly deps: OplogWriterDeps) {}

  /** A new incarnation: the journal timer of the previous one is dead. */
  reset(): void {
    this.journalTimerArmed = false;
  }

  append(op: OplogEntry['op'], ns: string, o: Doc, o2: Doc | undefined, txn: OplogEntry['txn'], term = this.deps.durable.term): OplogEntry {
    const now = this.deps.clock.nowMs;
    const entry: OplogEntry = txn === undefined
      ? (o2 === undefined ? { ts: this.nextTs(), t: term, op, ns, o, wallMs: now } : { ts: this.nextTs(), t: term, op, ns, o, o2, wallMs: now })
      : { ts: this.nextTs(), t: term, op, ns, o, ...(o2 === undefined ? {} : { o2 }), wallMs: now, txn };
    this.deps.durable.oplog.append(entry);
    this.deps.storage().apply(entry);
    if (op !== 'n') this.deps.trace.record('rs.write', `${this.deps.host} ${op} ${ns} ${formatOpTime(entry)}`);
    this.scheduleJournal();
    if (this.deps.replicaSet) this.deps.onAppended();
    return entry;
  }

  /** Next oplog timestamp: wall seconds + increment, strictly after the last entry. */
  private nextTs(): number {
    const secs = Math.floor((simEpochMs + this.deps.clock.nowMs) / 1000);
    if (secs > this.lastTsSecs) {
      this.lastTsSecs = secs;
      this.lastTsInc = 1;
    } else {
      this.lastTsInc++;
      if (this.lastTsInc >= maxIncrementsPerSecond) throw new Error(`${this.deps.host}: more than ${maxIncrementsPerSecond} oplog entries in one second`);
    }
    let ts = this.lastTsSecs * maxIncrementsPerSecond + this.lastTsInc;
    const last = this.deps.durable.oplog.last();
    if (last !== undefined && ts <= last.ts) {
      ts = last.ts + 1;
      this.lastTsSecs = Math.floor(ts / maxIncrementsPerSecond);
      this.lastTsInc = ts % maxIncrementsPerSecond;
    }
    return ts;
  }

  private scheduleJournal(): void {
    if (this.journalTimerArmed) return;
    this.journalTimerArmed = true;
    this.deps.timers.after(journalCommitIntervalMs, 'mongod.journal', () => {
      this.journalTimerArmed = false;
      this.deps.durable.durableCount = this.deps.durable.oplog.length;
      this.deps.onJournaled();
    });
  }
}
