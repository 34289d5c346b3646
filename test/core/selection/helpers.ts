/** Builders for selection tests: descriptions with SDAM defaults, and a seeded random source. */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomSource } from '../../../core/random.js';
import type { ServerDescription, TopologyDescription, TopologyType } from '../../../core/sdam/types.js';

export function server(address: string, fields: Partial<ServerDescription> = {}): ServerDescription {
  return {
    address,
    type: 'Unknown',
    error: null,
    roundTripTime: null,
    minRoundTripTime: null,
    lastWriteDate: null,
    opTime: null,
    minWireVersion: 0,
    maxWireVersion: 21,
    me: null,
    hosts: [],
    passives: [],
    arbiters: [],
    tags: {},
    setName: null,
    electionId: null,
    setVersion: null,
    primary: null,
    lastUpdateTime: -Infinity,
    logicalSessionTimeoutMinutes: null,
    topologyVersion: null,
    iscryptd: false,
    serviceId: null,
    maxBsonObjectSize: null,
    maxMessageSizeBytes: null,
    maxWriteBatchSize: null,
    ...fields,
  };
}

export function topology(
  type: TopologyType,
  servers: readonly ServerDescription[],
  fields: Partial<TopologyDescription> = {},
): TopologyDescription {
  return {
    type,
    setName: null,
    maxSetVersion: null,
    maxElectionId: null,
    servers: new Map(servers.map((s) => [s.address, s])),
    stale: false,
    compatible: true,
    compatibilityError: null,
    logicalSessionTimeoutMinutes: null,
    heartbeatFrequencyMS: 10_000,
    localThresholdMS: 15,
    ...fields,
  };
}

export function seededRandom(seed: number): RandomSource {
  const rng = xoroshiro128plus(seed);
  return { int: (maxExclusive) => uniformInt(rng, 0, maxExclusive - 1) };
}
