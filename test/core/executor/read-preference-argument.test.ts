// The `$readPreference` global command argument (server-selection.md "Passing read preference to
// mongos and load balancers", "Topology type: Single", "Topology types: ReplicaSetWithPrimary or
// ReplicaSetNoPrimary"), as a rule and as part of the command the executor sends and reports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readPreference, readPreferenceModes, type ReadPreference } from '../../../core/selection/read-preference.js';
import type { ServerType, TopologyType } from '../../../core/sdam/types.js';
import { directConnectionReadPreferenceMode, readPreferenceArgument } from '../../../core/executor/read-preference-argument.js';
import type { OperationKind } from '../../../core/executor/types.js';
import { Run, connection, selectedServer, find, insertOne, server, topology } from './helpers.js';

function argument(topologyType: TopologyType, serverType: ServerType, rp: ReadPreference | null, kind: OperationKind = 'read') {
  return readPreferenceArgument({ kind, readPreference: rp, topologyType, serverType });
}

const nonPrimaryModes = readPreferenceModes.filter((m) => m !== 'primary');
const fullSecondary = readPreference({ mode: 'secondary', tags: [{ dc: 'ny', rack: '1' }, {}], maxStalenessSeconds: 120, hedge: { enabled: true } });
const fullSecondaryDocument = { mode: 'secondary', tags: [{ dc: 'ny', rack: '1' }, {}], maxStalenessSeconds: 120, hedge: { enabled: true } };

test('mongos and load balancer: nothing for primary (or none), the mode for every other mode', () => {
  for (const [topologyType, serverType] of [['Sharded', 'Mongos'], ['LoadBalanced', 'LoadBalancer'], ['Single', 'Mongos']] as const) {
    const where = `${topologyType}/${serverType}`;
    assert.is(argument(topologyType, serverType, null), null, `${where}: no read preference`);
    assert.is(argument(topologyType, serverType, readPreference('primary')), null, `${where}: primary`);
    for (const mode of nonPrimaryModes) {
      assert.equal(argument(topologyType, serverType, readPreference(mode)), { mode }, `${where}: ${mode}`);
    }
  }
});

test('mongos and load balancer: tags, maxStalenessSeconds and hedge are passed through ("Document structure")', () => {
  assert.equal(argument('Sharded', 'Mongos', fullSecondary), fullSecondaryDocument);
  assert.equal(argument('LoadBalanced', 'LoadBalancer', fullSecondary), fullSecondaryDocument);
  // secondaryPreferred with only a mode is still sent as a document under OP_MSG.
  assert.equal(argument('Sharded', 'Mongos', readPreference({ mode: 'secondaryPreferred', maxStalenessSeconds: 90 })), { mode: 'secondaryPreferred', maxStalenessSeconds: 90 });
  // No hedge unless the application gave one; an explicit disabled hedge is sent as given.
  assert.not.ok('hedge' in argument('Sharded', 'Mongos', readPreference('nearest'))!);
  assert.equal(argument('Sharded', 'Mongos', readPreference({ mode: 'nearest', hedge: { enabled: false } })), { mode: 'nearest', hedge: { enabled: false } });
  // The document is a copy: changing it leaves the read preference alone.
  const sent = argument('Sharded', 'Mongos', fullSecondary)!;
  (sent.tags as Array<Record<string, string>>)[0]!.dc = 'changed';
  assert.is(fullSecondary.tagSets[0]!.dc, 'ny');
});

test('Single (direct connection) to a replica set member: primary or none becomes primaryPreferred', () => {
  for (const serverType of ['RSSecondary', 'RSPrimary', 'RSArbiter', 'RSOther', 'RSGhost', 'Unknown'] as const) {
    assert.equal(argument('Single', serverType, null), { mode: directConnectionReadPreferenceMode }, `${serverType}: none`);
    assert.equal(argument('Single', serverType, readPreference('primary')), { mode: 'primaryPreferred' }, `${serverType}: primary`);
    // "If the application read preference is set otherwise, $readPreference MUST be set following Document structure."
    assert.equal(argument('Single', serverType, readPreference('nearest')), { mode: 'nearest' });
    assert.equal(argument('Single', serverType, fullSecondary), fullSecondaryDocument);
  }
  // The generic command method acts as a read for this purpose too.
  assert.equal(argument('Single', 'RSSecondary', null, 'command'), { mode: 'primaryPreferred' });
});

test('Single to a standalone: never sent, whatever the mode', () => {
  assert.is(argument('Single', 'Standalone', null), null);
  for (const mode of readPreferenceModes) assert.is(argument('Single', 'Standalone', readPreference(mode)), null, mode);
  assert.is(argument('Single', 'Standalone', fullSecondary, 'command'), null);
});

test('replica set members: not sent for primary, sent for every other mode', () => {
  for (const topologyType of ['ReplicaSetWithPrimary', 'ReplicaSetNoPrimary'] as const) {
    for (const serverType of ['RSPrimary', 'RSSecondary'] as const) {
      assert.is(argument(topologyType, serverType, null), null, `${topologyType}/${serverType}: none`);
      assert.is(argument(topologyType, serverType, readPreference('primary')), null, `${topologyType}/${serverType}: primary`);
      for (const mode of nonPrimaryModes) assert.equal(argument(topologyType, serverType, readPreference(mode)), { mode });
      assert.equal(argument(topologyType, serverType, fullSecondary), fullSecondaryDocument);
    }
  }
});

test('writes never carry a read preference', () => {
  for (const [topologyType, serverType] of [['Sharded', 'Mongos'], ['Single', 'RSSecondary'], ['LoadBalanced', 'LoadBalancer'], ['ReplicaSetWithPrimary', 'RSPrimary']] as const) {
    assert.is(argument(topologyType, serverType, null, 'write'), null, `${topologyType}/${serverType}`);
  }
});

// ---- as part of the command the executor builds ---------------------------------------------

/** Runs one read to the first server of `topo` and returns the send action and commandStarted event. */
function sendOnce(topo: ReturnType<typeof topology>, operation = find()) {
  const run = new Run();
  run.start(operation, topo, 0);
  const checkOut = run.lastOf('checkOut');
  assert.ok(checkOut, 'expected a checkOut');
  run.step({ type: 'checkedOut', connection: connection(1, selectedServer(run.state)) }, 1);
  const send = run.lastOf('send')!;
  const started = run.eventsNamed('commandStarted')[0]!;
  return { run, send, started };
}

test('the command sent and the commandStarted event carry the same $readPreference', () => {
  const mongos = topology('Sharded', [server('m:27017', 'Mongos')]);
  const secondaryRead = find({ readPreference: fullSecondary });
  const { send, started } = sendOnce(mongos, secondaryRead);
  assert.equal(send.command.$readPreference, fullSecondaryDocument);
  assert.equal(started.command, send.command, 'commandStarted shows exactly what is sent');
  // Key order: the command name stays first.
  assert.is(Object.keys(send.command)[0], 'find');
  // The operation's own command document is not changed.
  assert.not.ok('$readPreference' in secondaryRead.command);
  assert.not.ok('lsid' in secondaryRead.command);
});

test('the executor applies each rule to the server it sends to', () => {
  const cases = [
    { what: 'mongos, primary', topo: topology('Sharded', [server('m:27017', 'Mongos')]), rp: undefined, expected: undefined },
    { what: 'mongos, nearest', topo: topology('Sharded', [server('m:27017', 'Mongos')]), rp: readPreference('nearest'), expected: { mode: 'nearest' } },
    { what: 'load balancer, secondaryPreferred', topo: topology('LoadBalanced', [server('lb:27017', 'LoadBalancer')]), rp: readPreference('secondaryPreferred'), expected: { mode: 'secondaryPreferred' } },
    { what: 'direct to a secondary', topo: topology('Single', [server('s:27017', 'RSSecondary')]), rp: undefined, expected: { mode: 'primaryPreferred' } },
    { what: 'direct to a standalone', topo: topology('Single', [server('s:27017', 'Standalone')]), rp: readPreference('secondary'), expected: undefined },
    { what: 'replica set primary, primary', topo: topology('ReplicaSetWithPrimary', [server('p:27017', 'RSPrimary')]), rp: readPreference('primary'), expected: undefined },
    { what: 'replica set secondary, secondary', topo: topology('ReplicaSetNoPrimary', [server('s:27017', 'RSSecondary')]), rp: readPreference('secondary'), expected: { mode: 'secondary' } },
  ];
  for (const c of cases) {
    const { send, started } = sendOnce(c.topo, find(c.rp === undefined ? {} : { readPreference: c.rp }));
    assert.equal(send.command.$readPreference, c.expected, c.what);
    assert.equal(started.command, send.command, c.what);
  }
});

test('a write to a mongos or a direct connection carries no $readPreference', () => {
  for (const topo of [topology('Sharded', [server('m:27017', 'Mongos')]), topology('Single', [server('p:27017', 'RSPrimary')])]) {
    const { send, started } = sendOnce(topo, insertOne());
    assert.not.ok('$readPreference' in send.command);
    assert.equal(started.command, send.command);
  }
});

test('a command that carries its own $readPreference is sent as given', () => {
  const own = { mode: 'secondary', tags: [{ dc: 'sf' }] };
  const mongos = topology('Sharded', [server('m:27017', 'Mongos')]);
  const { send, started } = sendOnce(mongos, find({ kind: 'command', command: { ping: 1, $readPreference: own }, readPreference: readPreference('nearest') }));
  assert.equal(send.command.$readPreference, own);
  assert.equal(started.command, send.command);
});

test('a read retried on another server type gets that server\'s $readPreference', () => {
  const run = new Run();
  // Mode primary: a secondary reached directly gets primaryPreferred; the retry, now on a replica
  // set primary, gets none.
  run.start(find(), topology('Single', [server('a:27017', 'RSSecondary')]), 0);
  run.step({ type: 'checkedOut', connection: connection(1, selectedServer(run.state)) }, 0);
  run.step({ type: 'reply', reply: { ok: 0, code: 91, errmsg: 'shutting down' } }, 5);
  run.step({ type: 'topologyChanged', topology: topology('ReplicaSetWithPrimary', [server('a:27017', 'RSPrimary')]) }, 5);
  run.step({ type: 'checkedOut', connection: connection(2, selectedServer(run.state)) }, 6);
  const sends = run.of('send');
  assert.is(sends.length, 2);
  assert.equal(sends[0]!.command.$readPreference, { mode: 'primaryPreferred' });
  assert.not.ok('$readPreference' in sends[1]!.command);
  assert.equal(run.eventsNamed('commandStarted').map((e) => e.command), sends.map((s) => s.command));
});

test.run();
