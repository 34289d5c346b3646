/**
 * Shared setup for the tutorial tests (PyMongo high-availability guide in the simulator): a
 * world, a replica set named `foo` on localhost:27017-27019, MongoClients over simPorts, and
 * `run()` to await a façade promise in virtual time.
 */
import type { World } from '../../sim/world.js';
import type { ReplicaSetSim, MemberSpec } from '../../sim/mongod/replset.js';
import { simPorts, type SimRuntimePorts } from '../../harness/sim-ports.js';
import { settle } from '../../harness/settle.js';
import { readyTutorialSet, tutorialHosts, tutorialMembers, tutorialReplicaSet, tutorialWorld } from '../../harness/tutorial-world.js';
import { MongoClient } from '../../client/mongo-client.js';
import type { MongoClientOptions } from '../../client/options.js';
import type { Collection } from '../../client/collection.js';
import type { RuntimeEvent } from '../../client/runtime/api.js';

export { tutorialHosts };
/** Virtual time any single awaited step may take before the test fails. */
export const stepLimitMs = 120_000;

export interface Tutorial {
  readonly world: World;
  readonly rs: ReplicaSetSim;
  readonly clients: MongoClient[];
}

export function newWorld(seed: number, members: readonly MemberSpec[] = tutorialMembers()): Tutorial {
  const world = tutorialWorld(seed);
  return { world, rs: tutorialReplicaSet(world, members), clients: [] };
}

/** An initiated set with a writable primary, members caught up. */
export function readySet(seed: number, members?: readonly MemberSpec[]): Tutorial & { primary: string } {
  const world = tutorialWorld(seed);
  const { rs, primary } = readyTutorialSet(world, members);
  if (primary === null) throw new Error('no primary within 60 s');
  return { world, rs, clients: [], primary };
}

let clientCounter = 0;
const hosts = new WeakMap<MongoClient, string>();
const portsOf = new WeakMap<MongoClient, SimRuntimePorts>();

/** A client connecting from its own host (default `clientN`, so per-client link latencies can be set). */
export function newClient(t: Tutorial, uri: string, options: MongoClientOptions = {}, clientHost = `client${++clientCounter}`): MongoClient {
  const ports = simPorts(t.world, { clientHost });
  const client = new MongoClient(uri, { ports, ...options });
  hosts.set(client, clientHost);
  portsOf.set(client, ports);
  t.clients.push(client);
  return client;
}

/** The simulated host a client made by newClient() connects from. */
export function clientHostOf(client: MongoClient): string {
  const host = hosts.get(client);
  if (host === undefined) throw new Error('not a client made by newClient()');
  return host;
}

/** Awaits `promise` while the world runs in virtual time. */
export function run<T>(t: Tutorial, promise: Promise<T>, limitMs = stepLimitMs): Promise<T> {
  return settle(t.world, promise, limitMs);
}

/** The rejection of `promise` (fails if it resolves). */
export async function failure(t: Tutorial, promise: Promise<unknown>, limitMs = stepLimitMs): Promise<Error> {
  try {
    await run(t, promise, limitMs);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the operation to fail, it succeeded');
}

/** Runs the world until `predicate` holds (or fails after `limitMs` virtual ms). */
export function waitFor(t: Tutorial, predicate: () => boolean, what: string, limitMs = 60_000): void {
  if (!t.world.scheduler.runUntil(predicate, limitMs)) throw new Error(`waited ${limitMs} virtual ms for ${what}`);
}

/** The server a one-document read went to. */
export async function readFrom(t: Tutorial, coll: Collection, filter: Record<string, unknown> = {}): Promise<string> {
  const cursor = coll.find(filter, { limit: 1, batchSize: 1, singleBatch: true });
  await run(t, cursor.next());
  await run(t, cursor.close());
  if (cursor.address === null) throw new Error('the read reached no server');
  return cursor.address;
}

/** Counts reads per server over `n` sequential reads. */
export async function spread(t: Tutorial, coll: Collection, n: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const address = await readFrom(t, coll);
    counts.set(address, (counts.get(address) ?? 0) + 1);
  }
  return counts;
}

export function recordEvents(client: MongoClient, names: readonly string[]): RuntimeEvent[] {
  const events: RuntimeEvent[] = [];
  for (const name of names) client.on(name, (e: RuntimeEvent) => events.push(e));
  return events;
}

/** Closes every client and checks nothing of theirs stays scheduled or connected. */
export async function closeAll(t: Tutorial): Promise<void> {
  for (const c of t.clients) {
    await run(t, c.close());
    const ports = portsOf.get(c) as SimRuntimePorts;
    if (ports.pendingTimers() !== 0) throw new Error(`client ${clientHostOf(c)} left timers after close: ${ports.pendingTimerLabels().join(', ')}`);
    if (ports.openConnections() !== 0) throw new Error(`client ${clientHostOf(c)} left ${ports.openConnections()} connections open after close`);
  }
}
