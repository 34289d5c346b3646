import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compareTopologyVersion,
  compatibilityErrorFor,
  isDataBearing,
  serverDescriptionsEqual,
  unknownServerDescription,
} from '../../../core/sdam/server-description.js';
import { normalizeAddress, seedAddress } from '../../../core/sdam/address.js';
import { ServerMap } from '../../../core/sdam/server-map.js';
import { clientMaxWireVersion, clientMinWireVersion } from '../../../core/sdam/constants.js';
import type { ServerDescription } from '../../../core/sdam/types.js';

const base: ServerDescription = { ...unknownServerDescription('a:27017'), type: 'RSSecondary', setName: 'rs', hosts: ['a:27017', 'b:27017'], maxWireVersion: 21 };

test('equality ignores RTT and lastUpdateTime but not (=) fields', () => {
  assert.ok(serverDescriptionsEqual(base, { ...base, roundTripTime: 99, lastUpdateTime: 5, minRoundTripTime: 1 }));
  assert.ok(serverDescriptionsEqual(base, { ...base, hosts: ['b:27017', 'a:27017'] }), 'hosts are a set');
  const differing: Array<Partial<ServerDescription>> = [
    { type: 'RSPrimary' },
    { error: 'x' },
    { setName: 'other' },
    { hosts: ['a:27017'] },
    { hosts: ['a:27017', 'c:27017'] },
    { passives: ['c:27017'] },
    { arbiters: ['c:27017'] },
    { tags: { dc: 'x' } },
    { electionId: '000000000000000000000001' },
    { setVersion: 2 },
    { primary: 'a:27017' },
    { me: 'a:27017' },
    { logicalSessionTimeoutMinutes: 3 },
    { topologyVersion: { processId: '000000000000000000000001', counter: 1 } },
    { iscryptd: true },
    { minWireVersion: 1 },
    { maxWireVersion: 20 },
  ];
  for (const change of differing) assert.not.ok(serverDescriptionsEqual(base, { ...base, ...change }), JSON.stringify(change));
  const withTags = { ...base, tags: { dc: 'x' } };
  assert.ok(serverDescriptionsEqual(withTags, { ...base, tags: { dc: 'x' } }));
  assert.not.ok(serverDescriptionsEqual(withTags, { ...base, tags: { dc: 'y' } }));
  assert.not.ok(serverDescriptionsEqual(withTags, { ...base, tags: { rack: 'x' } }));
});

test('topologyVersion comparison follows the spec', () => {
  const tv = (processId: string, counter: number) => ({ processId, counter });
  const p1 = '000000000000000000000001';
  const p2 = '000000000000000000000002';
  assert.is(compareTopologyVersion(null, tv(p1, 1)), -1);
  assert.is(compareTopologyVersion(tv(p1, 1), null), -1);
  assert.is(compareTopologyVersion(tv(p1, 1), tv(p2, 0)), -1);
  assert.is(compareTopologyVersion(tv(p1, 1), tv(p1, 1)), 0);
  assert.is(compareTopologyVersion(tv(p1, 1), tv(p1, 2)), -1);
  assert.is(compareTopologyVersion(tv(p1, 3), tv(p1, 2)), 1);
});

test('wire compatibility uses the spec wording', () => {
  assert.is(compatibilityErrorFor(base), null);
  assert.is(compatibilityErrorFor(unknownServerDescription('a:27017')), null);
  const tooNew = compatibilityErrorFor({ ...base, minWireVersion: clientMaxWireVersion + 1 });
  assert.ok(tooNew?.startsWith(`Server at a:27017 requires wire version ${clientMaxWireVersion + 1}, but this version of`));
  const tooOld = compatibilityErrorFor({ ...base, maxWireVersion: clientMinWireVersion - 1 });
  assert.ok(tooOld?.startsWith(`Server at a:27017 reports wire version ${clientMinWireVersion - 1}, but this version of`));
  assert.ok(tooOld?.includes(`requires at least ${clientMinWireVersion} (MongoDB `));
});

test('data-bearing server types', () => {
  for (const t of ['Mongos', 'RSPrimary', 'RSSecondary', 'Standalone', 'LoadBalancer'] as const) assert.ok(isDataBearing(t));
  for (const t of ['RSArbiter', 'RSOther', 'RSGhost', 'Unknown', 'PossiblePrimary'] as const) assert.not.ok(isDataBearing(t));
});

test('addresses are normalised and bad ones explained', () => {
  const ok = (text: string, address: string) => assert.equal(normalizeAddress(text), { ok: true, address });
  ok('A', 'a:27017');
  ok('a:27017', 'a:27017');
  ok('Host.Example.COM:1', 'host.example.com:1');
  ok('[::1]', '[::1]:27017');
  ok('[FE80::1]:5', '[fe80::1]:5');
  ok('127.0.0.1:27018', '127.0.0.1:27018');
  for (const bad of ['', ':1', 'a:0', 'a:65536', 'a:x', '[::1', '[::1]x', '[zz]:1', 'a b', 'a/b:1', '::1', 'x'.repeat(400)]) {
    const r = normalizeAddress(bad);
    assert.is(r.ok, false, bad);
  }
  assert.is(normalizeAddress(5).ok, false);
  assert.is(seedAddress({ type: 'hostname', host: 'A', port: null }), 'a:27017');
  assert.is(seedAddress({ type: 'ip_literal', host: '::1', port: 5 }), '[::1]:5');
  assert.is(seedAddress({ type: 'unix', host: '/tmp/Mongo.sock', port: null }), '/tmp/Mongo.sock');
});

test('ServerMap behaves as a read-only map in insertion order', () => {
  const a = unknownServerDescription('a:27017');
  const b = unknownServerDescription('b:27017');
  const b2 = { ...b, type: 'Mongos' as const };
  const map = ServerMap.from([a, b, b2]);
  assert.is(map.size, 2);
  assert.ok(map.get('b:27017') === b2);
  assert.ok(map.has('a:27017'));
  assert.not.ok(map.has('c:27017'));
  assert.is(map.get('c:27017'), undefined);
  assert.equal([...map.keys()], ['a:27017', 'b:27017']);
  assert.equal([...map.values()], [a, b2]);
  assert.equal([...map].map(([k]) => k), ['a:27017', 'b:27017']);
  const seen: string[] = [];
  map.forEach((v, k) => seen.push(`${k}=${v.type}`));
  assert.equal(seen, ['a:27017=Unknown', 'b:27017=Mongos']);
  assert.equal(Object.keys(JSON.parse(JSON.stringify(map)) as object), ['a:27017', 'b:27017']);
  assert.is(Object.prototype.toString.call(map), '[object ServerMap]');
  assert.equal(new Map(map).get('a:27017'), a);
});

test.run();
