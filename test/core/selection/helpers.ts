/** Builders for selection tests: descriptions with SDAM defaults, and a seeded random source. */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomSource } from '../../../core/random.js';
import type { ServerDescription, TopologyDescription, TopologyType } from '../../../core/sdam/types.js';
import { serverDescription, topologyDescription } from '../../support/descriptions.js';

export function server(address: string, fields: Partial<ServerDescription> = {}): ServerDescription {
  return serverDescription(address, { maxWireVersion: 21, ...fields });
}

export function topology(
  type: TopologyType,
  servers: readonly ServerDescription[],
  fields: Partial<TopologyDescription> = {},
): TopologyDescription {
  return topologyDescription(type, servers, fields);
}

export function seededRandom(seed: number): RandomSource {
  const rng = xoroshiro128plus(seed);
  return { int: (maxExclusive) => uniformInt(rng, 0, maxExclusive - 1) };
}
