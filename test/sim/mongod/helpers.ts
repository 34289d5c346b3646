/** Shared setup for the simulated mongod tests (not a test file itself). */
import { World } from '../../../sim/world.js';
import { ReplicaSetSim, type MemberSpec, type ReplicaSetOptions } from '../../../sim/mongod/replset.js';
import { SimClient, type CommandOutcome } from '../../../sim/mongod/client.js';
import type { Document } from '../../../sim/protocol.js';
import { CommandError } from '../../../sim/mongod/errors.js';

export const hostsABC: MemberSpec[] = [{ host: 'a:27017' }, { host: 'b:27017' }, { host: 'c:27017' }];

export function newSet(seed: number, options: Partial<ReplicaSetOptions> = {}): { world: World; rs: ReplicaSetSim; client: SimClient } {
  const world = new World({ seed });
  const rs = new ReplicaSetSim(world, { name: 'rs0', members: hostsABC, ...options });
  const client = new SimClient(world);
  return { world, rs, client };
}

/** A set initiated over a client connection, with a writable primary. */
export function readySet(seed: number, options: Partial<ReplicaSetOptions> = {}): { world: World; rs: ReplicaSetSim; client: SimClient; primary: string } {
  const s = newSet(seed, options);
  const r = s.rs.initiate();
  if (r['ok'] !== 1) throw new Error(`initiate failed: ${JSON.stringify(r)}`);
  const primary = s.rs.waitForPrimary(60_000);
  if (primary === null) throw new Error('no primary within 60 s');
  // Let every member learn about the primary and start replicating.
  s.world.scheduler.runFor(3000);
  return { ...s, primary };
}

/** The reply of a command, failing the test on a network error. */
export function run(client: SimClient, host: string, db: string, body: Document, limitMs = 60_000): Document {
  const outcome: CommandOutcome = client.commandSync(host, db, body, limitMs);
  if (!outcome.ok) throw new Error(`${String(Object.keys(body)[0])} to ${host}: network error ${outcome.networkError}`);
  return outcome.reply as Document;
}

/** The code of the CommandError `fn` throws, or undefined when it returns (other errors propagate). */
export function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CommandError) return error.code;
    throw error;
  }
  return undefined;
}
