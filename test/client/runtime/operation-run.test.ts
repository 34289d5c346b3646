// OperationRun in the simulator: the command on the wire is the command the executor built and
// reported in commandStarted ($readPreference included), and an operation pinned to a cursor's
// server fails at once when that server is dead, in virtual time, well before
// serverSelectionTimeoutMS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoNetworkError } from '../../../core/errors.js';
import { MongoServerClosedError } from '../../../core/executor/pinned.js';
import { readPreference } from '../../../core/selection/read-preference.js';
import { ClientRuntime } from '../../../client/runtime/runtime.js';
import type { RunResult, RuntimeEvent } from '../../../client/runtime/api.js';
import { simPorts } from '../../../harness/sim-ports.js';
import { MongosProcess } from '../../../sim/mongos/mongos.js';
import { closeSync, find, insert, readySet, runSync, spyTransport, type Harness, type SentCommand } from './helpers.js';

/** The client's serverSelectionTimeoutMS in these tests: the bound a pinned failure must beat by far. */
const serverSelectionTimeoutMS = 30_000;
/** "At once": a dead server's failure arrives within a few simulated network round trips. */
const failFastBoundMs = 1_000;

function spiedRuntime(world: Harness['world'], uri: string): Harness & { sent: SentCommand[] } {
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(world), sent);
  const runtime = new ClientRuntime(uri, { ports });
  const events: RuntimeEvent[] = [];
  runtime.subscribe((e) => events.push(e));
  return { world, ports, runtime, events, sent };
}

/** Every commandStarted of `commandName` next to the command the wire saw under its requestId. */
function startedAndSent(h: Harness & { sent: SentCommand[] }, commandName: string) {
  const started = h.events.filter((e) => e.name === 'commandStarted' && e['commandName'] === commandName);
  assert.ok(started.length > 0, `a ${commandName} was started`);
  return started.map((e) => {
    const wire = h.sent.find((s) => s.requestId === e['requestId'] && s.address === e['address']);
    assert.ok(wire, `the ${commandName} of request ${String(e['requestId'])} went on the wire`);
    return { event: e['command'] as Record<string, unknown>, wire: wire.body };
  });
}

test('commandStarted shows the command exactly as the wire got it, $readPreference included', () => {
  const s = readySet(91);
  const shard = { name: 'rs0', hosts: s.rs.hosts };
  new MongosProcess(s.world, { host: 'm1:27017', shard }).start();
  const rp = readPreference({ mode: 'secondaryPreferred', tags: [{}], maxStalenessSeconds: 120 });

  // Through a mongos: the read preference goes along in full.
  const viaMongos = spiedRuntime(s.world, 'mongodb://m1:27017/');
  assert.ok(runSync(viaMongos, insert('c', [{ _id: 1 }])).ok);
  s.world.scheduler.runFor(2000);
  const r1 = runSync(viaMongos, find('c', {}, { readPreference: rp }));
  assert.ok(r1.ok, r1.ok ? '' : String(r1.error));
  for (const { event, wire } of startedAndSent(viaMongos, 'find')) {
    assert.equal(wire['$readPreference'], { mode: 'secondaryPreferred', tags: [{}], maxStalenessSeconds: 120 });
    assert.equal(event, wire);
  }
  for (const { event, wire } of startedAndSent(viaMongos, 'insert')) {
    assert.not.ok('$readPreference' in wire, 'a write carries no read preference');
    assert.equal(event, wire);
  }
  closeSync(viaMongos);

  // Directly to a secondary: mode primary is sent as primaryPreferred, and the event says so.
  const secondary = s.rs.hosts.find((x) => x !== s.primary)!;
  const direct = spiedRuntime(s.world, `mongodb://${secondary}/?directConnection=true`);
  const r2 = runSync(direct, find('c'));
  assert.ok(r2.ok, r2.ok ? '' : String(r2.error));
  for (const { event, wire } of startedAndSent(direct, 'find')) {
    assert.equal(wire['$readPreference'], { mode: 'primaryPreferred' });
    assert.equal(event, wire);
  }
  closeSync(direct);

  // A replica set: mode primary sends none; mode secondary sends it.
  const set = spiedRuntime(s.world, 'mongodb://a:27017/?replicaSet=rs0');
  assert.ok(runSync(set, find('c')).ok);
  assert.ok(runSync(set, find('c', {}, { readPreference: readPreference('secondary') })).ok);
  const [primaryRead, secondaryRead] = startedAndSent(set, 'find');
  assert.not.ok('$readPreference' in primaryRead!.wire);
  assert.equal(primaryRead!.event, primaryRead!.wire);
  assert.equal(secondaryRead!.wire['$readPreference'], { mode: 'secondary' });
  assert.equal(secondaryRead!.event, secondaryRead!.wire);
  closeSync(set);
});

/** Opens a cursor of one-document batches on a secondary; returns its id and server. */
function openCursor(h: Harness): { id: unknown; address: string } {
  assert.ok(runSync(h, insert('c', [{ _id: 1 }, { _id: 2 }, { _id: 3 }])).ok);
  h.world.scheduler.runFor(2000);
  const first = runSync(h, find('c', {}, { command: { find: 'c', filter: {}, batchSize: 1 }, readPreference: readPreference('secondary') }));
  if (!first.ok) throw first.error;
  const cursor = first.reply['cursor'] as { id: unknown };
  return { id: cursor.id, address: first.address };
}

/** Runs the getMore and returns its result with the virtual ms it took. */
function timedGetMore(h: Harness, cursor: { id: unknown; address: string }): { result: RunResult; elapsedMs: number } {
  const startedAtMs = h.world.nowMs;
  const result = runSync(h, { kind: 'read', databaseName: 'test', command: { getMore: cursor.id, collection: 'c', batchSize: 1 }, address: cursor.address });
  return { result, elapsedMs: h.world.nowMs - startedAtMs };
}

test('the cursor\'s server crashes: the getMore fails with MongoNetworkError at once, before SDAM notices', () => {
  const s = readySet(92);
  const h = spiedRuntime(s.world, `mongodb://a:27017/?replicaSet=rs0&serverSelectionTimeoutMS=${serverSelectionTimeoutMS}`);
  const cursor = openCursor(h);
  assert.is.not(cursor.address, s.primary);
  const ok = timedGetMore(h, cursor);
  assert.ok(ok.result.ok, 'the getMore works while the server is up');
  s.rs.crash(cursor.address);
  const { result, elapsedMs } = timedGetMore(h, cursor);
  assert.not.ok(result.ok);
  if (result.ok) return;
  assert.instance(result.error, MongoNetworkError, `${result.error.name}: ${result.error.message}`);
  assert.ok(elapsedMs < failFastBoundMs, `failed after ${elapsedMs} virtual ms (serverSelectionTimeoutMS ${serverSelectionTimeoutMS})`);
  assert.not.match(result.error.message, /Single/, 'no fake one-server topology is involved');
  assert.is(result.attempts, 1);
  // It went to the cursor's server only: never to another member.
  assert.ok(h.sent.filter((x) => 'getMore' in x.body).every((x) => x.address === cursor.address));
  closeSync(h);
});

test('the cursor\'s server is known to be down: the getMore fails with the pool\'s network error at once', () => {
  const s = readySet(93);
  const h = spiedRuntime(s.world, `mongodb://a:27017/?replicaSet=rs0&serverSelectionTimeoutMS=${serverSelectionTimeoutMS}`);
  const cursor = openCursor(h);
  s.rs.crash(cursor.address);
  // Long enough for the monitor to mark it Unknown (and clear its pool).
  s.world.scheduler.runUntil(() => h.runtime.description().servers.get(cursor.address)?.type === 'Unknown', 60_000);
  assert.is(h.runtime.description().servers.get(cursor.address)?.type, 'Unknown');
  const getMoresBefore = h.sent.filter((x) => 'getMore' in x.body).length;
  const { result, elapsedMs } = timedGetMore(h, cursor);
  assert.not.ok(result.ok);
  if (result.ok) return;
  assert.instance(result.error, MongoNetworkError, `${result.error.name}: ${result.error.message}`);
  assert.ok(elapsedMs < failFastBoundMs, `failed after ${elapsedMs} virtual ms (serverSelectionTimeoutMS ${serverSelectionTimeoutMS})`);
  assert.is(h.sent.filter((x) => 'getMore' in x.body).length, getMoresBefore, 'nothing sent anywhere');
  closeSync(h);
});

test('the cursor\'s server left the topology: the getMore fails at once with an error naming it', () => {
  const s = readySet(94);
  const h = spiedRuntime(s.world, `mongodb://a:27017/?replicaSet=rs0&serverSelectionTimeoutMS=${serverSelectionTimeoutMS}`);
  const cursor = openCursor(h);
  const gone = { id: cursor.id, address: 'removed.example:27017' };
  const { result, elapsedMs } = timedGetMore(h, gone);
  assert.not.ok(result.ok);
  if (result.ok) return;
  assert.instance(result.error, MongoServerClosedError);
  assert.match(result.error.message, /removed\.example:27017/);
  assert.is(elapsedMs, 0);
  closeSync(h);
});

test.run();
