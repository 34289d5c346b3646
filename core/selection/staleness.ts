/**
 * Max staleness (max-staleness.md; server-selection.md "maxStalenessSeconds"): validation
 * against the topology and the two staleness estimates, with a primary and without one.
 */
import type { ServerDescription, TopologyDescription } from '../sdam/types.js';
import { idleWritePeriodMS, smallestMaxStalenessSeconds } from './constants.js';

const msPerSecond = 1000;

/** What the staleness estimate of a secondary needs from the rest of the topology. */
export interface StalenessBasis {
  readonly heartbeatFrequencyMS: number;
  /** The primary when the topology is ReplicaSetWithPrimary and the primary reports lastWrite; else null. */
  readonly primary: ServerDescription | null;
  /** Greatest lastWriteDate among the topology's secondaries ("SMax"), or null when none reports one. */
  readonly maxSecondaryLastWriteDate: number | null;
}

export function isReplicaSetTopology(topology: TopologyDescription): boolean {
  return topology.type === 'ReplicaSetWithPrimary' || topology.type === 'ReplicaSetNoPrimary';
}

/**
 * server-selection.md "maxStalenessSeconds": in a replica set, maxStalenessSeconds must be at
 * least smallestMaxStalenessSeconds and at least heartbeatFrequencyMS + idleWritePeriodMS.
 * Returns a message naming the violated rule, or null when the value is allowed.
 */
export function maxStalenessProblem(maxStalenessSeconds: number | null, topology: TopologyDescription): string | null {
  if (maxStalenessSeconds === null || !isReplicaSetTopology(topology)) return null;
  if (maxStalenessSeconds < smallestMaxStalenessSeconds) {
    return `maxStalenessSeconds ${maxStalenessSeconds} is below the smallest allowed value of ${smallestMaxStalenessSeconds} seconds`;
  }
  const minimumMs = topology.heartbeatFrequencyMS + idleWritePeriodMS;
  if (maxStalenessSeconds * msPerSecond < minimumMs) {
    return (
      `maxStalenessSeconds ${maxStalenessSeconds} is below heartbeatFrequencyMS ${topology.heartbeatFrequencyMS}` +
      ` + idleWritePeriodMS ${idleWritePeriodMS} = ${minimumMs / msPerSecond} seconds`
    );
  }
  return null;
}

export function stalenessBasis(topology: TopologyDescription): StalenessBasis {
  let primary: ServerDescription | null = null;
  let maxSecondaryLastWriteDate: number | null = null;
  for (const server of topology.servers.values()) {
    if (server.type === 'RSPrimary' && primary === null && hasWriteTimes(server)) primary = server;
    if (server.type === 'RSSecondary' && isFiniteNumber(server.lastWriteDate)) {
      if (maxSecondaryLastWriteDate === null || server.lastWriteDate > maxSecondaryLastWriteDate) {
        maxSecondaryLastWriteDate = server.lastWriteDate;
      }
    }
  }
  return {
    heartbeatFrequencyMS: topology.heartbeatFrequencyMS,
    primary: topology.type === 'ReplicaSetWithPrimary' ? primary : null,
    maxSecondaryLastWriteDate,
  };
}

/**
 * Estimated staleness in ms; 0 for non-secondaries; null when it cannot be estimated (the
 * secondary reported no lastWriteDate, or was never checked), in which case the secondary is
 * not eligible under a max staleness.
 */
export function stalenessMs(server: ServerDescription, basis: StalenessBasis): number | null {
  if (server.type !== 'RSSecondary') return 0;
  if (!isFiniteNumber(server.lastWriteDate)) return null;
  const p = basis.primary;
  if (p !== null && isFiniteNumber(p.lastWriteDate)) {
    if (!Number.isFinite(server.lastUpdateTime)) return null;
    // max-staleness.md "Estimating Staleness" with a primary P:
    // (S.lastUpdateTime - S.lastWriteDate) - (P.lastUpdateTime - P.lastWriteDate) + heartbeatFrequencyMS
    return (
      server.lastUpdateTime - server.lastWriteDate - (p.lastUpdateTime - p.lastWriteDate) + basis.heartbeatFrequencyMS
    );
  }
  // Without a (usable) primary: SMax.lastWriteDate - S.lastWriteDate + heartbeatFrequencyMS.
  const sMax = basis.maxSecondaryLastWriteDate ?? server.lastWriteDate;
  return sMax - server.lastWriteDate + basis.heartbeatFrequencyMS;
}

/** Servers with staleness less than or equal to maxStalenessSeconds are eligible. */
export function isFreshEnough(server: ServerDescription, basis: StalenessBasis, maxStalenessSeconds: number): boolean {
  const staleness = stalenessMs(server, basis);
  return staleness !== null && staleness <= maxStalenessSeconds * msPerSecond;
}

function hasWriteTimes(server: ServerDescription): boolean {
  return isFiniteNumber(server.lastWriteDate) && Number.isFinite(server.lastUpdateTime);
}

function isFiniteNumber(value: number | null): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
