/**
 * The selection fast path: the suitable servers *within the latency window* in one step, over
 * the RTT-sorted TopologyIndex. Because candidates are sorted by RTT, the window of the eligible
 * servers is a prefix of them: the first eligible server fixes A, and the scan stops at the
 * first server beyond A + localThresholdMS. With no filter to apply (no tags, no max staleness,
 * nothing deprioritized) the window is the index's precomputed one.
 *
 * Same rules as `suitableServers` followed by `inLatencyWindow` (the reference path, which
 * the spec tests check); a property test asserts both paths agree on random topologies.
 */
import type { ServerDescription, TopologyDescription } from '../sdam/types.js';
import { effectiveRttMs, inLatencyWindow } from './latency-window.js';
import type { ReadPreference } from './read-preference.js';
import type { Selector } from './selector.js';
import { compiledTagSets, matchesCompiled } from './tag-sets.js';
import { suitableServers } from './suitability.js';
import { cachedTopologyIndex, topologyIndex, type Role, type TopologyIndex } from './topology-index.js';

const emptyServers: readonly ServerDescription[] = Object.freeze([]);
const msPerSecond = 1000;

/**
 * The in-window suitable servers, honouring deprioritization (spec "Server Selection Algorithm"
 * step 3). Uses the index when the description has served a selection before, else the linear
 * reference path (same result). `localThresholdMS` is the client's setting (ms).
 */
export function suitableInWindow(
  topology: TopologyDescription,
  selector: Selector,
  deprioritized: ReadonlySet<string> | undefined,
  localThresholdMS: number,
): readonly ServerDescription[] {
  const thresholdMs = clampedThresholdMs(localThresholdMS);
  const index = cachedTopologyIndex(topology, thresholdMs);
  if (index === null) return inLatencyWindow(suitableServers(topology, selector, deprioritized), thresholdMs);
  return indexedWindow(topology, index, selector, deprioritized, thresholdMs);
}

/** The same set computed over the topology's index (built now if needed). */
export function suitableInWindowIndexed(
  topology: TopologyDescription,
  selector: Selector,
  deprioritized: ReadonlySet<string> | undefined,
  localThresholdMS: number,
): readonly ServerDescription[] {
  const thresholdMs = clampedThresholdMs(localThresholdMS);
  return indexedWindow(topology, topologyIndex(topology, thresholdMs), selector, deprioritized, thresholdMs);
}

/** As inLatencyWindow: a negative or NaN threshold would empty the window, so it counts as 0. */
function clampedThresholdMs(localThresholdMS: number): number {
  return localThresholdMS > 0 ? localThresholdMS : 0;
}

function indexedWindow(
  topology: TopologyDescription,
  index: TopologyIndex,
  selector: Selector,
  deprioritized: ReadonlySet<string> | undefined,
  thresholdMs: number,
): readonly ServerDescription[] {
  if (deprioritized !== undefined && deprioritized.size > 0) {
    const preferred = windowAmong(topology, index, selector, deprioritized, thresholdMs);
    if (preferred.length > 0) return preferred;
  }
  return windowAmong(topology, index, selector, null, thresholdMs);
}

function windowAmong(
  topology: TopologyDescription,
  index: TopologyIndex,
  selector: Selector,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  switch (topology.type) {
    case 'Unknown':
      return emptyServers;
    case 'Single':
      return prefixWindow(index, 'available', excluded, thresholdMs);
    case 'Sharded':
      return prefixWindow(index, 'mongoses', excluded, thresholdMs);
    case 'LoadBalanced':
      return prefixWindow(index, 'loadBalancers', excluded, thresholdMs);
    case 'ReplicaSetWithPrimary':
    case 'ReplicaSetNoPrimary': {
      if (selector.operation === 'write') {
        if (topology.type === 'ReplicaSetNoPrimary') return emptyServers;
        return prefixWindow(index, 'primaries', excluded, thresholdMs);
      }
      return replicaSetReadWindow(index, selector.readPreference, excluded, thresholdMs);
    }
    default:
      return emptyServers;
  }
}

function replicaSetReadWindow(
  index: TopologyIndex,
  rp: ReadPreference,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  switch (rp.mode) {
    case 'primary':
      return prefixWindow(index, 'primaries', excluded, thresholdMs);
    case 'primaryPreferred': {
      const primaries = prefixWindow(index, 'primaries', excluded, thresholdMs);
      return primaries.length > 0 ? primaries : eligibleWindow(index, 'secondaries', rp, excluded, thresholdMs);
    }
    case 'secondary':
      return eligibleWindow(index, 'secondaries', rp, excluded, thresholdMs);
    case 'nearest':
      return eligibleWindow(index, 'members', rp, excluded, thresholdMs);
    case 'secondaryPreferred': {
      const secondaries = eligibleWindow(index, 'secondaries', rp, excluded, thresholdMs);
      return secondaries.length > 0 ? secondaries : prefixWindow(index, 'primaries', excluded, thresholdMs);
    }
  }
}

/** Window of one role's servers with no further filter than the deprioritized addresses. */
function prefixWindow(
  index: TopologyIndex,
  role: Role,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  return eligibleWindow(index, role, null, excluded, thresholdMs);
}

/**
 * "Eligible" (maxStalenessSeconds, then tag_sets tried in order) fused with the latency window.
 * A tag set "matches" when it matches any fresh candidate, wherever its RTT; only then is its
 * window taken.
 */
function eligibleWindow(
  index: TopologyIndex,
  role: Role,
  rp: ReadPreference | null,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  const sorted = index.sorted[role];
  const n = sorted.length;
  if (n === 0) return emptyServers;
  const maxStalenessMs = rp !== null && rp.maxStalenessSeconds !== null ? rp.maxStalenessSeconds * msPerSecond : null;
  const tagSets = rp === null || rp.tagSets.length === 0 ? null : compiledTagSets(rp.tagSets);
  // Nothing to filter: the window depends on the topology and threshold alone, so the index keeps it.
  if (excluded === null && maxStalenessMs === null && (tagSets === null || tagSets[0]!.length === 0) && thresholdMs === index.windowThresholdMs) {
    return index.window[role];
  }
  const setCount = tagSets === null ? 1 : tagSets.length;
  for (let s = 0; s < setCount; s++) {
    const set = tagSets === null ? null : tagSets[s]!;
    const anyTags = set === null || set.length === 0;
    let window: ServerDescription[] | null = null;
    let highMs = Infinity;
    for (let i = 0; i < n; i++) {
      const server = sorted[i]!;
      // Sorted by RTT: once past A + localThresholdMS, no later server can be in the window.
      if (window !== null && effectiveRttMs(server) > highMs) break;
      if (excluded !== null && excluded.has(server.address)) continue;
      if (maxStalenessMs !== null) {
        const staleness = index.stalenessOf(server);
        if (staleness === null || staleness > maxStalenessMs) continue;
      }
      if (!anyTags && !matchesCompiled(set!, server.tags)) continue;
      if (window === null) {
        window = [server];
        highMs = effectiveRttMs(server) + thresholdMs;
      } else {
        window.push(server);
      }
    }
    if (window !== null) return window;
    if (anyTags) return emptyServers; // an empty tag set matches every candidate: nothing is fresh
  }
  return emptyServers;
}
