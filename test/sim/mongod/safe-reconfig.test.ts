/**
 * Issue 9: a simulated 4.4+ replica set refuses a non-force replSetReconfig that a real mongod
 * refuses (safe reconfig): more than one voting member added or removed at once, or before the
 * current config is committed (propagated to a majority, and the last committed write of the
 * previous config committed in it). force: true bypasses the checks. A scenario that reconfigures
 * unsafely cannot lose a majority-acknowledged write.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCodes } from '../../../sim/mongod/errors.js';
import type { MemberSpec } from '../../../sim/mongod/replset.js';
import { readySet, run } from './helpers.js';

const ABC: MemberSpec[] = [{ host: 'a:27017', priority: 2 }, { host: 'b:27017' }, { host: 'c:27017' }];

function reconfigDoc(version: number, members: readonly MemberSpec[]): Record<string, unknown> {
  return { _id: 'rs0', version, members: members.map((m, i) => ({ _id: i, ...m })) };
}

test('adding two voting members at once fails with NewReplicaSetConfigurationIncompatible; one at a time works; force bypasses', () => {
  const { world, client, rs, primary } = readySet(2901, { members: ABC });
  assert.is(primary, 'a:27017');
  const five = [...ABC, { host: 'd:27017' }, { host: 'e:27017' }];
  const refused = run(client, primary, 'admin', { replSetReconfig: reconfigDoc(2, five) });
  assert.is(refused['ok'], 0);
  assert.is(refused['code'], ErrorCodes.NewReplicaSetConfigurationIncompatible);
  assert.is(refused['codeName'], 'NewReplicaSetConfigurationIncompatible');
  assert.is(refused['errmsg'], 'Non force replica set reconfig can only add or remove at most 1 voting member.');
  assert.is(rs.member(primary).config?.version, 1, 'nothing was installed');
  // Removing two voters is the same change the other way; turning two voters into non-voters too.
  const twoNonVoters = [ABC[0] as MemberSpec, { host: 'b:27017', votes: 0, priority: 0 }, { host: 'c:27017', votes: 0, priority: 0 }];
  assert.is(run(client, primary, 'admin', { replSetReconfig: reconfigDoc(2, twoNonVoters) })['code'], ErrorCodes.NewReplicaSetConfigurationIncompatible);
  assert.is(run(client, primary, 'admin', { replSetReconfig: reconfigDoc(2, [ABC[0] as MemberSpec]) })['code'], ErrorCodes.NewReplicaSetConfigurationIncompatible);
  // A non-voter change and one voter at a time are fine.
  const withD = [...ABC, { host: 'd:27017', votes: 0, priority: 0 }];
  assert.is(run(client, primary, 'admin', { replSetReconfig: reconfigDoc(2, withD) })['ok'], 1);
  world.scheduler.runFor(5_000);
  const oneVoterLess = [ABC[0] as MemberSpec, ABC[1] as MemberSpec, { host: 'c:27017', votes: 0, priority: 0 }, { host: 'd:27017', votes: 0, priority: 0 }];
  assert.is(run(client, primary, 'admin', { replSetReconfig: reconfigDoc(3, oneVoterLess) })['ok'], 1);
  world.scheduler.runFor(5_000);
  // force: true bypasses the single-change rule (back to three voters at once from one).
  const forced = run(client, primary, 'admin', { replSetReconfig: reconfigDoc(4, [ABC[0] as MemberSpec]), force: true });
  assert.is(forced['ok'], 1, JSON.stringify(forced));
});

test('a server older than 4.4 has no safe reconfig: two voters at once are accepted', () => {
  const { client, primary } = readySet(2902, { members: ABC, version: '4.2' });
  const five = [...ABC, { host: 'd:27017' }, { host: 'e:27017' }];
  assert.is(run(client, primary, 'admin', { replSetReconfig: reconfigDoc(2, five) })['ok'], 1);
});

test('a reconfig before the current config reached a majority fails with CurrentConfigNotCommittedYet', () => {
  const { world, client, rs, primary } = readySet(2903, { members: ABC });
  world.network.partition([primary], ['b:27017', 'c:27017']);
  const v2 = [ABC[0] as MemberSpec, ABC[1] as MemberSpec, { host: 'c:27017', tags: { dc: 'x' } }];
  assert.is(run(client, primary, 'admin', { replSetReconfig: reconfigDoc(2, v2) })['ok'], 1, 'the first reconfig is installed');
  world.scheduler.runFor(1_000);
  const term = rs.member(primary).term;
  const v3 = [ABC[0] as MemberSpec, ABC[1] as MemberSpec, { host: 'c:27017', tags: { dc: 'y' } }];
  const refused = run(client, primary, 'admin', { replSetReconfig: reconfigDoc(3, v3) });
  assert.is(refused['code'], ErrorCodes.CurrentConfigNotCommittedYet, JSON.stringify(refused));
  assert.is(refused['codeName'], 'CurrentConfigNotCommittedYet');
  assert.is(refused['errmsg'], `Cannot run replSetReconfig because the current config: {version: 2, term: ${term}} is not majority committed.`);
  // force: true does not wait.
  assert.is(run(client, primary, 'admin', { replSetReconfig: reconfigDoc(3, v3), force: true })['ok'], 1);
});

test('a reconfig before the previous config\'s committed writes are committed in the current one fails with CurrentConfigNotCommittedYet', () => {
  // c is a voter that applies an hour late: in a config where it is one of two voters, nothing new is majority-durable.
  const members: MemberSpec[] = [{ host: 'a:27017', priority: 2 }, { host: 'b:27017' }, { host: 'c:27017', priority: 0, hidden: true, secondaryDelaySecs: 3600 }];
  const { world, client, rs, primary } = readySet(2904, { members });
  assert.is(run(client, primary, 'test', { insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 'majority' } })['ok'], 1);
  // b stops voting: the voters are a and c, and c has not applied the write.
  const v2 = [members[0] as MemberSpec, { host: 'b:27017', votes: 0, priority: 0 }, members[2] as MemberSpec];
  assert.is(run(client, primary, 'admin', { replSetReconfig: reconfigDoc(2, v2) })['ok'], 1);
  world.scheduler.runFor(5_000);
  const v3 = [members[0] as MemberSpec, { host: 'b:27017', votes: 0, priority: 0, tags: { dc: 'x' } }, members[2] as MemberSpec];
  const refused = run(client, primary, 'admin', { replSetReconfig: reconfigDoc(3, v3) });
  assert.is(refused['code'], ErrorCodes.CurrentConfigNotCommittedYet, JSON.stringify(refused));
  assert.match(String(refused['errmsg']), /^Last committed optime from previous config \(\{ ts: Timestamp\(\d+, \d+\), t: \d+ \}\) is not committed in the current config\.$/);
  assert.is(rs.member(primary).config?.version, 2);
});

test('an unsafe reconfig scenario loses no majority-acknowledged write', () => {
  const { world, client, rs, primary } = readySet(2905, { members: ABC });
  assert.is(primary, 'a:27017');
  // c is cut off from a and b; writes are majority-acknowledged by a and b.
  world.network.partition(['c:27017'], ['a:27017', 'b:27017']);
  for (let i = 0; i < 5; i++) {
    const r = run(client, primary, 'test', { insert: 'c', documents: [{ _id: i }], writeConcern: { w: 'majority', wtimeout: 5_000 } });
    assert.is(r['ok'], 1);
    assert.is(r['writeConcernError'], undefined, `write ${i} is majority-acknowledged`);
  }
  // Two new voters, d and e, hear a and b but cannot answer them or sync from them; c hears d and e.
  world.network.partitionOneWay(['d:27017', 'e:27017'], ['a:27017', 'b:27017']);
  const replies: Array<Record<string, unknown> | null> = [];
  rs.reconfig([...ABC, { host: 'd:27017' }, { host: 'e:27017' }], (r) => replies.push(r));
  world.scheduler.runFor(60_000);
  // The one-voter-at-a-time path: d, then e.
  rs.reconfig([...ABC, { host: 'd:27017' }], (r) => replies.push(r));
  world.scheduler.runFor(30_000);
  rs.reconfig([...ABC, { host: 'd:27017' }, { host: 'e:27017' }], (r) => replies.push(r));
  world.scheduler.runFor(60_000);
  world.network.heal();
  world.scheduler.runFor(120_000);
  assert.equal(rs.violations.filter((v) => v.invariant === 'committedNeverLost'), [], 'no majority-committed write was rolled back');
  const now = rs.waitForPrimary(60_000) as string;
  world.scheduler.runFor(10_000);
  const ids = rs.member(now).documents('test.c').map((d) => d['_id']).sort();
  assert.equal(ids, [0, 1, 2, 3, 4], 'every acknowledged write is still there');
  assert.ok(replies.some((r) => r !== null && r['code'] === ErrorCodes.NewReplicaSetConfigurationIncompatible), `the two-voter reconfig was refused: ${JSON.stringify(replies)}`);
});

test.run();
