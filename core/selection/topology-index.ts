/**
 * A per-TopologyDescription index for the selection fast path: the servers grouped by the roles
 * selection asks for, each group sorted by average RTT, the unfiltered latency window of each
 * group, and each secondary's staleness. TopologyDescriptions are immutable values
 * (core/sdam/types.ts), so an index stays valid for the description it was built from; a new
 * description (after any monitor update) gets a new index. Only structure is cached: the read
 * preference (tags, staleness, deprioritization) is evaluated on every selection.
 *
 * Building costs a sort, which only pays off when a description serves more than one
 * selection, so `cachedTopologyIndex` builds on the second selection against the same
 * description and the first one takes the linear reference path. The module keeps two strong
 * references (the last description seen once, the last one indexed); everything else is in a
 * WeakMap. These memos change cost only, never results.
 */
import type { ServerDescription, TopologyDescription } from '../sdam/types.js';
import { effectiveRttMs } from './latency-window.js';
import { stalenessBasis, stalenessMs, type StalenessBasis } from './staleness.js';
import { isAvailable } from './suitability.js';

export type Role = 'available' | 'mongoses' | 'loadBalancers' | 'primaries' | 'secondaries' | 'members';

export interface TopologyIndex {
  /** Servers of each role in ascending effective RTT (unmeasured last), ties in topology order. */
  readonly sorted: { readonly [R in Role]: readonly ServerDescription[] };
  /** The latency window of each role with no read-preference filter (frozen: shared), for `windowThresholdMs`. */
  readonly window: { readonly [R in Role]: readonly ServerDescription[] };
  /** The localThresholdMS (clamped at 0) `window` was computed for; other thresholds scan `sorted`. */
  readonly windowThresholdMs: number;
  /** Staleness in ms of a server of this topology, computed on first use. */
  stalenessOf(server: ServerDescription): number | null;
}

const indexCache = new WeakMap<TopologyDescription, TopologyIndex>();
/** The last description selected against without an index (a strong reference to one value). */
let seenOnce: TopologyDescription | null = null;
/** The most recently used index: most selections in a row are against the current description. */
let lastTopology: TopologyDescription | null = null;
let lastIndex: TopologyIndex | null = null;

/**
 * The index of a description, building it now if needed; `thresholdMs` (localThresholdMS
 * clamped at 0) is the window a new index precomputes.
 */
export function topologyIndex(topology: TopologyDescription, thresholdMs: number): TopologyIndex {
  if (topology === lastTopology && lastIndex !== null) return lastIndex;
  let index = indexCache.get(topology);
  if (index === undefined) {
    index = buildIndex(topology, thresholdMs);
    indexCache.set(topology, index);
  }
  lastTopology = topology;
  lastIndex = index;
  return index;
}

/** The index when this description has served a selection before; otherwise null. */
export function cachedTopologyIndex(topology: TopologyDescription, thresholdMs: number): TopologyIndex | null {
  if (topology === lastTopology && lastIndex !== null) return lastIndex;
  const index = indexCache.get(topology);
  if (index !== undefined) {
    lastTopology = topology;
    lastIndex = index;
    return index;
  }
  if (seenOnce !== topology) {
    seenOnce = topology;
    return null;
  }
  seenOnce = null;
  return topologyIndex(topology, thresholdMs);
}

function byRtt(servers: ServerDescription[]): readonly ServerDescription[] {
  // Array.prototype.sort is stable, so equal RTTs keep topology order.
  return Object.freeze(servers.sort((a, b) => effectiveRttMs(a) - effectiveRttMs(b) || 0));
}

/** The window of an RTT-sorted list is its prefix up to the first RTT beyond A + threshold. */
function sortedPrefixWindow(sorted: readonly ServerDescription[], thresholdMs: number): readonly ServerDescription[] {
  if (sorted.length === 0) return sorted;
  const highMs = effectiveRttMs(sorted[0]!) + thresholdMs;
  let end = 1;
  while (end < sorted.length && effectiveRttMs(sorted[end]!) <= highMs) end++;
  return end === sorted.length ? sorted : Object.freeze(sorted.slice(0, end));
}

function buildIndex(topology: TopologyDescription, thresholdMs: number): TopologyIndex {
  const available: ServerDescription[] = [];
  const mongoses: ServerDescription[] = [];
  const loadBalancers: ServerDescription[] = [];
  const primaries: ServerDescription[] = [];
  const secondaries: ServerDescription[] = [];
  const members: ServerDescription[] = [];
  for (const server of topology.servers.values()) {
    const type = server.type;
    if (isAvailable(type)) available.push(server);
    if (type === 'Mongos') mongoses.push(server);
    else if (type === 'LoadBalancer') loadBalancers.push(server);
    else if (type === 'RSPrimary') {
      primaries.push(server);
      members.push(server);
    } else if (type === 'RSSecondary') {
      secondaries.push(server);
      members.push(server);
    }
  }
  const sorted = {
    available: byRtt(available),
    mongoses: byRtt(mongoses),
    loadBalancers: byRtt(loadBalancers),
    primaries: byRtt(primaries),
    secondaries: byRtt(secondaries),
    members: byRtt(members),
  };
  const window = {
    available: sortedPrefixWindow(sorted.available, thresholdMs),
    mongoses: sortedPrefixWindow(sorted.mongoses, thresholdMs),
    loadBalancers: sortedPrefixWindow(sorted.loadBalancers, thresholdMs),
    primaries: sortedPrefixWindow(sorted.primaries, thresholdMs),
    secondaries: sortedPrefixWindow(sorted.secondaries, thresholdMs),
    members: sortedPrefixWindow(sorted.members, thresholdMs),
  };
  let basis: StalenessBasis | null = null;
  const staleness = new Map<string, number | null>();
  return {
    sorted,
    window,
    windowThresholdMs: thresholdMs,
    stalenessOf(server) {
      let value = staleness.get(server.address);
      if (value === undefined) {
        basis ??= stalenessBasis(topology);
        value = stalenessMs(server, basis);
        staleness.set(server.address, value);
      }
      return value;
    },
  };
}
