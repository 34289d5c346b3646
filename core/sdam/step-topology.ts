/**
 * `stepTopology(state, input, nowMs)`: the one entry point of the topology machine after
 * `createTopology`, following core/machine.ts (time going backwards is clamped and reported;
 * an input that does not fit the state is ignored with an `inputIgnored` event). It dispatches
 * each typed input to its handler (topology.ts, error-handling.ts).
 */
import { applyApplicationError, type ApplicationErrorInput } from './error-handling.js';
import {
  applyCheckFailure,
  applyHello,
  closeTopology,
  markScanned,
  requireFiniteNowMs,
  type CheckFailureInput,
  type HelloInput,
  type TopologyResult,
  type TopologyState,
  type TopologyStepEvent,
} from './topology.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { clockWentBackwards, inputIgnored, inputTypeOf, stepTimeMs } from '../machine.js';

export type TopologyInput =
  /** A successful monitor check (or handshake): SDAM "Updating the TopologyDescription". */
  | ({ readonly type: 'hello' } & HelloInput)
  /** A failed monitor check (server-monitoring.md "Network or command error during server check"). */
  | ({ readonly type: 'checkFailure' } & CheckFailureInput)
  /** An error an application operation saw (SDAM "Application errors"). */
  | ({ readonly type: 'applicationError' } & ApplicationErrorInput)
  /** Single-threaded clients: a full scan completed, the topology is no longer stale. */
  | { readonly type: 'scanCompleted' }
  /** SDAM "Client closing". Later inputs are ignored. */
  | { readonly type: 'close' };

export type TopologyInputType = TopologyInput['type'];

const noActions: readonly never[] = Object.freeze([]);

export function stepTopology(state: TopologyState, input: TopologyInput, nowMs: number): TopologyResult {
  requireFiniteNowMs(nowMs);
  if (input === null || typeof input !== 'object') throw new MongoInvalidArgumentError('topology input must be an object with a type');
  // A hostile input (a Proxy whose traps throw, a getter) gets the typed error, never another throw.
  let type: unknown;
  try {
    type = input.type;
  } catch {
    throw new MongoInvalidArgumentError('topology input could not be read: reading its "type" threw');
  }
  if (typeof type !== 'string') throw new MongoInvalidArgumentError(`topology input must have a string type, got ${typeof type}`);
  const clock = clockWentBackwards('topology', nowMs, state.lastNowMs);
  const now = stepTimeMs(nowMs, state.lastNowMs);
  const misfit = misfitReason(state, input);
  // A step that changes nothing returns the very state it was given (no allocation, and
  // `lastNowMs` stays the time of the last change: the times stored in the state are what
  // must stay monotonic); every new state records the time its step ran at.
  const result = misfit !== null ? ignoredInput(state, input, misfit) : dispatch(state, input, now);
  return clock === null ? result : { ...result, events: [clock, ...result.events] };
}

function dispatch(state: TopologyState, input: TopologyInput, now: number): TopologyResult {
  switch (input.type) {
    case 'hello':
      return applyHello(state, input, now);
    case 'checkFailure':
      return applyCheckFailure(state, input, now);
    case 'applicationError':
      return applyApplicationError(state, input, now);
    case 'scanCompleted':
      return markScanned(state, now);
    case 'close':
      return closeTopology(state, now);
    default:
      throw new MongoInvalidArgumentError(`unknown topology input type ${JSON.stringify(inputTypeOf(input))} (expected hello, checkFailure, applicationError, scanCompleted or close)`);
  }
}

/** core/machine.ts rule (b): why `input` does not fit `state`, or null when it does. */
function misfitReason(state: TopologyState, input: TopologyInput): string | null {
  if (state.closed) return 'the topology is closed';
  // load-balancers.md: a load balancer is never monitored; its description stays LoadBalancer.
  if (state.settings.loadBalanced && (input.type === 'hello' || input.type === 'checkFailure')) return 'a load-balanced topology is not monitored';
  return null;
}

function ignoredInput(state: TopologyState, input: TopologyInput, reason: string): TopologyResult {
  const events: TopologyStepEvent[] = [inputIgnored('topology', inputTypeOf(input), state.closed ? 'closed' : 'loadBalanced', reason)];
  return { state, actions: noActions, events, warnings: [] };
}
