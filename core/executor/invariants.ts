/**
 * Invariants of the executor state, checked after every step (a violation is a bug here). The
 * phase types already make most of them hold by construction; the checker also reads states
 * built by hand (tests, a fuzzer) that break the types, so it reads every field defensively.
 */
import { maxAttempts } from './constants.js';
import type { ExecutorPhase, ExecutorState } from './types.js';

/** Any phase's fields, all optional: what a hand-built state may hold. */
interface LooseState {
  readonly phase?: unknown;
  readonly operation?: { readonly pinnedAddress?: string | null } | null;
  readonly attempt?: number;
  readonly server?: { readonly address: string } | null;
  readonly connection?: unknown;
  readonly inFlight?: unknown;
  readonly commandsStarted?: number;
  readonly commandsFinished?: number;
  readonly failures?: readonly unknown[];
  readonly deprioritized?: readonly string[];
  readonly outcome?: unknown;
}

const progressFields = ['phase', 'operation', 'random', 'topology', 'operationCounts', 'attempt', 'retryableWrite', 'failures', 'deprioritized', 'commandsStarted', 'commandsFinished', 'lastNowMs'];

/** Each phase holds only its own fields. */
const phaseFields: { readonly [P in ExecutorPhase]: ReadonlySet<string> } = {
  idle: new Set(['phase', 'options', 'lastNowMs']),
  selecting: new Set([...progressFields, 'selectionStartMs', 'wakeAtMs', 'waitReported']),
  checkingOut: new Set([...progressFields, 'server']),
  awaitingReply: new Set([...progressFields, 'server', 'connection', 'inFlight']),
  done: new Set(['phase', 'outcome', 'attempt', 'commandsStarted', 'commandsFinished', 'lastNowMs']),
};

export function executorInvariantViolations(state: ExecutorState): string[] {
  const problems: string[] = [];
  const s: LooseState = state;
  const phase = state.phase;
  const attempt = s.attempt ?? 0;
  const commandsStarted = s.commandsStarted ?? 0;
  const commandsFinished = s.commandsFinished ?? 0;
  const failures = s.failures ?? [];
  const deprioritized = s.deprioritized ?? [];
  const inFlight = s.inFlight ?? null;
  const connection = s.connection ?? null;
  const server = s.server ?? null;
  const outcome = s.outcome ?? null;
  const operation = s.operation ?? null;
  const own = phaseFields[phase];
  if (own === undefined) problems.push(`unknown phase ${String(phase)}`);
  else for (const key of Object.keys(state)) if (!own.has(key)) problems.push(`phase ${phase} holds ${key}`);
  if (!(attempt >= 0 && attempt <= maxAttempts)) problems.push(`attempt ${attempt} outside 0..${maxAttempts}`);
  // A start that fails validation ends in 'done' without an operation.
  const running = phase !== 'idle' && phase !== 'done';
  if (phase === 'idle' && operation !== null) problems.push('phase idle with an operation');
  if (running && operation === null) problems.push(`phase ${phase} without an operation`);
  const awaiting = phase === 'awaitingReply';
  // "never send on a connection not checked out": a command is in flight only on the held connection.
  if (awaiting !== (inFlight !== null)) problems.push(`phase ${phase} with${inFlight === null ? 'out' : ''} a command in flight`);
  if (awaiting !== (connection !== null)) problems.push(`phase ${phase} with${connection === null ? 'out' : ''} a connection held`);
  if ((phase === 'checkingOut' || awaiting) && server === null) problems.push(`phase ${phase} without a selected server`);
  // Every commandStarted gets exactly one commandSucceeded or commandFailed.
  const open = commandsStarted - commandsFinished;
  if (open !== (inFlight === null ? 0 : 1)) problems.push(`${commandsStarted} commands started, ${commandsFinished} finished, ${inFlight === null ? 'none' : 'one'} in flight`);
  if (commandsStarted > attempt) problems.push(`${commandsStarted} commands sent in ${attempt} attempts`);
  if (failures.length > attempt) problems.push(`${failures.length} failures in ${attempt} attempts`);
  if ((phase === 'done') !== (outcome !== null)) problems.push(`phase ${phase} with${outcome === null ? 'out' : ''} an outcome`);
  // server-selection.md "Cursors": a pinned operation goes only to its server, and only once.
  const pinned = operation?.pinnedAddress ?? null;
  if (pinned !== null && attempt > 1) problems.push(`pinned operation reached attempt ${attempt}`);
  if (pinned !== null && server !== null && server.address !== pinned) problems.push(`pinned to ${pinned} but using ${server.address}`);
  if (deprioritized.length > maxAttempts - 1) problems.push(`${deprioritized.length} deprioritized servers`);
  return problems;
}
