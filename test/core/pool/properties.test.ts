// Property tests: random option sets and random input sequences (including late, racing
// reports about connections the pool already closed). Nothing throws, the invariants hold
// after every step, every checkOut ends exactly once, and the same inputs give the same run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MongoInvalidArgumentError, MongoNetworkError } from '../../../core/errors.js';
import {
  createPool,
  poolInvariantViolations,
  stepPool,
  type PoolEvent,
  type PoolAction,
  type PoolInput,
  type PoolOptionsInput,
  type PoolState,
} from '../../../core/pool/index.js';

type Command =
  | { readonly k: 'checkOut'; readonly deadlineIn: number | null }
  | { readonly k: 'checkIn' | 'established' | 'establishmentFailed' | 'connectionFailed'; readonly pick: number }
  | { readonly k: 'clear'; readonly interrupt: boolean }
  | { readonly k: 'ready' }
  | { readonly k: 'close' }
  | { readonly k: 'advance'; readonly dtMs: number; readonly toWake: boolean };

const optionsArb: fc.Arbitrary<PoolOptionsInput> = fc
  .record({
    maxPoolSize: fc.integer({ min: 0, max: 5 }),
    minPoolSize: fc.integer({ min: 0, max: 4 }),
    maxConnecting: fc.integer({ min: 1, max: 3 }),
    maxIdleTimeMS: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })),
    waitQueueTimeoutMS: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })),
  })
  .map((o) => ({ ...o, minPoolSize: o.maxPoolSize > 0 ? Math.min(o.minPoolSize, o.maxPoolSize) : o.minPoolSize }));

const pick = fc.nat({ max: 20 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('checkOut' as const), deadlineIn: fc.option(fc.integer({ min: 0, max: 80 }), { nil: null }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('checkIn' as const), pick }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('established' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('establishmentFailed' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('connectionFailed' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clear' as const), interrupt: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ k: 'ready' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'close' as const }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('advance' as const), dtMs: fc.integer({ min: 0, max: 120 }), toWake: fc.boolean() }) },
);

function idsIn(state: PoolState, wanted: 'pending' | 'inUse'): number[] {
  return [...state.connections.values()].filter((c) => c.state === wanted).map((c) => c.id);
}

/** Turns a command into a valid input for the current state, or null when it does not apply. */
function toInput(state: PoolState, cmd: Command, now: number, requestId: number): { input: PoolInput; now: number } | null {
  const everCreated = Array.from({ length: state.nextConnectionId - 1 }, (_, i) => i + 1);
  const choose = (ids: number[], n: number): number | undefined => ids[n % Math.max(ids.length, 1)];
  switch (cmd.k) {
    case 'checkOut':
      return { input: cmd.deadlineIn === null ? { type: 'checkOut', requestId } : { type: 'checkOut', requestId, deadlineMs: now + cmd.deadlineIn }, now };
    case 'checkIn': {
      const id = choose(idsIn(state, 'inUse'), cmd.pick);
      return id === undefined ? null : { input: { type: 'checkIn', connectionId: id }, now };
    }
    case 'established':
    case 'establishmentFailed': {
      // Pending connections, or ones the pool already closed (a late report racing a clear/close).
      const candidates = everCreated.filter((id) => !state.connections.has(id) || state.connections.get(id)?.state === 'pending');
      const id = choose(candidates, cmd.pick);
      if (id === undefined) return null;
      return {
        input: cmd.k === 'established' ? { type: 'established', connectionId: id } : { type: 'establishmentFailed', connectionId: id, error: new MongoNetworkError('handshake failed') },
        now,
      };
    }
    case 'connectionFailed': {
      const id = choose(everCreated, cmd.pick);
      return id === undefined ? null : { input: { type: 'connectionFailed', connectionId: id, error: new MongoNetworkError('reset') }, now };
    }
    case 'clear':
      return { input: { type: 'clear', interruptInUseConnections: cmd.interrupt }, now };
    case 'ready':
      return { input: { type: 'ready' }, now };
    case 'close':
      return { input: { type: 'close' }, now };
    case 'advance': {
      const at = cmd.toWake && state.wakeAtMs !== null && state.wakeAtMs >= now ? state.wakeAtMs : now + cmd.dtMs;
      return { input: { type: 'timerFired' }, now: at };
    }
  }
}

/** Errors shown by class name and message, so runs can be compared as plain data. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { error: v.name, message: v.message } : v instanceof Map ? [...v.entries()] : v)));
}

interface Run {
  readonly trace: unknown[];
  readonly problems: string[];
}

function runCommands(options: PoolOptionsInput, commands: readonly Command[]): Run {
  const created = createPool({ ...options, address: 'h:27017' }, 0);
  let state = created.state;
  let now = 0;
  let nextRequestId = 1;
  const trace: unknown[] = [plain(created.events)];
  const problems: string[] = [];
  const outstanding = new Set<number>();
  const finished = new Set<number>();
  let lastCreatedId = 0;
  let checkOutsStarted = 0;
  for (const cmd of commands) {
    const next = toInput(state, cmd, now, nextRequestId);
    if (next === null) continue;
    if (next.input.type === 'checkOut') {
      outstanding.add(nextRequestId);
      nextRequestId++;
    }
    const wasClosed = state.status === 'closed';
    const step = stepPool(state, next.input, next.now);
    state = step.state;
    now = next.now;
    trace.push(plain({ input: next.input, now, actions: step.actions, events: step.events }));
    problems.push(...poolInvariantViolations(state));
    checkStep(step.actions, step.events, state, wasClosed, outstanding, finished, problems);
    for (const e of step.events) {
      if (e.name === 'connectionCreated') {
        if (e.connectionId !== lastCreatedId + 1) problems.push(`connection ${e.connectionId} created after ${lastCreatedId}`);
        lastCreatedId = e.connectionId;
      }
      if (e.name === 'connectionCheckOutStarted') checkOutsStarted++;
    }
  }
  if (checkOutsStarted !== nextRequestId - 1) problems.push(`${nextRequestId - 1} checkOuts but ${checkOutsStarted} CheckOutStarted events`);
  // Every checkOut either ended once or is still queued / waiting on its pending connection.
  const stillWaiting = new Set([...state.waitQueue.map((w) => w.requestId), ...[...state.connections.values()].flatMap((c) => (c.request ? [c.request.requestId] : []))]);
  for (const id of outstanding) if (!stillWaiting.has(id)) problems.push(`request ${id} neither ended nor is waiting`);
  for (const id of stillWaiting) if (!outstanding.has(id)) problems.push(`request ${id} waits but already ended`);
  return { trace, problems };
}

function checkStep(
  actions: readonly PoolAction[],
  events: readonly PoolEvent[],
  state: PoolState,
  wasClosed: boolean,
  outstanding: Set<number>,
  finished: Set<number>,
  problems: string[],
): void {
  for (const a of actions) {
    if (a.type === 'deliver' || a.type === 'failRequest') {
      if (!outstanding.delete(a.requestId)) problems.push(`request ${a.requestId} ended ${finished.has(a.requestId) ? 'twice' : 'without being started'}`);
      finished.add(a.requestId);
    }
    if (a.type === 'deliver') {
      if (state.connections.get(a.connectionId)?.state !== 'inUse') problems.push(`delivered connection ${a.connectionId} is not in use`);
      if (wasClosed) problems.push('a closed pool delivered a connection');
    }
    if (a.type === 'establish' && state.status !== 'ready') problems.push(`connection ${a.connectionId} created while ${state.status}`);
  }
  const delivered = actions.filter((a) => a.type === 'deliver').length;
  const checkedOut = events.filter((e) => e.name === 'connectionCheckedOut').length;
  if (delivered !== checkedOut) problems.push(`${delivered} deliveries but ${checkedOut} CheckedOut events`);
  const failed = actions.filter((a) => a.type === 'failRequest').length;
  const failedEvents = events.filter((e) => e.name === 'connectionCheckOutFailed').length;
  if (failed !== failedEvents) problems.push(`${failed} failed requests but ${failedEvents} CheckOutFailed events`);
  const closes = actions.filter((a) => a.type === 'closeConnection').length;
  if (closes !== events.filter((e) => e.name === 'connectionClosed').length) problems.push('closeConnection actions and ConnectionClosed events differ');
  for (const e of events) if (e.name === 'connectionClosed' && state.connections.has(e.connectionId)) problems.push(`closed connection ${e.connectionId} is still in the pool`);
}

test('random input sequences: no throw, invariants hold, every checkOut ends once, deterministic', () => {
  fc.assert(
    fc.property(optionsArb, fc.array(commandArb, { maxLength: 80 }), (options, commands) => {
      const first = runCommands(options, commands);
      assert.equal(first.problems, []);
      const second = runCommands(options, commands);
      assert.equal(second.trace, first.trace, 'the same inputs give the same run');
    }),
    { numRuns: 400 },
  );
});

test('random misuse: an id the pool never created is rejected; an input that does not fit is ignored, named, changing nothing', () => {
  fc.assert(
    fc.property(optionsArb, fc.array(commandArb, { maxLength: 40 }), fc.nat({ max: 30 }), (options, commands, bad) => {
      let state = createPool({ ...options, address: 'h:27017' }, 0).state;
      let requestId = 1;
      for (const cmd of commands) {
        const next = toInput(state, cmd, state.lastNowMs, requestId);
        if (next === null) continue;
        if (next.input.type === 'checkOut') requestId++;
        state = stepPool(state, next.input, next.now).state;
      }
      const inUse = new Set(idsIn(state, 'inUse'));
      const pendingOrGone = (id: number) => !state.connections.has(id) || state.connections.get(id)?.state === 'pending';
      const created = (id: number) => id >= 1 && id < state.nextConnectionId;
      // CMAP "Checking In a Connection": a connection the pool did not create MUST be an error.
      if (!created(bad)) {
        assert.throws(() => stepPool(state, { type: 'checkIn', connectionId: bad }, state.lastNowMs), (e: unknown) => e instanceof MongoInvalidArgumentError, 'checkIn of a connection never created');
      }
      // core/machine.ts rule (b): created but not checked out, not being established, a request already queued.
      const misfits: PoolInput[] = [];
      if (created(bad) && !inUse.has(bad)) misfits.push({ type: 'checkIn', connectionId: bad });
      if (!pendingOrGone(bad)) misfits.push({ type: 'established', connectionId: bad });
      const waiting = state.waitQueue[0];
      if (waiting !== undefined) misfits.push({ type: 'checkOut', requestId: waiting.requestId });
      for (const input of misfits) {
        const step = stepPool(state, input, state.lastNowMs);
        assert.equal(step.actions, [], `${input.type}: no actions`);
        assert.equal(step.events.map((e) => (e.name === 'inputIgnored' ? `${e.machine}:${e.input}:${e.state}` : e.name)), [`pool:${input.type}:${state.status}`], `${input.type}: one inputIgnored event`);
        assert.equal(plain(step.state), plain(state), `${input.type}: state unchanged`);
      }
    }),
    { numRuns: 200 },
  );
});

test.run();
