/**
 * The validated form of a scenario file (see fixtures/scenarios/README.md for the YAML schema).
 * Every duration is in virtual ms; hosts are "name:port" strings; `primary` in a host field
 * means "whichever member is primary when the action runs".
 */
import type { LatencyDistribution } from '../network/network.js';
import type { ServerVersion } from '../mongod/versions.js';
import type { RandomFaultKind } from './random-faults.js';

export type { ServerVersion };
export const defaultReplicaSetName = 'rs0';
export const defaultSeed = 1;
/** The keyword that targets the current primary in host fields of timeline actions. */
export const primaryKeyword = 'primary';
/** replSetStepDown's default stepDownSecs (MongoDB manual) and secondaryCatchUpPeriodSecs. */
export const defaultStepDownSecs = 60;
export const defaultSecondaryCatchUpPeriodSecs = 10;
/** Scenario size limits. */
export const maxMembers = 50;
export const maxTimelineEntries = 100_000;
export const maxWritesPerSecond = 10_000;
/**
 * The simulator events a run may use when the file sets no `budget.events`: about 40 times what
 * the largest fixture (six hours of chaos on five members) needs, and minutes of wall time.
 */
export const defaultEventBudget = 50_000_000;
/** The largest `budget.events` a file may ask for. */
export const maxEventBudget = 10_000_000_000;

/** A scenario member is exactly a simulated replica-set member's settings. */
export type { MemberSpec } from '../mongod/replset.js';
import type { MemberSpec } from '../mongod/replset.js';

export interface ReplicaSetSpec {
  readonly name: string;
  readonly version: ServerVersion;
  readonly members: readonly MemberSpec[];
  /** Send replSetInitiate to the first member at time 0 (default true). */
  readonly initiate: boolean;
  readonly settings: {
    readonly electionTimeoutMillis?: number;
    readonly heartbeatIntervalMillis?: number;
    readonly catchUpTimeoutMillis?: number;
  };
}

export interface MongosSpec {
  readonly host: string;
  readonly version: ServerVersion;
}

export interface LinkSpec {
  readonly from: string;
  readonly to: string;
  readonly oneWay: boolean;
  readonly latency?: LatencyDistribution;
  readonly jitterMs?: number;
  readonly dropRate?: number;
}

export interface NetworkSpec {
  readonly latency?: LatencyDistribution;
  readonly jitterMs?: number;
  readonly dropRate?: number;
  readonly links: readonly LinkSpec[];
}

export type WriteConcernW = number | 'majority';

export interface WorkloadSpec {
  /** Client inserts per virtual second sent to the current primary (0 = none). */
  readonly writesPerSecond: number;
  readonly w: WriteConcernW;
  readonly j?: boolean;
  /** Send the writes through this mongos router instead of straight to the primary. */
  readonly via?: string;
}

export interface RandomFaultsSpec {
  /** One random fault every this many virtual ms. */
  readonly everyMs: number;
  /** No random fault starts after this time (default: the end of the run). */
  readonly untilMs: number;
  readonly kinds: readonly RandomFaultKind[];
}

export type ScenarioAction =
  | { readonly kind: 'crash'; readonly host: string }
  | { readonly kind: 'restart'; readonly host: string }
  | { readonly kind: 'partition'; readonly sides: readonly [readonly string[], readonly string[]] }
  | { readonly kind: 'partitionOneWay'; readonly from: readonly string[]; readonly to: readonly string[] }
  | { readonly kind: 'isolate'; readonly host: string }
  | { readonly kind: 'heal' }
  /** Heals the network and starts every member and router that is down (the end of a fault schedule). */
  | { readonly kind: 'recover' }
  | { readonly kind: 'stepDown'; readonly host: string; readonly secs: number; readonly secondaryCatchUpPeriodSecs: number }
  | { readonly kind: 'freeze'; readonly host: string; readonly secs: number }
  | { readonly kind: 'reconfig'; readonly members: readonly MemberSpec[] }
  | { readonly kind: 'clog'; readonly from: string; readonly to: string; readonly durationMs: number; readonly oneWay: boolean }
  | {
      readonly kind: 'setLatency';
      readonly from?: string;
      readonly to?: string;
      readonly oneWay: boolean;
      readonly latency?: LatencyDistribution;
      readonly jitterMs?: number;
      readonly dropRate?: number;
    }
  | { readonly kind: 'resetConnections'; readonly host: string; readonly peer?: string }
  | { readonly kind: 'write'; readonly count: number; readonly w: WriteConcernW; readonly j?: boolean };

export type ScenarioActionKind = ScenarioAction['kind'];

export interface TimelineEntry {
  readonly atMs: number;
  readonly action: ScenarioAction;
  /** 1-based line in the scenario file, for messages about this entry. */
  readonly line: number | undefined;
}

/** What a run may spend before it stops with an error (ScenarioBudgetError). */
export interface BudgetSpec {
  /** Simulator events (scheduler callbacks) the run may execute. */
  readonly events: number;
}

/** Read preference modes a scenario client may use (server-selection.md). */
export const clientReadPreferences = ['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'] as const;
export type ClientReadPreference = (typeof clientReadPreferences)[number];
/** Read concern levels a scenario read may ask for (read-write-concern.md). */
export const clientReadConcerns = ['local', 'majority', 'linearizable'] as const;
export type ClientReadConcern = (typeof clientReadConcerns)[number];
/** Bounds on a scenario's clients. */
export const maxClients = 64;
export const maxClientOps = 100_000;

/**
 * One operation of a scenario client, at a virtual time. A write upserts a document of its own
 * (`_id` = the operation's key) with `$inc: {n: 1}`, so a write applied twice shows as n = 2;
 * a read finds every document of the workload collection.
 */
export type ClientOpSpec =
  | { readonly atMs: number; readonly kind: 'write'; readonly w: WriteConcernW; readonly j?: boolean }
  | { readonly atMs: number; readonly kind: 'read'; readonly readConcern?: ClientReadConcern };

/**
 * A client of the scenario: a driver (the MongoClient runtime, plugged in by the harness) that
 * discovers the set from its seed list and sends its operations through server selection and
 * retries. `host` is its name on the simulated network.
 */
export interface ClientSpec {
  readonly host: string;
  readonly retryWrites: boolean;
  readonly retryReads: boolean;
  readonly readPreference: ClientReadPreference;
  /** SDAM heartbeatFrequencyMS of this client (default: the workload's). */
  readonly heartbeatFrequencyMS?: number;
  /** Sorted by time. */
  readonly ops: readonly ClientOpSpec[];
}

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly replicaSet: ReplicaSetSpec;
  readonly mongos: readonly MongosSpec[];
  readonly network: NetworkSpec;
  readonly workload: WorkloadSpec | undefined;
  readonly randomFaults: RandomFaultsSpec | undefined;
  /** Sorted by time; entries at the same time keep file order. */
  readonly timeline: readonly TimelineEntry[];
  readonly budget: BudgetSpec;
  /** Driver clients and their operations (need a client workload: see sim/scenario/workload.ts). */
  readonly clients?: readonly ClientSpec[];
}
