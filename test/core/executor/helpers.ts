/** Builders and a small driver for executor tests: descriptions, connections, a seeded random. */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { serverDescription, topologyDescription } from '../../support/descriptions.js';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomSource } from '../../../core/random.js';
import type { ServerDescription, ServerType, TopologyDescription, TopologyType } from '../../../core/sdam/types.js';
import { createExecutor, stepExecutor } from '../../../core/executor/machine.js';
import type {
  ConnectionInfo,
  ExecutorAction,
  ExecutorEvent,
  ExecutorInput,
  ExecutorOptions,
  ExecutorState,
  OperationInput,
} from '../../../core/executor/types.js';

export function server(address: string, type: ServerType, fields: Partial<ServerDescription> = {}): ServerDescription {
  return serverDescription(address, {
    type,
    roundTripTime: type === 'Unknown' ? null : 5,
    maxWireVersion: 21,
    setName: type.startsWith('RS') ? 'rs' : null,
    lastUpdateTime: 0,
    logicalSessionTimeoutMinutes: type === 'Unknown' ? null : 30,
    ...fields,
  });
}

export function topology(type: TopologyType, servers: readonly ServerDescription[]): TopologyDescription {
  return topologyDescription(type, servers, { setName: type.startsWith('ReplicaSet') ? 'rs' : null, logicalSessionTimeoutMinutes: 30 });
}

export function seededRandom(seed: number): RandomSource {
  const rng = xoroshiro128plus(seed);
  return { int: (maxExclusive) => uniformInt(rng, 0, maxExclusive - 1) };
}

export function connection(id: number, s: ServerDescription, fields: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return { id, address: s.address, generation: 0, maxWireVersion: s.maxWireVersion, serverType: s.type, ...fields };
}

export const lsid = Object.freeze({ id: 'session-1' });

export function insertOne(fields: Partial<OperationInput> = {}): OperationInput {
  return {
    kind: 'write',
    databaseName: 'db',
    command: { insert: 'coll', documents: [{ x: 1 }] },
    session: { lsid, txnNumber: 7n },
    firstRequestId: 100,
    ...fields,
  };
}

export function find(fields: Partial<OperationInput> = {}): OperationInput {
  return {
    kind: 'read',
    databaseName: 'db',
    command: { find: 'coll', filter: {} },
    session: { lsid, txnNumber: 7n },
    firstRequestId: 100,
    ...fields,
  };
}

/** The server selected for the current attempt (throws when the phase has none). */
export function selectedServer(state: ExecutorState): ServerDescription {
  if (state.phase !== 'checkingOut' && state.phase !== 'awaitingReply') throw new Error(`no server is selected in phase ${state.phase}`);
  return state.server;
}

/** Drives one executor, keeping every action and event for assertions. */
export class Run {
  state: ExecutorState = createExecutor(undefined, 0).state;
  readonly actions: ExecutorAction[] = [];
  readonly events: ExecutorEvent[] = [];
  last: { actions: readonly ExecutorAction[]; events: readonly ExecutorEvent[] } = { actions: [], events: [] };

  step(input: ExecutorInput, now: number): readonly ExecutorAction[] {
    const result = stepExecutor(this.state, input, now);
    this.state = result.state;
    this.actions.push(...result.actions);
    this.events.push(...result.events);
    this.last = { actions: result.actions, events: result.events };
    return result.actions;
  }

  /** Starts the operation; `options` are the client options createExecutor takes (a fresh executor then). */
  start(operation: OperationInput, topo: TopologyDescription, now = 0, options?: ExecutorOptions, seed = 1): readonly ExecutorAction[] {
    if (options !== undefined) this.state = createExecutor(options, now).state;
    return this.step({ type: 'start', operation, topology: topo, random: seededRandom(seed) }, now);
  }

  of<T extends ExecutorAction['type']>(type: T): Extract<ExecutorAction, { type: T }>[] {
    return this.actions.filter((a): a is Extract<ExecutorAction, { type: T }> => a.type === type);
  }

  lastOf<T extends ExecutorAction['type']>(type: T): Extract<ExecutorAction, { type: T }> | undefined {
    const all = this.of(type);
    return all[all.length - 1];
  }

  eventsNamed<N extends ExecutorEvent['name']>(name: N): Extract<ExecutorEvent, { name: N }>[] {
    return this.events.filter((e): e is Extract<ExecutorEvent, { name: N }> => e.name === name);
  }

  /** The `fail` outcome (throws if the operation did not fail). */
  failed(): Extract<ExecutorAction, { type: 'fail' }> {
    const outcome = this.outcome();
    if (outcome.type !== 'fail') throw new Error(`expected the operation to fail, it completed with ${JSON.stringify(outcome.reply)}`);
    return outcome;
  }

  /** The outcome action: the single `complete` or `fail`. */
  outcome(): Extract<ExecutorAction, { type: 'complete' | 'fail' }> {
    const done = this.actions.filter((a): a is Extract<ExecutorAction, { type: 'complete' | 'fail' }> => a.type === 'complete' || a.type === 'fail');
    if (done.length !== 1) throw new Error(`expected exactly one outcome action, got ${done.length}`);
    return done[0]!;
  }
}
