import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkHistory, type ClusterOutcome } from '../../../harness/fuzz/checkers.js';
import { History } from '../../../harness/fuzz/history.js';
import type { LostWrite } from '../../../sim/mongod/invariants.js';

function cluster(over: Partial<ClusterOutcome> = {}): ClusterOutcome {
  return { lostWrites: [], violations: [], finalPrimaryDocs: new Map(), maxCopies: new Map(), ...over };
}

function write(h: History, key: string, w: 1 | 'majority', outcome: 'ok' | 'failed' | 'unknown', invokedMs: number, completedMs: number) {
  const op = h.invoke({ client: 'c1', kind: 'write', key, w, readPreference: 'primary', retry: true, invokedMs });
  op.outcome = outcome;
  op.completedMs = completedMs;
  op.address = 'a:27017';
  return op;
}

function read(h: History, readConcern: 'majority' | 'linearizable' | undefined, invokedMs: number, seen: Record<string, number>) {
  const op = h.invoke({ client: 'c2', kind: 'read', ...(readConcern === undefined ? {} : { readConcern }), readPreference: 'primary', retry: true, invokedMs });
  op.outcome = 'ok';
  op.completedMs = invokedMs + 5;
  op.seen = new Map(Object.entries(seen));
  return op;
}

const lost = (id: string, reason: LostWrite['reason'] = 'rollback'): LostWrite => ({ atMs: 900, host: 'a:27017', reason, op: 'u', ns: 'scenario.writes', opTime: '(1, 1)', documentId: id });

test('majorityWriteNeverLost: an acknowledged w:majority write missing from the final primary is named; w:1 and unacknowledged ones are not', () => {
  const h = new History();
  const acked = write(h, 'c1-0', 'majority', 'ok', 10, 20);
  write(h, 'c1-1', 1, 'ok', 10, 20);
  write(h, 'c1-2', 'majority', 'unknown', 10, 20);
  const failures = checkHistory(h, cluster({ finalPrimaryDocs: new Map(), lostWrites: [lost('c1-0')] }));
  assert.equal(failures.map((f) => [f.checker, f.ops]), [['majorityWriteNeverLost', [acked.id]]]);
  assert.match(failures[0]!.message, /c1-0.*not on the final primary.*rollback/);
  assert.equal(checkHistory(h, cluster({ finalPrimaryDocs: new Map([['c1-0', 1]]), lostWrites: [lost('c1-0')] })), []);
});

test('retriedWriteAtMostOnce: n = 2 on a member or in a read names the write and the read', () => {
  const h = new History();
  const w = write(h, 'c1-0', 1, 'ok', 10, 20);
  const r = read(h, undefined, 30, { 'c1-0': 2 });
  const failures = checkHistory(h, cluster({ finalPrimaryDocs: null }));
  assert.equal(failures.map((f) => [f.checker, f.ops]), [['retriedWriteAtMostOnce', [w.id, r.id]]]);
  const onMember = checkHistory(new History(), cluster());
  assert.equal(onMember, []);
  const h2 = new History();
  const w2 = write(h2, 'c1-0', 1, 'unknown', 10, 20);
  assert.equal(checkHistory(h2, cluster({ maxCopies: new Map([['c1-0', 2]]) })).map((f) => [f.checker, f.ops]), [['retriedWriteAtMostOnce', [w2.id]]]);
});

test('majorityReadNeverRolledBack: a majority read that saw a write later rolled back; a local read may', () => {
  const h = new History();
  const w = write(h, 'c1-0', 1, 'ok', 10, 20);
  const r = read(h, 'majority', 30, { 'c1-0': 1 });
  read(h, undefined, 30, { 'c1-0': 1 });
  const failures = checkHistory(h, cluster({ finalPrimaryDocs: null, lostWrites: [lost('c1-0')] }));
  assert.equal(failures.map((f) => [f.checker, f.ops]), [['majorityReadNeverRolledBack', [r.id, w.id]]]);
  // Lost in a crash (not rolled back) is a different failure, not this checker's.
  assert.equal(checkHistory(h, cluster({ finalPrimaryDocs: null, lostWrites: [lost('c1-0', 'crash')] })), []);
});

test('linearizableReadSeesAcknowledged: a linearizable read misses a w:majority write acknowledged before it started', () => {
  const h = new History();
  const before = write(h, 'c1-0', 'majority', 'ok', 10, 20);
  write(h, 'c1-1', 'majority', 'ok', 10, 40); // acknowledged after the read began: concurrent
  const r = read(h, 'linearizable', 30, {});
  const failures = checkHistory(h, cluster({ finalPrimaryDocs: null }));
  assert.equal(failures.map((f) => [f.checker, f.ops]), [['linearizableReadSeesAcknowledged', [r.id, before.id]]]);
});

test('cluster invariants and client observations become failures with their checker names', () => {
  const h = new History();
  h.observations.push({ checker: 'clientRejectsStalePrimary', client: 'c1', atMs: 5, detail: 'took b as primary' });
  const failures = checkHistory(h, cluster({ violations: [{ atMs: 3, invariant: 'onePrimaryPerTerm', detail: 'term 2: a and b' }, { atMs: 4, invariant: 'termNeverDecreases', detail: 'x' }] }));
  assert.equal(failures.map((f) => f.checker), ['onePrimaryPerTerm', 'clusterInvariants', 'clientRejectsStalePrimary']);
});

test.run();
