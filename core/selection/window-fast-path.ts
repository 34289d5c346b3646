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
import { bugs } from '../bugs.js';
import { ServerMap } from '../sdam/server-map.js';
import type { ServerDescription, ServerType, TopologyDescription } from '../sdam/types.js';
import { effectiveRttMs, inLatencyWindow } from './latency-window.js';
import type { ReadPreference } from './read-preference.js';
import type { Selector } from './selector.js';
import { compiledTagSets, matchesCompiled } from './tag-sets.js';
import { isAvailable, suitableServers } from './suitability.js';
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
  // The fuzzer's seeded selection bug lives in the reference path (suitability.ts); with it on,
  // every selection takes that path so the bug is where the fuzzer can find it.
  if (bugs.primaryReadsFromSecondary) return inLatencyWindow(suitableServers(topology, selector, deprioritized), thresholdMs);
  const index = cachedTopologyIndex(topology, thresholdMs);
  if (index === null) {
    // A description seen for the first time (a topology that changes before every selection,
    // as during a failover) is scanned in place, without sorting or building the candidate list.
    // Max staleness needs the staleness basis: it keeps the reference path.
    if (selector.operation === 'read' && selector.readPreference.maxStalenessSeconds !== null) {
      return inLatencyWindow(suitableServers(topology, selector, deprioritized), thresholdMs);
    }
    return indexedWindow(topology, null, selector, deprioritized, thresholdMs);
  }
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

/** `index` null: scan the description in topology order (no max staleness on this path). */
function indexedWindow(
  topology: TopologyDescription,
  index: TopologyIndex | null,
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
  index: TopologyIndex | null,
  selector: Selector,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  switch (topology.type) {
    case 'Unknown':
      return emptyServers;
    case 'Single':
      return prefixWindow(topology, index, 'available', excluded, thresholdMs);
    case 'Sharded':
      return prefixWindow(topology, index, 'mongoses', excluded, thresholdMs);
    case 'LoadBalanced':
      return prefixWindow(topology, index, 'loadBalancers', excluded, thresholdMs);
    case 'ReplicaSetWithPrimary':
    case 'ReplicaSetNoPrimary': {
      if (selector.operation === 'write') {
        if (topology.type === 'ReplicaSetNoPrimary') return emptyServers;
        return prefixWindow(topology, index, 'primaries', excluded, thresholdMs);
      }
      return replicaSetReadWindow(topology, index, selector.readPreference, excluded, thresholdMs);
    }
    default:
      return emptyServers;
  }
}

function replicaSetReadWindow(
  topology: TopologyDescription,
  index: TopologyIndex | null,
  rp: ReadPreference,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  switch (rp.mode) {
    case 'primary':
      return prefixWindow(topology, index, 'primaries', excluded, thresholdMs);
    case 'primaryPreferred': {
      const primaries = prefixWindow(topology, index, 'primaries', excluded, thresholdMs);
      return primaries.length > 0 ? primaries : eligibleWindow(topology, index, 'secondaries', rp, excluded, thresholdMs);
    }
    case 'secondary':
      return eligibleWindow(topology, index, 'secondaries', rp, excluded, thresholdMs);
    case 'nearest':
      return eligibleWindow(topology, index, 'members', rp, excluded, thresholdMs);
    case 'secondaryPreferred': {
      const secondaries = eligibleWindow(topology, index, 'secondaries', rp, excluded, thresholdMs);
      return secondaries.length > 0 ? secondaries : prefixWindow(topology, index, 'primaries', excluded, thresholdMs);
    }
  }
}

/** Window of one role's servers with no further filter than the deprioritized addresses. */
function prefixWindow(
  topology: TopologyDescription,
  index: TopologyIndex | null,
  role: Role,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  return eligibleWindow(topology, index, role, null, excluded, thresholdMs);
}

/**
 * "Eligible" (maxStalenessSeconds, then tag_sets tried in order) fused with the latency window.
 * A tag set "matches" when it matches any fresh candidate, wherever its RTT; only then is its
 * window taken.
 */
function eligibleWindow(
  topology: TopologyDescription,
  index: TopologyIndex | null,
  role: Role,
  rp: ReadPreference | null,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  if (index === null) return scannedWindow(topology, role, rp, excluded, thresholdMs);
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

/**
 * `eligibleWindow` over the description itself, in topology order, for a description without an
 * index (max staleness excluded: the caller takes the reference path for it). Per tag set, one
 * pass finds A (the shortest RTT among the eligible servers) and a second collects those within
 * A + localThresholdMS: the same servers, in the same order, as `suitableServers` followed by
 * `inLatencyWindow`, without building the candidate list in between.
 */
function scannedWindow(
  topology: TopologyDescription,
  role: Role,
  rp: ReadPreference | null,
  excluded: ReadonlySet<string> | null,
  thresholdMs: number,
): readonly ServerDescription[] {
  const servers = serverList(topology.servers);
  const n = servers.length;
  // The role as (at most) two accepted types, so the scan compares the type twice at most.
  const available = role === 'available';
  const typeA = roleTypes[role][0];
  const typeB = roleTypes[role][1];
  const tagSets = rp === null || rp.tagSets.length === 0 ? null : compiledTagSets(rp.tagSets);
  const setCount = tagSets === null ? 1 : tagSets.length;
  for (let s = 0; s < setCount; s++) {
    const set = tagSets === null ? null : tagSets[s]!;
    const anyTags = set === null || set.length === 0;
    // One pass. A only falls as the scan goes on, so a server left out for being beyond the
    // current A + localThresholdMS stays out; one taken in may fall out when A falls later,
    // which the compaction below handles (stable: topology order is kept).
    let lowMs = Infinity;
    let highestTakenMs = -Infinity;
    let window: ServerDescription[] | null = null;
    for (let i = 0; i < n; i++) {
      const server = servers[i]!;
      const type = server.type;
      if (available ? !isAvailable(type) : type !== typeA && type !== typeB) continue;
      if (excluded !== null && excluded.has(server.address)) continue;
      if (!anyTags && !matchesCompiled(set!, server.tags)) continue;
      const rtt = effectiveRttMs(server);
      if (rtt < lowMs) lowMs = rtt;
      // As inLatencyWindow: when every RTT is unknown (A = Infinity) all of them are in the window.
      if (rtt <= lowMs + thresholdMs) {
        if (window === null) window = [server];
        else window.push(server);
        if (rtt > highestTakenMs) highestTakenMs = rtt;
      }
    }
    if (window !== null) {
      const highMs = lowMs + thresholdMs;
      if (highestTakenMs > highMs) {
        let kept = 0;
        for (let i = 0; i < window.length; i++) {
          const server = window[i]!;
          if (effectiveRttMs(server) <= highMs) window[kept++] = server;
        }
        window.length = kept;
      }
      return window;
    }
    if (anyTags) return emptyServers; // an empty tag set matches every candidate: there is none
  }
  return emptyServers;
}

/** The server types of each role but 'available' (see buildIndex); null pads the pair. */
const roleTypes: { readonly [R in Role]: readonly [ServerType | null, ServerType | null] } = {
  available: [null, null],
  mongoses: ['Mongos', null],
  loadBalancers: ['LoadBalancer', null],
  primaries: ['RSPrimary', null],
  secondaries: ['RSSecondary', null],
  members: ['RSPrimary', 'RSSecondary'],
};

/** The servers in topology order as an array: a ServerMap's own list (no copy), else a copy. */
function serverList(servers: ReadonlyMap<string, ServerDescription>): readonly ServerDescription[] {
  return servers instanceof ServerMap ? servers.descriptions() : Array.from(servers.values());
}
