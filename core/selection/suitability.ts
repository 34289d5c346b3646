/**
 * Which servers are suitable for an operation, by topology type and operation type
 * (server-selection.md "Rules for server selection" per topology type, plus the
 * deprioritization steps of the "Server Selection Algorithm").
 */
import { bugs } from '../bugs.js';
import type { ServerDescription, ServerType, TopologyDescription } from '../sdam/types.js';
import type { ReadPreference } from './read-preference.js';
import type { Selector } from './selector.js';
import { isFreshEnough, stalenessBasis, type StalenessBasis } from './staleness.js';
import { filterByTagSets } from './tag-sets.js';

const emptyServers: readonly ServerDescription[] = Object.freeze([]);

/** server-selection.md "Available": a server of type Unknown or PossiblePrimary is not available. */
export function isAvailable(type: ServerType): boolean {
  return type !== 'Unknown' && type !== 'PossiblePrimary';
}

/**
 * The suitable servers for `selector` (before the latency window).
 * server-selection.md "Server Selection Algorithm" step 3: filter out deprioritized addresses,
 * find suitable servers among the rest; if there are none, find them again without filtering.
 */
export function suitableServers(
  topology: TopologyDescription,
  selector: Selector,
  deprioritized?: ReadonlySet<string>,
): readonly ServerDescription[] {
  if (deprioritized !== undefined && deprioritized.size > 0) {
    const preferred = suitableAmong(topology, selector, deprioritized);
    if (preferred.length > 0) return preferred;
  }
  return suitableAmong(topology, selector, null);
}

function suitableAmong(
  topology: TopologyDescription,
  selector: Selector,
  excluded: ReadonlySet<string> | null,
): readonly ServerDescription[] {
  switch (topology.type) {
    // "Topology type: Unknown": no servers are suitable for reads or writes.
    case 'Unknown':
      return emptyServers;
    // "Topology type: Single": read preference ignored; the server is suitable if available.
    case 'Single':
      return collect(topology, excluded, (type) => isAvailable(type));
    // "Topology type: Sharded": every Mongos, for reads and writes; read preference is passed through.
    case 'Sharded':
      return collect(topology, excluded, (type) => type === 'Mongos');
    // load-balancers.md "Server Selection": the single LoadBalancer serves everything.
    case 'LoadBalanced':
      return collect(topology, excluded, (type) => type === 'LoadBalancer');
    case 'ReplicaSetWithPrimary':
    case 'ReplicaSetNoPrimary':
      if (selector.operation === 'write') {
        // "Write operations": only an available primary, and none without a primary.
        if (topology.type === 'ReplicaSetNoPrimary') return emptyServers;
        return collect(topology, excluded, (type) => type === 'RSPrimary');
      }
      return replicaSetRead(topology, selector.readPreference, excluded);
    default:
      return emptyServers; // an unrecognised topology type has nothing selectable
  }
}

function collect(
  topology: TopologyDescription,
  excluded: ReadonlySet<string> | null,
  accepts: (type: ServerType) => boolean,
): readonly ServerDescription[] {
  let found: ServerDescription[] | null = null;
  for (const server of topology.servers.values()) {
    if (accepts(server.type) && (excluded === null || !excluded.has(server.address))) (found ??= []).push(server);
  }
  return found ?? emptyServers;
}

/** "Topology types: ReplicaSetWithPrimary or ReplicaSetNoPrimary / Read operations". */
function replicaSetRead(
  topology: TopologyDescription,
  rp: ReadPreference,
  excluded: ReadonlySet<string> | null,
): readonly ServerDescription[] {
  const nearest = rp.mode === 'nearest';
  let primaries: ServerDescription[] | null = null;
  // For nearest this holds secondaries and the primary, in topology order.
  let candidates: ServerDescription[] | null = null;
  for (const server of topology.servers.values()) {
    const type = server.type;
    if (type !== 'RSPrimary' && type !== 'RSSecondary') continue; // other types are never candidates
    if (excluded !== null && excluded.has(server.address)) continue;
    if (type === 'RSPrimary') (primaries ??= []).push(server);
    if (type === 'RSSecondary' || nearest) (candidates ??= []).push(server);
  }
  switch (rp.mode) {
    case 'primary':
      return (bugs.primaryReadsFromSecondary ? candidates : null) ?? primaries ?? emptyServers;
    case 'primaryPreferred':
      return primaries ?? eligible(topology, rp, candidates);
    case 'secondary':
    case 'nearest':
      return eligible(topology, rp, candidates);
    case 'secondaryPreferred': {
      const secondaries = eligible(topology, rp, candidates);
      return secondaries.length > 0 ? secondaries : (primaries ?? emptyServers);
    }
  }
}

/**
 * "Eligible": candidates that pass maxStalenessSeconds, then tag_sets (staleness first: see
 * "Why is maxStalenessSeconds applied before tag_sets?").
 */
function eligible(
  topology: TopologyDescription,
  rp: ReadPreference,
  candidates: readonly ServerDescription[] | null,
): readonly ServerDescription[] {
  if (candidates === null) return emptyServers;
  let fresh = candidates;
  if (rp.maxStalenessSeconds !== null) {
    const basis: StalenessBasis = stalenessBasis(topology);
    const max = rp.maxStalenessSeconds;
    fresh = candidates.filter((server) => isFreshEnough(server, basis, max));
  }
  return filterByTagSets(fresh, rp.tagSets);
}
