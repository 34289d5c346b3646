/**
 * A replica set started with its primary already chosen, for test runners that need a fresh
 * set per test. `initiate()` followed by an ordinary election waits out electionTimeoutMillis
 * (10 s of virtual time and about 10 ms of wall time per set, measured); here the first member
 * is asked to run at once with `replSetStepUp` (as an operator would), which a real server
 * also accepts. Everything still goes through the normal initiate, heartbeat, vote and
 * replication paths, so the resulting set is indistinguishable from one that elected itself.
 */
import type { World } from '../world.js';
import { SimClient } from './client.js';
import { MemberState } from './member-state.js';
import type { ReplicaSetSim } from './replset.js';

/** Virtual time allowed for each phase of the start (initiate, step-up, members caught up), ms. */
export const electedStartPhaseLimitMs = 30_000;

/**
 * Initiates `rs` and makes its first member primary through `replSetStepUp`; returns once every
 * member is PRIMARY, SECONDARY or ARBITER. Throws naming the phase that did not finish.
 */
export function startElected(world: World, rs: ReplicaSetSim, adminHost = 'rs-stepup'): string {
  rs.initiate();
  const hosts = rs.hosts;
  const first = rs.member(hosts[0]!);
  const scheduler = world.scheduler;
  scheduler.runUntil(() => first.memberState === MemberState.SECONDARY || first.isWritablePrimary, electedStartPhaseLimitMs);
  if (!first.isWritablePrimary) {
    if (first.memberState !== MemberState.SECONDARY) throw new Error(`startElected: ${first.host} is ${first.memberStateName} ${electedStartPhaseLimitMs} ms after replSetInitiate`);
    const admin = new SimClient(world, adminHost);
    const outcome = admin.commandSync(first.host, 'admin', { replSetStepUp: 1, skipDryRun: true }, electedStartPhaseLimitMs);
    admin.close();
    if (!outcome.ok || (outcome.reply as { ok?: unknown }).ok !== 1) throw new Error(`startElected: replSetStepUp on ${first.host} failed: ${JSON.stringify(outcome.ok ? outcome.reply : outcome.networkError)}`);
  }
  const primary = rs.waitForPrimary(electedStartPhaseLimitMs);
  if (primary === null) throw new Error(`startElected: no primary ${electedStartPhaseLimitMs} ms after replSetStepUp`);
  const settled = (): boolean =>
    hosts.every((h) => {
      const s = rs.member(h).memberState;
      return s === MemberState.PRIMARY || s === MemberState.SECONDARY || s === MemberState.ARBITER;
    });
  scheduler.runUntil(settled, electedStartPhaseLimitMs);
  if (!settled()) throw new Error(`startElected: members not settled: ${hosts.map((h) => `${h} ${rs.member(h).memberStateName}`).join(', ')}`);
  return primary;
}
