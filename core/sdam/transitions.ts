/**
 * SDAM "Updating the TopologyDescription": the TopologyType table and its subroutines
 * (updateUnknownWithStandalone, updateRSWithoutPrimary, updateRSWithPrimaryFromMember,
 * updateRSFromPrimary, checkIfHasPrimary, remove), applied to a working copy of the topology.
 *
 * This is the only module that decides topology transitions. Each update copies the list of
 * server descriptions once (a flat array copy, see ServerMap); everything else
 * (compatibility, logicalSessionTimeoutMinutes, the primary check) is recomputed only when
 * the servers it depends on changed.
 */
import { bugs } from '../bugs.js';
import { electionIdFirstWireVersion, maxServersPerTopology } from './constants.js';
import { compatibilityErrorFor, isDataBearing, serverDescriptionsEqual, unknownServerDescription } from './server-description.js';
import { ServerMap } from './server-map.js';
import type { ServerDescription, TopologyDescription, TopologyType } from './types.js';

export interface TransitionSettings {
  /** Number of seeds in the initial configuration (updateUnknownWithStandalone). */
  readonly seedCount: number;
  /**
   * Single-threaded clients mark a server named as primary by a secondary "PossiblePrimary"
   * (SDAM "ServerType" note); multi-threaded clients leave it Unknown.
   */
  readonly markPossiblePrimary: boolean;
}

/** SDAM "error" table: substrings the spec requires when a primary is marked Unknown. */
export const stalePrimaryByTupleError = 'primary marked stale due to electionId/setVersion mismatch';
export const stalePrimaryByNewerPrimaryError = 'primary marked stale due to discovery of newer primary';

/**
 * A mutable working copy of a TopologyDescription during one update. The server list is
 * copied on the first write (a flat array copy); the address index is shared with the base
 * and copied only if membership changes.
 */
export class TopologyDraft {
  type: TopologyType;
  setName: string | null;
  maxSetVersion: number | null;
  maxElectionId: string | null;
  stale: boolean;
  // The output lists below start as one shared empty array and are allocated on first use:
  // most updates add, remove and warn about nothing.
  /** Servers added by this update, in order (SDAM "begin monitoring the new server"). */
  added: readonly string[] = noStrings;
  /** Servers removed by this update, in order (SDAM "remove"). */
  removed: readonly string[] = noStrings;
  /** Old primaries marked Unknown: a multi-threaded client requests an immediate check of each. */
  checkRequests: readonly string[] = noStrings;
  warnings: readonly string[] = noStrings;
  private index: ReadonlyMap<string, number>;
  private ownIndex = false;
  /** Slots of removed servers hold undefined until finish() compacts the list. */
  private list: Array<ServerDescription | undefined>;
  private ownList = false;
  private liveCount: number;
  /** Whether any server differs from the base by "Server Description Equality", or was added/removed. */
  private serversChanged = false;
  /** Whether a server this update wrote is incompatible (then compatibility is rescanned). */
  private touchedIncompatible = false;
  /** Whether a touched server's input to logicalSessionTimeoutMinutes changed (then it is rescanned). */
  private sessionInputsChanged = false;
  /** False while the set of RSPrimary servers is known to equal the base's. */
  private primariesMayDiffer = false;

  constructor(
    readonly base: TopologyDescription,
    readonly now: number,
  ) {
    this.type = base.type;
    this.setName = base.setName;
    this.maxSetVersion = base.maxSetVersion;
    this.maxElectionId = base.maxElectionId;
    this.stale = base.stale;
    const servers = base.servers instanceof ServerMap ? base.servers : ServerMap.from(base.servers.values());
    const { index, list } = servers.parts();
    this.index = index;
    this.list = list as Array<ServerDescription | undefined>;
    this.liveCount = list.length;
  }

  get size(): number {
    return this.liveCount;
  }

  /** False while every server equals its base description by "Server Description Equality" (none added or removed). */
  get anyServerChanged(): boolean {
    return this.serversChanged;
  }

  get(address: string): ServerDescription | undefined {
    const at = this.index.get(address);
    return at === undefined ? undefined : this.list[at];
  }

  has(address: string): boolean {
    return this.get(address) !== undefined;
  }

  /**
   * Slot-wise access for loops that must not allocate: slots keep their position for the whole
   * update (replace writes in place, remove leaves an empty slot, add appends), so a loop over
   * `0 <= i < slotCount()` may modify the draft as it goes.
   */
  slotCount(): number {
    return this.list.length;
  }

  slot(i: number): ServerDescription | undefined {
    return this.list[i];
  }

  /** The current servers, in order (a snapshot: safe to modify the draft while iterating it). */
  servers(): ServerDescription[] {
    const out: ServerDescription[] = [];
    for (const server of this.list) if (server !== undefined) out.push(server);
    return out;
  }

  /** Replaces a server's description, even when equal (keeps RTT and lastUpdateTime fresh). */
  replace(server: ServerDescription): void {
    const at = this.index.get(server.address);
    const before = at === undefined ? undefined : this.list[at];
    if (at === undefined || before === undefined) throw new Error(`invariant: replace() of ${server.address}, which is not in the topology`);
    this.writableList()[at] = server;
    this.note(before, server);
  }

  /** SDAM "remove": drop the server and stop monitoring it. */
  remove(address: string): void {
    const at = this.index.get(address);
    const before = at === undefined ? undefined : this.list[at];
    if (at === undefined || before === undefined) return;
    this.writableList()[at] = undefined;
    this.liveCount--;
    this.removed = appendTo(this.removed, address);
    this.note(before, undefined);
    if (this.liveCount === 0) this.warn(`removed ${address}, the last server in the topology`);
  }

  /** Adds a default Unknown description for a newly reported member, within the topology size bound. */
  addUnknown(address: string): void {
    if (this.has(address)) return;
    if (this.liveCount >= maxServersPerTopology) {
      this.warn(`not monitoring ${address}: the topology already has ${maxServersPerTopology} servers (maxServersPerTopology)`);
      return;
    }
    const server = unknownServerDescription(address);
    const list = this.writableList();
    if (!this.ownIndex) {
      this.index = new Map(this.index);
      this.ownIndex = true;
    }
    (this.index as Map<string, number>).set(address, list.length);
    list.push(server);
    this.liveCount++;
    this.added = appendTo(this.added, address);
    this.note(undefined, server);
  }

  /** Whether any server is RSPrimary, scanning only when this update may have changed that. */
  hasPrimary(): boolean {
    if (!this.primariesMayDiffer) return this.base.type === 'ReplicaSetWithPrimary';
    for (const server of this.list) if (server !== undefined && server.type === 'RSPrimary') return true;
    return false;
  }

  /** Records that a multi-threaded client should check this server now. */
  requestCheck(address: string): void {
    this.checkRequests = appendTo(this.checkRequests, address);
  }

  private warn(message: string): void {
    this.warnings = appendTo(this.warnings, message);
  }

  private writableList(): Array<ServerDescription | undefined> {
    if (!this.ownList) {
      this.list = this.list.slice();
      this.ownList = true;
    }
    return this.list;
  }

  private note(before: ServerDescription | undefined, after: ServerDescription | undefined): void {
    if (!this.touchedIncompatible && after !== undefined && compatibilityErrorFor(after) !== null) this.touchedIncompatible = true;
    if (!this.sessionInputsChanged && sessionContribution(before) !== sessionContribution(after)) this.sessionInputsChanged = true;
    if (before?.type === 'RSPrimary' || after?.type === 'RSPrimary') this.primariesMayDiffer = true;
    if (!this.serversChanged && (before === undefined || after === undefined || !serverDescriptionsEqual(before, after))) this.serversChanged = true;
  }

  /** The servers as an immutable ServerMap, compacting away removed slots. */
  private serverMap(): ServerMap {
    if (this.liveCount === this.list.length) return new ServerMap(this.index, this.list as ServerDescription[]);
    return ServerMap.from(this.servers());
  }

  /** The updated description, and whether it differs from the base (decides TopologyDescriptionChangedEvent). */
  finish(): { readonly description: TopologyDescription; readonly changed: boolean } {
    const base = this.base;
    const servers = this.serverMap();
    const { compatible, compatibilityError } = this.compatibility(servers);
    const logicalSessionTimeoutMinutes = this.sessionTimeout(servers);
    const changed =
      this.serversChanged ||
      this.type !== base.type ||
      this.setName !== base.setName ||
      this.maxSetVersion !== base.maxSetVersion ||
      this.maxElectionId !== base.maxElectionId ||
      this.stale !== base.stale ||
      compatible !== base.compatible ||
      compatibilityError !== base.compatibilityError ||
      logicalSessionTimeoutMinutes !== base.logicalSessionTimeoutMinutes;
    const description: TopologyDescription = {
      type: this.type,
      setName: this.setName,
      maxSetVersion: this.maxSetVersion,
      maxElectionId: this.maxElectionId,
      servers,
      stale: this.stale,
      compatible,
      compatibilityError,
      logicalSessionTimeoutMinutes,
      heartbeatFrequencyMS: base.heartbeatFrequencyMS,
      localThresholdMS: base.localThresholdMS,
    };
    return { description, changed };
  }

  /** SDAM "Checking wire protocol compatibility", rescanning only when a touched server could change the answer. */
  private compatibility(servers: ServerMap): { compatible: boolean; compatibilityError: string | null } {
    if (this.base.compatible && !this.touchedIncompatible) return compatibleResult;
    return computeCompatibility(servers.values());
  }

  /** SDAM "Logical Session Timeout", rescanning only when a touched server's contribution changed. */
  private sessionTimeout(servers: ServerMap): number | null {
    return this.sessionInputsChanged ? computeSessionTimeout(servers.values()) : this.base.logicalSessionTimeoutMinutes;
  }
}

const noStrings: readonly string[] = Object.freeze([]);
/** Appends to a list that may still be the shared empty one (which is never written). */
function appendTo(list: readonly string[], item: string): readonly string[] {
  if (list === noStrings) return [item];
  (list as string[]).push(item);
  return list;
}

const compatibleResult = Object.freeze({ compatible: true, compatibilityError: null });

/** Per-server input to logicalSessionTimeoutMinutes: undefined when the server does not count. */
function sessionContribution(server: ServerDescription | undefined): number | null | undefined {
  if (server === undefined || !isDataBearing(server.type)) return undefined;
  return server.logicalSessionTimeoutMinutes;
}

export function computeCompatibility(servers: Iterable<ServerDescription>): { compatible: boolean; compatibilityError: string | null } {
  for (const server of servers) {
    const error = compatibilityErrorFor(server);
    if (error !== null) return { compatible: false, compatibilityError: error };
  }
  return { compatible: true, compatibilityError: null };
}

/** SDAM "Logical Session Timeout": smallest value among data-bearing servers; null if any is null. */
export function computeSessionTimeout(servers: Iterable<ServerDescription>): number | null {
  let min: number | null = null;
  for (const server of servers) {
    if (!isDataBearing(server.type)) continue;
    if (server.logicalSessionTimeoutMinutes === null) return null;
    if (min === null || server.logicalSessionTimeoutMinutes < min) min = server.logicalSessionTimeoutMinutes;
  }
  return min;
}

/**
 * Applies one new ServerDescription to the draft: replace the server's description, then run
 * the action the TopologyType table prescribes. The caller has already checked that the server
 * is in the topology and that the description is not stale by topologyVersion.
 */
export function applyToDraft(d: TopologyDraft, server: ServerDescription, settings: TransitionSettings): void {
  switch (d.type) {
    case 'Single':
      // SDAM "TopologyType Single": always replace; "Verifying setName with TopologyType Single".
      d.replace(verifySingleSetName(d, server));
      return;
    case 'LoadBalanced':
      // load-balancers.md: the LoadBalancer description never changes through monitoring.
      return;
    default:
      break;
  }
  d.replace(server);
  const type = server.type;
  // SDAM "TopologyType table" (new ServerType × current TopologyType).
  switch (d.type) {
    case 'Unknown':
      if (type === 'Standalone') updateUnknownWithStandalone(d, server, settings);
      else if (type === 'Mongos') d.type = 'Sharded';
      else if (type === 'RSPrimary') {
        d.type = 'ReplicaSetWithPrimary';
        updateRSFromPrimary(d, server);
      } else if (type === 'RSSecondary' || type === 'RSArbiter' || type === 'RSOther') {
        d.type = 'ReplicaSetNoPrimary';
        updateRSWithoutPrimary(d, server, settings);
      }
      // Unknown, RSGhost: no-op ("TopologyType remains Unknown when an RSGhost is discovered").
      return;
    case 'Sharded':
      if (type !== 'Unknown' && type !== 'Mongos') d.remove(server.address);
      return;
    case 'ReplicaSetNoPrimary':
      if (type === 'Standalone' || type === 'Mongos') d.remove(server.address);
      else if (type === 'RSPrimary') {
        d.type = 'ReplicaSetWithPrimary';
        updateRSFromPrimary(d, server);
      } else if (type === 'RSSecondary' || type === 'RSArbiter' || type === 'RSOther') updateRSWithoutPrimary(d, server, settings);
      // Unknown, RSGhost: no-op.
      return;
    case 'ReplicaSetWithPrimary':
      if (type === 'Standalone' || type === 'Mongos') {
        d.remove(server.address);
        checkIfHasPrimary(d);
      } else if (type === 'RSPrimary') updateRSFromPrimary(d, server);
      else if (type === 'RSSecondary' || type === 'RSArbiter' || type === 'RSOther') updateRSWithPrimaryFromMember(d, server, settings);
      else checkIfHasPrimary(d); // Unknown, RSGhost
      return;
  }
}

/** SDAM "Verifying setName with TopologyType Single". */
function verifySingleSetName(d: TopologyDraft, server: ServerDescription): ServerDescription {
  if (d.setName === null || server.type === 'Unknown' || server.setName === d.setName) return server;
  const reported = server.setName === null ? 'no replica set name' : `replica set name '${server.setName}'`;
  return unknownServerDescription(server.address, {
    error: `replica set name mismatch: expected '${d.setName}', server reports ${reported}`,
    lastUpdateTime: server.lastUpdateTime,
    topologyVersion: server.topologyVersion,
  });
}

/** SDAM "updateUnknownWithStandalone". */
function updateUnknownWithStandalone(d: TopologyDraft, server: ServerDescription, settings: TransitionSettings): void {
  if (settings.seedCount === 1) d.type = 'Single';
  else d.remove(server.address);
}

/** SDAM "updateRSWithoutPrimary". */
function updateRSWithoutPrimary(d: TopologyDraft, server: ServerDescription, settings: TransitionSettings): void {
  if (d.setName === null) d.setName = server.setName;
  else if (d.setName !== server.setName) {
    d.remove(server.address);
    return;
  }
  addMembers(d, server);
  if (server.primary !== null) markPossiblePrimary(d, server.primary, settings);
  if (server.me !== null && server.address !== server.me) d.remove(server.address);
}

/** SDAM "updateRSWithPrimaryFromMember". */
function updateRSWithPrimaryFromMember(d: TopologyDraft, server: ServerDescription, settings: TransitionSettings): void {
  // setName is never null here.
  if (d.setName !== server.setName || (server.me !== null && server.address !== server.me)) {
    d.remove(server.address);
    checkIfHasPrimary(d);
    return;
  }
  // Had this member been the primary?
  if (!d.hasPrimary()) {
    d.type = 'ReplicaSetNoPrimary';
    if (server.primary !== null) markPossiblePrimary(d, server.primary, settings);
  }
}

/** SDAM "updateRSFromPrimary". */
function updateRSFromPrimary(d: TopologyDraft, server: ServerDescription): void {
  if (d.setName === null) d.setName = server.setName;
  else if (d.setName !== server.setName) {
    // A primary without the setName the user gave or we discovered.
    d.remove(server.address);
    checkIfHasPrimary(d);
    return;
  }

  const staleReason = bugs.sdamIgnoresElectionId ? null : server.maxWireVersion >= electionIdFirstWireVersion ? orderByElectionIdFirst(d, server) : orderBySetVersionFirst(d, server);
  if (staleReason !== null) {
    d.replace(unknownServerDescription(server.address, { error: staleReason, lastUpdateTime: server.lastUpdateTime }));
    checkIfHasPrimary(d);
    return;
  }

  // One pass: invalidate any other primary (the client MUST NOT clear its pool, but a
  // multi-threaded client requests an immediate check), then reconcile membership.
  const isMember = membership(server);
  for (let i = 0; i < d.slotCount(); i++) {
    const other = d.slot(i);
    if (other !== undefined && other.address !== server.address && other.type === 'RSPrimary') {
      d.replace(unknownServerDescription(other.address, { error: stalePrimaryByNewerPrimaryError, lastUpdateTime: d.now }));
      d.requestCheck(other.address);
    }
  }
  addMembers(d, server);
  for (let i = 0; i < d.slotCount(); i++) {
    const other = d.slot(i);
    if (other !== undefined && !isMember(other.address)) d.remove(other.address);
  }

  checkIfHasPrimary(d);
}

/**
 * MongoDB 6.0+ ordering: (electionId, setVersion), nulls lowest. Returns the stale error, or
 * null after recording the new maximum.
 */
function orderByElectionIdFirst(d: TopologyDraft, server: ServerDescription): string | null {
  const byElection = compareNullable(server.electionId, d.maxElectionId);
  if (byElection > 0 || (byElection === 0 && compareNullable(server.setVersion, d.maxSetVersion) >= 0)) {
    d.maxElectionId = server.electionId;
    d.maxSetVersion = server.setVersion;
    return null;
  }
  return staleTupleError(server, d);
}

/** Pre-6.0 ordering: setVersion before electionId, only when the server reports both. */
function orderBySetVersionFirst(d: TopologyDraft, server: ServerDescription): string | null {
  if (server.setVersion !== null && server.electionId !== null) {
    if (
      d.maxSetVersion !== null &&
      d.maxElectionId !== null &&
      (d.maxSetVersion > server.setVersion || (d.maxSetVersion === server.setVersion && d.maxElectionId > server.electionId))
    ) {
      return staleTupleError(server, d);
    }
    d.maxElectionId = server.electionId;
  }
  if (server.setVersion !== null && (d.maxSetVersion === null || server.setVersion > d.maxSetVersion)) d.maxSetVersion = server.setVersion;
  return null;
}

function staleTupleError(server: ServerDescription, d: TopologyDraft): string {
  const tuple = (electionId: string | null, setVersion: number | null) => `{electionId: ${electionId ?? 'null'}, setVersion: ${setVersion ?? 'null'}}`;
  return `${stalePrimaryByTupleError}, ${tuple(server.electionId, server.setVersion)} is stale compared to ${tuple(d.maxElectionId, d.maxSetVersion)}`;
}

/** Orders values of one type with null lowest. ObjectId hex strings of equal length compare bytewise. */
function compareNullable<T extends string | number>(a: T | null, b: T | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SDAM "checkIfHasPrimary". */
function checkIfHasPrimary(d: TopologyDraft): void {
  d.type = d.hasPrimary() ? 'ReplicaSetWithPrimary' : 'ReplicaSetNoPrimary';
}

/** "for each address in hosts, passives and arbiters: if not in servers, add Unknown and monitor it". */
function addMembers(d: TopologyDraft, server: ServerDescription): void {
  for (const address of server.hosts) d.addUnknown(address);
  for (const address of server.passives) d.addUnknown(address);
  for (const address of server.arbiters) d.addUnknown(address);
}

/** Lists at most this long are searched directly; longer ones get a Set. */
const linearMembershipMaxHosts = 16;

/** "in serverDescription's hosts, passives, or arbiters". */
function membership(server: ServerDescription): (address: string) => boolean {
  const { hosts, passives, arbiters } = server;
  if (hosts.length + passives.length + arbiters.length <= linearMembershipMaxHosts) {
    return (address) => hosts.includes(address) || passives.includes(address) || arbiters.includes(address);
  }
  const set = new Set(hosts);
  for (const address of passives) set.add(address);
  for (const address of arbiters) set.add(address);
  return (address) => set.has(address);
}

/** "if its type is Unknown, change its type to PossiblePrimary" (single-threaded clients only). */
function markPossiblePrimary(d: TopologyDraft, address: string, settings: TransitionSettings): void {
  if (!settings.markPossiblePrimary) return;
  const current = d.get(address);
  if (current !== undefined && current.type === 'Unknown') {
    d.replace({ ...current, type: 'PossiblePrimary' as const });
  }
}
