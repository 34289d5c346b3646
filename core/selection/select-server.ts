/**
 * The pure server selection loop for a multi-threaded/async client
 * (server-selection.md "Multi-threaded or asynchronous server selection"). Each call is one
 * pass of the loop: given the current topology and the time, it returns a server, asks the
 * caller to wait for the next topology change (or the deadline) after requesting immediate
 * checks, or returns the error. It never throws.
 *
 * serverSelectionTryOnce does not exist here: multi-threaded drivers MUST NOT provide it.
 */
import { MongoError, MongoInvalidArgumentError, MongoServerSelectionError } from '../errors.js';
import type { RandomSource } from '../random.js';
import type { ServerDescription, TopologyDescription } from '../sdam/types.js';
import { defaultLocalThresholdMS, defaultServerSelectionTimeoutMS } from './constants.js';
import { chooseInWindow, type OperationCounts } from './in-window-choice.js';
import { inLatencyWindow } from './latency-window.js';
import { describeSelectionFailure } from './selection-error.js';
import type { UnsuitableServer } from './explain.js';
import type { Selector } from './selector.js';
import { maxStalenessProblem } from './staleness.js';
import { suitableServers } from './suitability.js';
import { suitableInWindow } from './window-fast-path.js';
import { selectionRequestProblem } from './request-check.js';
import { errorText } from '../sdam/hello.js';

export interface SelectionRequest {
  readonly topology: TopologyDescription;
  readonly selector: Selector;
  /** Current time (ms, caller's clock). */
  readonly now: number;
  /** When this selection started (ms, same clock). */
  readonly startTime: number;
  /** The computed selection timeout (server-selection.md "Timeouts"); default 30000. 0 = fail at the first miss. */
  readonly serverSelectionTimeoutMS?: number;
  /**
   * server-selection.md "localThresholdMS": the size of the latency window in ms, a client
   * setting; default 15. 0 keeps only the fastest servers.
   */
  readonly localThresholdMS?: number;
  readonly random: RandomSource;
  /** Current operationCount per server address. */
  readonly operationCounts?: OperationCounts;
  /** Addresses to avoid unless nothing else is suitable (retries). */
  readonly deprioritized?: ReadonlySet<string>;
  /** Optional application-provided selector (spec "serverSelector"); may only narrow the list. */
  readonly serverSelector?: (servers: readonly ServerDescription[]) => readonly ServerDescription[];
}

export type SelectionOutcome =
  | { readonly kind: 'selected'; readonly server: ServerDescription }
  /** Request an immediate check of all servers, then call again on the next topology change or at `until`. */
  | { readonly kind: 'wait'; readonly until: number; readonly requestImmediateCheck: true }
  | { readonly kind: 'error'; readonly error: MongoError; readonly servers: readonly UnsuitableServer[] };

/**
 * Errors that do not depend on waiting: step 2 (incompatible wire version) and the
 * maxStalenessSeconds limits that depend on the topology.
 */
export function selectionPreconditionError(topology: TopologyDescription, selector: Selector): MongoError | null {
  if (!topology.compatible) {
    return new MongoServerSelectionError(
      topology.compatibilityError ?? 'a server in the topology reports a wire version range this client does not support',
    );
  }
  if (selector.operation === 'read') {
    const problem = maxStalenessProblem(selector.readPreference.maxStalenessSeconds, topology);
    if (problem !== null) return new MongoInvalidArgumentError(`invalid read preference: ${problem}`);
  }
  return null;
}

export function selectServer(request: SelectionRequest): SelectionOutcome {
  if (typeof request !== 'object' || request === null) {
    return fail(new MongoInvalidArgumentError(`the selection request must be an object, got ${request === null ? 'null' : typeof request}`));
  }
  try {
    return selectOnce(request);
  } catch (error) {
    // The shape checks name every wrong part they can see; a getter or Proxy that throws from
    // inside the request (or a RandomSource that throws) is bad input too, and is reported so.
    return fail(new MongoInvalidArgumentError(`the selection request could not be read: ${errorText(error)}`));
  }
}

function selectOnce(request: SelectionRequest): SelectionOutcome {
  const problem = selectionRequestProblem(request as unknown as Readonly<Record<string, unknown>>);
  if (problem !== null) return fail(new MongoInvalidArgumentError(`invalid selection request: ${problem}`));
  const { topology, selector, now, startTime } = request;
  const timeoutMS = request.serverSelectionTimeoutMS ?? defaultServerSelectionTimeoutMS;
  if (typeof timeoutMS !== 'number' || !(timeoutMS >= 0) || !Number.isFinite(timeoutMS)) {
    return fail(new MongoInvalidArgumentError(`serverSelectionTimeoutMS must be a finite number >= 0, got ${String(timeoutMS)}`));
  }
  const localThresholdMS = request.localThresholdMS ?? defaultLocalThresholdMS;
  if (typeof localThresholdMS !== 'number' || !(localThresholdMS >= 0) || !Number.isFinite(localThresholdMS)) {
    return fail(new MongoInvalidArgumentError(`localThresholdMS must be a finite number >= 0, got ${String(localThresholdMS)}`));
  }
  if (typeof now !== 'number' || typeof startTime !== 'number' || !Number.isFinite(now) || !Number.isFinite(startTime)) {
    return fail(new MongoInvalidArgumentError(`selection times must be finite numbers (now ${now}, startTime ${startTime})`));
  }
  const precondition = selectionPreconditionError(topology, selector);
  if (precondition !== null) return fail(precondition);

  let window: readonly ServerDescription[];
  if (request.serverSelector === undefined) {
    window = suitableInWindow(topology, selector, request.deprioritized, localThresholdMS);
  } else {
    // Step 4: the application selector sees the whole suitable list, before the latency window.
    let suitable = suitableServers(topology, selector, request.deprioritized);
    if (suitable.length > 0) {
      try {
        const allowed = new Set(suitable);
        suitable = request.serverSelector(suitable).filter((server) => allowed.has(server));
      } catch (cause) {
        return fail(new MongoInvalidArgumentError(`the application serverSelector threw: ${String(cause)}`));
      }
    }
    window = inLatencyWindow(suitable, localThresholdMS);
  }
  if (window.length > 0) {
    return { kind: 'selected', server: chooseInWindow(window, request.random, request.operationCounts) };
  }
  const deadline = startTime + timeoutMS;
  if (now < deadline) return { kind: 'wait', until: deadline, requestImmediateCheck: true };
  const failure = describeSelectionFailure(topology, selector, now - startTime, {
    applicationSelector: request.serverSelector !== undefined,
  });
  return { kind: 'error', error: new MongoServerSelectionError(failure.message), servers: failure.servers };
}

function fail(error: MongoError): SelectionOutcome {
  return { kind: 'error', error, servers: [] };
}
