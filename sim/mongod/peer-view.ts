/** What a replica set member knows about one other member, learned from heartbeats and position updates. */
import type { MemberConfig } from './config.js';
import { MemberState } from './member-state.js';
import { type OpTime, nullOpTime } from './oplog.js';
import type { Document } from '../protocol.js';
import type { RpcChannel } from './rpc.js';

export interface PeerView {
  member: MemberConfig;
  readonly channel: RpcChannel;
  state: number;
  term: number;
  applied: OpTime;
  appliedWallMs: number;
  durable: OpTime;
  lastHeardMs: number;
  hbRequestId: number | null;
  hbSentMs: number;
  configVersion: number;
  /** The term of the config the member reported (with configVersion, tells whether our config reached it). */
  configTerm: number;
  priorityTakeoverAt: number | null;
  /** The last heartbeat reply object: an unchanged member keeps sending the same (cached) one. */
  lastHbReply: Readonly<Document> | null;
  /** The last heartbeat request object from this member, and our view epoch when we processed it. */
  lastHbRequest: Readonly<Document> | null;
  lastHbRequestEpoch: number;
  lastHbRequestFromPrimary: boolean;
  /** Preallocated heartbeat reply handler (one heartbeat is outstanding per peer at a time). */
  onHbReply: (reply: Readonly<Document> | null) => void;
}

/** A member we have not heard from yet; `replyHandler` makes its heartbeat reply handler. */
export function newPeerView(member: MemberConfig, channel: RpcChannel, replyHandler: (peer: PeerView) => (reply: Readonly<Document> | null) => void): PeerView {
  const peer: PeerView = {
    member,
    channel,
    state: MemberState.UNKNOWN,
    term: -1,
    applied: nullOpTime,
    appliedWallMs: 0,
    durable: nullOpTime,
    lastHeardMs: -Infinity,
    hbRequestId: null,
    hbSentMs: 0,
    configVersion: -1,
    configTerm: -2,
    priorityTakeoverAt: null,
    lastHbReply: null,
    lastHbRequest: null,
    lastHbRequestEpoch: -1,
    lastHbRequestFromPrimary: false,
    onHbReply: noReplyHandler,
  };
  peer.onHbReply = replyHandler(peer);
  return peer;
}

const noReplyHandler = (): void => undefined;

/** Voting members other than us, in config order. */
export function votingPeers(peers: ReadonlyMap<string, PeerView>): PeerView[] {
  const out: PeerView[] = [];
  for (const peer of peers.values()) if (peer.member.votes > 0) out.push(peer);
  return out;
}
