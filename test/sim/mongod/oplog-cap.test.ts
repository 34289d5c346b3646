// The capped oplog, undo-based recovery and the checker's bounded memory: what keeps the cost
// of a long run's last day close to its first (issue: long runs cost the same per virtual day).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Oplog, type OplogEntry } from '../../../sim/mongod/oplog.js';
import { Storage, undoPruneThreshold } from '../../../sim/mongod/storage.js';
import { CommittedLog } from '../../../sim/mongod/committed-log.js';
import { scheduleRandomFaults } from '../../../sim/scenario/random-faults.js';
import { hostsABC, readySet, run } from './helpers.js';
import type { Doc } from '../../../sim/mongod/query.js';

function entry(ts: number, op: OplogEntry['op'] = 'n', o: Doc = {}, extra: Partial<OplogEntry> = {}): OplogEntry {
  return { ts, t: 1, op, ns: op === 'n' ? '' : 'db.c', o, wallMs: ts, ...extra };
}

test('Oplog: indexes stay logical after the front is trimmed', () => {
  const oplog = new Oplog();
  for (let ts = 1; ts <= 100; ts++) oplog.append(entry(ts));
  assert.is(oplog.trimFront(30, 1000), 70);
  assert.is(oplog.first, 70);
  assert.is(oplog.length, 100);
  assert.is(oplog.at(69), undefined);
  assert.is(oplog.at(70)?.ts, 71);
  assert.is(oplog.indexOf({ ts: 71, t: 1 }), 70);
  assert.is(oplog.indexOf({ ts: 50, t: 1 }), -1);
  assert.is(oplog.countUpTo({ ts: 80, t: 1 }), 80);
  assert.equal(oplog.slice(60, 73).map((e) => e.ts), [71, 72, 73]);
  assert.is(oplog.entries.length, 30);
  assert.equal(oplog.truncate(95).map((e) => e.ts), [96, 97, 98, 99, 100]);
  assert.is(oplog.length, 95);
  assert.throws(() => oplog.truncate(10), /already dropped/);
});

test('Oplog: trimFront never drops an entry at or after keepFrom', () => {
  const oplog = new Oplog();
  for (let ts = 1; ts <= 50; ts++) oplog.append(entry(ts));
  assert.is(oplog.trimFront(10, 5), 5);
  assert.is(oplog.first, 5);
  assert.is(oplog.trimFront(10, 5), 0);
  assert.is(oplog.trimFront(100, 40), 0);
});

test('Storage: revertTo takes back inserts, updates, deletes, create/drop and retryable-write records', () => {
  const entries: OplogEntry[] = [
    entry(1, 'c', { create: 'c' }),
    entry(2, 'i', { _id: 1, v: 'a' }),
    entry(3, 'i', { _id: 2, v: 'b' }, { txn: { lsid: 's1', txnNumber: 1, stmtId: 0, result: { n: 1 } } }),
    entry(4, 'u', { _id: 1, v: 'a2' }, { o2: { _id: 1 } }),
    entry(5, 'd', { _id: 2 }),
    entry(6, 'i', { _id: 3, v: 'c' }, { txn: { lsid: 's1', txnNumber: 2, stmtId: 0, result: { n: 1 } } }),
    entry(7, 'c', { drop: 'c' }),
    entry(8, 'i', { _id: 9 }, { ns: 'db.other' }),
  ];
  const snapshot = (s: Storage): string => JSON.stringify({
    colls: [...s.collections].map(([ns, c]) => [ns, [...c.docs].sort()]).sort(),
    sessions: [...s.sessions].map(([l, r]) => [l, r.txnNumber, [...r.statements.keys()]]),
  });
  for (let keep = 0; keep <= entries.length; keep++) {
    const replayed = new Storage();
    for (const e of entries.slice(0, keep)) replayed.apply(e);
    const reverted = new Storage();
    for (const e of entries) reverted.apply(e);
    assert.ok(reverted.revertTo(keep));
    assert.is(reverted.appliedCount, keep);
    assert.is(snapshot(reverted), snapshot(replayed), `keep ${keep}`);
  }
});

test('Storage: undo records of stable entries are dropped, and reverting past them is refused', () => {
  let stable = 0;
  const storage = new Storage(() => stable);
  const n = undoPruneThreshold * 3;
  for (let i = 1; i <= n; i++) {
    stable = i - 10;
    storage.apply(entry(i, 'i', { _id: i }));
  }
  assert.ok(storage.revertibleFrom > n - undoPruneThreshold - 20, `revertibleFrom ${storage.revertibleFrom}`);
  assert.is(storage.revertTo(5), false);
  assert.is(storage.appliedCount, n, 'a refused revert changes nothing');
  assert.ok(storage.revertTo(n - 5));
  assert.is(storage.collections.get('db.c')?.docs.size, n - 5);
});

test('CommittedLog: lookups, out-of-order adds and forgetting the front', () => {
  const log = new CommittedLog();
  for (let ts = 10; ts <= 100; ts += 10) assert.is(log.add(ts, ts / 10), ts / 10);
  assert.is(log.add(50, 99), 5, 'the first term recorded wins');
  assert.is(log.add(55, 7), 7);
  assert.is(log.get(55), 7);
  assert.is(log.get(56), undefined);
  log.forgetBefore(60);
  assert.is(log.get(50), undefined);
  assert.is(log.get(60), 6);
  assert.is(log.size, 5);
  log.forgetBefore(1000);
  assert.is(log.size, 0);
  assert.is(log.add(5, 1), 1);
});

test('a set with a small capped oplog under faults and writes: invariants hold, data converges, the oplog stays capped', () => {
  // Large enough that a member down for the longest fault (60 s) is not too stale to catch up.
  const cap = 1000;
  const { world, rs, client } = readySet(11, { maxOplogEntries: cap });
  scheduleRandomFaults(world, rs, { periodMs: 20_000, untilMs: world.nowMs + 600_000, kinds: ['crash', 'stepDown', 'partition'] });
  let id = 0;
  const write = (): void => {
    const p = rs.primary();
    if (p !== null) client.command(p, 'db', { update: 'c', updates: [{ q: { _id: id++ % 50 }, u: { $inc: { n: 1 } }, upsert: true }], writeConcern: { w: 'majority', wtimeout: 10_000 } }, () => undefined);
    if (world.nowMs < 600_000) world.scheduler.at(world.nowMs + 200, 'test.write', write);
  };
  write();
  world.scheduler.runFor(660_000);
  for (const host of rs.hosts) if (!rs.member(host).isRunning) rs.restart(host);
  world.scheduler.runFor(120_000);
  assert.equal(rs.violations, []);
  const primary = rs.primary();
  assert.ok(primary !== null);
  const docsOf = (host: string): string => JSON.stringify(rs.member(host).documents('db.c').map((d) => [d['_id'], d['n']]).sort());
  for (const host of rs.hosts) {
    const oplog = rs.member(host).oplog;
    assert.ok(oplog.first > 0, `${host} trimmed its oplog`);
    assert.ok(oplog.length - oplog.first <= cap + 200, `${host} holds ${oplog.length - oplog.first} entries`);
    assert.is(docsOf(host), docsOf(primary as string), `${host} has the primary's data`);
  }
  assert.ok(id > 1000, `the workload ran (${id} writes)`);
});

test('a member too stale for its sync source is told OplogStartMissing and does not roll back', () => {
  const { world, rs, client, primary } = readySet(3, { maxOplogEntries: 20 });
  const stale = hostsABC.map((m) => m.host).find((h) => h !== primary) as string;
  rs.crash(stale);
  for (let i = 0; i < 200; i++) {
    const r = run(client, rs.primary() as string, 'db', { insert: 'c', documents: [{ _id: i }], writeConcern: { w: 1 } });
    assert.is(r['ok'], 1);
  }
  world.scheduler.runFor(30_000);
  const reply = run(client, rs.primary() as string, 'local', { _replFetch: 1, after: { ts: 1, t: 1 } });
  assert.is(reply['ok'], 0);
  assert.is(reply['code'], 120);
  assert.is(reply['codeName'], 'OplogStartMissing');
  rs.restart(stale);
  world.scheduler.runFor(60_000);
  assert.equal(rs.violations, []);
  assert.is(rs.checker.lostWriteCount, 0, 'no write was rolled back');
  assert.ok(rs.member(stale).documents('db.c').length < 200, 'the stale member could not catch up through the capped oplogs');
});

test.run();
