/**
 * SDAM "Application errors" (the spec's `handleError` pseudocode): what a network error,
 * timeout or command error seen by an application operation does to the topology and pools.
 */
import { describeType, normalizeAddress } from './address.js';
import { errorText } from './hello.js';
import { commandErrorOf, isNotWritablePrimary, isShutdown, isStateChangeError, systemOverloadedErrorLabel, type CommandErrorFacts } from './application-errors.js';
import { compareTopologyVersion } from './server-description.js';
import { clearPool, ignored, poolGeneration, unknownFromError, updateServer, type TopologyResult, type TopologyState } from './topology.js';
import type { TopologyAction } from './actions.js';

export interface ApplicationErrorInput {
  readonly address: string;
  /** `network`: non-timeout network error; `timeout`: network timeout; `command`: a server reply with an error. */
  readonly kind: 'network' | 'timeout' | 'command';
  /** False while the connection's handshake (hello + authentication) had not completed. */
  readonly handshakeCompleted: boolean;
  /** SDAM "error generation number": the connection's pool generation. Default: the pool's current generation. */
  readonly generation?: number;
  /** The command reply, for `command` errors (`ok: 0`, or `writeConcernError`). */
  readonly response?: unknown;
  /** Labels on the error, e.g. `SystemOverloadedError` added by the pool (CMAP "Backpressure-enabled"). */
  readonly errorLabels?: readonly string[];
  /** Load-balanced mode: the service the connection belonged to. */
  readonly serviceId?: string | null;
  /** Description of a network error or timeout. Must not contain credentials. */
  readonly message?: string;
}

/** Applies one application error. Stale errors (by generation or topologyVersion) change nothing. Never throws. */
export function applyApplicationError(state: TopologyState, untrusted: ApplicationErrorInput, now: number): TopologyResult {
  const read = readApplicationError(untrusted, now);
  if (typeof read === 'string') return ignored(state, `application error ignored: ${read}`);
  const input = read;
  const normalized = normalizeAddress(input.address);
  if (!normalized.ok) return ignored(state, `application error for an invalid address ignored: ${normalized.error}`);
  const address = normalized.address;
  const current = state.description.servers.get(address);
  if (current === undefined || state.closed) return ignored(state, null);
  const loadBalanced = state.settings.loadBalanced;
  const serviceId = loadBalanced ? (input.serviceId ?? null) : null;

  // isStaleError, part 1: an error from a connection of an older pool generation.
  const currentGeneration = poolGeneration(state, address, serviceId) ?? 0;
  const generation = input.generation ?? currentGeneration;
  if (generation < currentGeneration) return ignored(state, null);

  const facts: CommandErrorFacts | null = input.kind === 'command' ? input.facts : null;
  // isStaleError, part 2: the error's topologyVersion is not newer than the server's.
  if (facts !== null && compareTopologyVersion(current.topologyVersion, facts.topologyVersion) >= 0) return ignored(state, null);

  const labels = [...input.errorLabels, ...(facts?.errorLabels ?? [])];
  const multiThreaded = state.settings.monitoringMode === 'multiThreaded';

  if (facts !== null && isStateChangeError(facts)) {
    const shutdown = isShutdown(facts.code);
    const followUp: TopologyAction[] = multiThreaded ? [{ type: 'requestImmediateCheck', address }] : [];
    // Single-threaded: "not writable primary" and "node is shutting down" mark the topology stale; "node is recovering" does not.
    const markStale = !multiThreaded && (shutdown || isNotWritablePrimary(facts.message, facts.code));
    // "When handling a 'not writable primary' or 'node is recovering' error, the client MUST clear the
    // server's connection pool if and only if the error is 'node is shutting down'."
    const clear = shutdown ? { interruptInUseConnections: false, serviceId } : null;
    if (loadBalanced) return clearOnly(state, address, clear, followUp);
    const message = `${facts.message || 'state change error'}${facts.code === null ? '' : ` (code ${facts.code})`}`;
    return updateServer(state, unknownFromError(address, message, facts.topologyVersion, now), now, clear, { markStale, afterActions: followUp });
  }

  const beforeHandshake = !input.handshakeCompleted;
  if (input.kind === 'network' || (beforeHandshake && (input.kind === 'timeout' || facts !== null))) {
    // CMAP backpressure: the pool labels overload errors so they neither mark Unknown nor clear.
    if (labels.includes(systemOverloadedErrorLabel)) return ignored(state, null);
    if (loadBalanced) {
      // load-balancers.md: keep the LoadBalancer description; clear only that service's connections.
      return clearOnly(state, address, serviceId === null ? null : { interruptInUseConnections: false, serviceId }, []);
    }
    const detail = facts !== null ? `${facts.message || 'command error'}${facts.code === null ? '' : ` (code ${facts.code})`}` : (input.message ?? '');
    const what = input.kind === 'command' ? 'command error' : input.kind === 'timeout' ? 'network timeout' : 'network error';
    const message = `${what} ${beforeHandshake ? 'before' : 'after'} handshake${detail ? `: ${detail}` : ''}`;
    // "Cancel inprogress check" (server-monitoring.md "hello or legacy hello Cancellation").
    return updateServer(state, unknownFromError(address, message, null, now), now, { interruptInUseConnections: false }, { afterActions: [{ type: 'cancelCheck', address }] });
  }
  // A timeout after the handshake may just be a slow operation; other command errors say nothing about the server.
  return ignored(state, null);
}

function clearOnly(state: TopologyState, address: string, clear: { interruptInUseConnections: boolean; serviceId: string | null } | null, followUp: TopologyAction[]): TopologyResult {
  const actions: TopologyAction[] = [];
  const pools = clear === null ? state.pools : clearPool(state.pools, address, clear, actions);
  actions.push(...followUp);
  return { state: pools === state.pools ? state : Object.freeze({ ...state, pools }), actions, events: [], warnings: [] };
}

const applicationErrorKinds: ReadonlySet<string> = new Set(['network', 'timeout', 'command']);

/** An application error as read once from the caller's object: plain values only. */
interface ApplicationErrorFacts {
  readonly address: unknown;
  readonly kind: ApplicationErrorInput['kind'];
  readonly handshakeCompleted: boolean;
  readonly generation: number | undefined;
  /** The response's error (`command` errors only; null when there is none or it cannot be read). */
  readonly facts: CommandErrorFacts | null;
  readonly errorLabels: readonly string[];
  readonly serviceId: string | null | undefined;
  readonly message: string | undefined;
}

/**
 * Reads and checks the input once, so the rules below meet only plain, valid values; returns
 * what is wrong instead when it cannot be used. A getter or Proxy that throws is bad input too.
 */
function readApplicationError(input: unknown, now: unknown): ApplicationErrorFacts | string {
  if (typeof now !== 'number' || !Number.isFinite(now)) return `now must be a finite number of ms, got ${shown(now)}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return `the input must be an object, got ${describeType(input)}`;
  try {
    const fields = input as Record<string, unknown>;
    const kind = fields.kind;
    if (typeof kind !== 'string' || !applicationErrorKinds.has(kind)) return `kind must be "network", "timeout" or "command", got ${shown(kind)}`;
    const handshakeCompleted = fields.handshakeCompleted;
    if (typeof handshakeCompleted !== 'boolean') return `handshakeCompleted must be a boolean, got ${shown(handshakeCompleted)}`;
    // SDAM "error generation number": a pool generation, a non-negative integer.
    const generation = fields.generation;
    if (generation !== undefined && (typeof generation !== 'number' || !Number.isSafeInteger(generation) || generation < 0)) {
      return `generation must be a non-negative integer, got ${shown(generation)}`;
    }
    const serviceId = fields.serviceId;
    if (serviceId !== undefined && serviceId !== null && typeof serviceId !== 'string') return `serviceId must be a string or null, got ${shown(serviceId)}`;
    const message = fields.message;
    const labels = fields.errorLabels;
    return {
      address: fields.address,
      kind: kind as ApplicationErrorInput['kind'],
      handshakeCompleted,
      generation,
      facts: kind === 'command' ? commandErrorOf(fields.response) : null,
      errorLabels: Array.isArray(labels) ? labels.filter((label): label is string => typeof label === 'string') : [],
      serviceId,
      message: typeof message === 'string' ? message : undefined,
    };
  } catch (error) {
    return `the input could not be read: ${errorText(error)}`;
  }
}

function shown(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : describeType(value);
}
