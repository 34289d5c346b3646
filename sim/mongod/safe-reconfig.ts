/**
 * Safe reconfig, MongoDB 4.4+ (replication_coordinator_impl.cpp `_doReplSetReconfig`,
 * repl_set_config_checks.cpp `validateSingleNodeChange`): a non-force replSetReconfig may only
 * move from a committed config to one whose quorums overlap it, so that two primaries can never
 * be elected by disjoint majorities of consecutive configs and no majority-committed write is
 * lost. The primary refuses, in this order:
 *
 * 1. the current config (version and term) is not yet on a majority of its voting members
 *    (heartbeats tell us each member's config) → CurrentConfigNotCommittedYet;
 * 2. the newest write committed under the previous config (or this primary's first write of its
 *    term, whichever is later) is not yet durable on a write majority of the current config →
 *    CurrentConfigNotCommittedYet (skipped for the first reconfig after initiate and when the
 *    current config came from a force reconfig, as the server does);
 * 3. the new config adds or removes more than one voting member (by member _id) →
 *    NewReplicaSetConfigurationIncompatible, the code replSetReconfig gives every validation failure.
 *
 * `force: true` skips all three. A real server first *waits* for 1 and 2 (awaitConfigCommitment,
 * up to maxTimeMS) and only then fails with this code; the simulator answers at once, as the
 * server's own check does when it finds the config uncommitted.
 */
import { type ReplSetConfig, majorityVoteCount, writeMajorityCount } from './config.js';
import { CommandError, ErrorCodes } from './errors.js';
import { type OpTime, compareOpTime, tsIncrement, tsSeconds } from './oplog.js';
import type { PeerView } from './peer-view.js';

/** The config term of a config installed by a force reconfig (OpTime::kUninitializedTerm). */
export const forceConfigTerm = -1;

/** `{version: 2, term: 1}`, the server's ConfigVersionAndTerm::toString. */
export function configVersionAndTerm(config: Pick<ReplSetConfig, 'version' | 'term'>): string {
  return `{version: ${config.version}, term: ${config.term}}`;
}

/** 1. The current config is on a majority of its voting members (we hold it ourselves). */
export function checkConfigCommitted(config: ReplSetConfig, selfHost: string, peers: ReadonlyMap<string, PeerView>): void {
  let count = 0;
  for (const member of config.members) {
    if (member.votes <= 0) continue;
    if (member.host === selfHost) {
      count++;
      continue;
    }
    const peer = peers.get(member.host);
    if (peer !== undefined && peer.configVersion === config.version && peer.configTerm === config.term) count++;
  }
  if (count < majorityVoteCount(config)) {
    throw new CommandError(
      ErrorCodes.CurrentConfigNotCommittedYet,
      `Cannot run replSetReconfig because the current config: ${configVersionAndTerm(config)} is not majority committed.`,
    );
  }
}

/** 2. `opTime` is durable on a write majority of the current config's voting data-bearing members. */
export function checkOplogCommitment(config: ReplSetConfig, opTime: OpTime, self: { host: string; durable: OpTime }, peers: ReadonlyMap<string, PeerView>): void {
  let count = 0;
  for (const member of config.members) {
    if (member.votes <= 0 || member.arbiterOnly) continue;
    const durable = member.host === self.host ? self.durable : peers.get(member.host)?.durable;
    if (durable !== undefined && compareOpTime(durable, opTime) >= 0) count++;
  }
  if (count < writeMajorityCount(config)) {
    throw new CommandError(
      ErrorCodes.CurrentConfigNotCommittedYet,
      `Last committed optime from previous config (${opTimeString(opTime)}) is not committed in the current config.`,
    );
  }
}

/** Whether the oplog commitment check applies: not after initiate's config, not when leaving a force config. */
export function oplogCommitmentApplies(config: ReplSetConfig): boolean {
  return config.version !== 1 && config.term !== forceConfigTerm;
}

/** 3. At most one voting member (by _id) added or removed. */
export function checkSingleVoterChange(current: ReplSetConfig, next: ReplSetConfig): void {
  const before = new Set<number>();
  for (const m of current.members) if (m.votes > 0) before.add(m._id);
  const after = new Set<number>();
  for (const m of next.members) if (m.votes > 0) after.add(m._id);
  let changed = 0;
  for (const id of before) if (!after.has(id)) changed++;
  for (const id of after) if (!before.has(id)) changed++;
  if (changed > 1) {
    throw new CommandError(ErrorCodes.NewReplicaSetConfigurationIncompatible, 'Non force replica set reconfig can only add or remove at most 1 voting member.');
  }
}

/** The server's OpTime::toString: `{ ts: Timestamp(1700000000, 1), t: 3 }`. */
function opTimeString(o: OpTime): string {
  return `{ ts: Timestamp(${tsSeconds(o.ts)}, ${tsIncrement(o.ts)}), t: ${o.t} }`;
}
