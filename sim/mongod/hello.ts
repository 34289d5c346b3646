/**
 * The hello (and legacy isMaster) reply as a real server builds it for each persona: replica
 * set member, uninitialized member (RSGhost), standalone, arbiter. Field names and presence
 * follow the server: e.g. `electionId` only on a primary, `passive` for priority-0 visible
 * members, hidden members absent from `hosts`, `arbiterOnly`/`hidden` only when true.
 */
import { ObjectId, Timestamp } from 'bson';
import type { MemberConfig, ReplSetConfig } from './config.js';
import type { OpTime } from './oplog.js';
import { toBsonTimestamp } from './oplog.js';
import type { Doc } from './query.js';
import { type ServerVersion, maxWireVersionOf, minWireVersion, supportsAwaitableHello, supportsHelloCommand } from './versions.js';

export const maxBsonObjectSizeBytes = 16 * 1024 * 1024;
export const maxMessageSizeBytes = 48_000_000;
export const maxWriteBatchSize = 100_000;
export const logicalSessionTimeoutMinutes = 30;
/** Virtual time 0 is this wall-clock instant (2025-01-01T00:00:00Z), so dates look real. */
export const simEpochMs = 1_735_689_600_000;

/** SDAM/server "electionId": OID::fromTerm — timestamp field 0x7fffffff, then the term as 8 big-endian bytes. */
export function electionIdForTerm(term: number): ObjectId {
  const hex = '7fffffff' + term.toString(16).padStart(16, '0');
  return ObjectId.createFromHexString(hex);
}

export interface CommonHelloFields {
  readonly version: ServerVersion;
  readonly legacy: boolean;
  readonly helloOk: boolean;
  readonly processId: ObjectId;
  readonly counter: number;
  readonly connectionId: number;
  readonly nowMs: number;
}

function writableField(common: CommonHelloFields, value: boolean): Doc {
  return common.legacy ? { ismaster: value } : { isWritablePrimary: value };
}

function tail(common: CommonHelloFields, reply: Doc): Doc {
  if (supportsAwaitableHello(common.version)) {
    reply['topologyVersion'] = { processId: common.processId, counter: common.counter };
  }
  reply['maxBsonObjectSize'] = maxBsonObjectSizeBytes;
  reply['maxMessageSizeBytes'] = maxMessageSizeBytes;
  reply['maxWriteBatchSize'] = maxWriteBatchSize;
  reply['localTime'] = new Date(simEpochMs + common.nowMs);
  reply['logicalSessionTimeoutMinutes'] = logicalSessionTimeoutMinutes;
  reply['connectionId'] = common.connectionId;
  reply['minWireVersion'] = minWireVersion;
  reply['maxWireVersion'] = maxWireVersionOf(common.version);
  reply['readOnly'] = false;
  if (common.legacy && common.helloOk && supportsHelloCommand(common.version)) reply['helloOk'] = true;
  reply['ok'] = 1;
  return reply;
}

export function standaloneHello(common: CommonHelloFields): Doc {
  return tail(common, { ...writableField(common, true) });
}

/** An uninitialized replica set member (or one removed from its set): SDAM's RSGhost. */
export function ghostHello(common: CommonHelloFields): Doc {
  return tail(common, {
    ...writableField(common, false),
    secondary: false,
    info: 'Does not have a valid replica set config',
    isreplicaset: true,
  });
}

export interface MemberHelloFields {
  readonly config: ReplSetConfig;
  readonly me: MemberConfig;
  readonly writablePrimary: boolean;
  /** State SECONDARY (not RECOVERING/ROLLBACK/STARTUP2, not a draining primary). */
  readonly secondary: boolean;
  readonly primaryHost: string | null;
  /** The term this node won as primary, for electionId; null unless primary. */
  readonly electionTerm: number | null;
  readonly lastApplied: OpTime & { readonly wallMs: number };
  readonly majority: OpTime & { readonly wallMs: number };
  readonly operationTs: number;
}

function opTimeDoc(o: OpTime): Doc {
  return { ts: toBsonTimestamp(o.ts), t: o.t };
}

export function memberHello(common: CommonHelloFields, m: MemberHelloFields): Doc {
  const hosts: string[] = [];
  const passives: string[] = [];
  const arbiters: string[] = [];
  for (const member of m.config.members) {
    if (member.hidden) continue;
    if (member.arbiterOnly) arbiters.push(member.host);
    else if (member.priority === 0) passives.push(member.host);
    else hosts.push(member.host);
  }
  const reply: Doc = {};
  if (supportsAwaitableHello(common.version)) {
    reply['topologyVersion'] = { processId: common.processId, counter: common.counter };
  }
  reply['hosts'] = hosts;
  if (passives.length > 0) reply['passives'] = passives;
  if (arbiters.length > 0) reply['arbiters'] = arbiters;
  reply['setName'] = m.config._id;
  reply['setVersion'] = m.config.version;
  Object.assign(reply, writableField(common, m.writablePrimary));
  reply['secondary'] = m.secondary;
  if (m.primaryHost !== null) reply['primary'] = m.primaryHost;
  if (m.me.arbiterOnly) reply['arbiterOnly'] = true;
  if (m.me.priority === 0 && !m.me.arbiterOnly && !m.me.hidden) reply['passive'] = true;
  if (m.me.hidden) reply['hidden'] = true;
  if (m.me.secondaryDelaySecs > 0) reply['secondaryDelaySecs'] = m.me.secondaryDelaySecs;
  if (Object.keys(m.me.tags).length > 0) reply['tags'] = m.me.tags;
  reply['me'] = m.me.host;
  if (m.electionTerm !== null) reply['electionId'] = electionIdForTerm(m.electionTerm);
  if (!m.me.arbiterOnly) {
    reply['lastWrite'] = {
      opTime: opTimeDoc(m.lastApplied),
      lastWriteDate: new Date(simEpochMs + m.lastApplied.wallMs),
      majorityOpTime: opTimeDoc(m.majority),
      majorityWriteDate: new Date(simEpochMs + m.majority.wallMs),
    };
  }
  const out = tail(common, reply);
  delete out['ok'];
  out['$clusterTime'] = { clusterTime: toBsonTimestamp(m.operationTs), signature: unsignedSignature };
  out['operationTime'] = toBsonTimestamp(m.operationTs);
  out['ok'] = 1;
  return out;
}

/** A cluster time signature from a server without auth: zero hash, key id 0. */
export const unsignedSignature: Readonly<Doc> = Object.freeze({ hash: new Uint8Array(20), keyId: 0 });

export { Timestamp };
