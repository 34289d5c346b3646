/**
 * What `mongosim fuzz` generates, with fast-check: a fuzz case is plain data — the world's seed,
 * a fault schedule around one primary failover, and client workloads — and `caseScenario`
 * turns it into an ordinary Scenario (faults as timeline actions, workloads as `clients`), so a
 * shrunk case prints as a YAML scenario that `mongosim run` replays.
 *
 * Every case is short in virtual time (3 s): an elected set (tuned election settings) at about 0.5 s,
 * the failover fault (a crash or an isolation of the primary) between 0.9 and 1.5 s, up to a few
 * more faults until `recoverAtMs`, when the network heals and every stopped member starts
 * again, and client operations from the first election to shortly before the end.
 */
import fc from 'fast-check';
import type { ClientOpSpec, ClientReadConcern, ClientReadPreference, ClientSpec, MemberSpec, Scenario, ScenarioAction, TimelineEntry } from '../../sim/scenario/schema.js';
import { primaryKeyword } from '../../sim/scenario/schema.js';
import { defaultServerVersion } from '../../sim/mongod/versions.js';

/** Virtual timings of a fuzz case, ms. */
export const fuzzTimings = {
  durationMs: 4_000,
  firstOpMs: 700,
  failoverFromMs: 1_000,
  failoverToMs: 2_000,
  faultsUntilMs: 2_800,
  recoverAtMs: 2_800,
  lastOpMs: 3_900,
} as const;

/** Replica set settings that elect in well under a virtual second (mongod accepts them). */
export const fuzzSetSettings = { electionTimeoutMillis: 400, heartbeatIntervalMillis: 100, catchUpTimeoutMillis: 200 } as const;
/** Event budget of one case (a few thousand events are typical). */
export const fuzzEventBudget = 2_000_000;
export const maxExtraFaults = 4;
export const maxClientsPerCase = 3;
export const maxOpsPerClient = 8;

/**
 * Read concerns the generator asks for. `majority` and `linearizable` are left out until the
 * simulated mongod serves them (it reads its local data for every level today, so those reads
 * could not be judged fairly); the checkers for them are in place and tested on histories.
 */
export const generatedReadConcerns: readonly (ClientReadConcern | undefined)[] = [undefined, 'local'];
export const generatedReadPreferences: readonly ClientReadPreference[] = ['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'];

/**
 * Client heartbeat frequencies: the SDAM minimum (monitors see every primary change, stale ones
 * included) and a slower one (cheaper; the client learns of failovers from errors and streaming).
 */
export const generatedHeartbeatFrequenciesMS: readonly number[] = [500, 2_000];

export interface FuzzCaseOptions {
  readonly members: 3 | 5;
}

export type FailoverKind = 'crash' | 'isolate';

export interface FuzzCase {
  readonly seed: number;
  readonly failover: { readonly atMs: number; readonly kind: FailoverKind };
  readonly faults: readonly TimelineEntry[];
  readonly clients: readonly ClientSpec[];
}

export function memberHosts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `m${i + 1}:27017`);
}

const at = (from: number, to: number): fc.Arbitrary<number> => fc.integer({ min: from, max: to });

/** One extra fault (any kind the scenario timeline knows, the failover kinds included). */
function faultArb(hosts: readonly string[]): fc.Arbitrary<TimelineEntry> {
  const host = fc.constantFrom(...hosts);
  const hostOrPrimary = fc.constantFrom(primaryKeyword, ...hosts);
  const split = fc.shuffledSubarray([...hosts], { minLength: 1, maxLength: hosts.length - 1 }).map((side): [string[], string[]] => [side, hosts.filter((h) => !side.includes(h))]);
  const pair = fc.tuple(host, host).filter(([a, b]) => a !== b);
  const action: fc.Arbitrary<ScenarioAction> = fc.oneof(
    hostOrPrimary.map((h): ScenarioAction => ({ kind: 'crash', host: h })),
    host.map((h): ScenarioAction => ({ kind: 'restart', host: h })),
    split.map((sides): ScenarioAction => ({ kind: 'partition', sides })),
    split.map(([from, to]): ScenarioAction => ({ kind: 'partitionOneWay', from, to })),
    hostOrPrimary.map((h): ScenarioAction => ({ kind: 'isolate', host: h })),
    fc.tuple(pair, fc.integer({ min: 100, max: 1500 }), fc.boolean()).map(([[from, to], durationMs, oneWay]): ScenarioAction => ({ kind: 'clog', from, to, durationMs, oneWay })),
    fc.tuple(pair, fc.integer({ min: 1, max: 300 })).map(([[from, to], ms]): ScenarioAction => ({ kind: 'setLatency', from, to, oneWay: false, latency: { kind: 'constant', ms } })),
    fc.integer({ min: 1, max: 5 }).map((secs): ScenarioAction => ({ kind: 'stepDown', host: primaryKeyword, secs, secondaryCatchUpPeriodSecs: Math.min(1, secs) })),
    fc.tuple(host, fc.integer({ min: 1, max: 5 })).map(([h, secs]): ScenarioAction => ({ kind: 'freeze', host: h, secs })),
    fc.array(fc.integer({ min: 0, max: 2 }), { minLength: hosts.length, maxLength: hosts.length })
      .filter((priorities) => priorities.some((p) => p > 0))
      .map((priorities): ScenarioAction => ({ kind: 'reconfig', members: hosts.map((h, i): MemberSpec => ({ host: h, priority: priorities[i] as number })) })),
    hostOrPrimary.map((h): ScenarioAction => ({ kind: 'resetConnections', host: h })),
  );
  return fc.record({ atMs: at(fuzzTimings.failoverFromMs, fuzzTimings.faultsUntilMs), action }).map((e) => ({ ...e, line: undefined }));
}

function opArb(): fc.Arbitrary<ClientOpSpec> {
  const atMs = at(fuzzTimings.firstOpMs, fuzzTimings.lastOpMs);
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ atMs, w: fc.constantFrom<1 | 'majority'>('majority', 1), j: fc.constantFrom<boolean | undefined>(undefined, true) }).map(({ atMs, w, j }): ClientOpSpec => ({ atMs, kind: 'write', w, ...(j === undefined ? {} : { j }) })) },
    { weight: 2, arbitrary: fc.record({ atMs, rc: fc.constantFrom(...generatedReadConcerns) }).map(({ atMs, rc }): ClientOpSpec => ({ atMs, kind: 'read', ...(rc === undefined ? {} : { readConcern: rc }) })) },
  );
}

function clientArb(index: number): fc.Arbitrary<ClientSpec> {
  return fc
    .record({
      retryWrites: fc.boolean(),
      retryReads: fc.boolean(),
      readPreference: fc.constantFrom(...generatedReadPreferences),
      heartbeatFrequencyMS: fc.constantFrom(...generatedHeartbeatFrequenciesMS),
      ops: fc.array(opArb(), { minLength: 1, maxLength: maxOpsPerClient }),
    })
    .map((c) => ({ host: `c${index + 1}`, ...c, ops: [...c.ops].sort((a, b) => a.atMs - b.atMs) }));
}

/** The fast-check arbitrary of fuzz cases. */
export function fuzzCaseArb(options: FuzzCaseOptions): fc.Arbitrary<FuzzCase> {
  const hosts = memberHosts(options.members);
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    failover: fc.record({ atMs: at(fuzzTimings.failoverFromMs, fuzzTimings.failoverToMs), kind: fc.constantFrom<FailoverKind>('crash', 'isolate') }),
    faults: fc.array(faultArb(hosts), { maxLength: maxExtraFaults }),
    clients: fc.integer({ min: 1, max: maxClientsPerCase }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => clientArb(i)))),
  });
}

/** The case as a scenario: the failover and extra faults, then `recover`, in time order. */
export function caseScenario(c: FuzzCase, options: FuzzCaseOptions, name = `fuzz-${c.seed}`): Scenario {
  const hosts = memberHosts(options.members);
  const failover: TimelineEntry = { atMs: c.failover.atMs, action: { kind: c.failover.kind, host: primaryKeyword }, line: undefined };
  const recover: TimelineEntry = { atMs: fuzzTimings.recoverAtMs, action: { kind: 'recover' }, line: undefined };
  const timeline = [failover, ...c.faults, recover].map((e, i) => ({ e, i })).sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i).map((x) => x.e);
  return {
    name,
    description: `mongosim fuzz case: a ${options.members}-member set, a primary ${c.failover.kind} at ${c.failover.atMs}ms, ${c.faults.length} more fault(s), ${c.clients.length} client(s)`,
    seed: c.seed,
    durationMs: fuzzTimings.durationMs,
    replicaSet: { name: 'rs0', version: defaultServerVersion, members: hosts.map((host) => ({ host })), initiate: true, settings: { ...fuzzSetSettings } },
    mongos: [],
    network: { links: [] },
    workload: undefined,
    randomFaults: undefined,
    timeline,
    budget: { events: fuzzEventBudget },
    clients: c.clients,
  };
}
