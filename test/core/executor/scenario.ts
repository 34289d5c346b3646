/**
 * Random executor scenarios for the property tests: an operation, a topology, and a script of
 * intents that become inputs (cooperative ones fit the phase; others are stray or malformed).
 */
import fc from 'fast-check';
import { MongoNetworkError, MongoServerError } from '../../../core/errors.js';
import { PoolClearedError, WaitQueueTimeoutError } from '../../../core/pool/errors.js';
import { readPreference } from '../../../core/selection/read-preference.js';
import { maxAttempts } from '../../../core/executor/constants.js';
import { errorLabelsOf } from '../../../core/executor/labels.js';
import { createExecutor, stepExecutor } from '../../../core/executor/machine.js';
import type { ExecutorAction, ExecutorEvent, ExecutorInput, ExecutorState, OperationInput } from '../../../core/executor/types.js';
import type { ServerDescription, TopologyDescription } from '../../../core/sdam/types.js';
import { connection, lsid, seededRandom, server, topology } from './helpers.js';

const a = 'a:27017';
const b = 'b:27017';
/** A pinned address that is in none of the topologies. */
export const pinnedNowhere = 'gone:27017';
const topologies: readonly TopologyDescription[] = [
  topology('ReplicaSetWithPrimary', [server(a, 'RSPrimary'), server(b, 'RSSecondary')]),
  topology('ReplicaSetWithPrimary', [server(a, 'Unknown'), server(b, 'RSPrimary', { maxWireVersion: 8 })]),
  topology('ReplicaSetNoPrimary', [server(a, 'Unknown'), server(b, 'RSSecondary')]),
  topology('Sharded', [server(a, 'Mongos'), server(b, 'Mongos', { maxWireVersion: 7 })]),
  topology('Single', [server(a, 'Standalone')]),
  topology('Unknown', [server(a, 'Unknown'), server(b, 'Unknown')]),
  topology('ReplicaSetWithPrimary', [server(a, 'RSPrimary', { logicalSessionTimeoutMinutes: null })]),
];

const commands: readonly { kind: OperationInput['kind']; command: Record<string, unknown> }[] = [
  { kind: 'read', command: { find: 'c', filter: {} } },
  { kind: 'read', command: { getMore: 1, collection: 'c' } },
  { kind: 'read', command: { aggregate: 'c', pipeline: [{ $merge: 'x' }] } },
  { kind: 'write', command: { insert: 'c', documents: [{}] } },
  { kind: 'write', command: { update: 'c', updates: [{ q: {}, u: {}, multi: true }] } },
  { kind: 'write', command: { delete: 'c', deletes: [{ q: {}, limit: 1 }], writeConcern: { w: 0 } } },
  { kind: 'write', command: { findAndModify: 'c', query: {}, remove: true } },
  { kind: 'command', command: { ping: 1 } },
  { kind: 'command', command: { saslStart: 1, payload: 'secret' } },
];

const replies: readonly Record<string, unknown>[] = [
  { ok: 1 },
  { ok: 1, n: 1, writeConcernError: { code: 91, errmsg: 'wce' } },
  { ok: 1, writeConcernError: { code: 64, errmsg: 'wce' }, errorLabels: ['RetryableWriteError'] },
  { ok: 0, code: 91, errmsg: 'shutdown' },
  { ok: 0, code: 10107, errmsg: 'not primary', errorLabels: ['RetryableWriteError'] },
  { ok: 0, code: 64, errmsg: 'no write', errorLabels: ['RetryableWriteError', 'NoWritesPerformed'] },
  { ok: 0, code: 91, errmsg: 'overloaded', errorLabels: ['SystemOverloadedError', 'RetryableWriteError'] },
  { ok: 0, code: 11000, errmsg: 'dup' },
  { ok: 0, code: 20, errmsg: 'Transaction numbers are only allowed on a replica set member or mongos' },
];

function checkOutError(choice: number): Error {
  switch (choice % 4) {
    case 0:
      return new PoolClearedError(a);
    case 1:
      return new MongoNetworkError('handshake failed');
    case 2:
      return new WaitQueueTimeoutError(a);
    default:
      return new MongoServerError('shutting down', { code: 91 });
  }
}

/** One step of the script: cooperative (fits the phase) or arbitrary, after `dt` ms. */
interface Intent {
  readonly cooperative: boolean;
  readonly choice: number;
  readonly dt: number;
}

// Weighted so that many runs reach a retry: mostly cooperative inputs, mostly small time steps.
const intentArb: fc.Arbitrary<Intent> = fc.record({
  cooperative: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  choice: fc.nat({ max: 1000 }),
  dt: fc.oneof(
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.nat({ max: 100 }), weight: 3 },
    { arbitrary: fc.nat({ max: 40_000 }), weight: 1 },
    { arbitrary: fc.integer({ min: -50, max: -1 }), weight: 1 },
  ),
});

export const scenarioArb = fc.record({
  // find, insert and findAndModify are the retryable ones.
  command: fc.oneof({ arbitrary: fc.constantFrom(0, 3, 6), weight: 3 }, { arbitrary: fc.nat({ max: commands.length - 1 }), weight: 2 }),
  withSession: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  retryReads: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  retryWrites: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  nearest: fc.boolean(),
  // Mostly unpinned; otherwise pinned to a member, or to a server no topology has.
  pinned: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.constantFrom(a, b, pinnedNowhere), weight: 1 }),
  topology: fc.nat({ max: topologies.length - 1 }),
  seed: fc.integer(),
  timeoutMS: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.nat({ max: 60_000 }), weight: 4 }),
  intents: fc.array(intentArb, { maxLength: 30 }),
});

export type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function serversOf(state: ExecutorState): ServerDescription[] {
  return 'topology' in state ? [...state.topology.servers.values()] : [];
}

/** The input an intent turns into, given the current state. Fresh objects on every call. */
function inputFor(intent: Intent, state: ExecutorState, nextConnectionId: number): ExecutorInput {
  const c = intent.choice;
  if (intent.cooperative) {
    switch (state.phase) {
      case 'selecting':
        return c % 2 === 0 ? { type: 'timerFired' } : { type: 'topologyChanged', topology: topologies[c % topologies.length]! };
      case 'checkingOut':
        return c % 3 === 0 ? { type: 'checkOutFailed', error: checkOutError(c), connectionGeneration: c % 2 } : { type: 'checkedOut', connection: connection(nextConnectionId, state.server, { generation: c % 2 }) };
      case 'awaitingReply':
        return c % 4 === 0 ? { type: 'networkError', error: new MongoNetworkError('reset'), timeout: c % 8 === 0 } : { type: 'reply', reply: replies[c % replies.length]!, requestId: state.inFlight.requestId };
      default:
        return { type: 'timerFired' };
    }
  }
  const servers = serversOf(state);
  const someServer = servers[c % Math.max(1, servers.length)] ?? server(a, 'RSPrimary');
  switch (c % 9) {
    case 0:
      return { type: 'topologyChanged', topology: topologies[c % topologies.length]! };
    case 1:
      return { type: 'timerFired' };
    case 2:
      return { type: 'checkedOut', connection: connection(nextConnectionId, someServer) };
    case 3:
      return { type: 'checkOutFailed', error: checkOutError(c) };
    case 4:
      return { type: 'reply', reply: replies[c % replies.length]! };
    case 5:
      return { type: 'networkError', error: new MongoNetworkError('stray') };
    case 6:
      return { type: 'reply', reply: replies[c % replies.length]!, requestId: c };
    case 7:
      return { type: 'bogus' } as unknown as ExecutorInput;
    default:
      return { type: 'checkedOut', connection: { id: 'x' } } as unknown as ExecutorInput;
  }
}

/** A finishing input that always moves the operation on: the timer past any deadline, or success. */
function drainInput(state: ExecutorState, nextConnectionId: number): ExecutorInput {
  switch (state.phase) {
    case 'checkingOut':
      return { type: 'checkedOut', connection: connection(nextConnectionId, state.server) };
    case 'awaitingReply':
      return { type: 'reply', reply: { ok: 1 } };
    default:
      return { type: 'timerFired' };
  }
}

export interface Trace {
  readonly actions: ExecutorAction[];
  readonly events: ExecutorEvent[];
  readonly final: ExecutorState;
}

export function run(scenario: Scenario): Trace {
  const spec = commands[scenario.command]!;
  const operation: OperationInput = {
    kind: spec.kind,
    databaseName: 'db',
    command: spec.command,
    session: scenario.withSession ? { lsid, txnNumber: 5n } : null,
    firstRequestId: 10,
    ...(scenario.nearest && spec.kind !== 'write' ? { readPreference: readPreference('nearest') } : {}),
    ...(scenario.pinned !== null ? { pinnedAddress: scenario.pinned } : {}),
  };
  let now = 0;
  let state = createExecutor({ retryReads: scenario.retryReads, retryWrites: scenario.retryWrites, serverSelectionTimeoutMS: scenario.timeoutMS }, now).state;
  let nextConnectionId = 1;
  const actions: ExecutorAction[] = [];
  const events: ExecutorEvent[] = [];
  const apply = (input: ExecutorInput) => {
    if (input.type === 'checkedOut') nextConnectionId++;
    const step = stepExecutor(state, input, now);
    state = step.state;
    actions.push(...step.actions);
    events.push(...step.events);
  };
  apply({
    type: 'start',
    operation,
    topology: topologies[scenario.topology]!,
    random: seededRandom(scenario.seed),
  });
  for (const intent of scenario.intents) {
    now += intent.dt;
    apply(inputFor(intent, state, nextConnectionId));
  }
  // Drain: a cooperative runtime and a clock past every deadline end any operation.
  const drainStepsMax = 4 * maxAttempts + 2;
  for (let i = 0; i < drainStepsMax && state.phase !== 'done'; i++) {
    now += 120_000;
    apply(drainInput(state, nextConnectionId));
  }
  return { actions, events, final: state };
}

/** The command without what depends on the server it goes to (session support, server and topology type). */
export function withoutServerFields(command: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { lsid: _lsid, $readPreference: _readPreference, ...rest } = command;
  return rest;
}

/** Outputs as comparable data (errors by class, message, code and labels). */
export function normalize(trace: Trace): unknown {
  const plain = (value: unknown): unknown => {
    if (value instanceof Error) return { error: value.name, message: value.message, code: (value as { code?: unknown }).code, labels: errorLabelsOf(value) };
    if (typeof value === 'bigint') return `${value}n`;
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    return value;
  };
  return plain({ actions: trace.actions, events: trace.events });
}

