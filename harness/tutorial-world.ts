/**
 * The PyMongo high-availability tutorial's cluster, built once for the main job (cli/tutorial.ts)
 * and for the tests that play the tutorial: a seeded world, the replica set `foo` on
 * localhost:27017-27019, and symmetric or asymmetric client-to-server latencies.
 */
import { ReplicaSetSim, type MemberSpec } from '../sim/mongod/replset.js';
import { World } from '../sim/world.js';

/** The tutorial's three mongods, in the order the guide starts them. */
export const tutorialHosts = ['localhost:27017', 'localhost:27018', 'localhost:27019'] as const;
/** The tutorial's replica set name (`--replSet foo`). */
export const tutorialSetName = 'foo';
/** Virtual time to wait for the first primary after replSetInitiate, ms. */
export const defaultPrimaryWaitMs = 60_000;
/** Virtual time run after the first primary so secondaries catch up and heartbeats settle, ms. */
export const settleAfterPrimaryMs = 3000;

export interface TutorialWorldOptions {
  /** Keep trace lines in memory (the main job prints cluster events from them). Default false. */
  readonly keepTraceLines?: boolean;
}

export function tutorialWorld(seed: number, options: TutorialWorldOptions = {}): World {
  return new World({ seed, keepTraceLines: options.keepTraceLines ?? false });
}

export function tutorialMembers(): MemberSpec[] {
  return tutorialHosts.map((host) => ({ host }));
}

/** The set `foo`, its processes not yet started. */
export function tutorialReplicaSet(world: World, members: readonly MemberSpec[] = tutorialMembers()): ReplicaSetSim {
  return new ReplicaSetSim(world, { name: tutorialSetName, members });
}

/**
 * The set `foo`, initiated, with a writable primary and caught-up members. `primary` is null
 * when none was elected within `primaryWaitMs` (the caller decides whether that is fatal).
 */
export function readyTutorialSet(
  world: World,
  members: readonly MemberSpec[] = tutorialMembers(),
  primaryWaitMs: number = defaultPrimaryWaitMs,
): { rs: ReplicaSetSim; primary: string | null } {
  const rs = tutorialReplicaSet(world, members);
  rs.initiate();
  const elected = rs.waitForPrimary(primaryWaitMs);
  world.scheduler.runFor(settleAfterPrimaryMs);
  return { rs, primary: elected === null ? null : (rs.primary() ?? elected) };
}

/** Constant one-way latencies between a client host and a server, with no jitter. */
export function setClientLatency(world: World, clientHost: string, server: string, oneWayMs: number, backMs: number = oneWayMs): void {
  world.network.setLink(clientHost, server, { latency: { kind: 'constant', ms: oneWayMs }, jitterMs: 0 }, false);
  world.network.setLink(server, clientHost, { latency: { kind: 'constant', ms: backMs }, jitterMs: 0 }, false);
}
