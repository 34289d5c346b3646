/**
 * Runners for the server selection and max staleness suites:
 * - server-selection/server_selection and max-staleness: build the TopologyDescription and the
 *   read preference from each file, then check `suitable_servers` and `in_latency_window`
 *   (or that an error is raised for `error: true`), per the suites' README.md.
 * - server-selection/in_window: repeat selections with the given operationCounts and a seeded
 *   random source; observed frequencies must be within the file's tolerance.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomSource } from '../../core/random.js';
import type { ServerDescription, ServerType, TopologyDescription, TopologyType } from '../../core/sdam/types.js';
import { defaultLocalThresholdMS } from '../../core/selection/constants.js';
import {
  inLatencyWindow,
  readPreference,
  readSelector,
  selectionPreconditionError,
  selectServer,
  suitableInWindowIndexed,
  suitableServers,
  writeSelector,
  type ReadPreference,
  type Selector,
} from '../../core/selection/index.js';
import { SpecMismatch, assertMatches } from '../assert.js';
import type { SpecCase, SpecFile, SpecSuite } from '../suite.js';

/** SDAM "heartbeatFrequencyMS" default, used when a test gives none. */
const defaultHeartbeatFrequencyMS = 10_000;
/** Fixed seed for in_window: deterministic runs, derived from nothing but this constant. */
const inWindowSeed = 0x5e1ec7;

type Json = Record<string, unknown>;

function asObject(value: unknown, where: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} must be an object`);
  return value as Json;
}

function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be an array`);
  return value;
}

/** `{"$numberLong": "2"}` or a plain number → ms; absent → null. */
function int64(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return value;
  const obj = asObject(value, 'int64');
  const text = obj.$numberLong;
  if (typeof text !== 'string') throw new Error(`bad int64 ${JSON.stringify(value)}`);
  return Number(text);
}

/** Builds a ServerDescription from a test's server entry, filling the SDAM defaults. */
export function serverFromSpec(json: unknown): ServerDescription {
  const s = asObject(json, 'server');
  if (typeof s.address !== 'string') throw new Error('server.address must be a string');
  const lastWrite = s.lastWrite === undefined ? null : asObject(s.lastWrite, 'server.lastWrite');
  return {
    address: s.address,
    type: s.type as ServerType,
    error: null,
    roundTripTime: typeof s.avg_rtt_ms === 'number' ? s.avg_rtt_ms : null,
    minRoundTripTime: null,
    lastWriteDate: lastWrite === null ? null : int64(lastWrite.lastWriteDate),
    opTime: null,
    minWireVersion: 0,
    maxWireVersion: typeof s.maxWireVersion === 'number' ? s.maxWireVersion : 0,
    me: null,
    hosts: [],
    passives: [],
    arbiters: [],
    tags: (s.tags as Record<string, string> | undefined) ?? {},
    setName: null,
    electionId: null,
    setVersion: null,
    primary: null,
    lastUpdateTime: typeof s.lastUpdateTime === 'number' ? s.lastUpdateTime : 0,
    logicalSessionTimeoutMinutes: null,
    topologyVersion: null,
    iscryptd: false,
    serviceId: null,
    maxBsonObjectSize: null,
    maxMessageSizeBytes: null,
    maxWriteBatchSize: null,
  };
}

export function topologyFromSpec(json: unknown, heartbeatFrequencyMS = defaultHeartbeatFrequencyMS): TopologyDescription {
  const t = asObject(json, 'topology_description');
  const servers = new Map<string, ServerDescription>();
  for (const entry of asArray(t.servers, 'topology_description.servers')) {
    const server = serverFromSpec(entry);
    servers.set(server.address, server);
  }
  return {
    type: t.type as TopologyType,
    setName: null,
    maxSetVersion: null,
    maxElectionId: null,
    servers,
    stale: false,
    compatible: true,
    compatibilityError: null,
    logicalSessionTimeoutMinutes: null,
    heartbeatFrequencyMS,
    localThresholdMS: defaultLocalThresholdMS,
  };
}

/** Test files spell modes capitalised ("SecondaryPreferred"); the API uses camelCase. */
function readPreferenceFromSpec(json: unknown): ReadPreference {
  const rp = asObject(json ?? {}, 'read_preference');
  const mode = typeof rp.mode === 'string' ? rp.mode.charAt(0).toLowerCase() + rp.mode.slice(1) : 'primary';
  return readPreference({
    mode,
    tags: rp.tag_sets as Record<string, string>[] | undefined,
    maxStalenessSeconds: rp.maxStalenessSeconds as number | undefined,
  });
}

function addresses(list: readonly { readonly address: string }[]): string[] {
  return list.map((s) => s.address).sort();
}

function expectedAddresses(json: unknown, key: string): string[] {
  return asArray(json, key).map((entry) => String(asObject(entry, key).address)).sort();
}

function runSelectionFile(json: unknown): void {
  const test = asObject(json, 'test file');
  const heartbeat = typeof test.heartbeatFrequencyMS === 'number' ? test.heartbeatFrequencyMS : undefined;
  const topology = topologyFromSpec(test.topology_description, heartbeat);
  const expectError = test.error === true;
  let selector: Selector;
  let failure: unknown = null;
  try {
    selector = test.operation === 'write' ? writeSelector : readSelector(readPreferenceFromSpec(test.read_preference));
    const precondition = selectionPreconditionError(topology, selector);
    if (precondition !== null) throw precondition;
  } catch (error) {
    failure = error;
    selector = writeSelector;
  }
  if (expectError) {
    if (failure === null) throw new SpecMismatch('error', true, false, 'expected an invalid read preference error');
    return;
  }
  if (failure !== null) throw failure;
  const deprioritized =
    test.deprioritized_servers === undefined
      ? undefined
      : new Set(expectedAddresses(test.deprioritized_servers, 'deprioritized_servers'));
  const suitable = suitableServers(topology, selector, deprioritized);
  if (test.suitable_servers !== undefined) {
    assertMatches(addresses(suitable), expectedAddresses(test.suitable_servers, 'suitable_servers'), 'suitable_servers');
  }
  // The spec's selection tests use the default localThresholdMS (none of them sets it).
  const window = inLatencyWindow(suitable, defaultLocalThresholdMS);
  const expectedWindow = expectedAddresses(test.in_latency_window, 'in_latency_window');
  assertMatches(addresses(window), expectedWindow, 'in_latency_window');
  // The indexed fast path (selectServer's path once a description is reused) must agree.
  assertMatches(addresses(suitableInWindowIndexed(topology, selector, deprioritized, defaultLocalThresholdMS)), expectedWindow, 'in_latency_window (indexed path)');
}

export function seededRandom(seed: number): RandomSource {
  const rng = xoroshiro128plus(seed);
  return { int: (maxExclusive) => uniformInt(rng, 0, maxExclusive - 1) };
}

function runInWindowFile(json: unknown): void {
  const test = asObject(json, 'test file');
  const topology = topologyFromSpec(test.topology_description);
  const counts = new Map<string, number>();
  for (const entry of asArray(test.mocked_topology_state, 'mocked_topology_state')) {
    const state = asObject(entry, 'mocked_topology_state[]');
    counts.set(String(state.address), Number(state.operation_count));
  }
  const iterations = Number(test.iterations);
  if (!Number.isInteger(iterations) || iterations <= 0) throw new Error(`iterations must be a positive integer`);
  const outcome = asObject(test.outcome, 'outcome');
  const tolerance = Number(outcome.tolerance);
  const expected = asObject(outcome.expected_frequencies, 'outcome.expected_frequencies');
  const random = seededRandom(inWindowSeed);
  const selector = readSelector(readPreference({ mode: 'nearest' }));
  const hits = new Map<string, number>();
  for (let i = 0; i < iterations; i++) {
    const result = selectServer({ topology, selector, now: 0, startTime: 0, random, operationCounts: counts });
    if (result.kind !== 'selected') throw new SpecMismatch(`selection[${i}]`, 'selected', result.kind);
    hits.set(result.server.address, (hits.get(result.server.address) ?? 0) + 1);
  }
  for (const [address, value] of Object.entries(expected)) {
    const frequency = Number(value);
    const observed = (hits.get(address) ?? 0) / iterations;
    const exact = frequency === 0 || frequency === 1;
    if (exact ? observed !== frequency : Math.abs(observed - frequency) > tolerance) {
      throw new SpecMismatch(
        `expected_frequencies.${address}`,
        frequency,
        observed,
        exact ? 'must be exact' : `tolerance ${tolerance}`,
      );
    }
  }
  for (const address of hits.keys()) {
    if (!(address in expected)) throw new SpecMismatch(`expected_frequencies.${address}`, undefined, hits.get(address), 'unexpected server selected');
  }
}

function fileCase(file: SpecFile, run: (json: unknown) => void): SpecCase[] {
  const json = file.json as { description?: unknown };
  const description = typeof json?.description === 'string' ? json.description : file.relPath;
  return [{ id: file.relPath, file: file.relPath, description, run: () => run(file.json) }];
}

export const suites: SpecSuite[] = [
  {
    name: 'server-selection/server_selection',
    dir: 'server-selection/tests/server_selection',
    recursive: true,
    cases: (file) => fileCase(file, runSelectionFile),
  },
  {
    name: 'server-selection/in_window',
    dir: 'server-selection/tests/in_window',
    recursive: false,
    cases: (file) => fileCase(file, runInWindowFile),
  },
  {
    name: 'max-staleness',
    dir: 'max-staleness/tests',
    recursive: true,
    cases: (file) => fileCase(file, runSelectionFile),
  },
];
