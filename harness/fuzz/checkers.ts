/**
 * Checkers over a fuzz run's history (history.ts) and its cluster (the replica set's invariant
 * checker, lost writes and final data). Each returns the failures it found; a failure names its
 * checker and the operations that break it.
 *
 *  - majorityWriteNeverLost: a write acknowledged with w:majority is never lost (not in the
 *    set's lost writes, and on the final primary when there is one);
 *  - retriedWriteAtMostOnce: a write (an upsert with $inc n) is applied at most once: no member
 *    and no read ever has n > 1;
 *  - onePrimaryPerTerm (and the set's other invariants): from the cluster's checker;
 *  - majorityReadNeverRolledBack: a read with readConcern majority never sees a write that is
 *    later rolled back;
 *  - linearizableReadSeesAcknowledged: a linearizable read sees every w:majority write
 *    acknowledged before it started;
 *  - sendsMatchReadPreference: a write, or a read with readPreference primary, never goes to a
 *    server the client itself has known as a secondary since before the operation began;
 *  - clientRejectsStalePrimary: a client never takes a primary whose electionId is lower than
 *    one it has already seen a primary report (SDAM "stale primary").
 */
import type { LostWrite, Violation } from '../../sim/mongod/invariants.js';
import { describeOp, type History, type HistoryOp } from './history.js';

export const checkerNames = [
  'majorityWriteNeverLost',
  'retriedWriteAtMostOnce',
  'onePrimaryPerTerm',
  'clusterInvariants',
  'majorityReadNeverRolledBack',
  'linearizableReadSeesAcknowledged',
  'sendsMatchReadPreference',
  'clientRejectsStalePrimary',
] as const;
export type CheckerName = (typeof checkerNames)[number];

export interface CheckFailure {
  readonly checker: CheckerName;
  readonly message: string;
  /** History ids of the operations involved. */
  readonly ops: readonly number[];
}

/** What the checkers need of the cluster at the end of the run. */
export interface ClusterOutcome {
  readonly lostWrites: readonly LostWrite[];
  readonly violations: readonly Violation[];
  /** `_id` → n on the final primary, or null when the run ended with no primary. */
  readonly finalPrimaryDocs: ReadonlyMap<string, number> | null;
  /** Largest n of each `_id` over every running member. */
  readonly maxCopies: ReadonlyMap<string, number>;
}

/** Failures are bounded per checker: the first few name the problem. */
export const maxFailuresPerChecker = 20;

function lostNote(lost: LostWrite | undefined): string {
  return lost === undefined ? '' : ` (an entry for it was lost on ${lost.host}: ${lost.reason} at ${lost.atMs}ms)`;
}

export function checkHistory(history: History, cluster: ClusterOutcome): CheckFailure[] {
  const out: CheckFailure[] = [];
  const count = new Map<CheckerName, number>();
  const fail = (checker: CheckerName, message: string, ops: readonly HistoryOp[] = []): void => {
    const n = count.get(checker) ?? 0;
    count.set(checker, n + 1);
    if (n < maxFailuresPerChecker) out.push({ checker, message, ops: ops.map((o) => o.id) });
  };
  const lostById = new Map<string, LostWrite>();
  for (const lost of cluster.lostWrites) lostById.set(String(lost.documentId), lost);
  const writes = history.ops.filter((o) => o.kind === 'write');
  const reads = history.ops.filter((o) => o.kind === 'read');

  for (const op of writes) {
    if (op.outcome !== 'ok' || op.w !== 'majority') continue;
    // A lost entry with this _id may be an earlier attempt of the same write (applied by a
    // stale primary, then retried elsewhere): what counts is the acknowledged application, so
    // the final primary must hold the document; with no final primary, the acknowledging
    // server must not have lost it.
    if (cluster.finalPrimaryDocs !== null) {
      if (!cluster.finalPrimaryDocs.has(op.key)) fail('majorityWriteNeverLost', `acknowledged w:majority write ${describeOp(op)} is not on the final primary${lostNote(lostById.get(op.key))}`, [op]);
    } else {
      const lost = lostById.get(op.key);
      if (lost !== undefined && lost.host === op.address) fail('majorityWriteNeverLost', `acknowledged w:majority write ${describeOp(op)} was lost on ${lost.host} (${lost.reason} at ${lost.atMs}ms)`, [op]);
    }
  }

  for (const op of writes) {
    const copies = cluster.maxCopies.get(op.key) ?? 0;
    const readers = reads.filter((r) => (r.seen?.get(op.key) ?? 0) > 1);
    if (copies > 1 || readers.length > 0) {
      fail('retriedWriteAtMostOnce', `write ${describeOp(op)} was applied ${Math.max(copies, ...readers.map((r) => r.seen?.get(op.key) ?? 0))} times${readers.length > 0 ? ` (seen by ${readers.map((r) => `#${r.id}`).join(', ')})` : ''}`, [op, ...readers]);
    }
  }

  for (const v of cluster.violations) {
    fail(v.invariant === 'onePrimaryPerTerm' ? 'onePrimaryPerTerm' : 'clusterInvariants', `${v.invariant} at ${v.atMs}ms: ${v.detail}`);
  }

  for (const read of reads) {
    if (read.outcome !== 'ok' || read.seen === null) continue;
    if (read.readConcern === 'majority') {
      for (const key of read.seen.keys()) {
        const lost = lostById.get(key);
        if (lost !== undefined && lost.reason === 'rollback') {
          const write = history.writeOf(key);
          fail('majorityReadNeverRolledBack', `majority read ${describeOp(read)} saw ${key}, rolled back on ${lost.host} at ${lost.atMs}ms`, write === undefined ? [read] : [read, write]);
        }
      }
    }
    if (read.readConcern === 'linearizable') {
      const missed = writes.filter((w) => w.outcome === 'ok' && w.w === 'majority' && w.completedMs !== null && w.completedMs < read.invokedMs && !read.seen?.has(w.key));
      if (missed.length > 0) {
        fail('linearizableReadSeesAcknowledged', `linearizable read ${describeOp(read)} missed ${missed.length} write(s) acknowledged before it started: ${missed.slice(0, 3).map(describeOp).join('; ')}`, [read, ...missed]);
      }
    }
  }

  for (const obs of history.observations) fail(obs.checker, `${obs.client} at ${obs.atMs}ms: ${obs.detail}`, history.ops.filter((o) => o.client === obs.client && o.sends.some((s) => s.atMs >= obs.atMs)).slice(0, 5));
  return out;
}
