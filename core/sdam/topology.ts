/**
 * The topology state machine's state and its handlers: `createTopology(options, nowMs)` here,
 * `stepTopology(state, input, nowMs)` in step-topology.ts dispatching to the handlers below
 * (the contract of core/machine.ts).
 *
 * It owns the TopologyDescription, the per-server pool generation (CMAP), and the SDAM
 * events; the transition rules themselves live in transitions.ts. Nothing here does I/O or
 * reads a clock: `now` (ms, caller's clock) is an argument and the caller carries out the
 * returned actions.
 */
import { normalizeAddress, seedAddress } from './address.js';
import { defaultHeartbeatFrequencyMS, defaultLocalThresholdMS, maxServersPerTopology } from './constants.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { parseHello } from './hello.js';
import {
  boundErrorMessage,
  compareTopologyVersion,
  isDataBearing,
  loadBalancerServerDescription,
  serverDescriptionsEqual,
  unknownServerDescription,
} from './server-description.js';
import { ServerMap } from './server-map.js';
import { TopologyDraft, applyToDraft, type TransitionSettings } from './transitions.js';
import type { TopologyAction } from './actions.js';
import type { TopologyEvent, TopologyId } from './events.js';
import type { ServerDescription, TopologyDescription, TopologyType, TopologyVersion } from './types.js';
import type { ConnectionString } from '../uri/types.js';
import type { MachineEvent, Step } from '../machine.js';

/**
 * How the client monitors (SDAM "Monitoring"). Multi-threaded/asynchronous clients request
 * immediate checks; single-threaded clients use PossiblePrimary and the topology's `stale` flag.
 */
export type MonitoringMode = 'multiThreaded' | 'singleThreaded';

export interface TopologyOptions {
  /** The parsed connection string: seeds and the options SDAM reads (replicaSet, directConnection, loadBalanced, heartbeatFrequencyMS, localThresholdMS). */
  readonly connectionString: ConnectionString;
  /** Identifies this topology in events ("Topology IDs"). Default 0. */
  readonly topologyId?: TopologyId;
  /** Default 'multiThreaded'. The official SDAM spec tests expect 'singleThreaded' (PossiblePrimary). */
  readonly monitoringMode?: MonitoringMode;
}

/** CMAP pool generation of one server; in load-balanced mode, also per serviceId. */
export interface PoolGenerationState {
  readonly generation: number;
  readonly serviceGenerations: ReadonlyMap<string, number>;
}

export interface TopologySettings extends TransitionSettings {
  readonly monitoringMode: MonitoringMode;
  readonly loadBalanced: boolean;
}

export interface TopologyState {
  readonly topologyId: TopologyId;
  readonly description: TopologyDescription;
  /** Keyed by server address; present exactly for the servers in `description.servers`. */
  readonly pools: ReadonlyMap<string, PoolGenerationState>;
  readonly settings: TopologySettings;
  readonly closed: boolean;
  /** The latest `nowMs` seen (core/machine.ts rule (a): a step never runs earlier). */
  readonly lastNowMs: number;
}

/** What the topology publishes: the SDAM events plus the notices every machine may emit. */
export type TopologyStepEvent = TopologyEvent | MachineEvent;

export interface TopologyResult extends Step<TopologyState, TopologyAction, TopologyStepEvent> {
  /** Things the spec says to warn about (no seeds, last server removed, limits reached, ignored input). */
  readonly warnings: readonly string[];
}

/** A successful monitor check (or handshake) of `address`. */
export interface HelloInput {
  readonly address: string;
  /** The hello or legacy hello reply document, as decoded. Any shape is accepted. */
  readonly reply: unknown;
  /** Averaged RTT in ms from the monitor. */
  readonly roundTripTime: number;
  readonly minRoundTripTime?: number | null;
}

/** A failed monitor check of `address` (server-monitoring.md "Network or command error during server check"). */
export interface CheckFailureInput {
  readonly address: string;
  /** `timeout` clears the pool with interruptInUseConnections (server-monitoring.md). */
  readonly kind: 'network' | 'timeout' | 'command';
  /** Description of the failure; stored as the server's error. Must not contain credentials. */
  readonly message: string;
}

const emptyServiceGenerations: ReadonlyMap<string, number> = new Map();
const freshPool: PoolGenerationState = Object.freeze({ generation: 0, serviceGenerations: emptyServiceGenerations });
const noEvents: readonly TopologyStepEvent[] = Object.freeze([]);
const noActions: readonly TopologyAction[] = Object.freeze([]);

/** SDAM events API: "previousDescription" of the first TopologyDescriptionChangedEvent. */
function emptyDescription(heartbeatFrequencyMS: number, localThresholdMS: number): TopologyDescription {
  return Object.freeze({
    type: 'Unknown',
    setName: null,
    maxSetVersion: null,
    maxElectionId: null,
    servers: ServerMap.empty,
    stale: false,
    compatible: true,
    compatibilityError: null,
    logicalSessionTimeoutMinutes: null,
    heartbeatFrequencyMS,
    localThresholdMS,
  });
}

/**
 * SDAM "Initial TopologyDescription" from a parsed connection string. Does no I/O (SDAM
 * "Client construction"). Throws MongoInvalidArgumentError for the combinations SDAM
 * "Allowed configuration combinations" forbids.
 */
export function createTopology(options: TopologyOptions, nowMs: number): TopologyResult {
  if (options === null || typeof options !== 'object' || options.connectionString === null || typeof options.connectionString !== 'object') {
    throw new MongoInvalidArgumentError('createTopology needs options.connectionString, a parsed connection string');
  }
  requireFiniteNowMs(nowMs);
  const now = nowMs;
  const connectionString = options.connectionString;
  const opts = connectionString.options;
  const seeds = [...new Set(connectionString.hosts.map(seedAddress))];
  const setName = typeof opts.replicaSet === 'string' ? opts.replicaSet : null;
  const directConnection = opts.directConnection === true;
  const loadBalanced = opts.loadBalanced === true;
  if (directConnection && seeds.length > 1) throw new MongoInvalidArgumentError('directConnection=true cannot be used with multiple seeds');
  if (loadBalanced && directConnection) throw new MongoInvalidArgumentError('loadBalanced=true cannot be used with directConnection=true');
  if (loadBalanced && setName !== null) throw new MongoInvalidArgumentError('loadBalanced=true cannot be used with replicaSet');
  if (loadBalanced && seeds.length > 1) throw new MongoInvalidArgumentError('loadBalanced=true cannot be used with multiple hosts');
  if (seeds.length > maxServersPerTopology) throw new MongoInvalidArgumentError(`the seed list has ${seeds.length} hosts, more than maxServersPerTopology (${maxServersPerTopology})`);

  // SDAM "Initial TopologyType" table; load-balancers.md for LoadBalanced.
  const type: TopologyType = loadBalanced ? 'LoadBalanced' : directConnection ? 'Single' : setName !== null ? 'ReplicaSetNoPrimary' : 'Unknown';
  const heartbeatFrequencyMS = positiveNumber(opts.heartbeatFrequencyMS) ?? defaultHeartbeatFrequencyMS;
  const localThresholdMS = nonNegativeNumber(opts.localThresholdMS) ?? defaultLocalThresholdMS;
  const monitoringMode = options.monitoringMode ?? 'multiThreaded';
  const settings: TopologySettings = Object.freeze({
    seedCount: seeds.length,
    markPossiblePrimary: monitoringMode === 'singleThreaded',
    monitoringMode,
    loadBalanced,
  });
  const topologyId = options.topologyId ?? 0;

  const servers = ServerMap.from(seeds.map((address) => unknownServerDescription(address)));
  const pools = new Map<string, PoolGenerationState>();
  for (const address of seeds) pools.set(address, freshPool);
  const empty = emptyDescription(heartbeatFrequencyMS, localThresholdMS);
  const description: TopologyDescription = Object.freeze({ ...empty, type, setName, servers });

  const events: TopologyStepEvent[] = [
    { name: 'topologyOpening', topologyId },
    { name: 'topologyDescriptionChanged', topologyId, previousDescription: empty, newDescription: description },
  ];
  const actions: TopologyAction[] = [];
  for (const address of seeds) events.push({ name: 'serverOpening', topologyId, address });
  const warnings = seeds.length === 0 ? ['the topology was created with no seeds'] : [];

  let state: TopologyState = Object.freeze({ topologyId, description, pools, settings, closed: false, lastNowMs: now });
  if (!loadBalanced) {
    for (const address of seeds) actions.push({ type: 'startMonitoring', address });
    return { state, actions, events, warnings };
  }

  // load-balancers.md: the single server is a LoadBalancer from the start and is never monitored.
  const draft = new TopologyDraft(description, now);
  for (const address of seeds) {
    const before = draft.get(address);
    const lb = loadBalancerServerDescription(address, now);
    draft.replace(lb);
    if (before !== undefined) events.push({ name: 'serverDescriptionChanged', topologyId, address, previousDescription: before, newDescription: lb });
    actions.push({ type: 'readyPool', address });
  }
  const finished = draft.finish();
  events.push({ name: 'topologyDescriptionChanged', topologyId, previousDescription: description, newDescription: finished.description });
  state = Object.freeze({ ...state, description: finished.description });
  return { state, actions, events, warnings };
}

/**
 * `hello` input: a hello reply from a monitor check or a connection handshake. stepTopology has
 * already ignored it for a closed or load-balanced topology (core/machine.ts rule (b)).
 */
export function applyHello(state: TopologyState, input: HelloInput, now: number): TopologyResult {
  // Monitors report the address they were started with: a key of `servers`, already normalised.
  let previous = state.description.servers.get(input.address) ?? null;
  let address = input.address;
  if (previous === null) {
    const normalized = normalizeAddress(input.address);
    if (!normalized.ok) return ignored(state, `hello from an invalid address ignored: ${normalized.error}`);
    address = normalized.address;
    previous = state.description.servers.get(address) ?? null;
  }
  const server = parseHello(address, input.reply, input, now, previous);
  // A reply we cannot use (ok: 0 or malformed) is a failed check: clear the pool too.
  return updateServer(state, server, now, server.error === null ? null : { interruptInUseConnections: false });
}

/**
 * `checkFailure` input: a failed monitor check; mark Unknown and clear the pool
 * (server-monitoring.md "Error handling"). Not reached for a closed or load-balanced topology.
 */
export function applyCheckFailure(state: TopologyState, input: CheckFailureInput, now: number): TopologyResult {
  const address = normalizeAddress(input.address);
  if (!address.ok) return ignored(state, `check failure for an invalid address ignored: ${address.error}`);
  const message = typeof input.message === 'string' && input.message.length > 0 ? input.message : 'server check failed';
  const server = unknownServerDescription(address.address, { error: `${input.kind} error during server check: ${message}`, lastUpdateTime: now });
  return updateServer(state, server, now, { interruptInUseConnections: input.kind === 'timeout' });
}

/**
 * `close` input, SDAM "Client closing": remove every server, set the type Unknown, then TopologyClosedEvent
 * (the last event of the topology).
 */
export function closeTopology(state: TopologyState, now: number): TopologyResult {
  const { topologyId } = state;
  const draft = new TopologyDraft(state.description, now);
  for (const server of draft.servers()) draft.remove(server.address);
  draft.type = 'Unknown';
  const { description, changed } = draft.finish();
  const events: TopologyStepEvent[] = draft.removed.map((address) => ({ name: 'serverClosed', topologyId, address }) as const);
  if (changed) events.push({ name: 'topologyDescriptionChanged', topologyId, previousDescription: state.description, newDescription: description });
  events.push({ name: 'topologyClosed', topologyId });
  const actions: TopologyAction[] = draft.removed.map((address) => ({ type: 'stopMonitoring', address }) as const);
  return { state: Object.freeze({ ...state, description, pools: new Map(), closed: true, lastNowMs: now }), actions, events, warnings: [] };
}

/**
 * `scanCompleted` input. Single-threaded clients: a full scan has completed, so the topology is no longer "stale"
 * (SDAM "TopologyDescription.stale"; set by "not writable primary" and shutdown errors).
 */
export function markScanned(state: TopologyState, now: number): TopologyResult {
  if (!state.description.stale) return ignored(state, null);
  const draft = new TopologyDraft(state.description, now);
  draft.stale = false;
  const { description } = draft.finish();
  const events: TopologyStepEvent[] = [{ name: 'topologyDescriptionChanged', topologyId: state.topologyId, previousDescription: state.description, newDescription: description }];
  return { state: { ...state, description, lastNowMs: now }, actions: noActions, events, warnings: [] };
}

/** The current pool generation of a server (or of one service behind a load balancer); null when not in the topology. */
export function poolGeneration(state: TopologyState, address: string, serviceId: string | null = null): number | null {
  const pool = state.pools.get(address);
  if (pool === undefined) return null;
  return serviceId === null ? pool.generation : (pool.serviceGenerations.get(serviceId) ?? 0);
}

export interface PoolClear {
  readonly interruptInUseConnections: boolean;
  readonly serviceId?: string | null;
}

/** What else one update should do besides replacing the description. */
export interface UpdateExtras {
  /** Set the topology's `stale` flag (single-threaded "mark the topology stale"). */
  readonly markStale?: boolean;
  readonly afterActions?: readonly TopologyAction[];
}

/**
 * SDAM "Replacing the TopologyDescription" (`onServerDescriptionChanged`): ignore servers not
 * in the topology and descriptions older by topologyVersion, otherwise run the transition
 * rules, then (only then) clear the pool when asked.
 */
export function updateServer(state: TopologyState, server: ServerDescription, now: number, clear: PoolClear | null, extras: UpdateExtras = {}): TopologyResult {
  if (state.closed) return ignored(state, `update for ${server.address} ignored: the topology is closed`);
  const current = state.description.servers.get(server.address);
  // "the client MUST ignore hello or legacy hello outcomes from servers that are not in the TopologyDescription".
  if (current === undefined) return ignored(state, null);
  if (compareTopologyVersion(current.topologyVersion, server.topologyVersion) > 0) return ignored(state, null);

  const { topologyId, settings } = state;
  const draft = new TopologyDraft(state.description, now);
  applyToDraft(draft, server, settings);
  if (extras.markStale === true) draft.stale = true;
  const { description, changed } = draft.finish();

  const events: TopologyStepEvent[] = [];
  const kept = description.servers.get(server.address);
  const after = kept ?? server;
  // No server changed (the steady state): `after` equals `current` without comparing them again.
  if (draft.anyServerChanged && !serverDescriptionsEqual(current, after)) {
    events.push({ name: 'serverDescriptionChanged', topologyId, address: server.address, previousDescription: current, newDescription: after });
  }
  for (const address of draft.added) events.push({ name: 'serverOpening', topologyId, address });
  for (const address of draft.removed) events.push({ name: 'serverClosed', topologyId, address });
  if (changed) events.push({ name: 'topologyDescriptionChanged', topologyId, previousDescription: state.description, newDescription: description });

  const actions: TopologyAction[] = [];
  for (const address of draft.added) actions.push({ type: 'startMonitoring', address });
  for (const address of draft.removed) actions.push({ type: 'stopMonitoring', address });
  // SDAM "Connection Pool Management": ready the pool after a successful check of a data-bearing server or a direct connection.
  if (kept !== undefined && kept.error === null && (isDataBearing(kept.type) || (description.type === 'Single' && kept.type !== 'Unknown'))) {
    actions.push({ type: 'readyPool', address: server.address });
  }
  if (settings.monitoringMode === 'multiThreaded') for (const address of draft.checkRequests) actions.push({ type: 'requestImmediateCheck', address });

  let pools = state.pools;
  if (draft.added.length > 0 || draft.removed.length > 0) {
    const next = new Map(pools);
    for (const address of draft.added) next.set(address, freshPool);
    for (const address of draft.removed) next.delete(address);
    pools = next;
  }
  if (clear !== null && kept !== undefined) pools = clearPool(pools, server.address, clear, actions);
  if (extras.afterActions) actions.push(...extras.afterActions);

  // Invariant: exactly the servers in the description have a pool.
  if (pools.size !== description.servers.size) throw new Error(`invariant: ${pools.size} pools for ${description.servers.size} servers`);
  // Not frozen: freezing on every update costs more than the update; the types are readonly.
  const next: TopologyState = { topologyId, description, pools, settings, closed: false, lastNowMs: now };
  return { state: next, actions, events, warnings: draft.warnings };
}

/** CMAP "clear": bump the generation (of the server, or of one service) and tell the caller. */
export function clearPool(pools: ReadonlyMap<string, PoolGenerationState>, address: string, clear: PoolClear, actions: TopologyAction[]): ReadonlyMap<string, PoolGenerationState> {
  const pool = pools.get(address);
  if (pool === undefined) return pools;
  const serviceId = clear.serviceId ?? null;
  let nextPool: PoolGenerationState;
  let generation: number;
  if (serviceId === null) {
    generation = pool.generation + 1;
    nextPool = Object.freeze({ generation, serviceGenerations: pool.serviceGenerations });
  } else {
    generation = (pool.serviceGenerations.get(serviceId) ?? 0) + 1;
    const services = new Map(pool.serviceGenerations);
    services.set(serviceId, generation);
    nextPool = Object.freeze({ generation: pool.generation, serviceGenerations: services });
  }
  const next = new Map(pools);
  next.set(address, nextPool);
  actions.push({ type: 'clearPool', address, serviceId, generation, interruptInUseConnections: clear.interruptInUseConnections });
  return next;
}

export function ignored(state: TopologyState, warning: string | null): TopologyResult {
  return { state, actions: noActions, events: noEvents, warnings: warning === null ? [] : [warning] };
}

export function unknownFromError(address: string, message: string, topologyVersion: TopologyVersion | null, now: number): ServerDescription {
  return unknownServerDescription(address, { error: boundErrorMessage(message), topologyVersion, lastUpdateTime: now });
}

/** A malformed `nowMs` is a bad argument (core/machine.ts: malformed input keeps the machine's handling, here a throw). */
export function requireFiniteNowMs(nowMs: unknown): asserts nowMs is number {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new MongoInvalidArgumentError(`topology nowMs must be a finite number of milliseconds, got ${String(nowMs)}`);
}

function positiveNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function nonNegativeNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}
