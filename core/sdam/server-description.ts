/**
 * ServerDescription values: defaults, the spec's equality, topologyVersion ordering and the
 * small predicates the transition rules use. Descriptions are frozen plain objects.
 */
import { clientMaxWireVersion, clientMinServerVersion, clientMinWireVersion, driverName, maxErrorMessageChars } from './constants.js';
import type { ServerDescription, ServerType, TopologyVersion } from './types.js';

const emptyList: readonly string[] = Object.freeze([]);
const emptyTags: Readonly<Record<string, string>> = Object.freeze({});

/** SDAM "ServerDescription" defaults: type Unknown, everything else null/empty/0. */
export function unknownServerDescription(
  address: string,
  fields: { readonly error?: string | null; readonly topologyVersion?: TopologyVersion | null; readonly lastUpdateTime?: number; readonly type?: 'Unknown' | 'PossiblePrimary' } = {},
): ServerDescription {
  return Object.freeze({
    address,
    type: fields.type ?? 'Unknown',
    error: fields.error == null ? null : boundErrorMessage(fields.error),
    roundTripTime: null,
    minRoundTripTime: null,
    lastWriteDate: null,
    opTime: null,
    minWireVersion: 0,
    maxWireVersion: 0,
    me: null,
    hosts: emptyList,
    passives: emptyList,
    arbiters: emptyList,
    tags: emptyTags,
    setName: null,
    electionId: null,
    setVersion: null,
    primary: null,
    lastUpdateTime: fields.lastUpdateTime ?? Number.NEGATIVE_INFINITY,
    logicalSessionTimeoutMinutes: null,
    topologyVersion: fields.topologyVersion ?? null,
    iscryptd: false,
    serviceId: null,
    maxBsonObjectSize: null,
    maxMessageSizeBytes: null,
    maxWriteBatchSize: null,
  } satisfies ServerDescription);
}

/** The description of a load balancer: known only by address (load-balancers.md). */
export function loadBalancerServerDescription(address: string, lastUpdateTime: number): ServerDescription {
  return Object.freeze({ ...unknownServerDescription(address, { lastUpdateTime }), type: 'LoadBalancer' as const });
}

export function boundErrorMessage(message: string): string {
  return message.length > maxErrorMessageChars ? `${message.slice(0, maxErrorMessageChars)}…` : message;
}

/**
 * SDAM "Server Description Equality": equal iff every field marked (=) is equal. `hosts`,
 * `passives` and `arbiters` are sets, so order does not matter.
 */
export function serverDescriptionsEqual(a: ServerDescription, b: ServerDescription): boolean {
  if (a === b) return true;
  return (
    a.type === b.type &&
    a.error === b.error &&
    a.minWireVersion === b.minWireVersion &&
    a.maxWireVersion === b.maxWireVersion &&
    a.me === b.me &&
    a.setName === b.setName &&
    a.electionId === b.electionId &&
    a.setVersion === b.setVersion &&
    a.primary === b.primary &&
    a.logicalSessionTimeoutMinutes === b.logicalSessionTimeoutMinutes &&
    a.iscryptd === b.iscryptd &&
    topologyVersionsEqual(a.topologyVersion, b.topologyVersion) &&
    sameAddressSet(a.hosts, b.hosts) &&
    sameAddressSet(a.passives, b.passives) &&
    sameAddressSet(a.arbiters, b.arbiters) &&
    sameTags(a.tags, b.tags)
  );
}

function topologyVersionsEqual(a: TopologyVersion | null, b: TopologyVersion | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return a.processId === b.processId && a.counter === b.counter;
}

// Lists are de-duplicated when parsed, so equal length plus inclusion means set equality.
function sameAddressSet(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  let inOrder = true;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      inOrder = false;
      break;
    }
  }
  if (inOrder) return true;
  const set = new Set(b);
  for (const x of a) if (!set.has(x)) return false;
  return true;
}

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  return true;
}

/**
 * SDAM "topologyVersion Comparison" (the spec's `compareTopologyVersion`): -1 when `a` is
 * older than `b` or the two cannot be ordered (either is missing, or the processIds differ:
 * the newer reply is then assumed more recent), 0 when equal, 1 when `a` is newer.
 */
export function compareTopologyVersion(a: TopologyVersion | null, b: TopologyVersion | null): -1 | 0 | 1 {
  if (a === null || b === null || a.processId !== b.processId) return -1;
  if (a.counter === b.counter) return 0;
  return a.counter < b.counter ? -1 : 1;
}

/** SDAM "Data-Bearing Server Type". */
export function isDataBearing(type: ServerType): boolean {
  return type === 'Mongos' || type === 'RSPrimary' || type === 'RSSecondary' || type === 'Standalone' || type === 'LoadBalancer';
}

/**
 * SDAM "Checking wire protocol compatibility": the spec's error text for a server whose wire
 * range does not overlap the client's, or null when compatible (Unknown and load balancers
 * always are).
 */
export function compatibilityErrorFor(server: ServerDescription): string | null {
  if (server.type === 'Unknown' || server.type === 'PossiblePrimary' || server.type === 'LoadBalancer') return null;
  if (server.minWireVersion > clientMaxWireVersion) {
    return `Server at ${server.address} requires wire version ${server.minWireVersion}, but this version of ${driverName} only supports up to ${clientMaxWireVersion}.`;
  }
  if (server.maxWireVersion < clientMinWireVersion) {
    return `Server at ${server.address} reports wire version ${server.maxWireVersion}, but this version of ${driverName} requires at least ${clientMinWireVersion} (MongoDB ${clientMinServerVersion}).`;
  }
  return null;
}
