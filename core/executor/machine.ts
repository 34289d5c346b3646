/**
 * One operation's execution as a pure machine: `createExecutor(options, nowMs)`, then
 * `stepExecutor(state, input, nowMs)` returns the next state, the actions for the runtime and
 * the monitoring events (the contract of core/machine.ts). It covers server selection with
 * waiting, check-out, send, reply or error, the retry decision of retryable-reads.md /
 * retryable-writes.md (at most one retry, on a newly selected server), and the final outcome.
 * An operation pinned to a server (getMore, killCursors) skips selection and is never retried.
 *
 * The state is one of five phases, each holding only its own fields; the phase × input table
 * below says what every input does in every phase. stepExecutor never throws on bad input: a
 * bad `start` fails the operation with a MongoInvalidArgumentError naming the bad part, an
 * input that does not fit the phase is ignored with an `inputIgnored` event (core/machine.ts
 * rule (b)), and an earlier `now` is clamped with a `clockWentBackwards` event (rule (a)).
 * Only a broken invariant (a bug here) throws.
 */
import { bugs } from '../bugs.js';
import { MongoError, MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from '../errors.js';
import { PoolClearedError, PoolClosedError } from '../pool/errors.js';
import { clockWentBackwards, inputIgnored, inputTypeOf, stepTimeMs } from '../machine.js';
import type { ServerDescription, TopologyDescription } from '../sdam/types.js';
import { defaultServerSelectionTimeoutMS } from '../selection/constants.js';
import { selectServer } from '../selection/select-server.js';
import { readSelector, writeSelector } from '../selection/selector.js';
import {
  illegalOperationCode,
  maxAttempts,
  retryableWritesUnsupportedMessage,
  systemOverloadedErrorLabel,
  transactionNumbersMessagePrefix,
} from './constants.js';
import { isDocument, isOkReply, serverErrorFromReply, writeConcernErrorFromReply, type Document } from './errors.js';
import { executorInvariantViolations } from './invariants.js';
import { errorLabelsOf, hasErrorLabel } from './labels.js';
import { environmentProblem, resolveOperation } from './options.js';
import { MongoServerClosedError } from './pinned.js';
import { readPreferenceArgument } from './read-preference-argument.js';
import { redactedDocument, redactedFailure } from './redaction.js';
import {
  isRetryableReadError,
  isRetryableWriteError,
  readErrorToReport,
  supportsRetryableWrites,
  supportsSessions,
  withRetryableWriteLabel,
  writeErrorToReport,
  type AttemptFailure,
  type FailurePhase,
} from './retryability.js';
import type {
  ApplicationErrorAction,
  AwaitingReplyState,
  CheckingOutState,
  ConnectionInfo,
  DoneState,
  ExecutorAction,
  ExecutorEvent,
  ExecutorInput,
  ExecutorInputType,
  ExecutorOptions,
  ExecutorOutcome,
  ExecutorPhase,
  ExecutorState,
  ExecutorStep,
  IdleState,
  OperationProgress,
  ResolvedOperation,
  SelectingState,
} from './types.js';

/** What one step collects, and the time it runs at (core/machine.ts rule (a)). */
interface Out {
  readonly now: number;
  readonly actions: ExecutorAction[];
  readonly events: ExecutorEvent[];
}

/** A started operation's progress, mutable within one step (always built by `progressOf`). */
type Progress = { -readonly [K in keyof OperationProgress]: OperationProgress[K] };

type PhaseState<P extends ExecutorPhase> = Extract<ExecutorState, { readonly phase: P }>;
type InputOf<T extends ExecutorInputType> = Extract<ExecutorInput, { readonly type: T }>;
type Handler<P extends ExecutorPhase, T extends ExecutorInputType> = (state: PhaseState<P>, input: InputOf<T>, out: Out) => ExecutorState;
type Row<P extends ExecutorPhase> = { readonly [T in ExecutorInputType]: Handler<P, T> };

const noFailures: readonly AttemptFailure[] = Object.freeze([]);
const noAddresses: readonly string[] = Object.freeze([]);

/**
 * A fresh executor, waiting for `start`. `options` are the client's retryReads, retryWrites and
 * serverSelectionTimeoutMS; they are validated with the operation at `start`, where a bad one
 * fails the operation naming it.
 */
export function createExecutor(options: ExecutorOptions | undefined, nowMs: number): ExecutorStep {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new MongoInvalidArgumentError(`createExecutor nowMs must be a finite number of milliseconds, got ${String(nowMs)}`);
  const state: IdleState = Object.freeze({ phase: 'idle', options, lastNowMs: nowMs });
  return { state, actions: [], events: [] };
}

/** True once the operation has completed or failed (its last action was `complete` or `fail`). */
export function isExecutorDone(state: ExecutorState): boolean {
  return state.phase === 'done';
}

export function stepExecutor(state: ExecutorState, input: ExecutorInput, nowMs: number): ExecutorStep {
  const events: ExecutorEvent[] = [];
  const actions: ExecutorAction[] = [];
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    events.push(inputIgnored('executor', inputTypeOf(input), state.phase, `now must be a finite number of ms, got ${String(nowMs)}`));
    return { state, actions, events };
  }
  // core/machine.ts rule (a): time never runs backwards for one operation, so durations and deadlines stay meaningful.
  const clock = clockWentBackwards('executor', nowMs, state.lastNowMs);
  if (clock !== null) events.push(clock);
  const out: Out = { now: stepTimeMs(nowMs, state.lastNowMs), actions, events };
  const next = isDocument(input) && typeof input.type === 'string' ? dispatch(state, input, out) : ignore(state, 'unknown', 'input must be an object with a string "type"', out);
  const stamped: ExecutorState = Object.freeze(next.lastNowMs === out.now ? next : { ...next, lastNowMs: out.now });
  const problems = executorInvariantViolations(stamped);
  if (problems.length > 0) throw new Error(`operation executor invariant violated: ${problems.join('; ')}`);
  return { state: stamped, actions, events };
}

function dispatch(state: ExecutorState, input: ExecutorInput, out: Out): ExecutorState {
  const row: Readonly<Record<string, unknown>> = phaseInputTable[state.phase];
  if (!Object.hasOwn(row, input.type)) {
    return ignore(state, input.type, 'unknown input type (expected start, topologyChanged, timerFired, checkedOut, checkOutFailed, reply or networkError)', out);
  }
  // The row is the state's own phase and the entry the input's own type, so the handler's
  // parameter types hold; TypeScript cannot correlate the two unions by itself.
  const handler = row[input.type] as (state: ExecutorState, input: ExecutorInput, out: Out) => ExecutorState;
  return handler(state, input, out);
}

// ---- the phase × input table ------------------------------------------------------------------

/** What each input does in each phase. Everything not the phase's own business is a misfit (core/machine.ts rule (b)). */
const phaseInputTable: { readonly [P in ExecutorPhase]: Row<P> } = {
  idle: {
    start,
    topologyChanged: notStarted,
    timerFired: notStarted,
    checkedOut: strayConnection,
    checkOutFailed: noCheckOut,
    reply: noCommand,
    networkError: noCommand,
  },
  selecting: {
    start: alreadyStarted,
    topologyChanged: topologyChangedWhileSelecting,
    timerFired: (state, _input, out) => select(state, out),
    checkedOut: strayConnection,
    checkOutFailed: noCheckOut,
    reply: noCommand,
    networkError: noCommand,
  },
  checkingOut: {
    start: alreadyStarted,
    topologyChanged: keepTopology,
    timerFired: staleTimer,
    checkedOut,
    checkOutFailed,
    reply: noCommand,
    networkError: noCommand,
  },
  awaitingReply: {
    start: alreadyStarted,
    topologyChanged: keepTopology,
    timerFired: staleTimer,
    checkedOut: strayConnection,
    checkOutFailed: noCheckOut,
    reply,
    networkError,
  },
  done: {
    start: alreadyStarted,
    topologyChanged: operationDone,
    timerFired: operationDone,
    checkedOut: strayConnection,
    checkOutFailed: noCheckOut,
    reply: noCommand,
    networkError: noCommand,
  },
};

// ---- misfits and no-ops -------------------------------------------------------------------------

function ignore(state: ExecutorState, input: string, reason: string, out: Out): ExecutorState {
  out.events.push(inputIgnored('executor', input, state.phase, reason));
  return state;
}

function notStarted(state: ExecutorState, input: ExecutorInput, out: Out): ExecutorState {
  return ignore(state, input.type, 'the operation has not started', out);
}

function operationDone(state: ExecutorState, input: ExecutorInput, out: Out): ExecutorState {
  return ignore(state, input.type, 'the operation is done', out);
}

function alreadyStarted(state: ExecutorState, _input: ExecutorInput, out: Out): ExecutorState {
  return ignore(state, 'start', `the operation already started (phase ${state.phase})`, out);
}

function noCheckOut(state: ExecutorState, _input: ExecutorInput, out: Out): ExecutorState {
  return ignore(state, 'checkOutFailed', `no checkOut is outstanding (phase ${state.phase})`, out);
}

function noCommand(state: ExecutorState, input: ExecutorInput, out: Out): ExecutorState {
  return ignore(state, input.type, `no command is in flight (phase ${state.phase})`, out);
}

/** A timer armed for a selection that has since ended is normal (not a misfit): nothing to do. */
function staleTimer(state: ExecutorState): ExecutorState {
  return state;
}

/** A connection nobody asked for: not ours to use, so hand it straight back and the pool does not leak it. */
function strayConnection(state: ExecutorState, input: InputOf<'checkedOut'>, out: Out): ExecutorState {
  const connection = input.connection;
  const problem = connectionProblem(connection);
  if (problem !== null) return ignore(state, 'checkedOut', problem, out);
  out.actions.push({ type: 'checkIn', connectionId: connection.id, address: connection.address, error: null });
  return ignore(state, 'checkedOut', `no checkOut is outstanding (phase ${state.phase}); connection ${connection.id} checked back in`, out);
}

// ---- inputs that fit --------------------------------------------------------------------------

function start(state: IdleState, input: InputOf<'start'>, out: Out): ExecutorState {
  // A caller written for the old contract would otherwise lose its options without a word.
  if (Object.hasOwn(input, 'options')) return refuse(new MongoInvalidArgumentError('start has an options field, but the client options go to createExecutor(options, nowMs)'), out);
  const resolved = resolveOperation(input.operation, state.options);
  if (resolved instanceof MongoInvalidArgumentError) return refuse(resolved, out);
  const problem = environmentProblem(input.topology, input.random);
  if (problem !== null) return refuse(problem, out);
  const progress: Progress = {
    operation: resolved,
    random: input.random,
    topology: input.topology,
    operationCounts: input.operationCounts,
    attempt: 0,
    retryableWrite: false,
    failures: noFailures,
    deprioritized: noAddresses,
    commandsStarted: 0,
    commandsFinished: 0,
    lastNowMs: out.now,
  };
  return beginAttempt(progress, out);
}

/** A `start` that fails validation ends the operation at once, with no attempt. */
function refuse(problem: MongoInvalidArgumentError, out: Out): DoneState {
  out.actions.push({ type: 'fail', error: problem, address: null, attempts: 0, txnNumberUsed: false });
  return { phase: 'done', outcome: { kind: 'failed', error: problem, address: null }, attempt: 0, commandsStarted: 0, commandsFinished: 0, lastNowMs: out.now };
}

function topologyChangedWhileSelecting(state: SelectingState, input: InputOf<'topologyChanged'>, out: Out): ExecutorState {
  if (environmentProblem(input.topology, state.random) !== null) return ignore(state, 'topologyChanged', 'topology must be a TopologyDescription', out);
  return select({ ...state, topology: input.topology, operationCounts: input.operationCounts ?? state.operationCounts }, out);
}

/** After selection the new description is kept (a retry selects with it) but wakes nothing. */
function keepTopology(state: CheckingOutState | AwaitingReplyState, input: InputOf<'topologyChanged'>, out: Out): ExecutorState {
  if (environmentProblem(input.topology, state.random) !== null) return ignore(state, 'topologyChanged', 'topology must be a TopologyDescription', out);
  return { ...state, topology: input.topology, operationCounts: input.operationCounts ?? state.operationCounts };
}

function checkedOut(state: CheckingOutState, input: InputOf<'checkedOut'>, out: Out): ExecutorState {
  const connection = input.connection;
  const problem = connectionProblem(connection);
  if (problem !== null) return ignore(state, 'checkedOut', problem, out);
  const server = state.server;
  if (connection.address !== server.address) {
    out.actions.push({ type: 'checkIn', connectionId: connection.id, address: connection.address, error: null });
    return ignore(state, 'checkedOut', `connection ${connection.id} is to ${connection.address}, but the checkOut was from ${server.address}; checked back in`, out);
  }
  return send(state, connection, out);
}

function checkOutFailed(state: CheckingOutState, input: InputOf<'checkOutFailed'>, out: Out): ExecutorState {
  const given = asError(input.error, 'checkOutFailed error');
  const server = state.server;
  const progress = progressOf(state);
  // A pinned server's pool closes only when SDAM removes the server: say which one went.
  const error = given instanceof PoolClosedError && progress.operation.pinnedAddress !== null ? new MongoServerClosedError(server.address) : given;
  const connectionGeneration: unknown = input.connectionGeneration;
  const generation = typeof connectionGeneration === 'number' && Number.isFinite(connectionGeneration) ? connectionGeneration : null;
  const labelled = labelledError(progress.operation, error, 'checkOut', server.maxWireVersion, server);
  // SDAM "Error handling": a failed handshake is an application error "before the handshake
  // completed". A PoolClearedError is not: the pool was cleared by whoever saw the error
  // (CMAP: it must not mark the server Unknown again). Pool timeouts are not server errors.
  if (error instanceof PoolClearedError) {
    // no SDAM update
  } else if (error instanceof MongoNetworkError) {
    applicationError(out, server.address, labelled, 'handshake', 'network', null, generation, null);
  } else if (error instanceof MongoServerError) {
    const response: unknown = input.response;
    const reply = isDocument(response) ? response : syntheticErrorReply(error);
    applicationError(out, server.address, labelled, 'handshake', 'command', reply, generation, null);
  }
  return attemptFailed(progress, server, labelled, 'checkOut', out);
}

function reply(state: AwaitingReplyState, input: InputOf<'reply'>, out: Out): ExecutorState {
  const { connection, server } = state;
  const other = otherRequest(state, input.requestId, 'reply');
  if (other !== null) return ignore(state, 'reply', other, out);
  const progress = progressOf(state);
  const operation = progress.operation;
  const document: unknown = input.reply;
  if (!isDocument(document)) {
    // A reply that is not a document cannot be judged: fail the command, drop the connection.
    const error = new MongoInvalidArgumentError(`reply must be a document, got ${document === null ? 'null' : Array.isArray(document) ? 'an array' : typeof document}`);
    commandFinished(progress, state, { failure: error }, out);
    release(connection, error, out);
    return finishFailed(progress, { error, phase: 'command', address: connection.address }, out);
  }
  if (isOkReply(document)) {
    commandFinished(progress, state, { reply: document }, out);
    const writeConcernError = operation.kind === 'write' && !operation.unacknowledged ? writeConcernErrorFromReply(document) : null;
    if (writeConcernError === null) {
      release(connection, null, out);
      return complete(progress, document, out);
    }
    const labelled = labelledError(operation, writeConcernError, 'command', connection.maxWireVersion, server, connection);
    // As in failCommand: SDAM sees the error before the connection is checked in.
    applicationError(out, server.address, labelled, 'command', 'command', document, connection.generation, connection);
    release(connection, null, out);
    return attemptFailed(progress, server, labelled, 'command', out);
  }
  return failCommand(progress, state, serverErrorFromReply(document), 'command', document, out);
}

function networkError(state: AwaitingReplyState, input: InputOf<'networkError'>, out: Out): ExecutorState {
  const other = otherRequest(state, input.requestId, 'error');
  if (other !== null) return ignore(state, 'networkError', other, out);
  const given = asError(input.error, 'networkError error');
  // The runtime reports socket failures here; keep their class if it is already a network error.
  const error = given instanceof MongoNetworkError ? given : new MongoNetworkError(given.message);
  return failCommand(progressOf(state), state, error, input.timeout === true ? 'timeout' : 'network', null, out);
}

/** Why a reply or error names another request than the one in flight, or null when it is for it (or names none). */
function otherRequest(state: AwaitingReplyState, requestId: unknown, what: 'reply' | 'error'): string | null {
  if (requestId === undefined || requestId === state.inFlight.requestId) return null;
  return `${what} for request ${String(requestId)}, but request ${state.inFlight.requestId} is in flight`;
}

/**
 * The command in flight failed (a server error, or a network error or timeout, which also
 * breaks the connection): commandFailed, the connection back to its pool, SDAM told, then the
 * retry decision.
 */
function failCommand(progress: Progress, state: AwaitingReplyState, error: Error, kind: ApplicationErrorAction['kind'], response: Document | null, out: Out): ExecutorState {
  const { connection, server } = state;
  commandFinished(progress, state, { failure: error }, out);
  const labelled = labelledError(progress.operation, error, 'command', connection.maxWireVersion, server, connection);
  // SDAM first, then the check-in: a state-change or network error clears the pool before the
  // connection comes back (SDAM unified test pool-clear-application-error: poolCleared, then
  // connectionCheckedIn), so the stale connection is closed on check-in, never reused.
  applicationError(out, server.address, labelled, 'command', kind, response, connection.generation, connection);
  release(connection, kind === 'command' ? null : error, out);
  return attemptFailed(progress, server, labelled, 'command', out);
}

// ---- the attempt cycle --------------------------------------------------------------------

/** The fields every running phase carries, picked one by one so no phase's own field leaks into the next. */
function progressOf(state: OperationProgress): Progress {
  return {
    operation: state.operation,
    random: state.random,
    topology: state.topology,
    operationCounts: state.operationCounts,
    attempt: state.attempt,
    retryableWrite: state.retryableWrite,
    failures: state.failures,
    deprioritized: state.deprioritized,
    commandsStarted: state.commandsStarted,
    commandsFinished: state.commandsFinished,
    lastNowMs: state.lastNowMs,
  };
}

/**
 * The first attempt selects at once. A retry selects only on the next step (a `wakeAt` now):
 * the runtime must first apply this step's `applicationError` to SDAM, so that the retry's
 * selection sees the server marked Unknown ("update its topology ... Drivers should then
 * proceed with selecting a server for a retry attempt").
 */
function beginAttempt(progress: Progress, out: Out): ExecutorState {
  progress.attempt++;
  if (progress.attempt > maxAttempts) throw new Error(`operation executor: attempt ${progress.attempt} exceeds ${maxAttempts}`);
  if (progress.operation.pinnedAddress === null) out.events.push({ name: 'serverSelectionStarted', ...selectionEventBase(progress.operation, progress.topology) });
  if (progress.attempt === 1) return select({ phase: 'selecting', ...progress, selectionStartMs: out.now, wakeAtMs: null }, out);
  out.actions.push({ type: 'wakeAt', atMs: out.now });
  return { phase: 'selecting', ...progress, selectionStartMs: out.now, wakeAtMs: out.now };
}

/** One pass of the server selection loop (server-selection.md "Multi-threaded or asynchronous server selection"). */
function select(state: SelectingState, out: Out): ExecutorState {
  const operation = state.operation;
  if (operation.pinnedAddress !== null) return usePinnedServer(progressOf(state), operation.pinnedAddress, out);
  const selector = operation.kind === 'write' ? writeSelector : readSelector(operation.readPreference ?? undefined);
  const outcome = selectServer({
    topology: state.topology,
    selector,
    now: out.now,
    startTime: state.selectionStartMs,
    serverSelectionTimeoutMS: operation.serverSelectionTimeoutMS,
    localThresholdMS: operation.localThresholdMS,
    random: state.random,
    operationCounts: state.operationCounts,
    deprioritized: state.deprioritized.length > 0 ? new Set(state.deprioritized) : undefined,
  });
  const base = selectionEventBase(operation, state.topology);
  if (outcome.kind === 'wait') {
    out.actions.push({ type: 'requestImmediateCheck' });
    let waiting = state;
    if (state.waitReported !== true) {
      // server-selection.md "Waiting for suitable server...": once per operation's selection.
      const timeoutMS = operation.serverSelectionTimeoutMS ?? defaultServerSelectionTimeoutMS;
      out.events.push({ name: 'serverSelectionWaiting', ...base, remainingTimeMS: Math.max(0, state.selectionStartMs + timeoutMS - out.now) });
      waiting = { ...state, waitReported: true };
    }
    if (waiting.wakeAtMs === outcome.until) return waiting;
    out.actions.push({ type: 'wakeAt', atMs: outcome.until });
    return { ...waiting, wakeAtMs: outcome.until };
  }
  const progress = progressOf(state);
  out.events.push(outcome.kind === 'error' ? { name: 'serverSelectionFailed', ...base, failure: outcome.error } : { name: 'serverSelectionSucceeded', ...base, address: outcome.server.address });
  if (outcome.kind === 'error') {
    // First attempt: "drivers MUST allow a server selection error to propagate". Retry:
    // "If the driver cannot select a server for a retry attempt ... raise the previous error".
    if (progress.attempt === 1) return finishFailed(progress, { error: outcome.error, phase: 'checkOut', address: null }, out);
    return finishFailed(progress, errorToReport(progress), out);
  }
  const server = outcome.server;
  if (progress.attempt === 1) {
    // retryable-writes.md "Supported Server Versions": otherwise the write runs once, without a transaction id.
    progress.retryableWrite = operation.retryableWriteCandidate && supportsRetryableWrites(server);
  } else if (progress.retryableWrite && !supportsRetryableWrites(server)) {
    // "the selected server does not support retryable writes ... raise the retryable error from the previous attempt".
    return finishFailed(progress, errorToReport(progress), out);
  }
  out.actions.push({ type: 'checkOut', address: server.address, attempt: progress.attempt });
  return { phase: 'checkingOut', ...progress, server };
}

/**
 * server-selection.md "Cursors": no selection; check out from the pinned server's pool at once,
 * whatever its current description says (an Unknown server's paused pool fails the check-out
 * with PoolClearedError, a dead one's connection with a network error: both at once).
 */
function usePinnedServer(progress: Progress, address: string, out: Out): ExecutorState {
  if (progress.attempt !== 1) throw new Error(`operation executor: a pinned operation reached attempt ${progress.attempt}`);
  const server = progress.topology.servers.get(address);
  if (server === undefined) {
    return finishFailed(progress, { error: new MongoServerClosedError(address), phase: 'checkOut', address: null }, out);
  }
  progress.retryableWrite = progress.operation.retryableWriteCandidate && supportsRetryableWrites(server);
  out.actions.push({ type: 'checkOut', address, attempt: progress.attempt });
  return { phase: 'checkingOut', ...progress, server };
}

function send(state: CheckingOutState, connection: ConnectionInfo, out: Out): AwaitingReplyState {
  const progress = progressOf(state);
  const operation = progress.operation;
  const requestId = operation.firstRequestId + progress.attempt - 1;
  const command = commandToSend(progress, state.server);
  progress.commandsStarted++;
  out.events.push({
    name: 'commandStarted',
    ...eventBase(operation, connection, requestId),
    command: redactedDocument(operation.sensitive, command),
  });
  out.actions.push({
    type: 'send',
    connectionId: connection.id,
    address: connection.address,
    requestId,
    databaseName: operation.databaseName,
    command,
    expectsReply: !operation.unacknowledged,
  });
  return { phase: 'awaitingReply', ...progress, server: state.server, connection, inFlight: { requestId, startedAtMs: out.now, command } };
}

/**
 * The command with the session's `lsid` (driver-sessions.md: not for unacknowledged writes,
 * only to servers that support sessions), for a retryable write `txnNumber`: the same on the
 * retry (retryable-writes.md "resend the command with the same transaction ID"), and the
 * `$readPreference` the server type and topology type call for (read-preference-argument.ts).
 * A command that carries its own `$readPreference` (a runCommand document) is sent as given.
 */
function commandToSend(progress: Progress, server: ServerDescription): Document {
  const operation = progress.operation;
  const command: Record<string, unknown> = { ...operation.command };
  const session = operation.session;
  if (session !== null && !operation.unacknowledged && supportsSessions(server)) {
    command.lsid = session.lsid;
    // transactions.md: every command of a transaction carries the transaction's txnNumber.
    // (bugs.retryFreshTxnNumber is a fuzzer's seeded bug, off unless a test turns it on.)
    if (progress.retryableWrite) command.txnNumber = bugs.retryFreshTxnNumber ? BigInt(session.txnNumber) + BigInt(progress.attempt - 1) : session.txnNumber;
    else if (session.inTransaction) command.txnNumber = session.txnNumber;
  }
  if (!Object.hasOwn(operation.command, '$readPreference')) {
    const argument = readPreferenceArgument({
      kind: operation.kind,
      readPreference: operation.readPreference,
      topologyType: progress.topology.type,
      serverType: server.type,
    });
    if (argument !== null) command.$readPreference = argument;
  }
  return command;
}

function attemptFailed(progress: Progress, server: ServerDescription, rawError: Error, phase: FailurePhase, out: Out): ExecutorState {
  const operation = progress.operation;
  const error = rewriteTransactionNumbersError(progress, rawError);
  const address = server.address;
  progress.failures = [...progress.failures, { error, phase, address }];
  const retryable =
    progress.attempt < maxAttempts &&
    operation.pinnedAddress === null &&
    (operation.kind === 'read'
      ? operation.retryableRead && isRetryableReadError(error)
      : operation.kind === 'write' && progress.retryableWrite && isRetryableWriteError(error));
  if (!retryable) return finishFailed(progress, errorToReport(progress), out);
  // "For sharded clusters, the server address on which the operation failed MUST be provided
  // ... as deprioritized. For all other topologies ... only if the error is labelled with
  // SystemOverloadedError."
  const deprioritize = progress.topology.type === 'Sharded' || hasErrorLabel(error, systemOverloadedErrorLabel);
  if (deprioritize && !progress.deprioritized.includes(address)) progress.deprioritized = [...progress.deprioritized, address];
  out.events.push({ name: 'retrying', attempt: progress.attempt + 1, previousError: error, deprioritized: progress.deprioritized });
  return beginAttempt(progress, out);
}

/** retryable-writes.md pseudocode: IllegalOperation "Transaction numbers ..." gets an actionable message. */
function rewriteTransactionNumbersError(progress: Progress, error: Error): Error {
  if (!progress.retryableWrite || !(error instanceof MongoServerError) || error.code !== illegalOperationCode) return error;
  if (!error.message.startsWith(transactionNumbersMessagePrefix)) return error;
  const fields: { code?: number; codeName?: string; errorLabels: readonly string[] } = { code: illegalOperationCode, errorLabels: error.errorLabels };
  if (error.codeName !== undefined) fields.codeName = error.codeName;
  return new MongoServerError(retryableWritesUnsupportedMessage, fields);
}

/** Which of the attempts' errors the caller gets (retryable-reads.md 3c, retryable-writes.md NoWritesPerformed rule). */
function errorToReport(progress: Progress): AttemptFailure {
  const failures = progress.failures;
  const chosen = progress.operation.kind === 'write' ? writeErrorToReport(failures) : readErrorToReport(failures);
  if (chosen === null) throw new Error('operation executor: no error recorded to report');
  return chosen;
}

function labelledError(operation: ResolvedOperation, error: Error, phase: FailurePhase, maxWireVersion: number, server: ServerDescription, connection?: ConnectionInfo): Error {
  return withRetryableWriteLabel(error, {
    retryWrites: operation.retryWrites,
    inTransaction: operation.session?.inTransaction ?? false,
    phase,
    maxWireVersion,
    serverType: connection?.serverType ?? server.type,
    serverSupportsRetryableWrites: supportsRetryableWrites(server),
  });
}

function applicationError(
  out: Out,
  address: string,
  error: Error,
  phase: ApplicationErrorAction['phase'],
  kind: ApplicationErrorAction['kind'],
  response: Document | null,
  connectionGeneration: number | null,
  connection: ConnectionInfo | null,
): void {
  out.actions.push({
    type: 'applicationError',
    address,
    error,
    connectionGeneration,
    phase,
    kind,
    handshakeCompleted: phase === 'command',
    response,
    errorLabels: errorLabelsOf(error),
    serviceId: connection?.serviceId ?? null,
  });
}

// ---- command monitoring -------------------------------------------------------------------

/** The fields every server selection event carries (server-selection.md "Logging", "Common Fields"). */
function selectionEventBase(operation: ResolvedOperation, topology: TopologyDescription) {
  return { operation: operation.commandName, operationId: operation.operationId, selector: operation.kind === 'write' ? null : operation.readPreference, topology };
}

function eventBase(operation: ResolvedOperation, connection: ConnectionInfo, requestId: number) {
  return {
    commandName: operation.commandName,
    requestId,
    databaseName: operation.databaseName,
    operationId: operation.operationId,
    address: connection.address,
    connectionId: connection.id,
    serverConnectionId: connection.serverConnectionId ?? null,
    serviceId: connection.serviceId ?? undefined,
  };
}

/** commandSucceeded or commandFailed for the command in flight: every commandStarted gets exactly one. */
function commandFinished(progress: Progress, state: AwaitingReplyState, result: { readonly reply: Document } | { readonly failure: Error }, out: Out): void {
  progress.commandsFinished++;
  const base = { ...eventBase(progress.operation, state.connection, state.inFlight.requestId), duration: out.now - state.inFlight.startedAtMs };
  const sensitive = progress.operation.sensitive;
  out.events.push(
    'reply' in result
      ? { name: 'commandSucceeded', ...base, reply: redactedDocument(sensitive, result.reply) }
      : { name: 'commandFailed', ...base, failure: redactedFailure(sensitive, result.failure) },
  );
}

/** Check the connection in as soon as its command is over; `error` marks it broken. */
function release(connection: ConnectionInfo, error: Error | null, out: Out): void {
  out.actions.push({ type: 'checkIn', connectionId: connection.id, address: connection.address, error });
}

// ---- outcomes -----------------------------------------------------------------------------

function complete(progress: Progress, reply: Document, out: Out): DoneState {
  out.actions.push({ type: 'complete', reply, attempts: progress.attempt, txnNumberUsed: progress.retryableWrite });
  return done(progress, { kind: 'completed', reply });
}

function finishFailed(progress: Progress, failure: { readonly error: Error; readonly address: string | null; readonly phase: FailurePhase }, out: Out): DoneState {
  out.actions.push({ type: 'fail', error: failure.error, address: failure.address, attempts: progress.attempt, txnNumberUsed: progress.retryableWrite });
  return done(progress, { kind: 'failed', error: failure.error, address: failure.address });
}

function done(progress: Progress, outcome: ExecutorOutcome): DoneState {
  return { phase: 'done', outcome, attempt: progress.attempt, commandsStarted: progress.commandsStarted, commandsFinished: progress.commandsFinished, lastNowMs: progress.lastNowMs };
}

function connectionProblem(connection: unknown): string | null {
  if (!isDocument(connection)) return 'connection must be an object';
  if (typeof connection.id !== 'number' || !Number.isSafeInteger(connection.id)) return 'connection id must be a safe integer';
  if (typeof connection.address !== 'string' || connection.address.length === 0) return 'connection address must be a non-empty string';
  if (typeof connection.generation !== 'number' || !Number.isFinite(connection.generation)) return 'connection generation must be a number';
  if (typeof connection.maxWireVersion !== 'number' || !Number.isFinite(connection.maxWireVersion)) return 'connection maxWireVersion must be a number';
  if (typeof connection.serverType !== 'string') return 'connection serverType must be a ServerType';
  return null;
}

function asError(value: unknown, what: string): Error {
  if (value instanceof Error) return value;
  return new MongoError(`${what} was not an Error (${value === null ? 'null' : typeof value})`);
}

/** The failing handshake reply SDAM inspects, rebuilt from the error when the runtime kept no reply. */
function syntheticErrorReply(error: MongoServerError): Document {
  const reply: Record<string, unknown> = { ok: 0, errmsg: error.message, errorLabels: [...error.errorLabels] };
  if (error.code !== undefined) reply.code = error.code;
  if (error.codeName !== undefined) reply.codeName = error.codeName;
  return reply;
}
