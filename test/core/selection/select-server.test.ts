import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoInvalidArgumentError, MongoServerSelectionError } from '../../../core/errors.js';
import { readPreference, readSelector, selectServer, writeSelector } from '../../../core/selection/index.js';
import { seededRandom, server, topology } from './helpers.js';
import { throwingProxy } from '../../support/hostile.js';

const primary = server('a:27017', { type: 'RSPrimary', roundTripTime: 5, tags: { dc: 'ny' }, lastUpdateTime: 0, lastWriteDate: 200_000 });
const sf = server('b:27017', { type: 'RSSecondary', roundTripTime: 5, tags: { dc: 'sf' }, lastUpdateTime: 0, lastWriteDate: 199_000 });
const stale = server('c:27017', { type: 'RSSecondary', roundTripTime: 5, tags: { dc: 'ny' }, lastUpdateTime: 0, lastWriteDate: 90_000 });
const down = server('d:27017', { type: 'Unknown', error: 'connection refused' });
const rs = topology('ReplicaSetWithPrimary', [primary, sf, stale, down], { setName: 'rs0' });
const random = seededRandom(7);

test('outcome 1: a suitable server is selected', () => {
  const outcome = selectServer({ topology: rs, selector: writeSelector, now: 0, startTime: 0, random });
  assert.is(outcome.kind, 'selected');
  if (outcome.kind === 'selected') assert.is(outcome.server, primary);
});

test('outcome 2: nothing suitable before the deadline → wait until the deadline and request immediate checks', () => {
  const noPrimary = topology('ReplicaSetNoPrimary', [sf, down]);
  const outcome = selectServer({ topology: noPrimary, selector: writeSelector, now: 1_000, startTime: 500, serverSelectionTimeoutMS: 2_000, random });
  assert.equal(outcome, { kind: 'wait', until: 2_500, requestImmediateCheck: true });
  // A later topology change with a primary resolves the same request.
  const healed = topology('ReplicaSetWithPrimary', [primary, sf]);
  const next = selectServer({ topology: healed, selector: writeSelector, now: 1_200, startTime: 500, serverSelectionTimeoutMS: 2_000, random });
  assert.is(next.kind, 'selected');
});

test('outcome 3: at the deadline, a MongoServerSelectionError that explains every server', () => {
  const selector = readSelector(readPreference({ mode: 'secondary', tags: [{ dc: 'ny' }], maxStalenessSeconds: 90 }));
  const outcome = selectServer({ topology: rs, selector, now: 30_000, startTime: 0, random });
  assert.is(outcome.kind, 'error');
  if (outcome.kind !== 'error') return;
  assert.instance(outcome.error, MongoServerSelectionError);
  const message = outcome.error.message;
  assert.match(message, 'Server selection timed out after 30000 ms');
  assert.match(message, 'ReadPreference secondary (tags [{dc:ny}], maxStalenessSeconds 90)');
  assert.match(message, 'topology type ReplicaSetWithPrimary (replica set rs0)');
  assert.match(message, 'a:27017 RSPrimary: mode secondary excludes the primary');
  assert.match(message, 'b:27017 RSSecondary: tags {dc:sf} do not match');
  // (0 - 90000) - (0 - 200000) + 10000 = 120000 ms
  assert.match(message, 'c:27017 RSSecondary: staleness 120s > maxStalenessSeconds 90');
  assert.match(message, 'd:27017 Unknown: unreachable (connection refused)');
  assert.equal(outcome.servers.map((s) => s.address), ['a:27017', 'b:27017', 'c:27017', 'd:27017']);
});

test('error message for a write without a primary, and for an Unknown topology', () => {
  const noPrimary = topology('ReplicaSetNoPrimary', [sf]);
  const w = selectServer({ topology: noPrimary, selector: writeSelector, now: 10, startTime: 0, serverSelectionTimeoutMS: 10, random });
  assert.is(w.kind, 'error');
  if (w.kind === 'error') {
    assert.match(w.error.message, 'timed out after 10 ms: no suitable server for a write in topology type ReplicaSetNoPrimary; the replica set has no known primary');
    assert.match(w.error.message, 'b:27017 RSSecondary: writes need a primary and the topology has none');
  }
  const unknown = topology('Unknown', [server('x:27017')]);
  const r = selectServer({ topology: unknown, selector: readSelector(), now: 5, startTime: 0, serverSelectionTimeoutMS: 0, random });
  assert.is(r.kind, 'error');
  if (r.kind === 'error') {
    assert.match(r.error.message, 'ReadPreference primary in topology type Unknown; the topology type is still Unknown');
    assert.match(r.error.message, 'x:27017 Unknown: not yet checked');
  }
  const empty = selectServer({ topology: topology('Sharded', []), selector: writeSelector, now: 1, startTime: 0, serverSelectionTimeoutMS: 0, random });
  if (empty.kind === 'error') assert.match(empty.error.message, 'no servers are known');
  else assert.unreachable('expected an error');
});

test('incompatible topology fails at once with the compatibility error', () => {
  const t = topology('ReplicaSetWithPrimary', [primary], { compatible: false, compatibilityError: 'Server at a:27017 reports wire version 2' });
  const outcome = selectServer({ topology: t, selector: writeSelector, now: 0, startTime: 0, random });
  assert.is(outcome.kind, 'error');
  if (outcome.kind === 'error') {
    assert.instance(outcome.error, MongoServerSelectionError);
    assert.match(outcome.error.message, 'wire version 2');
  }
});

test('maxStalenessSeconds below the replica set limits fails at once, before waiting', () => {
  const selector = readSelector(readPreference({ mode: 'nearest', maxStalenessSeconds: 30 }));
  const outcome = selectServer({ topology: rs, selector, now: 0, startTime: 0, random });
  assert.is(outcome.kind, 'error');
  if (outcome.kind === 'error') {
    assert.instance(outcome.error, MongoInvalidArgumentError);
    assert.match(outcome.error.message, 'maxStalenessSeconds 30 is below the smallest allowed value of 90 seconds');
  }
  // The same preference is fine on a sharded cluster: mongos enforces it.
  const sharded = topology('Sharded', [server('m:27017', { type: 'Mongos', roundTripTime: 1 })]);
  assert.is(selectServer({ topology: sharded, selector, now: 0, startTime: 0, random }).kind, 'selected');
});

test('bad timeouts and throwing application selectors become errors, not exceptions', () => {
  const bad = selectServer({ topology: rs, selector: writeSelector, now: 0, startTime: 0, serverSelectionTimeoutMS: Number.NaN, random });
  assert.is(bad.kind, 'error');
  const throwing = selectServer({
    topology: rs,
    selector: writeSelector,
    now: 0,
    startTime: 0,
    random,
    serverSelector: () => {
      throw new Error('boom');
    },
  });
  assert.is(throwing.kind, 'error');
  if (throwing.kind === 'error') assert.match(throwing.error.message, 'serverSelector threw: Error: boom');
});

test('application serverSelector narrows the suitable list', () => {
  const selector = readSelector(readPreference('secondary'));
  for (let i = 0; i < 20; i++) {
    const outcome = selectServer({
      topology: rs, selector, now: 0, startTime: 0, random,
      serverSelector: (servers) => servers.filter((s) => s.address === 'c:27017'),
    });
    assert.is(outcome.kind === 'selected' && outcome.server.address, 'c:27017');
  }
});

test('servers removed by the application serverSelector are named as such in the error', () => {
  const outcome = selectServer({ topology: rs, selector: writeSelector, now: 5, startTime: 0, serverSelectionTimeoutMS: 5, random, serverSelector: () => [] });
  assert.is(outcome.kind, 'error');
  if (outcome.kind === 'error') assert.match(outcome.error.message, 'a:27017 RSPrimary: suitable, but removed by the application serverSelector');
});

test('the in-window choice prefers the lower operationCount of two random picks', () => {
  const a = server('a:1', { type: 'Mongos', roundTripTime: 1 });
  const b = server('b:1', { type: 'Mongos', roundTripTime: 1 });
  const sharded = topology('Sharded', [a, b]);
  const counts = new Map([['a:1', 5], ['b:1', 0]]);
  for (let i = 0; i < 50; i++) {
    const outcome = selectServer({ topology: sharded, selector: writeSelector, now: 0, startTime: 0, random, operationCounts: counts });
    assert.is(outcome.kind === 'selected' && outcome.server.address, 'b:1');
  }
});

test('deprioritized servers are avoided while another is suitable', () => {
  const a = server('a:1', { type: 'Mongos', roundTripTime: 1 });
  const b = server('b:1', { type: 'Mongos', roundTripTime: 1 });
  const sharded = topology('Sharded', [a, b]);
  for (let i = 0; i < 50; i++) {
    const outcome = selectServer({ topology: sharded, selector: writeSelector, now: 0, startTime: 0, random, deprioritized: new Set(['a:1']) });
    assert.is(outcome.kind === 'selected' && outcome.server.address, 'b:1');
  }
  const only = selectServer({ topology: topology('Sharded', [a]), selector: writeSelector, now: 0, startTime: 0, random, deprioritized: new Set(['a:1']) });
  assert.is(only.kind === 'selected' && only.server.address, 'a:1');
});

// Issue 9: the latency window came from topology.localThresholdMS, so a caller had to spread
// its setting into the description. It is a selection parameter (server-selection.md
// "localThresholdMS": a client setting), default 15; the description's field is not read.
test('localThresholdMS is a selection parameter (default 15), not read from the topology description', () => {
  const near = server('n:27017', { type: 'RSSecondary', roundTripTime: 10 });
  const mid = server('m:27017', { type: 'RSSecondary', roundTripTime: 40 });
  const far = server('f:27017', { type: 'RSSecondary', roundTripTime: 80 });
  const wide = topology('ReplicaSetWithPrimary', [primary, near, mid, far], { setName: 'rs0', localThresholdMS: 100 });
  const selector = readSelector(readPreference('secondary'));
  const picked = (request: object): Set<string> => {
    const seen = new Set<string>();
    // Several passes: the first takes the linear path, later ones the indexed one.
    for (let i = 0; i < 64; i++) {
      const outcome = selectServer({ topology: wide, selector, now: 0, startTime: 0, random, ...request });
      if (outcome.kind !== 'selected') assert.unreachable(`expected a selection, got ${outcome.kind}`);
      else seen.add(outcome.server.address);
    }
    return seen;
  };
  const withThreshold = { localThresholdMS: 35 };
  assert.equal([...picked(withThreshold)].sort(), ['m:27017', 'n:27017']);
  assert.equal([...picked({})], ['n:27017'], 'default 15 ms, whatever the description says');
  for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY, '15']) {
    const request = { topology: wide, selector, now: 0, startTime: 0, random, localThresholdMS: bad };
    const outcome = selectServer(request as Parameters<typeof selectServer>[0]);
    assert.is(outcome.kind, 'error', String(bad));
    if (outcome.kind === 'error') {
      assert.instance(outcome.error, MongoInvalidArgumentError);
      assert.match(outcome.error.message, /localThresholdMS/);
    }
  }
});

// Issue 9: selectServer is documented never to throw, but a hand-built read preference of the
// wrong shape, or a request whose getters throw, escaped as a TypeError.
test('hand-built requests of a wrong shape give a MongoInvalidArgumentError outcome naming the part', () => {
  const rp = (fields: Record<string, unknown>) => ({ operation: 'read', readPreference: { mode: 'secondary', tagSets: [], maxStalenessSeconds: null, hedge: null, ...fields } });
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ selector: rp({ mode: 'bogus' }) }, /mode/],
    [{ selector: rp({ tagSets: 'dc:ny' }) }, /tagSets/],
    [{ selector: rp({ tagSets: [null] }) }, /tagSets\[0\]/],
    [{ selector: rp({ tagSets: [{ dc: 1 }] }) }, /tagSets\[0\]/],
    [{ selector: rp({ maxStalenessSeconds: Number.NaN }) }, /maxStalenessSeconds/],
    [{ selector: rp({ maxStalenessSeconds: -5 }) }, /maxStalenessSeconds/],
    [{ selector: { operation: 'read', readPreference: null } }, /readPreference/],
    [{ selector: { operation: 'delete' } }, /operation/],
    [{ selector: null }, /selector/],
    [{ selector: throwingProxy() }, /could not be read/],
    [{ topology: null }, /topology/],
    [{ topology: { ...rs, servers: [] } }, /topology/],
    [{ topology: { ...rs, type: 'Galaxy' } }, /topology/],
    [{ topology: throwingProxy() }, /could not be read/],
    [{ random: null }, /random/],
    [{ random: throwingProxy() }, /could not be read/],
    [{ operationCounts: 5 }, /operationCounts/],
    [{ deprioritized: ['a:27017'] }, /deprioritized/],
    [{ serverSelector: 'x' }, /serverSelector/],
    [{ now: Number.NaN }, /times/],
  ];
  for (const [fields, part] of cases) {
    const request = { topology: rs, selector: writeSelector, now: 0, startTime: 0, random, ...fields };
    const outcome = selectServer(request as Parameters<typeof selectServer>[0]);
    assert.is(outcome.kind, 'error', String(part));
    if (outcome.kind === 'error') {
      assert.instance(outcome.error, MongoInvalidArgumentError);
      assert.match(outcome.error.message, part);
    }
  }
  for (const request of [null, undefined, throwingProxy()]) {
    const outcome = selectServer(request as never);
    assert.is(outcome.kind, 'error');
    if (outcome.kind === 'error') assert.instance(outcome.error, MongoInvalidArgumentError);
  }
  // A well-formed hand-built read preference (not from readPreference()) is still accepted.
  assert.is(selectServer({ topology: rs, selector: rp({ tagSets: [{ dc: 'sf' }] }) as never, now: 0, startTime: 0, random }).kind, 'selected');
});

test('a selector is checked again on every call unless it is frozen: changing a hand-built one after a selection is still reported', () => {
  const rs = topology('ReplicaSetWithPrimary', [server('a:27017', { type: 'RSPrimary', roundTripTime: 1 })]);
  const random = seededRandom(1);
  assert.ok(Object.isFrozen(readSelector(readPreference('nearest'))));
  const frozen = readSelector(readPreference('nearest'));
  assert.is(selectServer({ topology: rs, selector: frozen, now: 0, startTime: 0, random }).kind, 'selected');
  assert.is(selectServer({ topology: rs, selector: frozen, now: 0, startTime: 0, random }).kind, 'selected');
  const handBuilt: { operation: string; readPreference: unknown } = { operation: 'read', readPreference: readPreference('nearest') };
  const select = () => selectServer({ topology: rs, selector: handBuilt as never, now: 0, startTime: 0, random });
  assert.is(select().kind, 'selected');
  handBuilt.operation = 'delete';
  const outcome = select();
  assert.is(outcome.kind, 'error');
  if (outcome.kind === 'error') assert.match(outcome.error.message, /selector operation must be "read" or "write"/);
  handBuilt.operation = 'read';
  handBuilt.readPreference = { mode: 'nearest', tagSets: 'dc:ny', maxStalenessSeconds: null };
  const second = select();
  assert.is(second.kind, 'error');
  if (second.kind === 'error') assert.match(second.error.message, /tagSets must be an array/);
});

test.run();
