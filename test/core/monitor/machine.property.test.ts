/**
 * Property test of the monitor machine over random input sequences: it never throws on
 * well-formed inputs, never starts a check sooner than the spec allows, and is deterministic.
 * "Allowed" is judged by an independent model built only from the inputs and the machine's
 * outputs (events and actions), not from the machine's state.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  createMonitor,
  minHeartbeatFrequencyMS,
  stepMonitor,
  type MonitorAction,
  type MonitorInput,
  type MonitorOptionsInput,
  type MonitorState,
  type MonitorEvent,
  type ServerHeartbeatEvent,
} from '../../../core/monitor/index.js';

type Op =
  | { readonly op: 'timer' }
  | { readonly op: 'request' }
  | { readonly op: 'succeed'; readonly tv: 0 | 1 | 2; readonly moreToCome: boolean; readonly okZero: boolean; readonly stale: boolean; readonly durationMS: number | undefined }
  | { readonly op: 'fail'; readonly kind: 'network' | 'timeout' | 'command'; readonly stale: boolean }
  | { readonly op: 'cancel' }
  | { readonly op: 'pingOk'; readonly stale: boolean }
  | { readonly op: 'pingFail'; readonly stale: boolean }
  | { readonly op: 'close' };

interface Step {
  readonly dtMs: number;
  readonly op: Op;
}

/** Mostly aimed at the check or ping in flight; sometimes a stale id (a cancelled check's late report). */
const staleArb = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.constant({ op: 'timer' as const }), weight: 4 },
  { arbitrary: fc.constant({ op: 'request' as const }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('succeed' as const),
      tv: fc.oneof({ arbitrary: fc.constant(0 as const), weight: 1 }, { arbitrary: fc.constantFrom(1 as const, 2 as const), weight: 3 }),
      moreToCome: fc.boolean(),
      okZero: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      stale: staleArb,
      durationMS: fc.option(fc.nat({ max: 20_000 }), { nil: undefined }),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('fail' as const), kind: fc.constantFrom('network' as const, 'timeout' as const, 'command' as const), stale: staleArb }), weight: 3 },
  { arbitrary: fc.constant({ op: 'cancel' as const }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('pingOk' as const), stale: staleArb }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('pingFail' as const), stale: staleArb }), weight: 1 },
  { arbitrary: fc.constant({ op: 'close' as const }), weight: 1 },
);

const stepArb: fc.Arbitrary<Step> = fc.record({
  dtMs: fc.oneof(fc.constant(0), fc.nat({ max: 600 }), fc.nat({ max: 25_000 })),
  op: opArb,
});

const optionsArb: fc.Arbitrary<MonitorOptionsInput> = fc.record({
  address: fc.constant('h:27017'),
  heartbeatFrequencyMS: fc.integer({ min: minHeartbeatFrequencyMS, max: 20_000 }),
  // Weighted towards streaming, whose paths (RTT monitor, exhaust) are the longest to reach.
  serverMonitoringMode: fc.oneof({ arbitrary: fc.constantFrom('auto' as const, 'stream' as const), weight: 3 }, { arbitrary: fc.constant('poll' as const), weight: 1 }),
  isFaaS: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  connectTimeoutMS: fc.constantFrom(0, 1000, 30_000),
});

const tvs = [undefined, { processId: 'p1', counter: 1 }, { processId: 'p1', counter: 2 }] as const;

/** Turns a generated op into a machine input, aiming at the check/ping in flight unless stale. */
function toInput(op: Op, state: MonitorState): MonitorInput {
  const checkId = (stale: boolean): number => (state.check === null || stale ? state.nextCheckId + 7 : state.check.checkId);
  const pingId = (stale: boolean): number => (state.rttMonitor.ping === null || stale ? state.rttMonitor.nextPingId + 7 : state.rttMonitor.ping.pingId);
  switch (op.op) {
    case 'timer':
      return { type: 'timerFired' };
    case 'request':
      return { type: 'requestCheck' };
    case 'succeed': {
      const tv = tvs[op.tv];
      const reply: Record<string, unknown> = { ok: op.okZero ? 0 : 1, ...(tv ? { topologyVersion: tv } : {}) };
      return { type: 'checkSucceeded', checkId: checkId(op.stale), reply, moreToCome: op.moreToCome, ...(op.durationMS === undefined ? {} : { durationMS: op.durationMS }) };
    }
    case 'fail':
      return { type: 'checkFailed', checkId: checkId(op.stale), failure: { kind: op.kind, message: 'boom' } };
    case 'cancel':
      return { type: 'cancelCheck' };
    case 'pingOk':
      return { type: 'rttPingSucceeded', pingId: pingId(op.stale) };
    case 'pingFail':
      return { type: 'rttPingFailed', pingId: pingId(op.stale) };
    case 'close':
      return { type: 'close' };
  }
}

interface Trace {
  readonly outputs: Array<{ readonly actions: readonly MonitorAction[]; readonly events: readonly MonitorEvent[] }>;
}

function streamingEnabled(o: MonitorOptionsInput): boolean {
  return o.serverMonitoringMode === 'stream' || (o.serverMonitoringMode === 'auto' && !o.isFaaS);
}

/**
 * The reference model: what the spec allows, tracked from inputs and outputs only.
 * Throws (failing the property) on the first violation.
 */
class Model {
  inFlight = false;
  lastEndMs: number | null = null;
  known = false;
  requestedSinceEnd = false;
  closed = false;
  lastTopologyVersion: unknown = null;
  startedChecks = 0;
  rttRunning = false;
  pingInFlight: number | null = null;
  pingAllowedAtMs = 0;

  constructor(readonly options: MonitorOptionsInput) {}

  observe(input: MonitorInput | null, nowMs: number, actions: readonly MonitorAction[], events: readonly MonitorEvent[]): void {
    const hf = this.options.heartbeatFrequencyMS!;
    if (this.closed) {
      assert.equal(actions, [], 'no actions after close');
      // core/machine.ts rule (b): each input after close is ignored, and says so.
      assert.equal(events, [{ name: 'inputIgnored', machine: 'monitor', input: input?.type, state: 'closed', reason: 'the monitor is closed' }], 'only inputIgnored after close');
      return;
    }
    if (input?.type === 'requestCheck' && !this.inFlight) this.requestedSinceEnd = true;
    if ((input?.type === 'rttPingSucceeded' || input?.type === 'rttPingFailed') && input.pingId === this.pingInFlight) {
      // "RTT thread": the next ping waits heartbeatFrequencyMS after this one ended.
      this.pingInFlight = null;
      this.pingAllowedAtMs = nowMs + hf;
    }
    const knownBefore = this.known && input?.type !== 'cancelCheck';
    if (input?.type === 'cancelCheck') this.known = false;
    // Events: started and ended strictly alternate.
    let endedThisStep: ServerHeartbeatEvent | null = null;
    let endedKnownBefore = knownBefore;
    for (const e of events) {
      // Time only moves forward here and nothing fits a closed monitor only (checked above).
      if (e.name === 'clockWentBackwards' || e.name === 'inputIgnored') assert.unreachable(`${e.name} while open and time moves forward`);
      else if (e.name === 'serverHeartbeatStarted') {
        assert.ok(!this.inFlight, 'two heartbeats started without one ending');
        this.inFlight = true;
      } else {
        assert.ok(this.inFlight, `${e.name} without a started heartbeat`);
        assert.ok(e.duration >= 0, 'durations are never negative');
        this.inFlight = false;
        this.lastEndMs = nowMs;
        this.requestedSinceEnd = false;
        endedKnownBefore = this.known;
        endedThisStep = e;
        if (e.name === 'serverHeartbeatSucceeded') {
          this.known = true;
          const tv = (e.reply as Record<string, unknown>)['topologyVersion'];
          this.lastTopologyVersion = tv === undefined ? null : tv;
        } else {
          this.known = false;
          this.lastTopologyVersion = null;
        }
      }
    }
    for (const a of actions) {
      if (a.type === 'wakeAt') assert.ok(a.atMs >= nowMs, `wakeAt ${a.atMs} is in the past (now ${nowMs})`);
      if (a.type === 'startRttMonitor' || a.type === 'rttPing') assert.ok(streamingEnabled(this.options), `${a.type} while streaming is disabled`);
      if (a.type === 'startRttMonitor') {
        assert.ok(!this.rttRunning, 'RTT monitor started twice');
        this.rttRunning = true;
        this.pingAllowedAtMs = nowMs;
      }
      if (a.type === 'stopRttMonitor') {
        assert.ok(this.rttRunning, 'stopping an RTT monitor that is not running');
        this.rttRunning = false;
        this.pingInFlight = null;
      }
      if (a.type === 'rttPing') {
        assert.ok(this.rttRunning && this.pingInFlight === null, 'one RTT ping at a time, only while running');
        assert.ok(nowMs >= this.pingAllowedAtMs, `RTT ping at ${nowMs} before ${this.pingAllowedAtMs}`);
        this.pingInFlight = a.pingId;
      }
      if (a.type !== 'check') continue;
      this.startedChecks += 1;
      if (a.mode === 'stream') {
        assert.ok(streamingEnabled(this.options), 'stream check while streaming is disabled');
        assert.ok(!a.newConnection, 'a stream check needs an established connection');
        assert.equal(a.topologyVersion, this.lastTopologyVersion, 'awaitable hello carries the last topologyVersion');
        assert.is(a.maxAwaitTimeMS, hf, 'maxAwaitTimeMS = heartbeatFrequencyMS');
      } else {
        assert.is(a.maxAwaitTimeMS, null);
        assert.is(a.topologyVersion, null);
      }
      switch (a.reason) {
        case 'initial':
          assert.ok(input === null, 'only the first check is initial');
          break;
        case 'scheduled':
          assert.ok(this.lastEndMs !== null && nowMs >= this.lastEndMs + hf, `scheduled check at ${nowMs} before ${this.lastEndMs}+${hf}`);
          break;
        case 'requested':
          assert.ok(this.lastEndMs !== null && nowMs >= this.lastEndMs + minHeartbeatFrequencyMS, `requested check at ${nowMs} before ${this.lastEndMs}+500`);
          assert.ok(this.requestedSinceEnd, 'a requested check without a request');
          break;
        case 'retry':
          assert.ok(endedThisStep?.name === 'serverHeartbeatFailed', 'retry only right after a failure');
          assert.ok(input?.type === 'checkFailed' && (input.failure.kind === 'network' || input.failure.kind === 'timeout'), 'retry only after a network error');
          assert.ok(endedKnownBefore, 'retry only for a server that was known');
          assert.ok(a.newConnection, 'the retry uses a new connection');
          break;
        case 'streaming':
          assert.ok(endedThisStep?.name === 'serverHeartbeatSucceeded', 'streaming continuation only right after a success');
          assert.ok(streamingEnabled(this.options) && this.lastTopologyVersion !== null, 'streaming continuation needs streaming and topologyVersion');
          break;
      }
      // "Never earlier than allowed": only initial, retry and streaming checks skip the minimum.
      if (a.reason !== 'initial' && a.reason !== 'retry' && a.reason !== 'streaming') {
        assert.ok(this.lastEndMs !== null && nowMs >= this.lastEndMs + minHeartbeatFrequencyMS);
      }
      this.requestedSinceEnd = false;
    }
    if (input?.type === 'close') {
      assert.ok(!this.inFlight, 'close ends the heartbeat in flight');
      this.closed = true;
    }
  }
}

/** JSON with Errors shown by name and message (JSON.stringify alone renders them as {}). */
function render(trace: Trace): string {
  return JSON.stringify(trace, (_k, v: unknown) => (v instanceof Error ? { error: v.name, message: v.message } : v));
}

function run(options: MonitorOptionsInput, steps: readonly Step[], model: Model | null): Trace {
  let nowMs = 1_000;
  const first = createMonitor(options, nowMs);
  let state = first.state;
  model?.observe(null, nowMs, first.actions, first.events);
  const outputs: Trace['outputs'] = [{ actions: first.actions, events: first.events }];
  for (const step of steps) {
    nowMs += step.dtMs;
    const input = toInput(step.op, state);
    const out = stepMonitor(state, input, nowMs);
    model?.observe(input, nowMs, out.actions, out.events);
    outputs.push({ actions: out.actions, events: out.events });
    state = out.state;
  }
  return { outputs };
}

test('random input sequences: never throws, never checks earlier than allowed, deterministic', () => {
  fc.assert(
    fc.property(optionsArb, fc.array(stepArb, { maxLength: 60, size: 'max' }), (options, steps) => {
      const model = new Model(options);
      const a = run(options, steps, model);
      const b = run(options, steps, null);
      assert.equal(render(b), render(a), 'same inputs, same outputs');
      assert.ok(model.startedChecks >= 1);
    }),
    { numRuns: 400, seed: 20_261_122 },
  );
});

test('the model is not vacuous: it sees every kind of check start and RTT pings', () => {
  const reasons = new Set<string>();
  fc.assert(
    fc.property(optionsArb, fc.array(stepArb, { maxLength: 60, size: 'max' }), (options, steps) => {
      for (const out of run(options, steps, null).outputs) {
        for (const a of out.actions) {
          if (a.type === 'check') reasons.add(`${a.reason}/${a.mode}`);
          else if (a.type === 'rttPing') reasons.add('rttPing');
        }
      }
    }),
    { numRuns: 200, seed: 7 },
  );
  for (const r of ['initial/poll', 'scheduled/poll', 'requested/poll', 'retry/poll', 'streaming/stream', 'rttPing']) assert.ok(reasons.has(r), `never generated ${r}`);
});

test.run();
