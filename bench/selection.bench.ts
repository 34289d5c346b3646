/**
 * Server selection throughput against the official Node driver's selector
 * (`mongodb/lib/sdam/server_selection.js`). Both sides get the same replica set (same members,
 * tags, RTTs, operation counts) and do the same work per operation: find the suitable servers,
 * apply the latency window, pick two at random and keep the one with the lower operationCount —
 * for the driver, exactly what Topology's wait-queue processing does around
 * `readPreferenceServerSelector(readPreference)` (Array.from of the servers, the selector,
 * `shuffle(servers, 2)`, operationCount comparison). Both use Math.random as the random source.
 */
import { createRequire } from 'node:module';
import type { RandomSource } from '../core/random.js';
import { ServerMap } from '../core/sdam/server-map.js';
import type { ServerDescription, TopologyDescription } from '../core/sdam/types.js';
import {
  readPreference,
  readSelector,
  selectServer,
  suitableInWindow,
  type ReadPreferenceInput,
  type Selector,
} from '../core/selection/index.js';
import { comparePeers, defaultMeasureOptions, keep } from './measure.js';
import type { Benchmark, BenchResult } from './types.js';

const require = createRequire(import.meta.url);

/* The driver's internals are untyped CommonJS; these are the few shapes used here. */
interface DriverServerDescription {
  readonly address: string;
}
type DriverSelector = (topology: unknown, servers: DriverServerDescription[], deprioritized: unknown) => DriverServerDescription[];
interface DriverModules {
  readonly readPreferenceServerSelector: (rp: unknown) => DriverSelector;
  readonly DeprioritizedServers: new () => unknown;
  readonly ReadPreference: new (mode: string, tags?: unknown) => unknown;
  readonly TopologyDescription: new (...args: unknown[]) => { servers: Map<string, DriverServerDescription> };
  readonly ServerDescription: new (address: string, hello: unknown, options: unknown) => DriverServerDescription;
  readonly shuffle: <T>(items: readonly T[], limit: number) => T[];
}

function loadDriver(): DriverModules {
  const selection = require('mongodb/lib/sdam/server_selection.js');
  return {
    readPreferenceServerSelector: selection.readPreferenceServerSelector,
    DeprioritizedServers: selection.DeprioritizedServers,
    ReadPreference: require('mongodb/lib/read_preference.js').ReadPreference,
    TopologyDescription: require('mongodb/lib/sdam/topology_description.js').TopologyDescription,
    ServerDescription: require('mongodb/lib/sdam/server_description.js').ServerDescription,
    shuffle: require('mongodb/lib/utils.js').shuffle,
  };
}

/** One member of the simulated replica set, described once and built for both sides. */
interface Member {
  readonly address: string;
  readonly primary: boolean;
  readonly tags: Record<string, string>;
  readonly rttMs: number;
  readonly operationCount: number;
}

const heartbeatFrequencyMS = 10_000;
const localThresholdMS = 15;
const lastWriteDateMs = 1_700_000_000_000;
const datacenters = ['ny', 'sf', 'tokyo'];

/** Member 0 is the primary; tags cycle through three data centres; RTTs spread over 4-40 ms. */
function members(count: number): Member[] {
  return Array.from({ length: count }, (_, i) => ({
    address: `host${i}.example.com:27017`,
    primary: i === 0,
    tags: { dc: datacenters[i % datacenters.length]!, rack: `r${i % 4}` },
    rttMs: 4 + ((i * 7) % 37),
    operationCount: (i * 5) % 11,
  }));
}

/** Built as stepTopology builds descriptions: `servers` is a ServerMap, as in every description the core produces. */
function ourTopology(list: readonly Member[]): TopologyDescription {
  const descriptions: ServerDescription[] = [];
  for (const m of list) {
    descriptions.push({
      address: m.address,
      type: m.primary ? 'RSPrimary' : 'RSSecondary',
      error: null,
      roundTripTime: m.rttMs,
      minRoundTripTime: m.rttMs,
      lastWriteDate: lastWriteDateMs,
      opTime: null,
      minWireVersion: 0,
      maxWireVersion: 21,
      me: m.address,
      hosts: list.map((x) => x.address),
      passives: [],
      arbiters: [],
      tags: m.tags,
      setName: 'rs0',
      electionId: null,
      setVersion: 1,
      primary: list[0]!.address,
      lastUpdateTime: lastWriteDateMs,
      logicalSessionTimeoutMinutes: 30,
      topologyVersion: null,
      iscryptd: false,
      serviceId: null,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
    });
  }
  return {
    type: 'ReplicaSetWithPrimary',
    setName: 'rs0',
    maxSetVersion: 1,
    maxElectionId: null,
    servers: ServerMap.from(descriptions),
    stale: false,
    compatible: true,
    compatibilityError: null,
    logicalSessionTimeoutMinutes: 30,
    heartbeatFrequencyMS,
    localThresholdMS,
  };
}

function driverTopology(driver: DriverModules, list: readonly Member[]): { servers: Map<string, DriverServerDescription> } {
  const servers = new Map<string, DriverServerDescription>();
  for (const m of list) {
    const hello = {
      ok: 1,
      setName: 'rs0',
      isWritablePrimary: m.primary,
      secondary: !m.primary,
      hosts: list.map((x) => x.address),
      tags: m.tags,
      minWireVersion: 0,
      maxWireVersion: 21,
      lastWrite: { lastWriteDate: new Date(lastWriteDateMs) },
    };
    servers.set(m.address, new driver.ServerDescription(m.address, hello, { roundTripTime: m.rttMs }));
  }
  return new driver.TopologyDescription('ReplicaSetWithPrimary', servers, 'rs0', 1, null, 21, {
    heartbeatFrequencyMS,
    localThresholdMS,
  });
}

const mathRandom: RandomSource = { int: (maxExclusive) => Math.floor(Math.random() * maxExclusive) };

interface Scenario {
  readonly name: string;
  readonly readPreference: ReadPreferenceInput;
}

const scenarios: readonly Scenario[] = [
  { name: 'secondaryPreferredTags', readPreference: { mode: 'secondaryPreferred', tags: [{ dc: 'sf', rack: 'r1' }, { dc: 'ny' }] } },
  { name: 'nearest', readPreference: { mode: 'nearest' } },
];

/** Issue 14: every selection at least 2× the driver on 3 members and 5× on 50. */
const sizes: readonly { readonly label: string; readonly count: number; readonly goal: number }[] = [
  { label: 'rs3', count: 3, goal: 2 },
  { label: 'rs50', count: 50, goal: 5 },
];

/** Issue 14: selection against a description that changes before every call, at least 1.5× the driver on 50 members. */
const changingTopologyGoal = 1.5;

/**
 * `coldTopology`: every operation sees a new TopologyDescription object (as if a monitor had
 * just reported), so mongosim's per-topology index is rebuilt on each selection — the worst
 * case for it. The driver gets an equally fresh shallow copy of its description.
 */
function measureScenario(driver: DriverModules, scenario: Scenario, count: number, quick: boolean, coldTopology = false) {
  const list = members(count);
  const counts = new Map(list.map((m) => [m.address, m.operationCount]));

  const topology = ourTopology(list);
  const selector: Selector = readSelector(readPreference(scenario.readPreference));
  const ours = (): unknown => {
    const current = coldTopology ? { ...topology } : topology;
    const outcome = selectServer({ topology: current, selector, now: 0, startTime: 0, random: mathRandom, operationCounts: counts, localThresholdMS });
    return outcome.kind === 'selected' ? outcome.server : null;
  };

  const driverTd = driverTopology(driver, list);
  const driverRp = new driver.ReadPreference(scenario.readPreference.mode, scenario.readPreference.tags ?? undefined);
  const driverSelector = driver.readPreferenceServerSelector(driverRp);
  const deprioritized = new driver.DeprioritizedServers();
  const driverProto = Object.getPrototypeOf(driverTd) as object;
  const peer = (): unknown => {
    const current = coldTopology ? (Object.assign(Object.create(driverProto), driverTd) as typeof driverTd) : driverTd;
    const descriptions = Array.from(current.servers.values());
    const selected = driverSelector(current, descriptions, deprioritized);
    if (selected.length === 0) return null;
    if (selected.length === 1) return selected[0];
    const [first, second] = driver.shuffle(selected, 2);
    return (counts.get(first!.address) ?? 0) < (counts.get(second!.address) ?? 0) ? first : second;
  };

  // Both sides must face the same choice before anything is timed: the same in-window servers.
  const ourWindow = suitableInWindow(topology, selector, undefined, localThresholdMS).map((s) => s.address).sort();
  const driverWindow = driverSelector(driverTd, Array.from(driverTd.servers.values()), deprioritized).map((s) => s.address).sort();
  if (ourWindow.join() !== driverWindow.join() || ourWindow.length === 0) {
    throw new Error(`selection bench ${scenario.name}/${count}: windows differ: ${ourWindow.join()} vs driver ${driverWindow.join()}`);
  }
  keep([ours(), peer()]);
  return comparePeers(ours, peer, defaultMeasureOptions(quick));
}

export const benchmarks: Benchmark[] = [
  {
    name: 'selection',
    run({ quick }): BenchResult[] {
      const driver = loadDriver();
      const results: BenchResult[] = [];
      for (const scenario of scenarios) {
        for (const size of sizes) {
          const r = measureScenario(driver, scenario, size.count, quick);
          results.push({
            name: `selection.${scenario.name}.${size.label}`,
            mongosim: r.mongosim,
            peer: r.peer,
            ratio: r.ratio,
            unit: 'ops/s',
            goal: size.goal,
          });
        }
      }
      // A topology that changes before every selection (what a client sees during a failover):
      // the worst case for mongosim's per-description index. Issue 14: at least 1.5× the driver.
      for (const scenario of scenarios) {
        const r = measureScenario(driver, scenario, 50, quick, true);
        results.push({ name: `selection.${scenario.name}.rs50.coldTopology`, mongosim: r.mongosim, peer: r.peer, ratio: r.ratio, unit: 'ops/s', goal: changingTopologyGoal });
      }
      return results;
    },
  },
];
