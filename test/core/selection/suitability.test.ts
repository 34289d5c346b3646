import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  filterByTagSets,
  inLatencyWindow,
  readPreference,
  readSelector,
  suitableServers,
  writeSelector,
} from '../../../core/selection/index.js';
import { server, topology } from './helpers.js';

const primary = server('a:27017', { type: 'RSPrimary', roundTripTime: 5, tags: { dc: 'ny' }, lastUpdateTime: 0, lastWriteDate: 100 });
const nySecondary = server('b:27017', { type: 'RSSecondary', roundTripTime: 5, tags: { dc: 'ny', rack: '1' }, lastUpdateTime: 0, lastWriteDate: 100 });
const sfSecondary = server('c:27017', { type: 'RSSecondary', roundTripTime: 30, tags: { dc: 'sf' }, lastUpdateTime: 0, lastWriteDate: 100 });
const arbiter = server('d:27017', { type: 'RSArbiter', roundTripTime: 1 });
const rs = topology('ReplicaSetWithPrimary', [primary, nySecondary, sfSecondary, arbiter]);

const addresses = (list: readonly { address: string }[]) => list.map((s) => s.address).sort();
const read = (input: Parameters<typeof readPreference>[0]) => readSelector(readPreference(input));

test('replica set reads follow the mode', () => {
  assert.equal(addresses(suitableServers(rs, read('primary'))), ['a:27017']);
  assert.equal(addresses(suitableServers(rs, read('secondary'))), ['b:27017', 'c:27017']);
  assert.equal(addresses(suitableServers(rs, read('nearest'))), ['a:27017', 'b:27017', 'c:27017']);
  assert.equal(addresses(suitableServers(rs, read('primaryPreferred'))), ['a:27017']);
  assert.equal(addresses(suitableServers(rs, read('secondaryPreferred'))), ['b:27017', 'c:27017']);
});

test('tag sets are tried in order; the first matching any candidate wins', () => {
  assert.equal(addresses(suitableServers(rs, read({ mode: 'secondary', tags: [{ dc: 'tokyo' }, { dc: 'sf' }, {}] }))), ['c:27017']);
  assert.equal(addresses(suitableServers(rs, read({ mode: 'secondary', tags: [{ dc: 'ny', rack: '1' }] }))), ['b:27017']);
  assert.equal(addresses(suitableServers(rs, read({ mode: 'secondary', tags: [{ dc: 'tokyo' }] }))), []);
  // secondaryPreferred falls back to the primary when no secondary is eligible, whatever the primary's tags.
  assert.equal(addresses(suitableServers(rs, read({ mode: 'secondaryPreferred', tags: [{ dc: 'tokyo' }] }))), ['a:27017']);
  assert.equal(addresses(filterByTagSets([nySecondary], [])), ['b:27017']);
  assert.equal(addresses(filterByTagSets([nySecondary], [{ toString: 'x' }])), [], 'prototype names do not match');
});

test('writes: primary only; none without one; mongos; load balancer; single server', () => {
  assert.equal(addresses(suitableServers(rs, writeSelector)), ['a:27017']);
  assert.equal(addresses(suitableServers(topology('ReplicaSetNoPrimary', [nySecondary]), writeSelector)), []);
  const mongos = server('m:27017', { type: 'Mongos', roundTripTime: 1 });
  const unknown = server('u:27017');
  assert.equal(addresses(suitableServers(topology('Sharded', [mongos, unknown]), writeSelector)), ['m:27017']);
  assert.equal(addresses(suitableServers(topology('LoadBalanced', [server('lb:27017', { type: 'LoadBalancer' })]), writeSelector)), ['lb:27017']);
  assert.equal(addresses(suitableServers(topology('Single', [nySecondary]), writeSelector)), ['b:27017']);
  assert.equal(addresses(suitableServers(topology('Single', [server('p:27017', { type: 'PossiblePrimary' })]), writeSelector)), []);
  assert.equal(addresses(suitableServers(topology('Unknown', [mongos]), read('nearest'))), []);
});

test('deprioritized servers are used only when nothing else is suitable', () => {
  assert.equal(addresses(suitableServers(rs, read('secondary'), new Set(['b:27017']))), ['c:27017']);
  assert.equal(addresses(suitableServers(rs, read('secondary'), new Set(['b:27017', 'c:27017']))), ['b:27017', 'c:27017']);
  // server-selection.md: if all secondaries are deprioritized, secondaryPreferred MUST select the primary.
  assert.equal(addresses(suitableServers(rs, read('secondaryPreferred'), new Set(['b:27017', 'c:27017']))), ['a:27017']);
  // ...and if the primary is deprioritized, primaryPreferred MUST select a secondary.
  assert.equal(addresses(suitableServers(rs, read('primaryPreferred'), new Set(['a:27017']))), ['b:27017', 'c:27017']);
});

test('max staleness filters before tags', () => {
  const p = server('p:27017', { type: 'RSPrimary', lastUpdateTime: 0, lastWriteDate: 200_000 });
  const stale = server('s1:27017', { type: 'RSSecondary', lastUpdateTime: 0, lastWriteDate: 0, tags: { dc: 'ny' } });
  const fresh = server('s2:27017', { type: 'RSSecondary', lastUpdateTime: 0, lastWriteDate: 199_000, tags: { dc: 'sf' } });
  const t = topology('ReplicaSetWithPrimary', [p, stale, fresh]);
  const selector = read({ mode: 'secondary', tags: [{ dc: 'ny' }, { dc: 'sf' }], maxStalenessSeconds: 90 });
  assert.equal(addresses(suitableServers(t, selector)), ['s2:27017']);
});

test('latency window: [fastest, fastest + localThresholdMS]; unmeasured servers only when nothing is measured', () => {
  const s = (address: string, rtt: number | null) => server(address, { type: 'Mongos', roundTripTime: rtt });
  assert.equal(addresses(inLatencyWindow([s('a:1', 10), s('b:1', 25), s('c:1', 25.5), s('d:1', null)], 15)), ['a:1', 'b:1']);
  assert.equal(addresses(inLatencyWindow([s('a:1', null), s('b:1', null)], 15)), ['a:1', 'b:1']);
  assert.equal(addresses(inLatencyWindow([s('a:1', 10), s('b:1', 10)], -3)), ['a:1', 'b:1']);
  assert.equal(addresses(inLatencyWindow([s('a:1', 10), s('b:1', 11)], 0)), ['a:1']);
});

test.run();
