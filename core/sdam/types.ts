/**
 * Value types shared by SDAM (server-discovery-and-monitoring.md) and server selection
 * (server-selection.md). Plain immutable data: no classes, so the values can be built from
 * hello replies, from spec-test JSON, or by a fuzzer, and compared structurally.
 *
 * Field names follow the official Node driver's ServerDescription / TopologyDescription
 * where the spec leaves naming open. Times are milliseconds on the caller's clock (`now`).
 */

/** SDAM spec, "Data structures / Enums / ServerType". */
export type ServerType =
  | 'Standalone'
  | 'Mongos'
  | 'PossiblePrimary'
  | 'RSPrimary'
  | 'RSSecondary'
  | 'RSArbiter'
  | 'RSOther'
  | 'RSGhost'
  | 'LoadBalancer'
  | 'Unknown';

/** SDAM spec, "Data structures / Enums / TopologyType". */
export type TopologyType =
  | 'Single'
  | 'ReplicaSetNoPrimary'
  | 'ReplicaSetWithPrimary'
  | 'Sharded'
  | 'LoadBalanced'
  | 'Unknown';

/** SDAM spec, "topologyVersion". `processId` is the ObjectId as 24 lower-case hex digits. */
export interface TopologyVersion {
  readonly processId: string;
  readonly counter: number;
}

/** Replication opTime as reported in hello's `lastWrite.opTime`. */
export interface OpTime {
  readonly ts: bigint;
  readonly t: number;
}

/** SDAM spec, "Data structures / ServerDescription". Immutable. */
export interface ServerDescription {
  /** "host:port", lower-cased host; IPv6 as "[::1]:27017". */
  readonly address: string;
  readonly type: ServerType;
  /** Description of the last error, or null. Never contains credentials. */
  readonly error: string | null;
  /** Exponentially weighted average RTT (alpha 0.2) in ms; null before the first success. */
  readonly roundTripTime: number | null;
  readonly minRoundTripTime: number | null;
  /** `lastWrite.lastWriteDate` in ms since the epoch, or null. */
  readonly lastWriteDate: number | null;
  readonly opTime: OpTime | null;
  readonly minWireVersion: number;
  readonly maxWireVersion: number;
  readonly me: string | null;
  readonly hosts: readonly string[];
  readonly passives: readonly string[];
  readonly arbiters: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly setName: string | null;
  /** ObjectId as 24 lower-case hex digits, or null. */
  readonly electionId: string | null;
  readonly setVersion: number | null;
  readonly primary: string | null;
  /** When this server was last checked (caller's clock, ms); -Infinity before any check. */
  readonly lastUpdateTime: number;
  readonly logicalSessionTimeoutMinutes: number | null;
  readonly topologyVersion: TopologyVersion | null;
  readonly iscryptd: boolean;
  /** Load balancer mode: the `serviceId` ObjectId as hex, or null. */
  readonly serviceId: string | null;
  readonly maxBsonObjectSize: number | null;
  readonly maxMessageSizeBytes: number | null;
  readonly maxWriteBatchSize: number | null;
}

/** SDAM spec, "Data structures / TopologyDescription". Immutable. */
export interface TopologyDescription {
  readonly type: TopologyType;
  readonly setName: string | null;
  readonly maxSetVersion: number | null;
  /** ObjectId as 24 lower-case hex digits, or null. */
  readonly maxElectionId: string | null;
  /** Keyed by ServerDescription.address. */
  readonly servers: ReadonlyMap<string, ServerDescription>;
  readonly stale: boolean;
  readonly compatible: boolean;
  readonly compatibilityError: string | null;
  readonly logicalSessionTimeoutMinutes: number | null;
  /** Needed by max staleness (max-staleness.md). */
  readonly heartbeatFrequencyMS: number;
  readonly localThresholdMS: number;
}
