/**
 * A fresh simulated cluster per unified test, in its own seeded World: a standalone mongod, a
 * 3-member replica set started already elected (sim/mongod/elected-start.ts), two mongoses in
 * front of a replica-set shard, or a load balancer in front of those mongoses (load-balanced
 * mode). The runner's own setup and checks (initialData, outcome) go through an internal
 * connection (SimClient), never through a client entity, so they are never observed.
 */
import { LoadBalancerSim } from '../../sim/lb/load-balancer.js';
import { SimClient } from '../../sim/mongod/client.js';
import { startElected } from '../../sim/mongod/elected-start.js';
import { MongodProcess } from '../../sim/mongod/process.js';
import { ReplicaSetSim } from '../../sim/mongod/replset.js';
import { MongosProcess } from '../../sim/mongos/mongos.js';
import { World } from '../../sim/world.js';
import type { ClusterPlan } from './requirements.js';
import type { Doc } from './schema.js';

export const replicaSetName = 'repl0';
export const replicaSetHosts = ['mongod-a:27017', 'mongod-b:27017', 'mongod-c:27017'] as const;
export const standaloneHost = 'mongod-a:27017';
export const shardName = 'shard0';
export const shardHosts = ['shard-a:27018', 'shard-b:27018', 'shard-c:27018'] as const;
export const mongosHosts = ['mongos-a:27017', 'mongos-b:27017'] as const;
export const loadBalancerHost = 'lb:27017';
/** Virtual time allowed for one internal (runner) command, ms. */
export const internalCommandLimitMs = 60_000;
/** Virtual time a new mongos gets to find its shard's primary, ms. */
export const mongosWarmUpMs = 1_000;

export interface SimCluster {
  readonly world: World;
  readonly plan: ClusterPlan;
  /** Seed list for client entities: with useMultipleMongoses false only the first host is used. */
  readonly hosts: readonly string[];
  /** Extra URI options every client gets (replicaSet, loadBalanced). */
  readonly uriOptions: Readonly<Record<string, string>>;
  /** Runs a command through the runner's internal connection to the primary (or first mongos); returns the reply. */
  internalCommand(db: string, command: Doc): Doc;
  /** The replica set (the shard behind the mongoses, for sharded and load-balanced clusters), if any. */
  readonly replicaSet: ReplicaSetSim | null;
}

export function buildCluster(plan: ClusterPlan, seed: number): SimCluster {
  const world = new World({ seed });
  const version = plan.version;
  let target: () => string;
  let hosts: string[];
  let uriOptions: Record<string, string> = {};
  let replicaSet: ReplicaSetSim | null = null;
  switch (plan.topology) {
    case 'single': {
      new MongodProcess(world, { host: standaloneHost, version }).start();
      hosts = [standaloneHost];
      target = () => standaloneHost;
      break;
    }
    case 'replicaset': {
      const rs = new ReplicaSetSim(world, { name: replicaSetName, members: replicaSetHosts.map((host) => ({ host })), version });
      startElected(world, rs);
      replicaSet = rs;
      hosts = [...replicaSetHosts];
      uriOptions = { replicaSet: replicaSetName };
      target = () => rs.primary() ?? replicaSetHosts[0];
      break;
    }
    case 'sharded':
    case 'load-balanced': {
      const rs = new ReplicaSetSim(world, { name: shardName, members: shardHosts.map((host) => ({ host })), version });
      startElected(world, rs);
      replicaSet = rs;
      const loadBalanced = plan.topology === 'load-balanced';
      for (const host of mongosHosts) new MongosProcess(world, { host, shard: { name: shardName, hosts: [...shardHosts] }, version, loadBalanced }).start();
      world.scheduler.runFor(mongosWarmUpMs);
      if (loadBalanced) {
        new LoadBalancerSim(world, { host: loadBalancerHost, backends: [...mongosHosts] }).start();
        hosts = [loadBalancerHost];
        uriOptions = { loadBalanced: 'true' };
      } else {
        hosts = [...mongosHosts];
      }
      target = () => mongosHosts[0];
      break;
    }
  }
  const internal = new SimClient(world, 'unified-runner');
  return {
    world,
    plan,
    hosts,
    uriOptions,
    replicaSet,
    internalCommand(db: string, command: Doc): Doc {
      const address = target();
      const outcome = internal.commandSync(address, db, command, internalCommandLimitMs);
      if (!outcome.ok) throw new Error(`internal ${Object.keys(command)[0]} to ${address} failed: ${outcome.networkError}`);
      return outcome.reply as Doc;
    },
  };
}
