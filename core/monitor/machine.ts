/**
 * The monitor of one server as a pure state machine (server-monitoring.md "Multi-threaded or
 * asynchronous monitoring"): `(state, input, now) → {state, actions, events}`.
 *
 * It decides *when* the server is checked and *how* (a regular hello on a new or existing
 * connection, or an awaitable streaming hello), keeps the server's RTT statistics, and drives
 * the separate RTT monitor used while streaming. Whoever runs it (the client runtime) performs the
 * actions, feeds the outcomes back as inputs, and calls `stepMonitor` with `timerFired` at the
 * time of the last `wakeAt`. Times are milliseconds on the caller's clock. Time going backwards
 * and inputs after close follow core/machine.ts.
 */
import type { CheckMode, CheckReason, MonitorAction } from './actions.js';
import { minHeartbeatFrequencyMS } from './constants.js';
import { heartbeatFailure, redactFailureMessage, type ServerHeartbeatEvent } from './events.js';
import { isOkZero, replyField, topologyVersionOf, type HelloReply, type HelloTopologyVersion } from './hello-reply.js';
import { checkNow, validateInput, type MonitorInput, type ReportedFailureKind } from './inputs.js';
import { clockWentBackwards, inputIgnored, stepTimeMs, type MachineEvent, type Step } from '../machine.js';
import { isStreamingEnabled, resolveMonitorOptions, type MonitorOptions, type MonitorOptionsInput } from './options.js';
import { addRttSample, emptyRttStats, minRoundTripTime, type RttStats } from './rtt.js';
import { finishPing, isCurrentPing, runDueRttPing, startRttMonitor, stopRttMonitor, stoppedRttMonitor, type RttMonitorState, type RttStep } from './rtt-monitor.js';

interface InFlightCheck {
  readonly checkId: number;
  /** When the check (or the wait for the next exhaust reply) began. */
  readonly startedAtMs: number;
  readonly mode: CheckMode;
  readonly newConnection: boolean;
}

export type MonitorPhase = 'checking' | 'sleeping' | 'closed';

export interface MonitorState {
  readonly options: MonitorOptions;
  readonly streamingEnabled: boolean;
  readonly phase: MonitorPhase;
  /** Non-null exactly when phase is `checking`. */
  readonly check: InFlightCheck | null;
  /** Non-null exactly when phase is `sleeping`. */
  readonly nextCheckAtMs: number | null;
  readonly nextCheckReason: 'scheduled' | 'requested' | null;
  /** When the last check ended (reply, failure or cancellation); null before the first ends. */
  readonly lastCheckEndedAtMs: number | null;
  /** Whether the last check outcome left the server known (a success not since cancelled). */
  readonly serverKnown: boolean;
  /** From the last ok:1 reply; non-null means the server supports the streaming protocol. */
  readonly topologyVersion: HelloTopologyVersion | null;
  readonly connectionOpen: boolean;
  readonly nextCheckId: number;
  readonly rttStats: RttStats;
  readonly rttMonitor: RttMonitorState;
  /** The last wakeAt handed out and still pending, or null. */
  readonly armedWakeAtMs: number | null;
  readonly lastNowMs: number;
}

/** What the monitor publishes: the heartbeat events plus the notices every machine may emit. */
export type MonitorEvent = ServerHeartbeatEvent | MachineEvent;

export type MonitorStep = Step<MonitorState, MonitorAction, MonitorEvent>;

type Draft = { -readonly [K in keyof MonitorState]: MonitorState[K] };

interface Output {
  readonly actions: MonitorAction[];
  readonly events: MonitorEvent[];
}

function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`mongosim internal invariant violated (core/monitor): ${message}`);
}

function applyRtt(d: Draft, out: Output, step: RttStep): void {
  d.rttMonitor = step.rtt;
  out.actions.push(...step.actions);
}

/** Starts a check now, choosing its mode from what the last reply said. */
function startCheck(d: Draft, nowMs: number, reason: CheckReason, out: Output): void {
  invariant(d.check === null, 'a check must not start while another is in progress');
  const newConnection = !d.connectionOpen;
  // "Streaming protocol": only on an open connection whose last reply carried topologyVersion;
  // a new connection always starts with the handshake (a regular hello).
  const mode: CheckMode = d.streamingEnabled && !newConnection && d.serverKnown && d.topologyVersion !== null ? 'stream' : 'poll';
  const { heartbeatFrequencyMS, connectTimeoutMS, address } = d.options;
  // "Socket timeout": connectTimeoutMS, plus heartbeatFrequencyMS while awaiting; 0 stays unlimited.
  const socketTimeoutMS = connectTimeoutMS === 0 ? null : mode === 'stream' ? connectTimeoutMS + heartbeatFrequencyMS : connectTimeoutMS;
  const checkId = d.nextCheckId;
  d.nextCheckId = checkId + 1;
  d.check = { checkId, startedAtMs: nowMs, mode, newConnection };
  d.phase = 'checking';
  d.nextCheckAtMs = null;
  d.nextCheckReason = null;
  out.actions.push({
    type: 'check',
    checkId,
    mode,
    reason,
    newConnection,
    topologyVersion: mode === 'stream' ? d.topologyVersion : null,
    // "Heartbeat frequency": maxAwaitTimeMS MUST be heartbeatFrequencyMS.
    maxAwaitTimeMS: mode === 'stream' ? heartbeatFrequencyMS : null,
    exhaustAllowed: mode === 'stream',
    socketTimeoutMS,
  });
  out.events.push({ name: 'serverHeartbeatStarted', connectionId: address, awaited: mode === 'stream' });
}

/** Sleeps until `atMs` (after a check ended); a later requestCheck may bring the time forward. */
function sleepUntil(d: Draft, atMs: number, reason: 'scheduled' | 'requested'): void {
  invariant(d.lastCheckEndedAtMs !== null, 'sleeping requires a finished check');
  // "minHeartbeatFrequencyMS": never recheck sooner than 500 ms after the previous check ended.
  invariant(atMs >= d.lastCheckEndedAtMs + minHeartbeatFrequencyMS, `next check at ${atMs} is sooner than minHeartbeatFrequencyMS after ${d.lastCheckEndedAtMs}`);
  d.check = null;
  d.phase = 'sleeping';
  d.nextCheckAtMs = atMs;
  d.nextCheckReason = reason;
}

/** Clears everything tied to the server being known (it is Unknown now). */
function forgetServer(d: Draft, out: Output): void {
  d.serverKnown = false;
  d.topologyVersion = null;
  // server-selection.md: "When a server becomes unavailable, its average RTT MUST be cleared."
  d.rttStats = emptyRttStats;
  // Streaming stopped: the RTT monitor only runs alongside the streaming protocol.
  applyRtt(d, out, stopRttMonitor(d.rttMonitor));
}

function onCheckSucceeded(d: Draft, check: InFlightCheck, reply: HelloReply, durationMS: number, moreToCome: boolean, nowMs: number, out: Output): void {
  const awaited = check.mode === 'stream';
  // "Measuring RTT": RTT comes from regular hellos and handshakes, never from awaited replies.
  if (!awaited) d.rttStats = addRttSample(d.rttStats, durationMS);
  const topologyVersion = topologyVersionOf(reply);
  // Every connection starts with a sampled handshake and RTT is only cleared with the
  // connection, so a reply always has an average to report.
  invariant(d.rttStats.averageMS !== null, 'a successful check has an average RTT');
  out.events.push({ name: 'serverHeartbeatSucceeded', connectionId: d.options.address, duration: durationMS, reply, awaited });
  out.actions.push({ type: 'serverSucceeded', address: d.options.address, reply, roundTripTime: d.rttStats.averageMS, minRoundTripTime: minRoundTripTime(d.rttStats) });
  d.serverKnown = true;
  d.topologyVersion = topologyVersion;
  d.connectionOpen = true;
  d.lastCheckEndedAtMs = nowMs;
  if (d.streamingEnabled && topologyVersion !== null) {
    // "Monitor thread": start the RttMonitor once streaming is possible.
    applyRtt(d, out, startRttMonitor(d.rttMonitor, nowMs));
    if (awaited && moreToCome) {
      // "Streaming hello": the server sends the next reply unasked; announce the wait for it.
      d.check = { ...check, startedAtMs: nowMs };
      out.events.push({ name: 'serverHeartbeatStarted', connectionId: d.options.address, awaited: true });
    } else {
      // "Heartbeat frequency": after an ok:1 reply the client MUST NOT sleep.
      d.check = null;
      startCheck(d, nowMs, 'streaming', out);
    }
    return;
  }
  // "Streaming disabled" (mode or server): poll, with no RTT monitor.
  applyRtt(d, out, stopRttMonitor(d.rttMonitor));
  d.check = null;
  sleepUntil(d, nowMs + d.options.heartbeatFrequencyMS, 'scheduled');
}

/** server-monitoring.md "Network or command error during server check". */
function onCheckFailed(d: Draft, check: InFlightCheck, kind: ReportedFailureKind, message: string, reply: HelloReply | null, durationMS: number, nowMs: number, out: Output): void {
  const wasKnown = d.serverKnown;
  const failure = heartbeatFailure(kind, message, reply);
  out.events.push({ name: 'serverHeartbeatFailed', connectionId: d.options.address, duration: durationMS, failure, awaited: check.mode === 'stream' });
  // 1. close the monitoring connection; 2-3. mark Unknown and clear the pool (SDAM's job, told here).
  out.actions.push({ type: 'closeConnection' });
  out.actions.push({ type: 'serverFailed', address: d.options.address, kind, message });
  d.connectionOpen = false;
  d.check = null;
  d.lastCheckEndedAtMs = nowMs;
  forgetServer(d, out);
  const isNetwork = kind === 'network' || kind === 'timeout';
  if (isNetwork && wasKnown) {
    // 4. a network error on a known server: check again at once. The server is Unknown now,
    // so a second failure in a row waits (the retry happens once).
    startCheck(d, nowMs, 'retry', out);
  } else {
    // 5. otherwise wait heartbeatFrequencyMS (or less if a check is requested), also when streaming.
    sleepUntil(d, nowMs + d.options.heartbeatFrequencyMS, 'scheduled');
  }
}

/** Interrupts the check in flight, reporting it as failed so every started event is paired. */
function cancelInFlight(d: Draft, nowMs: number, why: string, out: Output): void {
  const check = d.check;
  if (check === null) return;
  out.actions.push({ type: 'cancelCheck', checkId: check.checkId });
  out.events.push({
    name: 'serverHeartbeatFailed',
    connectionId: d.options.address,
    duration: nowMs - check.startedAtMs,
    failure: heartbeatFailure('cancelled', why),
    awaited: check.mode === 'stream',
  });
  d.check = null;
  d.lastCheckEndedAtMs = nowMs;
}

/** Starts whatever is due at `nowMs` and re-arms the single timer. */
function runDue(d: Draft, nowMs: number, out: Output): void {
  if (d.phase === 'sleeping' && d.nextCheckAtMs !== null && nowMs >= d.nextCheckAtMs) {
    startCheck(d, nowMs, d.nextCheckReason ?? 'scheduled', out);
  }
  applyRtt(d, out, runDueRttPing(d.rttMonitor, nowMs));
  const deadlines = [d.phase === 'sleeping' ? d.nextCheckAtMs : null, d.rttMonitor.nextPingAtMs].filter((t): t is number => t !== null);
  const wakeAtMs = deadlines.length === 0 ? null : Math.min(...deadlines);
  if (wakeAtMs !== d.armedWakeAtMs) {
    out.actions.push(wakeAtMs === null ? { type: 'clearWake' } : { type: 'wakeAt', atMs: wakeAtMs });
    d.armedWakeAtMs = wakeAtMs;
  }
}

function checkInvariants(s: MonitorState): void {
  switch (s.phase) {
    case 'checking':
      invariant(s.check !== null && s.nextCheckAtMs === null, 'checking means one check in flight and no check scheduled');
      break;
    case 'sleeping':
      invariant(s.check === null && s.nextCheckAtMs !== null && s.nextCheckReason !== null, 'sleeping means a check is scheduled and none is in flight');
      invariant(s.lastCheckEndedAtMs !== null && s.nextCheckAtMs >= s.lastCheckEndedAtMs + minHeartbeatFrequencyMS, 'scheduled check respects minHeartbeatFrequencyMS');
      break;
    case 'closed':
      invariant(s.check === null && s.nextCheckAtMs === null && !s.rttMonitor.running && s.armedWakeAtMs === null, 'closed means nothing in flight or scheduled');
      break;
  }
  invariant(!s.rttMonitor.running || s.streamingEnabled, 'the RTT monitor runs only when streaming is enabled');
  invariant(s.topologyVersion === null || s.serverKnown, 'a topologyVersion is only kept for a known server');
}

/** Begins monitoring one server: the first check starts at `nowMs`. */
export function createMonitor(optionsInput: MonitorOptionsInput, nowMs: number): MonitorStep {
  const options = resolveMonitorOptions(optionsInput);
  checkNow(nowMs);
  const d: Draft = {
    options,
    streamingEnabled: isStreamingEnabled(options),
    phase: 'checking',
    check: null,
    nextCheckAtMs: null,
    nextCheckReason: null,
    lastCheckEndedAtMs: null,
    serverKnown: false,
    topologyVersion: null,
    connectionOpen: false,
    nextCheckId: 1,
    rttStats: emptyRttStats,
    rttMonitor: stoppedRttMonitor,
    armedWakeAtMs: null,
    lastNowMs: nowMs,
  };
  const out: Output = { actions: [], events: [] };
  startCheck(d, nowMs, 'initial', out);
  checkInvariants(d);
  return { state: d, actions: out.actions, events: out.events };
}

/** Applies one input at `nowMs` (an earlier time is clamped: core/machine.ts). Never mutates `state`. */
export function stepMonitor(state: MonitorState, input: MonitorInput, givenNowMs: number): MonitorStep {
  checkNow(givenNowMs);
  validateInput(input);
  const clock = clockWentBackwards('monitor', givenNowMs, state.lastNowMs);
  const nowMs = stepTimeMs(givenNowMs, state.lastNowMs);
  const out: Output = { actions: [], events: clock === null ? [] : [clock] };
  // "The client is closing: cancel everything": nothing fits a closed monitor.
  if (state.phase === 'closed') {
    out.events.push(inputIgnored('monitor', input.type, state.phase, 'the monitor is closed'));
    return { state: { ...state, lastNowMs: nowMs }, actions: out.actions, events: out.events };
  }
  const d: Draft = { ...state, lastNowMs: nowMs };
  const check = d.check;
  switch (input.type) {
    case 'timerFired':
      break;
    case 'requestCheck':
      // "Requesting an immediate check": ignored while a check is in progress; otherwise wake,
      // but not sooner than minHeartbeatFrequencyMS after the previous check ended. Requests
      // coalesce: there is only ever one pending check.
      if (d.phase === 'sleeping' && d.nextCheckAtMs !== null && d.lastCheckEndedAtMs !== null) {
        const earliestMs = Math.max(nowMs, d.lastCheckEndedAtMs + minHeartbeatFrequencyMS);
        if (earliestMs < d.nextCheckAtMs) sleepUntil(d, earliestMs, 'requested');
      }
      break;
    case 'checkSucceeded':
      if (check === null || check.checkId !== input.checkId) break; // stale: from a cancelled check
      if (isOkZero(input.reply)) {
        const errmsg = replyField(input.reply, 'errmsg');
        const message = redactFailureMessage(typeof errmsg === 'string' ? errmsg : 'hello replied ok: 0');
        onCheckFailed(d, check, 'command', message, input.reply, input.durationMS ?? nowMs - check.startedAtMs, nowMs, out);
      } else {
        onCheckSucceeded(d, check, input.reply, input.durationMS ?? nowMs - check.startedAtMs, input.moreToCome === true, nowMs, out);
      }
      break;
    case 'checkFailed':
      if (check === null || check.checkId !== input.checkId) break;
      onCheckFailed(d, check, input.failure.kind, redactFailureMessage(input.failure.message), null, input.durationMS ?? nowMs - check.startedAtMs, nowMs, out);
      break;
    case 'cancelCheck': {
      const wasChecking = check !== null;
      cancelInFlight(d, nowMs, 'check cancelled: the server was marked Unknown after an application network error', out);
      if (wasChecking || d.connectionOpen) out.actions.push({ type: 'closeConnection' });
      d.connectionOpen = false;
      forgetServer(d, out);
      // Monitor thread pseudocode: a cancelled check is followed by wait().
      if (wasChecking) sleepUntil(d, nowMs + d.options.heartbeatFrequencyMS, 'scheduled');
      break;
    }
    case 'rttPingSucceeded':
      if (!isCurrentPing(d.rttMonitor, input.pingId) || d.rttMonitor.ping === null) break;
      d.rttStats = addRttSample(d.rttStats, input.durationMS ?? nowMs - d.rttMonitor.ping.startedAtMs);
      applyRtt(d, out, finishPing(d.rttMonitor, nowMs, d.options.heartbeatFrequencyMS, true));
      break;
    case 'rttPingFailed':
      // "RTT thread": errors never update the topology or reset the average.
      if (!isCurrentPing(d.rttMonitor, input.pingId)) break;
      applyRtt(d, out, finishPing(d.rttMonitor, nowMs, d.options.heartbeatFrequencyMS, false));
      break;
    case 'close': {
      // "hello or legacy hello Cancellation": on close, cancel all checks at once.
      const wasChecking = check !== null;
      cancelInFlight(d, nowMs, 'check cancelled: the monitor was closed', out);
      if (wasChecking || d.connectionOpen) out.actions.push({ type: 'closeConnection' });
      d.connectionOpen = false;
      applyRtt(d, out, stopRttMonitor(d.rttMonitor));
      d.phase = 'closed';
      d.nextCheckAtMs = null;
      d.nextCheckReason = null;
      if (d.armedWakeAtMs !== null) out.actions.push({ type: 'clearWake' });
      d.armedWakeAtMs = null;
      checkInvariants(d);
      return { state: d, actions: out.actions, events: out.events };
    }
  }
  runDue(d, nowMs, out);
  checkInvariants(d);
  return { state: d, actions: out.actions, events: out.events };
}

/** The RTT figures SDAM puts in this server's ServerDescription. */
export function monitorRoundTripTimes(state: MonitorState): { readonly roundTripTime: number | null; readonly minRoundTripTime: number | null } {
  if (state.rttStats.averageMS === null) return { roundTripTime: null, minRoundTripTime: null };
  return { roundTripTime: state.rttStats.averageMS, minRoundTripTime: minRoundTripTime(state.rttStats) };
}
