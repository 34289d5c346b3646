/**
 * Description builders shared by the selection, executor and client tests: the SDAM defaults
 * of an Unknown server (core/sdam unknownServerDescription) with the fields a test sets, and a
 * topology around a list of servers.
 */
import { unknownServerDescription } from '../../core/sdam/server-description.js';
import type { ServerDescription, TopologyDescription, TopologyType } from '../../core/sdam/types.js';

export function serverDescription(address: string, fields: Partial<ServerDescription> = {}): ServerDescription {
  return { ...unknownServerDescription(address), ...fields };
}

export function topologyDescription(type: TopologyType, servers: readonly ServerDescription[], fields: Partial<TopologyDescription> = {}): TopologyDescription {
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
