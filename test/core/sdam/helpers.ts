/** Shared builders for the SDAM core tests. */
import { parseConnectionString } from '../../../core/uri/parse.js';
import { createTopology, stepTopology, type ApplicationErrorInput, type CheckFailureInput, type TopologyOptions, type TopologyResult, type TopologyState } from '../../../core/sdam/index.js';
import type { ConnectionOptions, ConnectionString } from '../../../core/uri/types.js';

export function topology(uri: string, options: Omit<TopologyOptions, 'connectionString'> = {}): TopologyResult {
  return createTopology({ connectionString: parseConnectionString(uri), ...options }, 0);
}

/** A ConnectionString built by hand, for combinations a parser might already reject. */
export function connectionString(hosts: string[], options: ConnectionOptions = {}): ConnectionString {
  return {
    scheme: 'mongodb',
    hosts: hosts.map((h) => ({ type: 'hostname' as const, host: h, port: null })),
    auth: null,
    database: null,
    options,
    warnings: [],
  };
}

export function primary(hosts: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ok: 1, helloOk: true, isWritablePrimary: true, setName: 'rs', hosts, minWireVersion: 0, maxWireVersion: 21, ...extra };
}

export function secondary(hosts: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ok: 1, helloOk: true, isWritablePrimary: false, secondary: true, setName: 'rs', hosts, minWireVersion: 0, maxWireVersion: 21, ...extra };
}

export function hello(state: TopologyState, address: string, reply: unknown, now = 1, roundTripTime = 5): TopologyResult {
  return stepTopology(state, { type: 'hello', address, reply, roundTripTime }, now);
}

/** The inputs of stepTopology, one helper each. */
export function applyApplicationError(state: TopologyState, input: ApplicationErrorInput, now: number): TopologyResult {
  return stepTopology(state, { type: 'applicationError', ...input }, now);
}

export function applyCheckFailure(state: TopologyState, input: CheckFailureInput, now: number): TopologyResult {
  return stepTopology(state, { type: 'checkFailure', ...input }, now);
}

export function markScanned(state: TopologyState, now: number): TopologyResult {
  return stepTopology(state, { type: 'scanCompleted' }, now);
}

export function closeTopology(state: TopologyState, now: number): TopologyResult {
  return stepTopology(state, { type: 'close' }, now);
}

export function eventNames(result: TopologyResult): string[] {
  return result.events.map((e) => ('address' in e ? `${e.name}:${e.address}` : e.name));
}
