/**
 * Property tests over random topologies (including odd server types, null/NaN RTTs, missing
 * lastWriteDate, never-checked servers) and random selectors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { ServerDescription, ServerType, TopologyDescription, TopologyType } from '../../../core/sdam/types.js';
import {
  chooseInWindow,
  inLatencyWindow,
  readPreference,
  readSelector,
  selectServer,
  suitableInWindow,
  suitableInWindowIndexed,
  suitableServers,
  writeSelector,
  type ReadPreference,
  type Selector,
} from '../../../core/selection/index.js';
import { seededRandom, server, topology } from './helpers.js';

const numRuns = 10_000;
const serverTypes: ServerType[] = [
  'Standalone', 'Mongos', 'PossiblePrimary', 'RSPrimary', 'RSSecondary', 'RSArbiter', 'RSOther', 'RSGhost', 'LoadBalancer', 'Unknown',
];
const topologyTypes: TopologyType[] = ['Single', 'ReplicaSetNoPrimary', 'ReplicaSetWithPrimary', 'Sharded', 'LoadBalanced', 'Unknown'];
const tagValues = ['ny', 'sf', 'tokyo'];

// An odd type nobody defined, to check selection degrades instead of crashing.
const serverTypeArb = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...serverTypes) },
  { weight: 20, arbitrary: fc.constantFrom<ServerType>('RSPrimary', 'RSSecondary', 'RSSecondary') },
  { weight: 1, arbitrary: fc.constant('Bogus' as ServerType) },
);
const tagsArb = fc.dictionary(fc.constantFrom('dc', 'rack'), fc.constantFrom(...tagValues), { maxKeys: 2 });
const timeArb = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 1_000_000 }) }, { weight: 1, arbitrary: fc.constant(-Infinity) });

const serverArb = (address: string): fc.Arbitrary<ServerDescription> =>
  fc
    .record({
      type: serverTypeArb,
      roundTripTime: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 100 }), fc.constant(Number.NaN)),
      lastWriteDate: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.integer({ min: 0, max: 1_000_000 }) }),
      lastUpdateTime: timeArb,
      tags: tagsArb,
      error: fc.oneof(fc.constant(null), fc.constant('connection refused')),
    })
    .map((fields) => server(address, fields));

const topologyArb: fc.Arbitrary<TopologyDescription> = fc
  .record({
    type: fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...topologyTypes) },
      { weight: 20, arbitrary: fc.constantFrom<TopologyType>('ReplicaSetWithPrimary', 'ReplicaSetNoPrimary') },
      { weight: 1, arbitrary: fc.constant('Weird' as TopologyType) },
    ),
    count: fc.integer({ min: 0, max: 8 }),
    heartbeatFrequencyMS: fc.constantFrom(500, 10_000, 120_000),
    localThresholdMS: fc.oneof(fc.constant(15), fc.integer({ min: 0, max: 50 })),
    compatible: fc.oneof({ weight: 15, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  })
  .chain(({ type, count, heartbeatFrequencyMS, localThresholdMS, compatible }) =>
    fc
      .tuple(...Array.from({ length: count }, (_, i) => serverArb(`h${i}:27017`)))
      .map((servers) => topology(type, servers, { heartbeatFrequencyMS, localThresholdMS, compatible })),
  );

const readPreferenceArb: fc.Arbitrary<ReadPreference> = fc
  .record({
    mode: fc.constantFrom('primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'),
    tags: fc.option(fc.array(tagsArb, { maxLength: 3 }), { nil: undefined }),
    maxStalenessSeconds: fc.constantFrom(undefined, -1, 0, 1, 90, 120, 1_000),
  })
  .map((input) => {
    try {
      return readPreference(input);
    } catch {
      return readPreference(input.mode); // the invalid combinations are covered by unit tests
    }
  });

const selectorArb: fc.Arbitrary<Selector> = fc.oneof(
  fc.constant(writeSelector),
  readPreferenceArb.map((rp) => readSelector(rp)),
);

const requestArb = fc.record({
  topology: topologyArb,
  selector: selectorArb,
  seed: fc.integer(),
  counts: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 8, maxLength: 8 }),
  deprioritized: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 3 }),
  elapsedMs: fc.integer({ min: 0, max: 40_000 }),
});

type Request = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function run(r: Request) {
  const operationCounts = new Map(r.counts.map((n, i) => [`h${i}:27017`, n]));
  const deprioritized = new Set(r.deprioritized.map((i) => `h${i}:27017`));
  const request = {
    topology: r.topology,
    selector: r.selector,
    now: 1_000 + r.elapsedMs,
    startTime: 1_000,
    random: seededRandom(r.seed),
    operationCounts,
    deprioritized,
    localThresholdMS: r.topology.localThresholdMS,
  };
  // The first selection against a description takes the linear path, the second the indexed one.
  const outcome = selectServer(request);
  const again = selectServer(request);
  return { outcome, again, deprioritized };
}

test('the generators reach every outcome, including tagged and max-staleness replica set reads', () => {
  const tally = new Map<string, number>();
  const bump = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
  for (const r of fc.sample(requestArb, { numRuns: 3_000, seed: 7 })) {
    const { outcome } = run(r);
    bump(outcome.kind);
    const rs = r.topology.type === 'ReplicaSetWithPrimary' || r.topology.type === 'ReplicaSetNoPrimary';
    if (outcome.kind === 'selected' && rs && r.selector.operation === 'read') {
      if (r.selector.readPreference.tagSets.some((t) => Object.keys(t).length > 0)) bump('rs-tagged');
      if (r.selector.readPreference.maxStalenessSeconds !== null) bump('rs-staleness');
    }
  }
  for (const key of ['selected', 'wait', 'error', 'rs-tagged', 'rs-staleness']) {
    assert.ok((tally.get(key) ?? 0) >= 30, `${key}: ${tally.get(key) ?? 0} of 3000 (${JSON.stringify([...tally])})`);
  }
});

test('selection never throws; a selected server is suitable, and suitable servers are known servers', () => {
  fc.assert(
    fc.property(requestArb, (r) => {
      const { outcome, again, deprioritized } = run(r);
      const suitable = suitableServers(r.topology, r.selector, deprioritized);
      const known = new Set(r.topology.servers.values());
      for (const s of suitable) if (!known.has(s)) return false;
      if (outcome.kind !== again.kind) return false;
      for (const o of [outcome, again]) {
        if (o.kind === 'selected') {
          if (!inLatencyWindow(suitable, r.topology.localThresholdMS).includes(o.server)) return false;
        } else if (o.kind === 'wait') {
          if (!(suitable.length === 0 && o.until === 31_000 && r.elapsedMs < 30_000)) return false;
        } else if (!(o.error.message.length > 0)) {
          return false;
        }
      }
      return true;
    }),
    { numRuns },
  );
});

test('the fast path (RTT-sorted index) and the reference path agree on the in-window set', () => {
  const key = (list: readonly ServerDescription[]) => list.map((s) => s.address).sort().join(',');
  fc.assert(
    fc.property(requestArb, (r) => {
      const deprioritized = new Set(r.deprioritized.map((i) => `h${i}:27017`));
      // The index precomputes the window for the first threshold it sees; another threshold must still agree.
      for (const thresholdMs of [r.topology.localThresholdMS, r.topology.localThresholdMS + 20, 0]) {
        const reference = inLatencyWindow(suitableServers(r.topology, r.selector, deprioritized), thresholdMs);
        if (key(suitableInWindowIndexed(r.topology, r.selector, deprioritized, thresholdMs)) !== key(reference)) return false;
      }
      return true;
    }),
    { numRuns },
  );
});

test('a description seen for the first time is scanned in place: same servers, same order as the reference path', () => {
  const key = (list: readonly ServerDescription[]) => list.map((s) => s.address).join(',');
  fc.assert(
    fc.property(requestArb, (r) => {
      const deprioritized = new Set(r.deprioritized.map((i) => `h${i}:27017`));
      for (const thresholdMs of [r.topology.localThresholdMS, r.topology.localThresholdMS + 20, 0]) {
        const reference = inLatencyWindow(suitableServers(r.topology, r.selector, deprioritized), thresholdMs);
        // A fresh description object has no index yet: suitableInWindow takes the scanning path.
        if (key(suitableInWindow({ ...r.topology }, r.selector, deprioritized, thresholdMs)) !== key(reference)) return false;
      }
      return true;
    }),
    { numRuns },
  );
});

test('a write never goes to a non-writable server', () => {
  const writable = new Set<ServerType>(['RSPrimary', 'Mongos', 'LoadBalancer', 'Standalone']);
  fc.assert(
    fc.property(requestArb, (r) => {
      const { outcome, again } = run({ ...r, selector: writeSelector });
      return [outcome, again].every((o) => {
        if (o.kind !== 'selected') return true;
        // Topology type Single is a direct connection: any available server takes the write.
        if (r.topology.type === 'Single') return o.server.type !== 'Unknown' && o.server.type !== 'PossiblePrimary';
        return writable.has(o.server.type);
      });
    }),
    { numRuns },
  );
});

test('mode primary never selects a secondary (outside a direct connection)', () => {
  fc.assert(
    fc.property(requestArb, (r) => {
      const { outcome, again } = run({ ...r, selector: readSelector() });
      return [outcome, again].every((o) => {
        if (o.kind !== 'selected') return true;
        if (r.topology.type === 'ReplicaSetWithPrimary' || r.topology.type === 'ReplicaSetNoPrimary') return o.server.type === 'RSPrimary';
        return r.topology.type === 'Single' || o.server.type !== 'RSSecondary';
      });
    }),
    { numRuns },
  );
});

/**
 * Wilson–Hilferty approximation of the chi-square quantile for `df` degrees of freedom at the
 * standard-normal quantile `z` (z = 5.2 ≈ upper tail 1e-7).
 */
function chiSquareCritical(df: number, z: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function chiSquare(hits: readonly number[], draws: number): number {
  const expected = draws / hits.length;
  return hits.reduce((sum, h) => sum + (h - expected) ** 2 / expected, 0);
}

const mongoses = (n: number) => Array.from({ length: n }, (_, i) => server(`m${i}:27017`, { type: 'Mongos', roundTripTime: 1 }));

test('with equal operation counts the in-window choice is uniform (chi-square, seeded)', () => {
  // Per run the false-alarm rate is ~1e-7, so 10,000 seeded runs pass deterministically, while a
  // biased choice (e.g. always the first pick's lower index) fails by orders of magnitude.
  const drawsPerServer = 200;
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 12 }), fc.integer(), fc.integer({ min: 0, max: 50 }), (n, seed, count) => {
      const window = mongoses(n);
      const random = seededRandom(seed);
      const counts = new Map(window.map((s) => [s.address, count]));
      const index = new Map(window.map((s, i) => [s, i]));
      const hits = new Array<number>(n).fill(0);
      const draws = n * drawsPerServer;
      for (let d = 0; d < draws; d++) hits[index.get(chooseInWindow(window, random, counts))!]! += 1;
      return chiSquare(hits, draws) < chiSquareCritical(n - 1, 5.2);
    }),
    { numRuns, seed: 20_261_122 },
  );
  // One large sample at a conventional 0.1% level.
  const window = mongoses(7);
  const random = seededRandom(42);
  const hits = new Array<number>(7).fill(0);
  const index = new Map(window.map((s, i) => [s, i]));
  const draws = 700_000;
  for (let d = 0; d < draws; d++) hits[index.get(chooseInWindow(window, random))!]! += 1;
  assert.ok(chiSquare(hits, draws) < chiSquareCritical(6, 3.09), `hits ${hits.join(',')}`);
});

test('the uniformity check detects a biased choice (the test can fail)', () => {
  const window = mongoses(5);
  const random = seededRandom(3);
  // "lowest index of the two picks" is a plausible bug; it skews towards early servers.
  const biased = () => Math.min(random.int(5), random.int(5));
  const hits = new Array<number>(5).fill(0);
  for (let d = 0; d < 1_000; d++) hits[biased()]! += 1;
  assert.ok(chiSquare(hits, 1_000) > chiSquareCritical(4, 5.2));
  assert.is(window.length, 5);
});

test.run();
