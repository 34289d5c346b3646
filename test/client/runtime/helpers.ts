/** Shared setup for the client runtime tests (not a test file itself). */
import { World } from '../../../sim/world.js';
import { ReplicaSetSim, type MemberSpec, type ReplicaSetOptions } from '../../../sim/mongod/replset.js';
import { simPorts, type SimRuntimePorts } from '../../../harness/sim-ports.js';
import { ClientRuntime, type ClientRuntimeOptions } from '../../../client/runtime/runtime.js';
import type { RunOperation, RunResult, RuntimeEvent } from '../../../client/runtime/api.js';

export const hostsABC: MemberSpec[] = [{ host: 'a:27017' }, { host: 'b:27017' }, { host: 'c:27017' }];

/** A 3-member set initiated, with a writable primary and members caught up. */
export function readySet(seed: number, options: Partial<ReplicaSetOptions> = {}): { world: World; rs: ReplicaSetSim; primary: string } {
  const world = new World({ seed });
  const rs = new ReplicaSetSim(world, { name: 'rs0', members: hostsABC, ...options });
  const reply = rs.initiate();
  if (reply['ok'] !== 1) throw new Error(`initiate failed: ${JSON.stringify(reply)}`);
  const primary = rs.waitForPrimary(60_000);
  if (primary === null) throw new Error('no primary within 60 s');
  world.scheduler.runFor(3000);
  return { world, rs, primary };
}

export interface Harness {
  readonly world: World;
  readonly ports: SimRuntimePorts;
  readonly runtime: ClientRuntime;
  readonly events: RuntimeEvent[];
}

export function newRuntime(world: World, uri: string, options: Partial<ClientRuntimeOptions> = {}, clientHost = 'client'): Harness {
  const ports = simPorts(world, { clientHost });
  const runtime = new ClientRuntime(uri, { ports, ...options });
  const events: RuntimeEvent[] = [];
  runtime.subscribe((e) => events.push(e));
  return { world, ports, runtime, events };
}

/** Runs `operation` and the world until it finishes (or `limitMs` of virtual time passes). */
export function runSync(h: Harness, operation: RunOperation, limitMs = 120_000): RunResult {
  let result: RunResult | null = null;
  h.runtime.run(operation, (r) => { result = r; });
  h.world.scheduler.runUntil(() => result !== null, limitMs);
  if (result === null) throw new Error(`operation ${JSON.stringify(Object.keys(operation.command)[0])} did not finish within ${limitMs} ms`);
  return result;
}

export function closeSync(h: Harness, limitMs = 10_000): void {
  let closed = false;
  h.runtime.close(() => { closed = true; });
  h.world.scheduler.runUntil(() => closed, limitMs);
  if (!closed) throw new Error('close did not finish');
}

export function insert(collection: string, docs: object[]): RunOperation {
  return { kind: 'write', databaseName: 'test', command: { insert: collection, documents: docs } };
}

export function find(collection: string, filter: object = {}, extra: Partial<RunOperation> = {}): RunOperation {
  return { kind: 'read', databaseName: 'test', command: { find: collection, filter }, ...extra };
}

/** A sent command as the spy saw it. */
export interface SentCommand {
  readonly atMs: number;
  readonly address: string;
  readonly connectionId: number;
  readonly requestId: number;
  readonly db: string;
  readonly body: Record<string, unknown>;
}

/** Wraps the transport of `ports` so every command sent is recorded in `sent`. */
export function spyTransport(ports: SimRuntimePorts, sent: SentCommand[]): SimRuntimePorts {
  const inner = ports.transport;
  return {
    ...ports,
    transport: {
      connect(address, handlers) {
        const c = inner.connect(address, handlers);
        return {
          get id() { return c.id; },
          get address() { return c.address; },
          get closed() { return c.closed; },
          send(requestId, db, body) {
            sent.push({ atMs: ports.clock.now(), address, connectionId: c.id, requestId, db, body });
            c.send(requestId, db, body);
          },
          close() { c.close(); },
        };
      },
    },
  };
}

export const secondaryPreferred = { mode: 'secondaryPreferred', tagSets: [], maxStalenessSeconds: null, hedge: null } as const;
