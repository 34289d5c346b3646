import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseReplSetConfig } from '../../../sim/mongod/config.js';
import { isNewerConfig } from '../../../sim/mongod/heartbeats.js';
import { hostsABC, newSet } from './helpers.js';
import { World } from '../../../sim/world.js';
import { ReplicaSetSim } from '../../../sim/mongod/replset.js';
import { SimClient } from '../../../sim/mongod/client.js';

const mine = parseReplSetConfig({ _id: 'rs0', version: 5, members: [{ _id: 0, host: 'a:1' }] }, { term: 3 });

test('isNewerConfig: same set and a higher term, or a higher version; never our own object', () => {
  assert.is(isNewerConfig(mine, 'rs0', mine), false);
  assert.is(isNewerConfig(mine, 'rs0', { _id: 'rs0', version: 5, term: 3 }), false);
  assert.is(isNewerConfig(mine, 'rs0', { _id: 'rs0', version: 4, term: 4 }), true, 'higher term wins');
  assert.is(isNewerConfig(mine, 'rs0', { _id: 'rs0', version: 6, term: 3 }), true);
  assert.is(isNewerConfig(mine, 'rs0', { _id: 'rs0', version: 4, term: 3 }), false);
  assert.is(isNewerConfig(mine, 'rs0', { _id: 'other', version: 9, term: 9 }), false, 'another set never');
});

test('isNewerConfig without a config: any config of our set name', () => {
  assert.is(isNewerConfig(null, 'rs0', { _id: 'rs0', version: 1, term: 0 }), true);
  assert.is(isNewerConfig(null, 'rs0', { _id: 'rs1', version: 1, term: 0 }), false);
});

test('members learn a reconfig through heartbeats alone', () => {
  const { world, rs } = newSet(71);
  rs.initiate();
  const primary = rs.waitForPrimary(60_000);
  assert.ok(primary !== null);
  world.scheduler.runFor(3000);
  const before = rs.member(primary as string).config?.version ?? 0;
  let reply: Record<string, unknown> | null = null;
  rs.reconfig(hostsABC.map((m) => ({ ...m })), (r) => { reply = r; });
  world.scheduler.runFor(100);
  assert.is((reply as Record<string, unknown> | null)?.['ok'], 1, 'the primary accepted the reconfig');
  // The reconfig command reaches only the primary; the others must learn the new config from heartbeats.
  world.scheduler.runFor(5000);
  for (const host of rs.hosts) assert.is(rs.member(host).config?.version, before + 1, host);
});

test('a member started before replSetInitiate heartbeats at the adopted heartbeatIntervalMillis, not the default', () => {
  // The members start with no config (so the 2 s default); the initiated config says 500 ms.
  const world = new World({ seed: 5, keepTraceLines: true });
  const rs = new ReplicaSetSim(world, { name: 'rs0', members: hostsABC, settings: { heartbeatIntervalMillis: 500 } });
  rs.initiate();
  assert.ok(rs.waitForPrimary(60_000) !== null);
  world.scheduler.runFor(5000);
  const from = world.trace.lines().length;
  const windowMs = 10_000;
  world.scheduler.runFor(windowMs);
  const sent = world.trace.lines().slice(from).filter((line) => / send c\d+>\d+ .*replSetHeartbeat/.test(line)).length;
  // 3 members × 2 peers, one heartbeat each per 500 ms: 120 in 10 s (the 2 s default would give 30).
  const expected = (3 * 2 * windowMs) / 500;
  assert.ok(sent >= expected * 0.9 && sent <= expected * 1.1, `expected about ${expected} heartbeats in ${windowMs} ms, saw ${sent}`);
});

test('a reconfig that changes heartbeatIntervalMillis re-arms the heartbeat timer of every member', () => {
  const world = new World({ seed: 6, keepTraceLines: true });
  const rs = new ReplicaSetSim(world, { name: 'rs0', members: hostsABC });
  rs.initiate();
  const primary = rs.waitForPrimary(60_000);
  assert.ok(primary !== null);
  world.scheduler.runFor(3000);
  const doc = rs.configDocument(rs.member(primary as string).config?.version ?? 1);
  const before = rs.member(primary as string).config?.version ?? 0;
  let reply: Record<string, unknown> | null = null;
  new SimClient(world).command(primary as string, 'admin', { replSetReconfig: { ...doc, version: before + 1, settings: { heartbeatIntervalMillis: 250 } } }, (o) => { reply = o.ok ? (o.reply as Record<string, unknown>) : null; });
  world.scheduler.runFor(5000);
  assert.is((reply as Record<string, unknown> | null)?.['ok'], 1, JSON.stringify(reply));
  const from = world.trace.lines().length;
  world.scheduler.runFor(10_000);
  const sent = world.trace.lines().slice(from).filter((line) => / send c\d+>\d+ .*replSetHeartbeat/.test(line)).length;
  assert.ok(sent >= 216 && sent <= 264, `expected about 240 heartbeats in 10 s at 250 ms, saw ${sent}`);
});

test.run();
