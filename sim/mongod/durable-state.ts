/** What survives a crash of a simulated mongod: the journaled oplog prefix, term, vote and config. */
import type { ReplSetConfig } from './config.js';
import { type OplogEntry, Oplog } from './oplog.js';

export interface DurableState {
  readonly oplog: Oplog;
  /** Entries [0, durableCount) of the oplog are journaled; a crash truncates to this. */
  durableCount: number;
  term: number;
  lastVote: { term: number; host: string } | null;
  config: ReplSetConfig | null;
}

export function newDurableState(): DurableState {
  return { oplog: new Oplog(), durableCount: 0, term: 0, lastVote: null, config: null };
}

/** The newest journaled entry, if any. */
export function lastDurableEntry(durable: DurableState): OplogEntry | undefined {
  return durable.oplog.at(durable.durableCount - 1);
}
