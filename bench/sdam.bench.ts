/**
 * hello → topology update throughput: this core's `stepTopology` (a `hello` input) against the official Node
 * driver's `new ServerDescription(address, hello)` + `TopologyDescription.update`, fed the same
 * hello documents in the same run. One operation = one server's reply turned into a
 * ServerDescription and applied to the topology, round-robin over the members of a 3- and a
 * 50-member replica set in steady state (primary known, every member monitored).
 */
import { createRequire } from 'node:module';
import { ObjectId } from 'bson';
import { comparePeers, defaultMeasureOptions } from './measure.js';
import type { Benchmark, BenchOptions, BenchResult } from './types.js';
import { createTopology, stepTopology, type TopologyState } from '../core/sdam/index.js';
import { parseConnectionString } from '../core/uri/parse.js';

const require = createRequire(import.meta.url);

/** The driver's classes, loaded from its CommonJS build (a dev dependency, used only here). */
interface NodeServerDescription {
  readonly address: string;
}
interface NodeTopologyDescription {
  update(server: NodeServerDescription): NodeTopologyDescription;
  readonly type: string;
  readonly servers: Map<string, { readonly type: string }>;
}
type NodeServerDescriptionClass = new (address: string, hello: unknown, options: { roundTripTime: number; minRoundTripTime: number }) => NodeServerDescription;
type NodeTopologyDescriptionClass = new (
  type: string,
  servers: Map<string, NodeServerDescription> | null,
  setName: string | null,
  maxSetVersion: number | null,
  maxElectionId: unknown,
  commonWireVersion: number | null,
  options: { heartbeatFrequencyMS: number; localThresholdMS: number },
) => NodeTopologyDescription;

const { ServerDescription: NodeSD } = require('mongodb/lib/sdam/server_description.js') as { ServerDescription: NodeServerDescriptionClass };
const { TopologyDescription: NodeTD } = require('mongodb/lib/sdam/topology_description.js') as { TopologyDescription: NodeTopologyDescriptionClass };

const setName = 'rs';
const roundTripTimeMs = 4;
const heartbeatFrequencyMS = 10_000;
const localThresholdMS = 15;

interface Workload {
  readonly uri: string;
  readonly addresses: readonly string[];
  /** hellos[i] is the reply of addresses[i]; member 0 is the primary. */
  readonly hellos: readonly Record<string, unknown>[];
}

/** Realistic replies (MongoDB 8.0 shape) shared by both implementations. */
function workload(members: number): Workload {
  const addresses = Array.from({ length: members }, (_, i) => `host${i}.example.com:27017`);
  const electionId = new ObjectId('7fffffff0000000000000003');
  const processId = new ObjectId('65a1b2c3d4e5f60718293a4b');
  const lastWriteDate = new Date(1_700_000_000_000);
  const hellos = addresses.map((me, i) => ({
    helloOk: true,
    topologyVersion: { processId, counter: 6 },
    hosts: addresses,
    setName,
    setVersion: 3,
    isWritablePrimary: i === 0,
    secondary: i !== 0,
    primary: addresses[0],
    me,
    ...(i === 0 ? { electionId } : {}),
    lastWrite: { lastWriteDate, majorityWriteDate: lastWriteDate },
    maxBsonObjectSize: 16_777_216,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: lastWriteDate,
    logicalSessionTimeoutMinutes: 30,
    connectionId: 100 + i,
    minWireVersion: 0,
    maxWireVersion: 25,
    readOnly: false,
    ok: 1,
  }));
  return { uri: `mongodb://${addresses[0]}/?replicaSet=${setName}`, addresses, hellos };
}

/** Brings both implementations to steady state: every member checked once. */
function prepare(w: Workload): { ours: (i: number) => unknown; peer: (i: number) => unknown } {
  const n = w.addresses.length;
  let now = 1;
  let state: TopologyState = createTopology({ connectionString: parseConnectionString(w.uri) }, now).state;
  let td: NodeTopologyDescription = new NodeTD('ReplicaSetNoPrimary', new Map([[w.addresses[0] ?? '', new NodeSD(w.addresses[0] ?? '', undefined, { roundTripTime: -1, minRoundTripTime: 0 })]]), setName, null, null, null, {
    heartbeatFrequencyMS,
    localThresholdMS,
  });
  for (let i = 0; i < n; i++) {
    state = stepTopology(state, { type: 'hello', address: w.addresses[i] ?? '', reply: w.hellos[i], roundTripTime: roundTripTimeMs }, ++now).state;
    td = td.update(new NodeSD(w.addresses[i] ?? '', w.hellos[i], { roundTripTime: roundTripTimeMs, minRoundTripTime: roundTripTimeMs }));
  }
  check(state.description.type === 'ReplicaSetWithPrimary' && state.description.servers.size === n, `mongosim did not reach steady state for ${n} members`);
  check(td.type === 'ReplicaSetWithPrimary' && td.servers.size === n, `the driver did not reach steady state for ${n} members`);
  return {
    ours: (i) => {
      const k = i % n;
      state = stepTopology(state, { type: 'hello', address: w.addresses[k] ?? '', reply: w.hellos[k], roundTripTime: roundTripTimeMs }, ++now).state;
      return state;
    },
    peer: (i) => {
      const k = i % n;
      td = td.update(new NodeSD(w.addresses[k] ?? '', w.hellos[k], { roundTripTime: roundTripTimeMs, minRoundTripTime: roundTripTimeMs }));
      return td;
    },
  };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function measure(members: number, goal: number, options: BenchOptions): BenchResult {
  const { ours, peer } = prepare(workload(members));
  const r = comparePeers(ours, peer, defaultMeasureOptions(options.quick));
  return { name: `sdam.update.rs${members}`, mongosim: r.mongosim, peer: r.peer, ratio: r.ratio, unit: 'ops/s', goal };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'sdam.update',
    // Issue 14: at least 2× the driver on 3 members and 5× on 50.
    run: (options) => [measure(3, 2, options), measure(50, 5, options)],
  },
];
