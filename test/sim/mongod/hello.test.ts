import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../../sim/world.js';
import { MongodProcess } from '../../../sim/mongod/process.js';
import { SimClient } from '../../../sim/mongod/client.js';
import { electionIdForTerm } from '../../../sim/mongod/hello.js';
import { readySet, run } from './helpers.js';

type Tv = { processId: { toHexString(): string }; counter: number };

test('primary hello has the fields a real primary sends', () => {
  const { client, primary, rs } = readySet(31);
  const hello = run(client, primary, 'admin', { hello: 1 });
  for (const field of ['topologyVersion', 'hosts', 'setName', 'setVersion', 'isWritablePrimary', 'secondary', 'primary', 'me', 'electionId',
    'lastWrite', 'maxBsonObjectSize', 'maxMessageSizeBytes', 'maxWriteBatchSize', 'localTime', 'logicalSessionTimeoutMinutes',
    'connectionId', 'minWireVersion', 'maxWireVersion', 'readOnly', 'ok']) {
    assert.ok(field in hello, `missing ${field}`);
  }
  assert.is(hello['isWritablePrimary'], true);
  assert.is(hello['secondary'], false);
  assert.is(hello['primary'], primary);
  assert.is(hello['me'], primary);
  assert.is(hello['maxBsonObjectSize'], 16777216);
  assert.is(hello['maxMessageSizeBytes'], 48000000);
  assert.is(hello['maxWriteBatchSize'], 100000);
  assert.is(hello['logicalSessionTimeoutMinutes'], 30);
  assert.is(hello['maxWireVersion'], 25);
  assert.is(hello['minWireVersion'], 0);
  assert.ok(hello['localTime'] instanceof Date);
  const term = rs.member(primary).term;
  assert.is((hello['electionId'] as { toHexString(): string }).toHexString(), `7fffffff${term.toString(16).padStart(16, '0')}`);
  const lw = hello['lastWrite'] as Record<string, unknown>;
  assert.ok(lw['lastWriteDate'] instanceof Date && lw['majorityWriteDate'] instanceof Date);
  assert.is((lw['opTime'] as { t: number }).t, term);
  assert.is((hello['topologyVersion'] as Tv).processId.toHexString().length, 24);
});

test('secondary hello: secondary true, primary named, no electionId; legacy isMaster uses ismaster', () => {
  const { client, primary, rs } = readySet(32);
  const secondary = rs.hosts.find((h) => h !== primary) as string;
  const hello = run(client, secondary, 'admin', { hello: 1 });
  assert.is(hello['isWritablePrimary'], false);
  assert.is(hello['secondary'], true);
  assert.is(hello['primary'], primary);
  assert.is(hello['electionId'], undefined);
  const legacy = run(client, secondary, 'admin', { isMaster: 1, helloOk: true });
  assert.is(legacy['ismaster'], false);
  assert.is(legacy['isWritablePrimary'], undefined);
  assert.is(legacy['helloOk'], true);
  assert.is(run(client, primary, 'admin', { ismaster: 1 })['ismaster'], true);
});

test('wire versions follow the chosen server version; 4.2 has no topologyVersion', () => {
  const expected: Array<[string, number]> = [['4.2', 8], ['4.4', 9], ['5.0', 13], ['6.0', 17], ['7.0', 21], ['8.0', 25]];
  for (const [version, wire] of expected) {
    const world = new World({ seed: 33 });
    const p = new MongodProcess(world, { host: 's:27017', version: version as '8.0' });
    p.start();
    const client = new SimClient(world);
    const hello = run(client, 's:27017', 'admin', { isMaster: 1, helloOk: true });
    assert.is(hello['maxWireVersion'], wire, version);
    assert.is(hello['helloOk'], version === '4.2' ? undefined : true, `${version} helloOk`);
    assert.is(run(client, 's:27017', 'admin', { hello: 1 })['code'], version === '4.2' ? 59 : undefined, `${version} hello command`);
    assert.is(hello['ismaster'], true);
    assert.is(hello['setName'], undefined);
    assert.is('topologyVersion' in hello, version !== '4.2', `${version} topologyVersion`);
  }
});

test('electionIdForTerm matches the server layout', () => {
  assert.is(electionIdForTerm(1).toHexString(), '7fffffff0000000000000001');
  assert.is(electionIdForTerm(0x1234).toHexString(), '7fffffff0000000000001234');
});

test('connectionId differs per connection', () => {
  const world = new World({ seed: 34 });
  const p = new MongodProcess(world, { host: 's:27017' });
  p.start();
  const a = run(new SimClient(world, 'c1'), 's:27017', 'admin', { hello: 1 })['connectionId'];
  const b = run(new SimClient(world, 'c2'), 's:27017', 'admin', { hello: 1 })['connectionId'];
  assert.is.not(a, b);
});

test('awaitable hello waits maxAwaitTimeMS in virtual time when nothing changes', () => {
  const { world, client, primary } = readySet(35);
  const first = run(client, primary, 'admin', { hello: 1 });
  const tv = first['topologyVersion'] as Tv;
  const sent = world.nowMs;
  let answeredAt = -1;
  client.command(primary, 'admin', { hello: 1, topologyVersion: tv, maxAwaitTimeMS: 10_000 }, () => { answeredAt = world.nowMs; });
  world.scheduler.runUntil(() => answeredAt >= 0, 20_000);
  assert.ok(answeredAt - sent >= 10_000 && answeredAt - sent <= 10_010, `answered after ${answeredAt - sent} ms`);
  // An out-of-date topologyVersion is answered at once.
  const stale = world.nowMs;
  let staleAt = -1;
  client.command(primary, 'admin', { hello: 1, topologyVersion: { processId: tv.processId, counter: tv.counter - 1 }, maxAwaitTimeMS: 10_000 }, () => { staleAt = world.nowMs; });
  world.scheduler.runUntil(() => staleAt >= 0, 20_000);
  assert.ok(staleAt - stale < 100);
});

test('awaitable hello answers early on a state change, with a higher counter', () => {
  const { world, client, primary, rs } = readySet(36);
  const tv = run(client, primary, 'admin', { hello: 1 })['topologyVersion'] as Tv;
  let reply: Record<string, unknown> | null = null;
  const sent = world.nowMs;
  client.command(primary, 'admin', { hello: 1, topologyVersion: tv, maxAwaitTimeMS: 10_000 }, (o) => { reply = o.ok ? (o.reply as Record<string, unknown>) : null; });
  world.scheduler.runFor(50);
  rs.stepDown(primary, 60);
  world.scheduler.runUntil(() => reply !== null, 20_000);
  assert.ok(world.nowMs - sent < 10_000);
  const r = reply as unknown as Record<string, unknown>;
  assert.is(r['isWritablePrimary'], false);
  assert.ok((r['topologyVersion'] as Tv).counter > tv.counter);
  assert.equal(rs.violations, []);
});

test.run();
