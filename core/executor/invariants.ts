/** Invariants of the executor state, checked after every step (a violation is a bug here). */
import { maxAttempts } from './constants.js';
import type { ExecutorState } from './types.js';

export function executorInvariantViolations(state: ExecutorState): string[] {
  const problems: string[] = [];
  if (!(state.attempt >= 0 && state.attempt <= maxAttempts)) problems.push(`attempt ${state.attempt} outside 0..${maxAttempts}`);
  // A start that fails validation ends in 'done' without an operation.
  const running = state.phase !== 'idle' && state.phase !== 'done';
  if (state.phase === 'idle' && state.operation !== null) problems.push('phase idle with an operation');
  if (running && state.operation === null) problems.push(`phase ${state.phase} without an operation`);
  const awaiting = state.phase === 'awaitingReply';
  // "never send on a connection not checked out": a command is in flight only on the held connection.
  if (awaiting !== (state.inFlight !== null)) problems.push(`phase ${state.phase} with${state.inFlight === null ? 'out' : ''} a command in flight`);
  if (awaiting !== (state.connection !== null)) problems.push(`phase ${state.phase} with${state.connection === null ? 'out' : ''} a connection held`);
  if ((state.phase === 'checkingOut' || awaiting) && state.server === null) problems.push(`phase ${state.phase} without a selected server`);
  // Every commandStarted gets exactly one commandSucceeded or commandFailed.
  const open = state.commandsStarted - state.commandsFinished;
  if (open !== (state.inFlight === null ? 0 : 1)) problems.push(`${state.commandsStarted} commands started, ${state.commandsFinished} finished, ${state.inFlight === null ? 'none' : 'one'} in flight`);
  if (state.commandsStarted > state.attempt) problems.push(`${state.commandsStarted} commands sent in ${state.attempt} attempts`);
  if (state.failures.length > state.attempt) problems.push(`${state.failures.length} failures in ${state.attempt} attempts`);
  if ((state.phase === 'done') !== (state.outcome !== null)) problems.push(`phase ${state.phase} with${state.outcome === null ? 'out' : ''} an outcome`);
  // server-selection.md "Cursors": a pinned operation goes only to its server, and only once.
  const pinned = state.operation?.pinnedAddress ?? null;
  if (pinned !== null && state.attempt > 1) problems.push(`pinned operation reached attempt ${state.attempt}`);
  if (pinned !== null && state.server !== null && state.server.address !== pinned) problems.push(`pinned to ${pinned} but using ${state.server.address}`);
  if (state.deprioritized.length > maxAttempts - 1) problems.push(`${state.deprioritized.length} deprioritized servers`);
  return problems;
}
