/**
 * What a simulated mongod reports about replication as it happens, so that a replica set can
 * check its invariants continuously and account for lost writes without polling the members.
 */
import type { OplogEntry } from './oplog.js';

export type LossReason = 'rollback' | 'crash';

export interface ReplicationObserver {
  /** `host` won the election for `term`. */
  becamePrimary(host: string, term: number): void;
  /** `host` adopted a new term (persisted). */
  termChanged(host: string, from: number, to: number): void;
  /** A hello-visible change bumped `topologyVersion.counter` of process `processId`. */
  topologyVersionChanged(host: string, processId: string, counter: number): void;
  /** `host` (a primary computing it, or a secondary learning it) advanced its commit point over `entries` (oldest first). */
  committed(host: string, entries: readonly OplogEntry[]): void;
  /** `host` appended replicated `entries` to its oplog. */
  applied(host: string, entries: readonly OplogEntry[]): void;
  /** `host` removed `entries` from its oplog (rollback, or unjournaled entries lost in a crash). */
  lost(host: string, entries: readonly OplogEntry[], reason: LossReason): void;
  /**
   * `host` dropped the oldest entries of its capped oplog: its oldest entry is now at `oldestTs`
   * (every dropped entry was majority-committed and journaled, so it can never be lost).
   */
  trimmed(host: string, oldestTs: number): void;
}
