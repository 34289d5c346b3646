import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Scheduler } from '../../../sim/kernel/scheduler.js';
import { parseReplSetConfig } from '../../../sim/mongod/config.js';
import { newDurableState } from '../../../sim/mongod/durable-state.js';
import { ErrorCodes } from '../../../sim/mongod/errors.js';
import { type OpTime, nullOpTime } from '../../../sim/mongod/oplog.js';
import { type PeerView, newPeerView } from '../../../sim/mongod/peer-view.js';
import type { Doc } from '../../../sim/mongod/query.js';
import type { RpcChannel } from '../../../sim/mongod/rpc.js';
import { IncarnationTimers } from '../../../sim/mongod/timers.js';
import { WriteConcernWaiters } from '../../../sim/mongod/write-concern-wait.js';
import type { WriteConcern } from '../../../sim/mongod/write-concern.js';

const config = parseReplSetConfig({ _id: 'rs0', version: 1, members: [
  { _id: 0, host: 'a:1' }, { _id: 1, host: 'b:1' }, { _id: 2, host: 'c:1' },
] }, { version: 1, term: 0 });

function setup(): { scheduler: Scheduler; waiters: WriteConcernWaiters; peers: Map<string, PeerView>; commit: { point: OpTime }; durable: ReturnType<typeof newDurableState> } {
  const scheduler = new Scheduler();
  const durable = newDurableState();
  durable.oplog.append({ ts: 10, t: 1, op: 'n', ns: '', o: {}, wallMs: 0 });
  durable.durableCount = 1;
  const peers = new Map<string, PeerView>();
  for (const member of config.members.slice(1)) peers.set(member.host, newPeerView(member, null as unknown as RpcChannel, () => () => undefined));
  const commit = { point: nullOpTime };
  const waiters = new WriteConcernWaiters({ durable, peers, timers: new IncarnationTimers(scheduler), replicaSet: true, commitPoint: () => commit.point });
  return { scheduler, waiters, peers, commit, durable };
}

const written: OpTime = { ts: 10, t: 1 };
const w = (fields: Partial<WriteConcern>): WriteConcern => ({ w: 1, j: false, wtimeout: 0, ...fields } as WriteConcern);

test('w:2 waits until one more member has applied the write', () => {
  const { waiters, peers } = setup();
  const outcomes: Array<Doc | null> = [];
  waiters.wait(written, w({ w: 2 }), (e) => outcomes.push(e));
  waiters.check();
  assert.equal(outcomes, []);
  (peers.get('b:1') as PeerView).applied = written;
  waiters.check();
  assert.equal(outcomes, [null]);
  waiters.check();
  assert.is(outcomes.length, 1, 'released once');
});

test('w:majority waits for the commit point', () => {
  const { waiters, commit } = setup();
  const outcomes: Array<Doc | null> = [];
  waiters.wait(written, w({ w: 'majority' }), (e) => outcomes.push(e));
  assert.equal(outcomes, []);
  commit.point = written;
  waiters.check();
  assert.equal(outcomes, [null]);
});

test('wtimeout fails the write with a write concern timeout; a step-down interrupts the rest', () => {
  const { scheduler, waiters } = setup();
  const timedOut: Array<Doc | null> = [];
  const interrupted: Array<Doc | null> = [];
  waiters.wait(written, w({ w: 3, wtimeout: 500 }), (e) => timedOut.push(e));
  waiters.wait(written, w({ w: 3 }), (e) => interrupted.push(e));
  scheduler.runFor(600);
  assert.is(timedOut.length, 1);
  assert.ok(timedOut[0] !== null, 'an error, not success');
  assert.equal(interrupted, []);
  waiters.interruptAll();
  assert.is(interrupted[0]?.['code'], ErrorCodes.InterruptedDueToReplStateChange);
  waiters.check();
  assert.is(interrupted.length, 1);
});

test('j:true on a standalone waits for the journal', () => {
  const scheduler = new Scheduler();
  const durable = newDurableState();
  durable.oplog.append({ ts: 10, t: 1, op: 'n', ns: '', o: {}, wallMs: 0 });
  const waiters = new WriteConcernWaiters({ durable, peers: new Map(), timers: new IncarnationTimers(scheduler), replicaSet: false, commitPoint: () => nullOpTime });
  const outcomes: Array<Doc | null> = [];
  waiters.wait(written, w({ j: true }), (e) => outcomes.push(e));
  scheduler.runFor(250);
  assert.equal(outcomes, []);
  durable.durableCount = 1;
  scheduler.runFor(250);
  assert.equal(outcomes, [null]);
});

test.run();
