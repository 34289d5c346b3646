/**
 * One operation's execution as a pure machine: `stepExecutor(state, input, now)` returns the
 * next state, the actions for the runtime and the monitoring events. It covers server
 * selection with waiting, check-out, send, reply or error, the retry decision of
 * retryable-reads.md / retryable-writes.md (at most one retry, on a newly selected server),
 * and the final outcome. An operation pinned to a server (getMore, killCursors) skips selection
 * and is never retried. It never throws on bad input: a bad `start` fails the operation with a
 * MongoInvalidArgumentError naming the bad part, and an input that does not fit the phase is
 * ignored with an `inputIgnored` event. Only a broken invariant (a bug here) throws.
 */
import { bugs } from '../bugs.js';
import { MongoError, MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from '../errors.js';
import { PoolClearedError, PoolClosedError } from '../pool/errors.js';
import type { RandomSource } from '../random.js';
import type { ServerDescription, TopologyDescription } from '../sdam/types.js';
import type { OperationCounts } from '../selection/in-window-choice.js';
import { selectServer } from '../selection/select-server.js';
import { readSelector, writeSelector } from '../selection/selector.js';
import {
  illegalOperationCode,
  maxAttempts,
  maxReasonChars,
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
  ConnectionInfo,
  ExecutorAction,
  ExecutorEvent,
  ExecutorInput,
  ExecutorOutcome,
  ExecutorPhase,
  ExecutorState,
  ExecutorStep,
  InFlightCommand,
  ResolvedOperation,
} from './types.js';

const initialState: ExecutorState = Object.freeze({
  phase: 'idle',
  operation: null,
  random: null,
  topology: null,
  operationCounts: undefined,
  attempt: 0,
  selectionStartMs: 0,
  wakeAtMs: null,
  server: null,
  connection: null,
  inFlight: null,
  retryableWrite: false,
  failures: Object.freeze([]) as readonly AttemptFailure[],
  deprioritized: Object.freeze([]) as readonly string[],
  commandsStarted: 0,
  commandsFinished: 0,
  lastNowMs: Number.NEGATIVE_INFINITY,
  outcome: null,
} satisfies ExecutorState);

/** A fresh executor, waiting for `start`. */
export function createExecutor(): ExecutorState {
  return initialState;
}

/** True once the operation has completed or failed (its last action was `complete` or `fail`). */
export function isExecutorDone(state: ExecutorState): boolean {
  return state.phase === 'done';
}

export function stepExecutor(state: ExecutorState, input: ExecutorInput, now: number): ExecutorStep {
  const step = new Step(state);
  const type = isDocument(input) && typeof input.type === 'string' ? input.type : null;
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    step.ignore(type ?? 'unknown', `now must be a finite number of ms, got ${String(now)}`);
  } else if (type === null) {
    step.ignore('unknown', 'input must be an object with a string "type"');
  } else {
    // Time never runs backwards for one operation: durations and deadlines stay meaningful.
    step.now = Math.max(now, state.lastNowMs);
    step.lastNowMs = step.now;
    step.handle(input);
  }
  return step.finish();
}

/** The working copy of one step: mutable fields, collected actions and events. */
class Step {
  phase: ExecutorPhase;
  operation: ResolvedOperation | null;
  random: RandomSource | null;
  topology: TopologyDescription | null;
  operationCounts: OperationCounts | undefined;
  attempt: number;
  selectionStartMs: number;
  wakeAtMs: number | null;
  server: ServerDescription | null;
  connection: ConnectionInfo | null;
  inFlight: InFlightCommand | null;
  retryableWrite: boolean;
  failures: readonly AttemptFailure[];
  deprioritized: readonly string[];
  commandsStarted: number;
  commandsFinished: number;
  lastNowMs: number;
  outcome: ExecutorOutcome | null;
  now = 0;
  readonly actions: ExecutorAction[] = [];
  readonly events: ExecutorEvent[] = [];

  constructor(private readonly before: ExecutorState) {
    this.phase = before.phase;
    this.operation = before.operation;
    this.random = before.random;
    this.topology = before.topology;
    this.operationCounts = before.operationCounts;
    this.attempt = before.attempt;
    this.selectionStartMs = before.selectionStartMs;
    this.wakeAtMs = before.wakeAtMs;
    this.server = before.server;
    this.connection = before.connection;
    this.inFlight = before.inFlight;
    this.retryableWrite = before.retryableWrite;
    this.failures = before.failures;
    this.deprioritized = before.deprioritized;
    this.commandsStarted = before.commandsStarted;
    this.commandsFinished = before.commandsFinished;
    this.lastNowMs = before.lastNowMs;
    this.outcome = before.outcome;
  }

  finish(): ExecutorStep {
    const state: ExecutorState = Object.freeze({
      phase: this.phase,
      operation: this.operation,
      random: this.random,
      topology: this.topology,
      operationCounts: this.operationCounts,
      attempt: this.attempt,
      selectionStartMs: this.selectionStartMs,
      wakeAtMs: this.wakeAtMs,
      server: this.server,
      connection: this.connection,
      inFlight: this.inFlight,
      retryableWrite: this.retryableWrite,
      failures: this.failures,
      deprioritized: this.deprioritized,
      commandsStarted: this.commandsStarted,
      commandsFinished: this.commandsFinished,
      lastNowMs: this.lastNowMs,
      outcome: this.outcome,
    });
    const problems = executorInvariantViolations(state);
    if (problems.length > 0) throw new Error(`operation executor invariant violated: ${problems.join('; ')}`);
    return { state, actions: this.actions, events: this.events };
  }

  handle(input: ExecutorInput): void {
    switch (input.type) {
      case 'start':
        return this.start(input);
      case 'topologyChanged':
        return this.topologyChanged(input.topology, input.operationCounts);
      case 'timerFired':
        // A stale timer (the selection already ended) is normal: nothing to do.
        if (this.phase === 'selecting') this.select();
        return;
      case 'checkedOut':
        return this.checkedOut(input.connection);
      case 'checkOutFailed':
        return this.checkOutFailed(input.error, input.connectionGeneration, input.response);
      case 'reply':
        return this.reply(input.reply, input.requestId);
      case 'networkError':
        return this.networkError(input.error, input.timeout === true, input.requestId);
      default: {
        const unknown: { type?: unknown } = input;
        return this.ignore(String(unknown.type), 'unknown input type (expected start, topologyChanged, timerFired, checkedOut, checkOutFailed, reply or networkError)');
      }
    }
  }

  ignore(input: string, reason: string): void {
    this.events.push({ name: 'inputIgnored', input: input.slice(0, maxReasonChars), reason: reason.slice(0, maxReasonChars) });
  }

  // ---- inputs -------------------------------------------------------------------------------

  private start(input: Extract<ExecutorInput, { type: 'start' }>): void {
    if (this.phase !== 'idle') return this.ignore('start', `the operation already started (phase ${this.phase})`);
    const resolved = resolveOperation(input.operation, input.options);
    const problem = resolved instanceof MongoInvalidArgumentError ? resolved : environmentProblem(input.topology, input.random);
    if (problem !== null) {
      this.phase = 'done';
      this.outcome = { kind: 'failed', error: problem, address: null };
      this.actions.push({ type: 'fail', error: problem, address: null, attempts: 0, txnNumberUsed: false });
      return;
    }
    this.operation = resolved as ResolvedOperation;
    this.random = input.random;
    this.topology = input.topology;
    this.operationCounts = input.operationCounts;
    this.beginAttempt();
  }

  private topologyChanged(topology: TopologyDescription, operationCounts: OperationCounts | undefined): void {
    if (this.phase === 'idle' || this.phase === 'done') return; // no selection to wake
    if (environmentProblem(topology, this.random!) !== null) return this.ignore('topologyChanged', 'topology must be a TopologyDescription');
    this.topology = topology;
    if (operationCounts !== undefined) this.operationCounts = operationCounts;
    if (this.phase === 'selecting') this.select();
  }

  private checkedOut(connection: ConnectionInfo): void {
    const problem = connectionProblem(connection);
    if (problem !== null) return this.ignore('checkedOut', problem);
    if (this.phase !== 'checkingOut') {
      // Not ours to use: hand it straight back so the pool does not leak it.
      this.actions.push({ type: 'checkIn', connectionId: connection.id, address: connection.address, error: null });
      return this.ignore('checkedOut', `no checkOut is outstanding (phase ${this.phase}); connection ${connection.id} checked back in`);
    }
    const server = this.server!;
    if (connection.address !== server.address) {
      this.actions.push({ type: 'checkIn', connectionId: connection.id, address: connection.address, error: null });
      return this.ignore('checkedOut', `connection ${connection.id} is to ${connection.address}, but the checkOut was from ${server.address}; checked back in`);
    }
    this.send(connection);
  }

  private checkOutFailed(rawError: unknown, connectionGeneration: unknown, response: unknown): void {
    if (this.phase !== 'checkingOut') return this.ignore('checkOutFailed', `no checkOut is outstanding (phase ${this.phase})`);
    const given = asError(rawError, 'checkOutFailed error');
    const server = this.server!;
    // A pinned server's pool closes only when SDAM removes the server: say which one went.
    const error = given instanceof PoolClosedError && this.operation!.pinnedAddress !== null ? new MongoServerClosedError(server.address) : given;
    const generation = typeof connectionGeneration === 'number' && Number.isFinite(connectionGeneration) ? connectionGeneration : null;
    const labelled = this.labelled(error, 'checkOut', server.maxWireVersion, server);
    // SDAM "Error handling": a failed handshake is an application error "before the handshake
    // completed". A PoolClearedError is not: the pool was cleared by whoever saw the error
    // (CMAP: it must not mark the server Unknown again). Pool timeouts are not server errors.
    if (error instanceof PoolClearedError) {
      // no SDAM update
    } else if (error instanceof MongoNetworkError) {
      this.applicationError(labelled, 'handshake', 'network', null, generation, null);
    } else if (error instanceof MongoServerError) {
      const reply = isDocument(response) ? response : syntheticErrorReply(error);
      this.applicationError(labelled, 'handshake', 'command', reply, generation, null);
    }
    this.attemptFailed(labelled, 'checkOut');
  }

  private reply(reply: unknown, requestId: unknown): void {
    if (this.phase !== 'awaitingReply') return this.ignore('reply', `no command is in flight (phase ${this.phase})`);
    if (requestId !== undefined && requestId !== this.inFlight!.requestId) {
      return this.ignore('reply', `reply for request ${String(requestId)}, but request ${this.inFlight!.requestId} is in flight`);
    }
    const operation = this.operation!;
    const connection = this.connection!;
    if (!isDocument(reply)) {
      // A reply that is not a document cannot be judged: fail the command, drop the connection.
      const error = new MongoInvalidArgumentError(`reply must be a document, got ${reply === null ? 'null' : Array.isArray(reply) ? 'an array' : typeof reply}`);
      this.commandFailed(error);
      this.release(error);
      return this.finishFailed({ error, phase: 'command', address: connection.address });
    }
    if (isOkReply(reply)) {
      this.commandSucceeded(reply);
      this.release(null);
      const writeConcernError = operation.kind === 'write' && !operation.unacknowledged ? writeConcernErrorFromReply(reply) : null;
      if (writeConcernError === null) return this.complete(reply);
      const labelled = this.labelled(writeConcernError, 'command', connection.maxWireVersion, this.server!, connection);
      this.applicationError(labelled, 'command', 'command', reply, connection.generation, connection);
      return this.attemptFailed(labelled, 'command');
    }
    const serverError = serverErrorFromReply(reply);
    this.commandFailed(serverError);
    this.release(null);
    const labelled = this.labelled(serverError, 'command', connection.maxWireVersion, this.server!, connection);
    this.applicationError(labelled, 'command', 'command', reply, connection.generation, connection);
    this.attemptFailed(labelled, 'command');
  }

  private networkError(rawError: unknown, timeout: boolean, requestId: unknown): void {
    if (this.phase !== 'awaitingReply') return this.ignore('networkError', `no command is in flight (phase ${this.phase})`);
    if (requestId !== undefined && requestId !== this.inFlight!.requestId) {
      return this.ignore('networkError', `error for request ${String(requestId)}, but request ${this.inFlight!.requestId} is in flight`);
    }
    const connection = this.connection!;
    const given = asError(rawError, 'networkError error');
    // The runtime reports socket failures here; keep their class if it is already a network error.
    const error = given instanceof MongoNetworkError ? given : new MongoNetworkError(given.message);
    this.commandFailed(error);
    this.release(error);
    const labelled = this.labelled(error, 'command', connection.maxWireVersion, this.server!, connection);
    this.applicationError(labelled, 'command', timeout ? 'timeout' : 'network', null, connection.generation, connection);
    this.attemptFailed(labelled, 'command');
  }

  // ---- the attempt cycle --------------------------------------------------------------------

  /**
   * The first attempt selects at once. A retry selects only on the next step (a `wakeAt` now):
   * the runtime must first apply this step's `applicationError` to SDAM, so that the retry's
   * selection sees the server marked Unknown ("update its topology ... Drivers should then
   * proceed with selecting a server for a retry attempt").
   */
  private beginAttempt(): void {
    this.attempt++;
    if (this.attempt > maxAttempts) throw new Error(`operation executor: attempt ${this.attempt} exceeds ${maxAttempts}`);
    this.server = null;
    this.selectionStartMs = this.now;
    this.phase = 'selecting';
    if (this.attempt === 1) return this.select();
    this.wakeAtMs = this.now;
    this.actions.push({ type: 'wakeAt', atMs: this.now });
  }

  /** One pass of the server selection loop (server-selection.md "Multi-threaded or asynchronous server selection"). */
  private select(): void {
    const operation = this.operation!;
    if (operation.pinnedAddress !== null) return this.usePinnedServer(operation.pinnedAddress);
    const selector = operation.kind === 'write' ? writeSelector : readSelector(operation.readPreference ?? undefined);
    const outcome = selectServer({
      topology: this.topology!,
      selector,
      now: this.now,
      startTime: this.selectionStartMs,
      serverSelectionTimeoutMS: operation.serverSelectionTimeoutMS,
      random: this.random!,
      operationCounts: this.operationCounts,
      deprioritized: this.deprioritized.length > 0 ? new Set(this.deprioritized) : undefined,
    });
    if (outcome.kind === 'wait') {
      this.actions.push({ type: 'requestImmediateCheck' });
      if (this.wakeAtMs !== outcome.until) {
        this.wakeAtMs = outcome.until;
        this.actions.push({ type: 'wakeAt', atMs: outcome.until });
      }
      return;
    }
    this.wakeAtMs = null;
    if (outcome.kind === 'error') {
      // First attempt: "drivers MUST allow a server selection error to propagate". Retry:
      // "If the driver cannot select a server for a retry attempt ... raise the previous error".
      if (this.attempt === 1) return this.finishFailed({ error: outcome.error, phase: 'checkOut', address: null });
      return this.finishFailed(this.errorToReport());
    }
    const server = outcome.server;
    if (this.attempt === 1) {
      // retryable-writes.md "Supported Server Versions": otherwise the write runs once, without a transaction id.
      this.retryableWrite = operation.retryableWriteCandidate && supportsRetryableWrites(server);
    } else if (this.retryableWrite && !supportsRetryableWrites(server)) {
      // "the selected server does not support retryable writes ... raise the retryable error from the previous attempt".
      return this.finishFailed(this.errorToReport());
    }
    this.server = server;
    this.phase = 'checkingOut';
    this.actions.push({ type: 'checkOut', address: server.address, attempt: this.attempt });
  }

  /**
   * server-selection.md "Cursors": no selection; check out from the pinned server's pool at once,
   * whatever its current description says (an Unknown server's paused pool fails the check-out
   * with PoolClearedError, a dead one's connection with a network error: both at once).
   */
  private usePinnedServer(address: string): void {
    if (this.attempt !== 1) throw new Error(`operation executor: a pinned operation reached attempt ${this.attempt}`);
    this.wakeAtMs = null;
    const server = this.topology!.servers.get(address);
    if (server === undefined) {
      return this.finishFailed({ error: new MongoServerClosedError(address), phase: 'checkOut', address: null });
    }
    this.retryableWrite = this.operation!.retryableWriteCandidate && supportsRetryableWrites(server);
    this.server = server;
    this.phase = 'checkingOut';
    this.actions.push({ type: 'checkOut', address, attempt: this.attempt });
  }

  private send(connection: ConnectionInfo): void {
    const operation = this.operation!;
    const requestId = operation.firstRequestId + this.attempt - 1;
    const command = this.commandToSend(this.server!);
    this.connection = connection;
    this.inFlight = { requestId, startedAtMs: this.now, command };
    this.phase = 'awaitingReply';
    this.commandsStarted++;
    this.events.push({
      name: 'commandStarted',
      ...this.eventBase(connection, requestId),
      command: redactedDocument(operation.sensitive, command),
    });
    this.actions.push({
      type: 'send',
      connectionId: connection.id,
      address: connection.address,
      requestId,
      databaseName: operation.databaseName,
      command,
      expectsReply: !operation.unacknowledged,
    });
  }

  /**
   * The command with the session's `lsid` (driver-sessions.md: not for unacknowledged writes,
   * only to servers that support sessions), for a retryable write `txnNumber`: the same on the
   * retry (retryable-writes.md "resend the command with the same transaction ID"), and the
   * `$readPreference` the server type and topology type call for (read-preference-argument.ts).
   * A command that carries its own `$readPreference` (a runCommand document) is sent as given.
   */
  private commandToSend(server: ServerDescription): Document {
    const operation = this.operation!;
    const command: Record<string, unknown> = { ...operation.command };
    const session = operation.session;
    if (session !== null && !operation.unacknowledged && supportsSessions(server)) {
      command.lsid = session.lsid;
      if (this.retryableWrite) command.txnNumber = bugs.retryFreshTxnNumber ? BigInt(session.txnNumber) + BigInt(this.attempt - 1) : session.txnNumber;
    }
    if (!Object.hasOwn(operation.command, '$readPreference')) {
      const argument = readPreferenceArgument({
        kind: operation.kind,
        readPreference: operation.readPreference,
        topologyType: this.topology!.type,
        serverType: server.type,
      });
      if (argument !== null) command.$readPreference = argument;
    }
    return command;
  }

  private attemptFailed(rawError: Error, phase: FailurePhase): void {
    const operation = this.operation!;
    const error = this.rewriteTransactionNumbersError(rawError);
    const address = this.server!.address;
    this.failures = [...this.failures, { error, phase, address }];
    const retryable =
      this.attempt < maxAttempts &&
      operation.pinnedAddress === null &&
      (operation.kind === 'read'
        ? operation.retryableRead && isRetryableReadError(error)
        : operation.kind === 'write' && this.retryableWrite && isRetryableWriteError(error));
    if (!retryable) return this.finishFailed(this.errorToReport());
    // "For sharded clusters, the server address on which the operation failed MUST be provided
    // ... as deprioritized. For all other topologies ... only if the error is labelled with
    // SystemOverloadedError."
    const deprioritize = this.topology!.type === 'Sharded' || hasErrorLabel(error, systemOverloadedErrorLabel);
    if (deprioritize && !this.deprioritized.includes(address)) this.deprioritized = [...this.deprioritized, address];
    this.events.push({ name: 'retrying', attempt: this.attempt + 1, previousError: error, deprioritized: this.deprioritized });
    this.beginAttempt();
  }

  /** retryable-writes.md pseudocode: IllegalOperation "Transaction numbers ..." gets an actionable message. */
  private rewriteTransactionNumbersError(error: Error): Error {
    if (!this.retryableWrite || !(error instanceof MongoServerError) || error.code !== illegalOperationCode) return error;
    if (!error.message.startsWith(transactionNumbersMessagePrefix)) return error;
    const fields: { code?: number; codeName?: string; errorLabels: readonly string[] } = { code: illegalOperationCode, errorLabels: error.errorLabels };
    if (error.codeName !== undefined) fields.codeName = error.codeName;
    return new MongoServerError(retryableWritesUnsupportedMessage, fields);
  }

  /** Which of the attempts' errors the caller gets (retryable-reads.md 3c, retryable-writes.md NoWritesPerformed rule). */
  private errorToReport(): AttemptFailure {
    const failures = this.failures;
    const chosen = this.operation!.kind === 'write' ? writeErrorToReport(failures) : readErrorToReport(failures);
    if (chosen === null) throw new Error('operation executor: no error recorded to report');
    return chosen;
  }

  private labelled(error: Error, phase: FailurePhase, maxWireVersion: number, server: ServerDescription, connection?: ConnectionInfo): Error {
    const operation = this.operation!;
    return withRetryableWriteLabel(error, {
      retryWrites: operation.retryWrites,
      inTransaction: operation.session?.inTransaction ?? false,
      phase,
      maxWireVersion,
      serverType: connection?.serverType ?? server.type,
      serverSupportsRetryableWrites: supportsRetryableWrites(server),
    });
  }

  private applicationError(
    error: Error,
    phase: ApplicationErrorAction['phase'],
    kind: ApplicationErrorAction['kind'],
    response: Document | null,
    connectionGeneration: number | null,
    connection: ConnectionInfo | null,
  ): void {
    this.actions.push({
      type: 'applicationError',
      address: this.server!.address,
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

  private eventBase(connection: ConnectionInfo, requestId: number) {
    const operation = this.operation!;
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

  private commandSucceeded(reply: Document): void {
    const inFlight = this.inFlight!;
    this.commandsFinished++;
    this.events.push({
      name: 'commandSucceeded',
      ...this.eventBase(this.connection!, inFlight.requestId),
      duration: this.now - inFlight.startedAtMs,
      reply: redactedDocument(this.operation!.sensitive, reply),
    });
  }

  private commandFailed(failure: Error): void {
    const inFlight = this.inFlight!;
    this.commandsFinished++;
    this.events.push({
      name: 'commandFailed',
      ...this.eventBase(this.connection!, inFlight.requestId),
      duration: this.now - inFlight.startedAtMs,
      failure: redactedFailure(this.operation!.sensitive, failure),
    });
  }

  /** Check the connection in as soon as its command is over; `error` marks it broken. */
  private release(error: Error | null): void {
    const connection = this.connection!;
    this.actions.push({ type: 'checkIn', connectionId: connection.id, address: connection.address, error });
    this.connection = null;
    this.inFlight = null;
    this.phase = 'selecting'; // transient: the caller moves on to complete, fail or retry
  }

  // ---- outcomes -----------------------------------------------------------------------------

  private complete(reply: Document): void {
    this.phase = 'done';
    this.server = null;
    this.outcome = { kind: 'completed', reply };
    this.actions.push({ type: 'complete', reply, attempts: this.attempt, txnNumberUsed: this.retryableWrite });
  }

  private finishFailed(failure: { readonly error: Error; readonly address: string | null; readonly phase: FailurePhase }): void {
    this.phase = 'done';
    this.server = null;
    this.outcome = { kind: 'failed', error: failure.error, address: failure.address };
    this.actions.push({ type: 'fail', error: failure.error, address: failure.address, attempts: this.attempt, txnNumberUsed: this.retryableWrite });
  }
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
