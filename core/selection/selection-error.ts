/**
 * The server selection error: names the operation, the mode, the tags, every known server
 * with its type and why it was not suitable, and the time waited — instead of the opaque
 * "Server selection timed out after 30000 ms".
 */
import { MongoServerSelectionError } from '../errors.js';
import type { TopologyDescription } from '../sdam/types.js';
import { describeSelector } from './describe.js';
import { explainUnsuitable, topologyReason, type UnsuitableServer } from './explain.js';
import type { Selector } from './selector.js';

/** Bound on the servers listed in one message; the rest are counted. */
export const maxServersInErrorMessage = 100;

export interface SelectionFailure {
  readonly message: string;
  readonly servers: readonly UnsuitableServer[];
}

export function describeSelectionFailure(
  topology: TopologyDescription,
  selector: Selector,
  waitedMs: number,
  options: { readonly applicationSelector?: boolean } = {},
): SelectionFailure {
  let servers = explainUnsuitable(topology, selector);
  if (options.applicationSelector) {
    // The spec rules accepted these; the application-provided serverSelector removed them.
    servers = servers.map((s) => (s.reason === 'suitable' ? { ...s, reason: 'suitable, but removed by the application serverSelector' } : s));
  }
  const summary = topologyReason(topology, selector);
  const setName = topology.setName ? ` (replica set ${topology.setName})` : '';
  const listed = servers
    .slice(0, maxServersInErrorMessage)
    .map((s) => `${s.address} ${s.type}: ${s.reason}`)
    .join('; ');
  const more = servers.length > maxServersInErrorMessage ? `; and ${servers.length - maxServersInErrorMessage} more` : '';
  const message =
    `Server selection timed out after ${Math.max(0, Math.round(waitedMs))} ms: no suitable server for ` +
    `${describeSelector(selector)} in topology type ${topology.type}${setName}` +
    (summary ? `; ${summary}` : '') +
    (servers.length > 0 ? `. Servers: ${listed}${more}` : '') +
    '.';
  return { message, servers };
}

export function serverSelectionError(
  topology: TopologyDescription,
  selector: Selector,
  waitedMs: number,
): MongoServerSelectionError {
  return new MongoServerSelectionError(describeSelectionFailure(topology, selector, waitedMs).message);
}
