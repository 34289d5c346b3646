/**
 * Runner for connection-monitoring-and-pooling/tests/cmap-format (cmap-format/README.md).
 * One file is one unit. Files declaring `"style": "unit"` run against the pure pool machine
 * (core/pool); `"style": "integration"` files need a real server and failpoints, so they yield
 * no case. The README's "threads" run on a deterministic scheduler over a virtual clock:
 * threads run in creation order (main first) until each blocks; when none can move, the clock
 * jumps to the earliest scheduled task (a handshake finishing, a pool wakeAt, a `wait` or
 * `waitForEvent` deadline). Handshakes of the mock connections take `simulatedHandshakeMs`.
 */
import { createPool, stepPool } from '../../core/pool/machine.js';
import { PoolClearedError, PoolClosedError, WaitQueueTimeoutError } from '../../core/pool/errors.js';
import type { ConnectionPoolEvent } from '../../core/pool/events.js';
import type { PoolEvent } from '../../core/pool/machine.js';
import type { PoolOptionsInput } from '../../core/pool/options.js';
import type { PoolAction, PoolInput, PoolState } from '../../core/pool/types.js';
import { SpecMismatch, show } from '../assert.js';
import type { SpecCase, SpecFile, SpecSuite } from '../suite.js';

/** The address of the pool under test ("The returned pool must have an address set as a string value"). */
const testPoolAddress = 'localhost:27017';
/** How long the mock connection handshake takes, in virtual milliseconds. */
const simulatedHandshakeMs = 1;
/** A test still running after this much virtual time is reported as hung. */
const maxVirtualTimeMs = 10 * 60 * 1000;
/** Bound on scheduler iterations (each runs threads or one timed task). */
const maxSchedulerSteps = 100_000;

/** cmap-format/README.md "Unit Test Format": the operations a unit test may use. */
const operationNames = ['start', 'wait', 'waitForThread', 'waitForEvent', 'checkOut', 'checkIn', 'clear', 'close', 'ready'] as const;
type OperationName = (typeof operationNames)[number];

/** The error types a unit test may expect, by the spec's names. */
const expectedErrorClasses: Readonly<Record<string, abstract new (...args: never[]) => Error>> = {
  PoolClosedError,
  PoolClearedError,
  WaitQueueTimeoutError,
};

interface Operation {
  readonly name: OperationName;
  readonly thread: string | undefined;
  readonly raw: Readonly<Record<string, unknown>>;
}

interface UnitTest {
  readonly description: string;
  readonly poolOptions: PoolOptionsInput;
  readonly operations: readonly Operation[];
  readonly error: Readonly<Record<string, unknown>> | undefined;
  readonly events: readonly unknown[];
  readonly ignore: ReadonlySet<string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The Node-style event name for a spec event type: `ConnectionCheckedOut` → `connectionCheckedOut`. */
function eventName(specType: string): string {
  return specType.charAt(0).toLowerCase() + specType.slice(1);
}

/** An event as the spec's test format spells it (`type`, `duration`). */
function specShape(event: ConnectionPoolEvent): Record<string, unknown> {
  const { name, ...fields } = event;
  const out: Record<string, unknown> = { type: name.charAt(0).toUpperCase() + name.slice(1) };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key === 'durationMS' ? 'duration' : key] = value;
  }
  return out;
}

function parseUnitTest(file: SpecFile, doc: Record<string, unknown>): UnitTest {
  const where = file.relPath;
  const description = typeof doc['description'] === 'string' ? doc['description'] : where;
  const rawOptions = doc['poolOptions'] ?? {};
  if (!isRecord(rawOptions)) throw new Error(`${where}: 'poolOptions' must be an object`);
  const poolOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawOptions)) {
    // README: "If a Connection Pool does not implement a Background Thread, the Test Runner
    // MUST ignore the option." The machine does its background duties eagerly instead.
    if (key === 'backgroundThreadIntervalMS') {
      if (typeof value !== 'number' || value === 0) throw new Error(`${where}: poolOptions.backgroundThreadIntervalMS must be a non-zero number`);
      continue;
    }
    poolOptions[key] = value;
  }
  const rawOps = doc['operations'];
  if (!Array.isArray(rawOps)) throw new Error(`${where}: 'operations' must be an array`);
  const operations = rawOps.map((op, i): Operation => {
    if (!isRecord(op)) throw new Error(`${where}: operations[${i}] must be an object`);
    const name = op['name'];
    if (typeof name !== 'string' || !(operationNames as readonly string[]).includes(name)) throw new Error(`${where}: operations[${i}].name ${show(name)} is not a unit test operation`);
    const thread = op['thread'];
    if (thread !== undefined && typeof thread !== 'string') throw new Error(`${where}: operations[${i}].thread must be a string`);
    return { name: name as OperationName, thread, raw: op };
  });
  const error = doc['error'];
  if (error !== undefined && !isRecord(error)) throw new Error(`${where}: 'error' must be an object`);
  const events = doc['events'] ?? [];
  if (!Array.isArray(events)) throw new Error(`${where}: 'events' must be an array`);
  const ignore = doc['ignore'] ?? [];
  if (!Array.isArray(ignore) || !ignore.every((t) => typeof t === 'string')) throw new Error(`${where}: 'ignore' must be an array of event names`);
  return { description, poolOptions: poolOptions as PoolOptionsInput, operations, error, events, ignore: new Set(ignore.map(eventName)) };
}

// ---- MATCH (README "Spec Test Match Function") ------------------------------------------------

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** `actual` MATCHES `expected`: subset matching, with 42 and "42" meaning "any value that exists". */
function assertCmapMatches(actual: unknown, expected: unknown, path: string): void {
  if (expected === 42 || expected === '42') {
    if (actual === null || actual === undefined) throw new SpecMismatch(path, 'any value', actual);
    return;
  }
  if (jsonType(actual) !== jsonType(expected)) throw new SpecMismatch(path, expected, actual, `expected a ${jsonType(expected)}`);
  if (Array.isArray(expected)) {
    expected.forEach((item, i) => assertCmapMatches((actual as unknown[])[i], item, `${path}[${i}]`));
  } else if (isRecord(expected)) {
    for (const [key, value] of Object.entries(expected)) assertCmapMatches((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else if (actual !== expected) {
    throw new SpecMismatch(path, expected, actual);
  }
}

// ---- the deterministic scheduler -----------------------------------------------------------------

type Blocker =
  | { readonly kind: 'checkOut'; readonly requestId: number; readonly label: string | undefined }
  | { readonly kind: 'wait'; readonly untilMs: number }
  | { readonly kind: 'waitForThread'; readonly target: string }
  | { readonly kind: 'waitForEvent'; readonly event: string; readonly count: number; readonly deadlineMs: number | null };

interface Thread {
  readonly name: string;
  readonly ops: Operation[];
  next: number;
  blocked: Blocker | null;
  error: unknown;
  failed: boolean;
}

interface Task {
  readonly atMs: number;
  readonly seq: number;
  readonly run: () => void;
}

type Outcome = { readonly connectionId: number } | { readonly error: Error };

class CmapHarness {
  private clockMs = 0;
  private state: PoolState;
  readonly events: ConnectionPoolEvent[] = [];
  private readonly tasks: Task[] = [];
  private seq = 0;
  private nextRequestId = 1;
  private machineTimerSeq: number | null = null;
  private readonly outcomes = new Map<number, Outcome>();
  private readonly labels = new Map<string, number>();
  private readonly threads = new Map<string, Thread>();
  private readonly main: Thread;

  constructor(private readonly test: UnitTest) {
    const created = createPool({ ...test.poolOptions, address: testPoolAddress }, this.clockMs);
    this.state = created.state;
    this.record(created.events);
    this.handle(created.actions);
    this.main = this.addThread('main', [...test.operations]);
  }

  /** Runs the test; returns the main thread's error, or undefined. */
  run(): unknown {
    for (let step = 0; step < maxSchedulerSteps; step++) {
      const progressed = this.runThreads();
      if (this.main.failed) return this.main.error;
      if (this.isDone(this.main)) return undefined;
      if (progressed) continue;
      const task = this.popEarliestTask();
      if (task === null) return new Error(`main thread blocked forever on ${show(this.main.blocked)} (nothing else can happen)`);
      this.clockMs = Math.max(this.clockMs, task.atMs);
      if (this.clockMs > maxVirtualTimeMs) return new Error(`test still running after ${maxVirtualTimeMs} virtual ms, main blocked on ${show(this.main.blocked)}`);
      task.run();
    }
    return new Error(`test did not finish within ${maxSchedulerSteps} scheduler steps`);
  }

  private addThread(name: string, ops: Operation[]): Thread {
    const thread: Thread = { name, ops, next: 0, blocked: null, error: undefined, failed: false };
    this.threads.set(name, thread);
    return thread;
  }

  private isDone(thread: Thread): boolean {
    return thread.failed || (thread.blocked === null && thread.next >= thread.ops.length);
  }

  /** Runs every thread, in creation order, until it blocks or runs out of operations. */
  private runThreads(): boolean {
    let progressed = false;
    for (const thread of [...this.threads.values()]) {
      for (let guard = 0; guard < maxSchedulerSteps && !thread.failed; guard++) {
        if (thread.blocked !== null) {
          if (!this.tryUnblock(thread)) break;
          progressed = true;
          continue;
        }
        const op = thread.ops[thread.next];
        if (op === undefined) break;
        thread.next++;
        progressed = true;
        try {
          this.execute(thread, op);
        } catch (error) {
          this.fail(thread, error);
        }
      }
    }
    return progressed;
  }

  private fail(thread: Thread, error: unknown): void {
    thread.failed = true;
    thread.error = error;
    thread.blocked = null;
  }

  private tryUnblock(thread: Thread): boolean {
    const b = thread.blocked!;
    switch (b.kind) {
      case 'checkOut': {
        const outcome = this.outcomes.get(b.requestId);
        if (outcome === undefined) return false;
        this.outcomes.delete(b.requestId);
        thread.blocked = null;
        if ('error' in outcome) this.fail(thread, outcome.error);
        else if (b.label !== undefined) this.labels.set(b.label, outcome.connectionId);
        return true;
      }
      case 'wait':
        if (this.clockMs < b.untilMs) return false;
        thread.blocked = null;
        return true;
      case 'waitForThread': {
        const target = this.threads.get(b.target)!;
        if (!this.isDone(target)) return false;
        thread.blocked = null;
        // README: "Propagate any errors to the main thread."
        if (target.failed) this.fail(thread, target.error);
        return true;
      }
      case 'waitForEvent': {
        // README: the ignore list is NOT used for waitForEvent.
        const seen = this.events.filter((e) => e.name === b.event).length;
        if (seen >= b.count) {
          thread.blocked = null;
          return true;
        }
        if (b.deadlineMs !== null && this.clockMs >= b.deadlineMs) {
          this.fail(thread, new Error(`waitForEvent timed out: saw ${seen} of ${b.count} ${b.event} events`));
          return true;
        }
        return false;
      }
    }
  }

  private execute(thread: Thread, op: Operation): void {
    const raw = op.raw;
    if (op.thread !== undefined && thread === this.main) {
      // README: "the main thread MUST schedule the operation to execute in the corresponding thread".
      const target = this.threads.get(op.thread);
      if (target === undefined) throw new Error(`operation ${op.name} scheduled on thread '${op.thread}', which was never started`);
      target.ops.push({ ...op, thread: undefined });
      return;
    }
    switch (op.name) {
      case 'start': {
        const target = stringField(raw, 'target');
        if (this.threads.has(target)) throw new Error(`thread '${target}' started twice`);
        this.addThread(target, []);
        return;
      }
      case 'wait': {
        const ms = numberField(raw, 'ms');
        const untilMs = this.clockMs + ms;
        thread.blocked = { kind: 'wait', untilMs };
        this.schedule(untilMs, () => {});
        return;
      }
      case 'waitForThread': {
        const target = stringField(raw, 'target');
        if (!this.threads.has(target)) throw new Error(`waitForThread on thread '${target}', which was never started`);
        thread.blocked = { kind: 'waitForThread', target };
        return;
      }
      case 'waitForEvent': {
        const event = eventName(stringField(raw, 'event'));
        const count = numberField(raw, 'count');
        const timeout = raw['timeout'] === undefined ? null : numberField(raw, 'timeout');
        const deadlineMs = timeout === null ? null : this.clockMs + timeout;
        thread.blocked = { kind: 'waitForEvent', event, count, deadlineMs };
        if (deadlineMs !== null) this.schedule(deadlineMs, () => {});
        return;
      }
      case 'checkOut': {
        const label = raw['label'] === undefined ? undefined : stringField(raw, 'label');
        const requestId = this.nextRequestId++;
        thread.blocked = { kind: 'checkOut', requestId, label };
        this.feed({ type: 'checkOut', requestId });
        return;
      }
      case 'checkIn': {
        const label = stringField(raw, 'connection');
        const connectionId = this.labels.get(label);
        if (connectionId === undefined) throw new Error(`checkIn of '${label}', which no checkOut labelled`);
        this.feed({ type: 'checkIn', connectionId });
        return;
      }
      case 'clear': {
        const interrupt = raw['interruptInUseConnections'];
        if (interrupt !== undefined && typeof interrupt !== 'boolean') throw new Error('clear.interruptInUseConnections must be a boolean');
        this.feed(interrupt === undefined ? { type: 'clear' } : { type: 'clear', interruptInUseConnections: interrupt });
        return;
      }
      case 'close':
        this.feed({ type: 'close' });
        return;
      case 'ready':
        this.feed({ type: 'ready' });
        return;
    }
  }

  private feed(input: PoolInput): void {
    const step = stepPool(this.state, input, this.clockMs);
    this.state = step.state;
    this.record(step.events);
    this.handle(step.actions);
  }

  /** Keeps the CMAP events; the machine's own notices (core/machine.ts) are not CMAP events the tests expect. */
  private record(events: readonly PoolEvent[]): void {
    for (const event of events) if (event.name !== 'inputIgnored' && event.name !== 'clockWentBackwards') this.events.push(event);
  }

  /** The mock runtime: handshakes always succeed after simulatedHandshakeMs; sockets are not real. */
  private handle(actions: readonly PoolAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'establish': {
          const connectionId = action.connectionId;
          this.schedule(this.clockMs + simulatedHandshakeMs, () => this.feed({ type: 'established', connectionId }));
          break;
        }
        case 'deliver':
          this.outcomes.set(action.requestId, { connectionId: action.connectionId });
          break;
        case 'failRequest':
          this.outcomes.set(action.requestId, { error: action.error });
          break;
        case 'wakeAt':
          // A wakeAt replaces the previous one.
          if (this.machineTimerSeq !== null) this.cancel(this.machineTimerSeq);
          this.machineTimerSeq = this.schedule(action.atMs, () => {
            this.machineTimerSeq = null;
            this.feed({ type: 'timerFired' });
          });
          break;
        case 'closeConnection':
        case 'interruptConnection':
          break; // mock connections have no socket and run no operation.
      }
    }
  }

  private schedule(atMs: number, run: () => void): number {
    const seq = this.seq++;
    this.tasks.push({ atMs: Math.max(atMs, this.clockMs), seq, run });
    return seq;
  }

  private cancel(seq: number): void {
    const i = this.tasks.findIndex((t) => t.seq === seq);
    if (i >= 0) this.tasks.splice(i, 1);
  }

  private popEarliestTask(): Task | null {
    let best = -1;
    this.tasks.forEach((t, i) => {
      const b = this.tasks[best];
      if (b === undefined || t.atMs < b.atMs || (t.atMs === b.atMs && t.seq < b.seq)) best = i;
    });
    return best < 0 ? null : this.tasks.splice(best, 1)[0]!;
  }
}

function stringField(raw: Readonly<Record<string, unknown>>, key: string): string {
  const value = raw[key];
  if (typeof value !== 'string') throw new Error(`operation ${String(raw['name'])} needs a string '${key}', got ${show(value)}`);
  return value;
}

function numberField(raw: Readonly<Record<string, unknown>>, key: string): number {
  const value = raw[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`operation ${String(raw['name'])} needs a non-negative number '${key}', got ${show(value)}`);
  return value;
}

/** README "Unit Test Runner": run, then check the main thread's error and the events. */
function runUnitTest(test: UnitTest): void {
  const harness = new CmapHarness(test);
  const error = harness.run();
  if (test.error !== undefined) {
    if (error === undefined) throw new SpecMismatch('error', test.error, undefined, 'the main thread did not fail');
    const type = test.error['type'];
    if (type !== undefined) {
      const expectedClass = typeof type === 'string' ? expectedErrorClasses[type] : undefined;
      if (expectedClass === undefined) throw new Error(`error.type ${show(type)} is not a CMAP error this runner knows`);
      if (!(error instanceof expectedClass)) throw new SpecMismatch('error.type', type, error instanceof Error ? error.name : error);
    }
    const actual = error instanceof Error ? { type, message: error.message, address: (error as { address?: unknown }).address } : error;
    const { type: _type, ...rest } = test.error;
    assertCmapMatches(actual, rest, 'error');
  } else if (error !== undefined) {
    throw new SpecMismatch('error', undefined, error instanceof Error ? `${error.name}: ${error.message}` : error, 'the main thread failed');
  }
  const actualEvents = harness.events.filter((e) => !test.ignore.has(e.name)).map(specShape);
  test.events.forEach((expected, i) => {
    const actual = actualEvents[i];
    if (actual === undefined) throw new SpecMismatch(`events[${i}]`, expected, undefined, `only ${actualEvents.length} events: ${show(actualEvents.map((e) => e['type']))}`);
    assertCmapMatches(actual, expected, `events[${i}]`);
  });
}

export const suites: SpecSuite[] = [
  {
    name: 'cmap',
    dir: 'connection-monitoring-and-pooling/tests/cmap-format',
    recursive: false,
    cases(file: SpecFile): SpecCase[] {
      const doc = file.json;
      if (!isRecord(doc)) throw new Error(`${file.relPath}: expected a test object`);
      const style = doc['style'];
      // Integration tests need a real server and failpoints (README "Integration Test Runner").
      if (style === 'integration') return [];
      if (style !== 'unit') throw new Error(`${file.relPath}: 'style' must be "unit" or "integration", got ${show(style)}`);
      const description = typeof doc['description'] === 'string' ? doc['description'] : file.relPath;
      return [
        {
          id: file.relPath,
          file: file.relPath,
          description,
          run(): void {
            runUnitTest(parseUnitTest(file, doc));
          },
        },
      ];
    },
  },
];
