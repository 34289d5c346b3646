/**
 * Heartbeats between replica set members: every heartbeatIntervalMillis each member asks every
 * other one for its state, term, config and optimes. Requests tell the receiver our term,
 * state and config; replies tell us theirs. From them a member learns who is primary, newer
 * terms and configs, members' positions (for the commit point) and who is down.
 *
 * This is the idle hot path (a heartbeat per member pair every 2 s), so requests and replies
 * are cached objects rebuilt only when something they report changed, and a receiver that sees
 * the very same object again skips straight to the answer.
 */
import type { Document } from '../protocol.js';
import { type ReplSetConfig, parseReplSetConfig } from './config.js';
import type { DurableState } from './durable-state.js';
import { CommandError, ErrorCodes } from './errors.js';
import { MemberState } from './member-state.js';
import { type OpTime, compareOpTime, nullOpTime } from './oplog.js';
import type { PeerView } from './peer-view.js';
import type { Doc } from './query.js';
import type { Replication } from './replication.js';
import type { RoleState } from './role.js';
import { heartbeatTimeoutMs, memberOf } from './set-settings.js';
import type { Clock, IncarnationTimers } from './timers.js';
import type { MemberTransitions } from './transitions.js';
import { isPlainObject } from './values.js';

export interface HeartbeatDeps {
  readonly host: string;
  readonly replSet: string | undefined;
  readonly durable: DurableState;
  readonly role: RoleState;
  readonly peers: ReadonlyMap<string, PeerView>;
  readonly timers: IncarnationTimers;
  readonly transitions: MemberTransitions;
  readonly replication: Pick<Replication, 'redirectFetcher' | 'maybeStartFetcher' | 'advanceCommitPoint' | 'isFetching'>;
  /** Virtual time (the world's scheduler). */
  readonly clock: Clock;
  isRunning(): boolean;
  /** Installs a newer (validated) config. */
  adoptConfig(config: ReplSetConfig, why: string): void;
  /** A primary with a lower priority than ours: maybe schedule a priority takeover. */
  considerPriorityTakeover(primary: PeerView): void;
}

interface HeartbeatReplyCache {
  readonly doc: Doc;
  readonly state: number;
  readonly term: number;
  readonly length: number;
  readonly durableCount: number;
  readonly config: ReplSetConfig | null;
  readonly writable: boolean;
}

export class Heartbeats {
  private requestCache: Doc | null = null;
  private replyCache: HeartbeatReplyCache | null = null;

  // The state read on every heartbeat, held directly (the idle hot path).
  private readonly durable: DurableState;
  private readonly role: RoleState;
  private readonly peers: ReadonlyMap<string, PeerView>;
  private readonly clock: Clock;

  constructor(private readonly deps: HeartbeatDeps) {
    this.durable = deps.durable;
    this.role = deps.role;
    this.peers = deps.peers;
    this.clock = deps.clock;
  }

  /** Makes the heartbeat reply handler of a peer view (one heartbeat is outstanding per peer at a time). */
  replyHandler(peer: PeerView): (res: Readonly<Document> | null) => void {
    return (res) => {
      if (peer.hbRequestId === null) return;
      peer.hbRequestId = null;
      if (res === null || res['ok'] !== 1) this.markDown(peer);
      else this.onResponse(peer, res);
    };
  }

  /** Sends a heartbeat to every peer that has none outstanding; one outstanding past the heartbeat timeout marks the peer down. */
  send(): void {
    const { durable, role } = this;
    const config = durable.config;
    if (config === null || !this.deps.isRunning()) return;
    const now = this.clock.nowMs;
    const timeout = heartbeatTimeoutMs(durable.config);
    let request = this.requestCache;
    if (request === null || request['config'] !== config || request['term'] !== durable.term || request['state'] !== role.state) {
      request = {
        replSetHeartbeat: config._id,
        configVersion: config.version,
        configTerm: config.term,
        from: this.deps.host,
        term: durable.term,
        state: role.state,
        config,
      };
      this.requestCache = request;
    }
    for (const peer of this.peers.values()) {
      if (peer.hbRequestId !== null) {
        if (now - peer.hbSentMs < timeout) continue;
        peer.channel.forget(peer.hbRequestId);
        peer.channel.reset('heartbeat timeout');
        peer.hbRequestId = null;
        this.markDown(peer);
      }
      peer.hbSentMs = now;
      peer.hbRequestId = peer.channel.call('admin', request, peer.onHbReply);
    }
  }

  /** Tell the set at once (the server restarts heartbeats on a state change): drop outstanding ones and send anew. */
  restart(): void {
    for (const peer of this.peers.values()) {
      if (peer.hbRequestId !== null) {
        peer.channel.forget(peer.hbRequestId);
        peer.hbRequestId = null;
      }
    }
    this.send();
  }

  private markDown(peer: PeerView): void {
    if (peer.state === MemberState.DOWN) return;
    peer.state = MemberState.DOWN;
    const { role } = this;
    if (role.primaryHost === peer.member.host && role.state !== MemberState.PRIMARY) {
      role.primaryHost = null;
      this.deps.transitions.notifyTopologyVersion();
    }
  }

  /** replSetHeartbeat: a member tells us its view; we answer with ours. */
  onHeartbeat(body: Readonly<Document>): Doc {
    const { durable, role } = this;
    const replSet = this.deps.replSet;
    if (replSet === undefined) throw new CommandError(ErrorCodes.NoReplicationEnabled, 'not running with --replSet');
    if (body['replSetHeartbeat'] !== replSet) {
      throw new CommandError(ErrorCodes.InvalidReplicaSetConfig, `Our set name of ${replSet} does not match name ${String(body['replSetHeartbeat'])} reported by remote node`);
    }
    const fromHost = String(body['from']);
    const from = this.peers.get(fromHost);
    if (from !== undefined && body === from.lastHbRequest && from.lastHbRequestEpoch === role.viewEpoch) {
      // Fast path (the idle steady state): the same request object as last time, and nothing changed on our side.
      if (from.lastHbRequestFromPrimary) {
        role.lastHeardFromPrimaryMs = this.clock.nowMs;
        from.lastHeardMs = this.clock.nowMs;
      }
      return this.reply();
    }
    const config = body['config'];
    if (config !== durable.config) this.maybeAdoptConfig(config, 'heartbeat from', fromHost);
    const term = body['term'];
    if (typeof term === 'number' && term > durable.term) this.deps.transitions.updateTerm(term, `heartbeat from ${fromHost}`);
    // A heartbeat from the primary of our term tells us who the primary is (and resets our election timer).
    const fromPrimary = from !== undefined && body['state'] === MemberState.PRIMARY && body['term'] === durable.term && role.state !== MemberState.PRIMARY;
    if (from !== undefined && fromPrimary) {
      role.lastHeardFromPrimaryMs = this.clock.nowMs;
      from.state = MemberState.PRIMARY;
      from.term = durable.term;
      from.lastHeardMs = this.clock.nowMs;
      if (role.primaryHost !== from.member.host) {
        role.primaryHost = from.member.host;
        this.deps.transitions.notifyTopologyVersion();
        this.deps.timers.after(0, 'rs.fetch.kick', () => {
          this.deps.replication.redirectFetcher();
          this.deps.replication.maybeStartFetcher();
        });
      }
    }
    if (from !== undefined) {
      from.lastHbRequest = body;
      from.lastHbRequestEpoch = role.viewEpoch;
      from.lastHbRequestFromPrimary = fromPrimary;
    }
    return this.reply();
  }

  /** Heartbeat replies are rebuilt only when something they report changed (the idle hot path). */
  private reply(): Doc {
    const { durable, role } = this;
    const c = this.replyCache;
    if (c !== null && c.state === role.state && c.term === durable.term && c.length === durable.oplog.length
      && c.durableCount === durable.durableCount && c.config === durable.config && c.writable === role.writable) return c.doc;
    const doc = this.buildReply();
    this.replyCache = { doc, state: role.state, term: durable.term, length: durable.oplog.length, durableCount: durable.durableCount, config: durable.config, writable: role.writable };
    return doc;
  }

  private buildReply(): Doc {
    const { durable, role } = this;
    const last = durable.oplog.last();
    const durableEntry = durable.oplog.at(durable.durableCount - 1);
    return {
      ok: 1,
      set: this.deps.replSet,
      state: role.state,
      term: durable.term,
      configVersion: durable.config?.version ?? -2,
      config: durable.config,
      applied: last === undefined ? nullOpTime : { ts: last.ts, t: last.t },
      appliedWallMs: last?.wallMs ?? 0,
      durable: durableEntry === undefined ? nullOpTime : { ts: durableEntry.ts, t: durableEntry.t },
      writable: role.writable,
    };
  }

  /** Adopts a config seen in a heartbeat if it is newer; cheap when it is not (the usual case). */
  private maybeAdoptConfig(raw: unknown, via: string, host: string): void {
    if (raw === this.durable.config || !isPlainObject(raw)) return;
    const id = raw['_id'];
    const version = raw['version'];
    const term = raw['term'];
    if (typeof id !== 'string' || typeof version !== 'number' || typeof term !== 'number') return;
    if (!isNewerConfig(this.durable.config, this.deps.replSet, { _id: id, version, term })) return;
    const config = validConfig(raw);
    if (config !== null) this.deps.adoptConfig(config, `${via} ${host}`);
  }

  private onResponse(peer: PeerView, res: Readonly<Document>): void {
    const { durable, role } = this;
    const { transitions, replication } = this.deps;
    const now = this.clock.nowMs;
    if (res === peer.lastHbReply && peer.state !== MemberState.DOWN) {
      // Fast path (the idle steady state): the member reports exactly what it reported last time.
      peer.lastHeardMs = now;
      if (peer.state === MemberState.PRIMARY && role.primaryHost === peer.member.host && role.state !== MemberState.PRIMARY) {
        role.lastHeardFromPrimaryMs = now;
        if (peer.priorityTakeoverAt === null && (memberOf(durable.config, this.deps.host)?.priority ?? 0) > peer.member.priority) this.deps.considerPriorityTakeover(peer);
        return;
      }
      if (peer.state !== MemberState.PRIMARY && role.primaryHost !== peer.member.host) return;
    }
    peer.lastHbReply = res;
    const config = res['config'];
    if (config !== durable.config) this.maybeAdoptConfig(config, 'heartbeat reply from', peer.member.host);
    if (!this.peers.has(peer.member.host)) return;
    peer.lastHeardMs = now;
    peer.state = Number(res['state']);
    peer.term = Number(res['term']);
    peer.configVersion = Number(res['configVersion']);
    peer.configTerm = isPlainObject(config) && typeof config['term'] === 'number' ? config['term'] : -2;
    const applied = res['applied'] as OpTime;
    if (compareOpTime(applied, peer.applied) > 0) {
      peer.applied = applied;
      peer.appliedWallMs = Number(res['appliedWallMs']);
    }
    const peerDurable = res['durable'] as OpTime;
    let moved = false;
    if (compareOpTime(peerDurable, peer.durable) > 0) {
      peer.durable = peerDurable;
      moved = true;
    }
    if (peer.term > durable.term) transitions.updateTerm(peer.term, `heartbeat reply from ${peer.member.host}`);
    if (peer.state === MemberState.PRIMARY && peer.term >= durable.term) {
      if (role.state === MemberState.PRIMARY) {
        // Two primaries in the same term cannot happen (one vote per term); an older one steps down on seeing the newer term.
        return;
      }
      role.lastHeardFromPrimaryMs = now;
      if (role.primaryHost !== peer.member.host) {
        role.primaryHost = peer.member.host;
        transitions.notifyTopologyVersion();
        replication.redirectFetcher();
      }
      this.deps.considerPriorityTakeover(peer);
    } else if (role.primaryHost === peer.member.host && peer.state !== MemberState.PRIMARY && role.state !== MemberState.PRIMARY) {
      role.primaryHost = null;
      transitions.notifyTopologyVersion();
    }
    if (role.state === MemberState.PRIMARY) {
      if (moved) replication.advanceCommitPoint();
    } else if (!replication.isFetching && (role.state === MemberState.SECONDARY || role.state === MemberState.STARTUP2)) replication.maybeStartFetcher();
  }
}

/** Is `config` newer than `mine` (same set; higher term, or same term and higher version; or higher version)? */
export function isNewerConfig(mine: ReplSetConfig | null, replSet: string | undefined, config: Pick<ReplSetConfig, '_id' | 'version' | 'term'>): boolean {
  if (config === mine) return false;
  if (mine === null) return config._id === replSet;
  return config._id === mine._id && (config.term > mine.term || (config.term === mine.term && config.version > mine.version)
    || (config.version > mine.version));
}

/** A config carried by a heartbeat, re-validated before use (it may come from anyone who can connect). */
function validConfig(value: unknown): ReplSetConfig | null {
  if (!isPlainObject(value)) return null;
  try {
    return parseReplSetConfig(value, {});
  } catch {
    return null;
  }
}
