/**
 * The simulator benchmarks' starting point: a replica set named rs0 on a:27017, b:27017, …,
 * initiated over a client connection with its first primary elected, built outside the timed part.
 */
import { World } from '../sim/world.js';
import { ReplicaSetSim } from '../sim/mongod/replset.js';

/** The seed of every simulator benchmark world. */
export const simBenchSeed = 1;
/** Virtual time allowed for initiation and the first election. */
export const electionWaitMs = 60_000;

export function electedSet(size: number, seed: number = simBenchSeed): { world: World; rs: ReplicaSetSim } {
  const world = new World({ seed });
  const members = Array.from({ length: size }, (_, i) => ({ host: `${String.fromCharCode(97 + i)}:27017` }));
  const rs = new ReplicaSetSim(world, { name: 'rs0', members });
  rs.initiate();
  if (rs.waitForPrimary(electionWaitMs) === null) throw new Error(`bench: the ${size}-member set elected no primary in ${electionWaitMs} ms`);
  return { world, rs };
}
