/**
 * The `replSetGetStatus` reply: the set as one member sees it (its own state and optimes, and
 * what heartbeats told it about the others), shaped like the server's.
 */
import type { ReplSetConfig } from './config.js';
import { simEpochMs } from './hello.js';
import { MemberState, stateName } from './member-state.js';
import { type OpTime, nullOpTime, toBsonTimestamp } from './oplog.js';
import type { Doc } from './query.js';

export interface PeerStatus {
  readonly state: number;
  readonly applied: OpTime;
  readonly lastHeardMs: number;
  readonly hbSentMs: number;
}

export interface SelfStatus {
  readonly host: string;
  readonly state: number;
  readonly term: number;
  readonly startedAtMs: number;
  readonly lastApplied: OpTime;
  readonly durable: OpTime;
  readonly commitPoint: OpTime;
  readonly syncSource: string | null;
  readonly electionTerm: number | null;
}

function opTimeDoc(o: OpTime): Doc {
  return { ts: toBsonTimestamp(o.ts), t: o.t };
}

export function replSetStatus(config: ReplSetConfig, nowMs: number, self: SelfStatus, peers: ReadonlyMap<string, PeerStatus>): Doc {
  const members = config.members.map((m) => {
    if (m.host === self.host) {
      return {
        _id: m._id, name: m.host, health: 1, state: self.state, stateStr: stateName(self.state),
        uptime: Math.floor((nowMs - self.startedAtMs) / 1000), optime: opTimeDoc(self.lastApplied),
        syncSourceHost: self.syncSource ?? '', self: true,
        ...(self.state === MemberState.PRIMARY && self.electionTerm !== null ? { electionTerm: self.electionTerm } : {}),
      };
    }
    const peer = peers.get(m.host);
    const healthy = peer !== undefined && peer.state !== MemberState.DOWN && peer.lastHeardMs > -Infinity;
    const state = healthy ? peer.state : MemberState.DOWN;
    return {
      _id: m._id, name: m.host, health: healthy ? 1 : 0, state, stateStr: stateName(state),
      optime: opTimeDoc(peer?.applied ?? nullOpTime),
      lastHeartbeat: new Date(simEpochMs + Math.max(0, peer?.hbSentMs ?? 0)),
    };
  });
  return {
    set: config._id,
    date: new Date(simEpochMs + nowMs),
    myState: self.state,
    term: self.term,
    heartbeatIntervalMillis: config.settings.heartbeatIntervalMillis,
    optimes: { lastCommittedOpTime: opTimeDoc(self.commitPoint), appliedOpTime: opTimeDoc(self.lastApplied), durableOpTime: opTimeDoc(self.durable) },
    members,
    ok: 1,
  };
}
