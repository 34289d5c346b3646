import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readySet, spyTransport, type SentCommand } from './helpers.js';
import { ClientRuntime } from '../../../client/runtime/runtime.js';
import type { RuntimeEvent } from '../../../client/runtime/api.js';
import { simPorts } from '../../../harness/sim-ports.js';

function monitored(seed: number, uri: string, ms = 35_000) {
  const { world } = readySet(seed);
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(world), sent);
  const runtime = new ClientRuntime(uri, { ports, metadata: { driverVersion: '9.9.9', os: { type: 'Linux', architecture: 'x64' }, platform: 'Node.js vSim' } });
  const events: RuntimeEvent[] = [];
  runtime.subscribe((e) => events.push(e));
  runtime.connect();
  world.scheduler.runFor(ms);
  return { world, runtime, sent, events, ports };
}

test('streaming: awaitable hellos with topologyVersion + maxAwaitTimeMS, and an RTT monitor per server', () => {
  const { runtime, sent, events } = monitored(41, 'mongodb://a:27017/?replicaSet=rs0&heartbeatFrequencyMS=2000');
  const awaitable = sent.filter((s) => s.body['topologyVersion'] !== undefined);
  assert.ok(awaitable.length >= 3, `awaitable hellos: ${awaitable.length}`);
  for (const s of awaitable) {
    assert.is(s.body['maxAwaitTimeMS'], 2000);
    assert.is(s.body['hello'], 1, 'after a helloOk handshake the monitor uses hello');
  }
  assert.ok(events.some((e) => e.name === 'serverHeartbeatSucceeded' && e['awaited'] === true));
  for (const address of ['a:27017', 'b:27017', 'c:27017']) {
    const connections = new Set(sent.filter((s) => s.address === address && ('hello' in s.body || 'isMaster' in s.body)).map((s) => s.connectionId));
    // The monitoring connection and the RTT monitor's own connection.
    assert.ok(connections.size >= 2, `${address}: ${connections.size} hello connections`);
    const rttPings = sent.filter((s) => s.address === address && s.body['hello'] === 1 && s.body['topologyVersion'] === undefined);
    assert.ok(rttPings.length >= 5, `${address}: ${rttPings.length} RTT pings`);
  }
  // The RTT monitor keeps the average fresh while the awaited replies carry none.
  for (const s of runtime.description().servers.values()) assert.ok(s.roundTripTime !== null, s.address);
});

test('handshake: legacy hello with helloOk and the client metadata from options', () => {
  const { sent } = monitored(42, 'mongodb://a:27017/?replicaSet=rs0&appname=tutorial', 1000);
  const handshake = sent.find((s) => 'client' in s.body);
  assert.ok(handshake);
  assert.is(handshake!.body['isMaster'], 1);
  assert.is(handshake!.body['helloOk'], true);
  assert.equal(handshake!.body['client'], {
    application: { name: 'tutorial' },
    driver: { name: 'mongosim', version: '9.9.9' },
    os: { type: 'Linux', architecture: 'x64' },
    platform: 'Node.js vSim',
  });
  assert.is(handshake!.body['loadBalanced'], undefined);
});

test('serverMonitoringMode=poll: regular hellos every heartbeatFrequencyMS, no RTT connection', () => {
  const { sent, events } = monitored(43, 'mongodb://a:27017/?replicaSet=rs0&serverMonitoringMode=poll&heartbeatFrequencyMS=1000', 10_500);
  assert.not.ok(sent.some((s) => s.body['topologyVersion'] !== undefined), 'no awaitable hello when polling');
  assert.not.ok(events.some((e) => e.name === 'serverHeartbeatStarted' && e['awaited'] === true));
  const toA = sent.filter((s) => s.address === 'a:27017');
  assert.is(new Set(toA.map((s) => s.connectionId)).size, 1, 'one monitoring connection, no RTT connection');
  // About one check per heartbeatFrequencyMS (10.5 s ⇒ ~10 checks, plus requested ones).
  assert.ok(toA.length >= 9 && toA.length <= 16, `checks of a: ${toA.length}`);
});

test('heartbeat events name the monitoring connection: driverConnectionId per new connection, serverConnectionId once its handshake answered', () => {
  const { events } = monitored(43, 'mongodb://a:27017/?replicaSet=rs0&heartbeatFrequencyMS=2000', 5_000);
  const beats = events.filter((e) => e.name.startsWith('serverHeartbeat') && e['connectionId'] === 'a:27017');
  assert.ok(beats.length >= 3, `heartbeats of a: ${beats.length}`);
  const [firstStarted, firstSucceeded, secondStarted] = beats;
  assert.equal([firstStarted!.name, firstStarted!['driverConnectionId'], 'serverConnectionId' in firstStarted!], ['serverHeartbeatStarted', 1, false]);
  assert.is(firstSucceeded!.name, 'serverHeartbeatSucceeded');
  assert.is(firstSucceeded!['driverConnectionId'], 1);
  assert.type(firstSucceeded!['serverConnectionId'], 'number');
  assert.is(secondStarted!['serverConnectionId'], firstSucceeded!['serverConnectionId'], 'the same connection keeps its server id');
});

test.run();
