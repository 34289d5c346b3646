/**
 * Why each known server was not suitable, for the server selection error
 * (server-selection.md "Server Selection Errors": use server descriptions and their error
 * attributes to return useful messages). Only runs on the failure path, so it favours clarity.
 */
import type { ServerDescription, TopologyDescription } from '../sdam/types.js';
import { bounded, describeTags } from './describe.js';
import { hasTagRestriction } from './read-preference.js';
import type { Selector } from './selector.js';
import { isReplicaSetTopology, stalenessBasis, stalenessMs } from './staleness.js';
import { isAvailable } from './suitability.js';
import { tagSetMatches } from './tag-sets.js';

export interface UnsuitableServer {
  readonly address: string;
  readonly type: ServerDescription['type'];
  readonly reason: string;
}

/** One entry per known server, in topology order. */
export function explainUnsuitable(topology: TopologyDescription, selector: Selector): UnsuitableServer[] {
  const out: UnsuitableServer[] = [];
  for (const server of topology.servers.values()) {
    out.push({ address: server.address, type: server.type, reason: reasonFor(server, topology, selector) });
  }
  return out;
}

/** A one-line summary of why the topology as a whole offers nothing, or null. */
export function topologyReason(topology: TopologyDescription, selector: Selector): string | null {
  if (topology.type === 'Unknown') return 'the topology type is still Unknown, so no server is selectable yet';
  if (topology.servers.size === 0) return 'no servers are known';
  if (!isReplicaSetTopology(topology)) return null;
  const hasPrimary = [...topology.servers.values()].some((s) => s.type === 'RSPrimary');
  if (selector.operation === 'write') {
    return topology.type === 'ReplicaSetNoPrimary' || !hasPrimary ? 'the replica set has no known primary' : null;
  }
  const mode = selector.readPreference.mode;
  if (mode === 'primary' && !hasPrimary) return 'the replica set has no known primary';
  return null;
}

function reasonFor(server: ServerDescription, topology: TopologyDescription, selector: Selector): string {
  if (server.type === 'Unknown') {
    return server.error ? `unreachable (${bounded(server.error)})` : 'not yet checked';
  }
  if (server.type === 'PossiblePrimary') return 'possible primary, not yet checked';
  switch (topology.type) {
    case 'Unknown':
      return 'topology type Unknown allows no selection';
    case 'Single':
      return 'suitable'; // an available server of a Single topology is always suitable
    case 'Sharded':
      return server.type === 'Mongos' ? 'suitable' : 'not a mongos';
    case 'LoadBalanced':
      return server.type === 'LoadBalancer' ? 'suitable' : 'not a load balancer';
    case 'ReplicaSetWithPrimary':
    case 'ReplicaSetNoPrimary':
      return replicaSetReason(server, topology, selector);
    default:
      return `topology type ${String(topology.type)} is not recognised`;
  }
}

function replicaSetReason(server: ServerDescription, topology: TopologyDescription, selector: Selector): string {
  if (selector.operation === 'write') {
    if (topology.type === 'ReplicaSetNoPrimary') return 'writes need a primary and the topology has none';
    return server.type === 'RSPrimary' ? 'suitable' : 'writes need the primary';
  }
  if (server.type !== 'RSPrimary' && server.type !== 'RSSecondary') return `${server.type} members never serve reads`;
  const rp = selector.readPreference;
  if (rp.mode === 'primary' && server.type === 'RSSecondary') return 'mode primary reads only from the primary';
  if (rp.mode === 'secondary' && server.type === 'RSPrimary') return 'mode secondary excludes the primary';
  if (server.type === 'RSPrimary' && rp.mode !== 'nearest') return 'suitable';
  if (rp.maxStalenessSeconds !== null) {
    const staleness = stalenessMs(server, stalenessBasis(topology));
    if (staleness === null) return 'staleness unknown (no lastWriteDate or never checked)';
    if (staleness > rp.maxStalenessSeconds * 1000) {
      return `staleness ${+(staleness / 1000).toFixed(3)}s > maxStalenessSeconds ${rp.maxStalenessSeconds}`;
    }
  }
  if (hasTagRestriction(rp) && !rp.tagSets.some((set) => tagSetMatches(set, server.tags))) {
    return `tags ${describeTags(server.tags)} do not match`;
  }
  return 'suitable';
}
