import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseReplSetConfig } from '../../../sim/mongod/config.js';
import { isNewerConfig } from '../../../sim/mongod/heartbeats.js';
import { hostsABC, newSet } from './helpers.js';

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

test.run();
