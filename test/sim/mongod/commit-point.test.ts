import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CommitPoint } from '../../../sim/mongod/commit-point.js';
import { parseReplSetConfig } from '../../../sim/mongod/config.js';
import { newDurableState } from '../../../sim/mongod/durable-state.js';
import type { ReplicationObserver } from '../../../sim/mongod/observer.js';
import { type OpTime, type OplogEntry, Oplog } from '../../../sim/mongod/oplog.js';
import { type PeerView, newPeerView } from '../../../sim/mongod/peer-view.js';
import type { RpcChannel } from '../../../sim/mongod/rpc.js';

const config = parseReplSetConfig({ _id: 'rs0', version: 1, members: [
  { _id: 0, host: 'a:1' }, { _id: 1, host: 'b:1' }, { _id: 2, host: 'c:1' },
] }, { version: 1, term: 0 });

function entry(ts: number, t: number): OplogEntry {
  return { ts, t, op: 'n', ns: '', o: {}, wallMs: ts };
}

function recorder(): { observer: ReplicationObserver; committed: number[] } {
  const committed: number[] = [];
  const observer = {
    committed: (_host: string, entries: OplogEntry[]) => { for (const e of entries) committed.push(e.ts); },
  } as unknown as ReplicationObserver;
  return { observer, committed };
}

function peers(durables: Record<string, OpTime>): Map<string, PeerView> {
  const map = new Map<string, PeerView>();
  for (const [host, durable] of Object.entries(durables)) {
    const member = config.members.find((m) => m.host === host);
    if (member === undefined) throw new Error(host);
    const peer = newPeerView(member, null as unknown as RpcChannel, () => () => undefined);
    peer.durable = durable;
    map.set(host, peer);
  }
  return map;
}

test('a primary commits what a write majority has journaled, in its own term, and reports each entry once', () => {
  const durable = newDurableState();
  durable.term = 2;
  for (const e of [entry(1, 1), entry(2, 2), entry(3, 2), entry(4, 2)]) durable.oplog.append(e);
  durable.durableCount = 4;
  const { observer, committed } = recorder();
  const cp = new CommitPoint('a:1', observer);
  const me = config.members[0];
  // Nobody else has anything: 1 of 3 is not a majority.
  assert.is(cp.advance(config, me, durable, peers({ 'b:1': { ts: 0, t: -1 }, 'c:1': { ts: 0, t: -1 } })), false);
  // b has (1,1) only: an entry of an older term does not commit by itself.
  assert.is(cp.advance(config, me, durable, peers({ 'b:1': { ts: 1, t: 1 }, 'c:1': { ts: 0, t: -1 } })), false);
  assert.equal(cp.opTime, { ts: 0, t: -1 });
  // b has (3,2): that commits, and with it everything before it.
  assert.is(cp.advance(config, me, durable, peers({ 'b:1': { ts: 3, t: 2 }, 'c:1': { ts: 1, t: 1 } })), true);
  assert.equal(cp.opTime, { ts: 3, t: 2 });
  assert.is(cp.index, 3);
  assert.equal(committed, [1, 2, 3]);
  // The same positions again: nothing moves, nothing is reported twice.
  assert.is(cp.advance(config, me, durable, peers({ 'b:1': { ts: 3, t: 2 }, 'c:1': { ts: 1, t: 1 } })), false);
  assert.equal(committed, [1, 2, 3]);
});

test('a secondary learns the commit point only as far as its own oplog agrees', () => {
  const oplog = new Oplog();
  for (const e of [entry(1, 1), entry(2, 1)]) oplog.append(e);
  const { observer, committed } = recorder();
  const cp = new CommitPoint('b:1', observer);
  // The source's commit point (5,1) is past our last entry (2,1) of the same term: advance to (2,1).
  cp.learn(oplog, { ts: 5, t: 1 }, 5);
  assert.equal(cp.opTime, { ts: 2, t: 1 });
  assert.equal(committed, [1, 2]);
  // A commit point in another term that we do not have: no change.
  cp.learn(oplog, { ts: 6, t: 2 }, 6);
  assert.equal(cp.opTime, { ts: 2, t: 1 });
  oplog.append(entry(3, 2));
  cp.learn(oplog, { ts: 3, t: 2 }, 3);
  assert.equal(cp.opTime, { ts: 3, t: 2 });
  assert.is(cp.wallMs, 3);
  assert.equal(committed, [1, 2, 3]);
});

test('rollback pulls the commit point back to the last kept entry; reset clears it', () => {
  const oplog = new Oplog();
  for (const e of [entry(1, 1), entry(2, 1), entry(3, 1)]) oplog.append(e);
  const cp = new CommitPoint('b:1', undefined);
  cp.learn(oplog, { ts: 3, t: 1 }, 3);
  oplog.truncate(1);
  cp.truncated(oplog, 1);
  assert.equal(cp.opTime, { ts: 1, t: 1 });
  assert.is(cp.index, 1);
  cp.truncated(oplog, 2);
  assert.is(cp.index, 1, 'keeping more than is committed changes nothing');
  cp.reset();
  assert.equal(cp.opTime, { ts: 0, t: -1 });
  assert.is(cp.index, 0);
});

test.run();
