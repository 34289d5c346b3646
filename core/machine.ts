/**
 * The one contract every core machine follows (SDAM topology, monitor, pool, executor):
 *
 *   create(options, nowMs)       → { state, actions, events }
 *   step(state, input, nowMs)    → { state, actions, events }
 *
 * `nowMs` is milliseconds on the caller's clock; the machine never reads a clock. A step never
 * mutates the state it is given. Two situations are handled the same way by every machine:
 *
 * (a) Time going backwards (`nowMs` earlier than the previous step's): the step runs at the
 *     last time seen instead, and a `clockWentBackwards` event reports both times. Why clamp
 *     rather than throw: a driver's clock source may step back (a wall clock adjusted by NTP,
 *     a port that mixes clocks), and that must neither crash a client in the middle of a
 *     step (leaving the other machines half-driven) nor be accepted silently. Clamping keeps
 *     every stored time, deadline and duration monotonic, so each machine's invariants
 *     (durations >= 0, minHeartbeatFrequencyMS, wait-queue deadlines) still hold; the event
 *     makes the faulty clock visible.
 *
 * (b) An input that does not fit the current state (a reply when no command is in flight, a
 *     hello after the topology closed, a checkIn of a connection that is not checked out):
 *     ignored — state unchanged (at most its `lastNowMs` moves on), no actions except what
 *     hands a resource back (a stray connection is checked back in) — with an `inputIgnored`
 *     event naming the machine, the input and the state it met. Never a throw: most such
 *     inputs are races between the machine and the world (a late report after a close), and
 *     the rest are the caller's bookkeeping slips, which must not take a client down either.
 *
 * What is not a misfit: inputs the specifications themselves say to ignore (an error from an
 * older pool generation, a hello with an older topologyVersion, a hello from a server no
 * longer in the topology, a reply to a cancelled check, a timer armed for a selection that
 * has ended) are ordinary outcomes and stay silent. Malformed inputs (wrong shape, a non-finite `nowMs`) keep each machine's
 * documented handling: a MongoInvalidArgumentError naming the bad part (sdam, monitor, pool)
 * or, in the executor, which never throws, an `inputIgnored` event or a failed operation.
 */

/** What create and step return. */
export interface Step<S, A, E> {
  readonly state: S;
  readonly actions: readonly A[];
  readonly events: readonly E[];
}

export type MachineName = 'topology' | 'monitor' | 'pool' | 'executor';

/** Rule (b): an input that does not fit the current state was ignored. */
export interface InputIgnoredEvent {
  readonly name: 'inputIgnored';
  readonly machine: MachineName;
  /** The input's `type` (bounded). */
  readonly input: string;
  /** The phase or status the input met (e.g. `closed`, `awaitingReply`). */
  readonly state: string;
  /** Why it does not fit (bounded; never credentials). */
  readonly reason: string;
}

/** Rule (a): `nowMs` was earlier than the last step's; the step ran at `lastNowMs`. */
export interface ClockWentBackwardsEvent {
  readonly name: 'clockWentBackwards';
  readonly machine: MachineName;
  /** The time the caller gave. */
  readonly nowMs: number;
  /** The time the step ran at instead: the latest time seen before. */
  readonly lastNowMs: number;
}

/** The events every machine may emit besides its own. */
export type MachineEvent = InputIgnoredEvent | ClockWentBackwardsEvent;

/** Safety bound on the strings an `inputIgnored` event carries. */
export const maxIgnoredTextChars = 300;

export function inputIgnored(machine: MachineName, input: string, state: string, reason: string): InputIgnoredEvent {
  return { name: 'inputIgnored', machine, input: input.slice(0, maxIgnoredTextChars), state: state.slice(0, maxIgnoredTextChars), reason: reason.slice(0, maxIgnoredTextChars) };
}

/**
 * Rule (a): the time a step runs at: `nowMs`, or `lastNowMs` when `nowMs` is earlier. Pair it
 * with `clockWentBackwards`, which says whether to report it.
 */
export function stepTimeMs(nowMs: number, lastNowMs: number): number {
  return nowMs < lastNowMs ? lastNowMs : nowMs;
}

/** Rule (a): the event reporting a `nowMs` earlier than `lastNowMs`, or null (no allocation on the usual path: SDAM updates are hot). */
export function clockWentBackwards(machine: MachineName, nowMs: number, lastNowMs: number): ClockWentBackwardsEvent | null {
  return nowMs < lastNowMs ? { name: 'clockWentBackwards', machine, nowMs, lastNowMs } : null;
}

/** The `type` of an input for an `inputIgnored` event, whatever was passed. */
export function inputTypeOf(input: unknown): string {
  if (input === null || typeof input !== 'object') return 'unknown';
  const type = (input as { type?: unknown }).type;
  return typeof type === 'string' ? type : 'unknown';
}
