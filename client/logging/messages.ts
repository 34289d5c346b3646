/**
 * Log messages built from the runtime's structured events (core/ emits the events, the client
 * words them): the message names and field names are exactly those of
 * command-logging-and-monitoring.md "Log Messages", connection-monitoring-and-pooling.md
 * "Connection Pool Logging", server-discovery-and-monitoring-logging-and-monitoring.md "Log
 * Messages" and server-selection.md "Logging". Fields that are absent are left out, never
 * null (logging.md "Omitting Null Values from Log Messages").
 */
import { MongoServerError } from '../../core/errors.js';
import { redactFailureMessage } from '../../core/monitor/events.js';
import type { ServerDescription, TopologyDescription } from '../../core/sdam/types.js';
import type { ReadPreference } from '../../core/selection/read-preference.js';
import type { RuntimeEvent } from '../runtime/api.js';
import { documentText, truncateText } from './extended-json.js';
import type { LogComponent, SeverityLevel } from './severity.js';

export interface LogMessageSpec {
  readonly component: LogComponent;
  readonly level: SeverityLevel;
  /** Builds the message's fields; only called when the message will be written (logging.md "Performance Considerations"). */
  readonly data: (maxDocumentLength: number) => Record<string, unknown>;
}

type Fields = Record<string, unknown>;

/** "host:port" → serverHost and serverPort ("[::1]:27017" → "::1", 27017). */
export function hostPort(address: unknown): Fields {
  const text = String(address);
  const colon = text.lastIndexOf(':');
  const port = colon > 0 ? Number(text.slice(colon + 1)) : NaN;
  if (!Number.isInteger(port)) return { serverHost: text };
  const host = text.slice(0, colon);
  return { serverHost: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host, serverPort: port };
}

/** Copies the entries whose value is not null or undefined. */
function present(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

/**
 * logging.md "Representing Errors in Log Messages": a structured error with everything the
 * error class reports. A redacted server error (CLAM "Security": message emptied, only code,
 * codeName and errorLabels kept) has no `message`. Messages lose any credentials in URIs and
 * are cut at the max document length.
 */
export function errorFields(error: unknown, maxDocumentLength: number): Fields {
  if (!(error instanceof Error)) return { message: truncateText(redactFailureMessage(String(error)), maxDocumentLength) };
  const fields: Fields = { name: error.name };
  if (error.message !== '') fields.message = truncateText(redactFailureMessage(error.message), maxDocumentLength);
  if (error instanceof MongoServerError) {
    if (error.code !== undefined) fields.code = error.code;
    if (error.codeName !== undefined) fields.codeName = error.codeName;
    if (error.errorLabels.length > 0) fields.errorLabels = [...error.errorLabels];
  }
  return fields;
}

function serverSummary(s: ServerDescription): Fields {
  return present({ address: s.address, type: s.type, setName: s.setName, error: s.error === null ? null : redactFailureMessage(String(s.error)) });
}

/** SDAM "Topology Description Changed" / server selection "topologyDescription": a flexible string; here relaxed JSON of type, set name and servers. */
export function topologyText(topology: TopologyDescription | undefined, maxDocumentLength: number): string {
  if (topology === undefined) return '{}';
  const summary = present({ type: topology.type, setName: topology.setName, servers: [...topology.servers.values()].map(serverSummary) });
  return documentText(summary, maxDocumentLength);
}

/** server-selection.md "selector": the read preference (a write selects the primary). */
function selectorText(selector: ReadPreference | null | undefined, maxDocumentLength: number): string {
  if (selector === null || selector === undefined) return documentText({ mode: 'primary', operation: 'write' }, maxDocumentLength);
  return documentText(present({ mode: selector.mode, tagSets: selector.tagSets.length > 0 ? selector.tagSets : null, maxStalenessSeconds: selector.maxStalenessSeconds }), maxDocumentLength);
}

// ---- command (command-logging-and-monitoring.md "Log Messages"), debug -------------------------

function commandCommon(e: RuntimeEvent): Fields {
  return present({
    commandName: e.commandName,
    databaseName: e.databaseName,
    requestId: e.requestId,
    operationId: e.operationId,
    driverConnectionId: e.connectionId,
    ...hostPort(e.address),
    serverConnectionId: e.serverConnectionId,
    serviceId: e.serviceId,
  });
}

/** The command as sent: OP_MSG carries the database as `$db`. */
function sentCommand(e: RuntimeEvent): unknown {
  const command = (e.command ?? {}) as Fields;
  return Object.keys(command).length === 0 ? command : { ...command, $db: e.databaseName };
}

// ---- connection (connection-monitoring-and-pooling.md "Connection Pool Logging"), debug --------

const closedReasons: Readonly<Record<string, string>> = {
  stale: 'Connection became stale because the pool was cleared',
  idle: 'Connection has been available but unused for longer than the configured max idle time',
  error: 'An error occurred while using the connection',
  poolClosed: 'Connection pool was closed',
};

const checkOutFailedReasons: Readonly<Record<string, string>> = {
  timeout: 'Wait queue timeout elapsed without a connection becoming available',
  connectionError: 'An error occurred while trying to establish a new connection',
  poolClosed: 'Connection pool was closed',
};

type Builder = (e: RuntimeEvent, max: number, topologyId: number) => Fields;

interface Definition {
  readonly component: LogComponent;
  readonly level: SeverityLevel;
  readonly build: Builder;
}

const debug = (component: LogComponent, build: Builder): Definition => ({ component, level: 'debug', build });

/** Runtime event name → its log message. Events without an entry (retrying, warnings, machine notices) are not logged. */
const definitions: Readonly<Record<string, Definition>> = {
  commandStarted: debug('command', (e, max) => ({ message: 'Command started', ...commandCommon(e), command: documentText(sentCommand(e), max) })),
  commandSucceeded: debug('command', (e, max) => ({ message: 'Command succeeded', ...commandCommon(e), durationMS: e.duration, reply: documentText(e.reply ?? {}, max) })),
  commandFailed: debug('command', (e, max) => ({ message: 'Command failed', ...commandCommon(e), durationMS: e.duration, failure: errorFields(e.failure, max) })),

  connectionPoolCreated: debug('connection', (e) => ({ message: 'Connection pool created', ...hostPort(e.address), ...present((e.options ?? {}) as Fields) })),
  connectionPoolReady: debug('connection', (e) => ({ message: 'Connection pool ready', ...hostPort(e.address) })),
  connectionPoolCleared: debug('connection', (e) => present({ message: 'Connection pool cleared', ...hostPort(e.address), serviceId: e.serviceId })),
  connectionPoolClosed: debug('connection', (e) => ({ message: 'Connection pool closed', ...hostPort(e.address) })),
  connectionCreated: debug('connection', (e) => ({ message: 'Connection created', ...hostPort(e.address), driverConnectionId: e.connectionId })),
  connectionReady: debug('connection', (e) => ({ message: 'Connection ready', ...hostPort(e.address), driverConnectionId: e.connectionId, durationMS: e.durationMS })),
  connectionClosed: debug('connection', (e, max) => ({
    message: 'Connection closed',
    ...hostPort(e.address),
    driverConnectionId: e.connectionId,
    reason: closedReasons[String(e.reason)] ?? String(e.reason),
    ...(e.reason === 'error' && e.error !== null && e.error !== undefined ? { error: errorFields(e.error, max) } : {}),
  })),
  connectionCheckOutStarted: debug('connection', (e) => ({ message: 'Connection checkout started', ...hostPort(e.address) })),
  connectionCheckOutFailed: debug('connection', (e, max) => ({
    message: 'Connection checkout failed',
    ...hostPort(e.address),
    reason: checkOutFailedReasons[String(e.reason)] ?? String(e.reason),
    ...(e.reason === 'connectionError' && e.error !== undefined && e.error !== null ? { error: errorFields(e.error, max) } : {}),
    durationMS: e.durationMS,
  })),
  connectionCheckedOut: debug('connection', (e) => ({ message: 'Connection checked out', ...hostPort(e.address), driverConnectionId: e.connectionId, durationMS: e.durationMS })),
  connectionCheckedIn: debug('connection', (e) => ({ message: 'Connection checked in', ...hostPort(e.address), driverConnectionId: e.connectionId })),

  topologyOpening: debug('topology', (e) => ({ message: 'Starting topology monitoring', topologyId: e.topologyId })),
  topologyClosed: debug('topology', (e) => ({ message: 'Stopped topology monitoring', topologyId: e.topologyId })),
  serverOpening: debug('topology', (e) => ({ message: 'Starting server monitoring', topologyId: e.topologyId, ...hostPort(e.address) })),
  serverClosed: debug('topology', (e) => ({ message: 'Stopped server monitoring', topologyId: e.topologyId, ...hostPort(e.address) })),
  topologyDescriptionChanged: debug('topology', (e, max) => ({
    message: 'Topology description changed',
    topologyId: e.topologyId,
    previousDescription: topologyText(e.previousDescription as TopologyDescription, max),
    newDescription: topologyText(e.newDescription as TopologyDescription, max),
  })),
  serverHeartbeatStarted: debug('topology', (e, _max, topologyId) => ({ message: 'Server heartbeat started', ...heartbeatCommon(e, topologyId) })),
  serverHeartbeatSucceeded: debug('topology', (e, max, topologyId) => ({ message: 'Server heartbeat succeeded', ...heartbeatCommon(e, topologyId), durationMS: e.duration, reply: documentText(e.reply ?? {}, max) })),
  serverHeartbeatFailed: debug('topology', (e, max, topologyId) => ({ message: 'Server heartbeat failed', ...heartbeatCommon(e, topologyId), durationMS: e.duration, failure: errorFields(e.failure, max) })),

  serverSelectionStarted: debug('serverSelection', (e, max) => ({ message: 'Server selection started', ...selectionCommon(e, max) })),
  serverSelectionWaiting: {
    component: 'serverSelection',
    level: 'info',
    build: (e, max) => ({ message: 'Waiting for suitable server to become available', ...selectionCommon(e, max), remainingTimeMS: e.remainingTimeMS }),
  },
  serverSelectionSucceeded: debug('serverSelection', (e, max) => ({ message: 'Server selection succeeded', ...selectionCommon(e, max), ...hostPort(e.address) })),
  serverSelectionFailed: debug('serverSelection', (e, max) => ({ message: 'Server selection failed', ...selectionCommon(e, max), failure: errorFields(e.failure, max) })),
};

/** SDAM logging "Common Fields" of heartbeat messages (the event's connectionId is the server address). */
function heartbeatCommon(e: RuntimeEvent, topologyId: number): Fields {
  return present({ topologyId, ...hostPort(e.connectionId), driverConnectionId: e.driverConnectionId, serverConnectionId: e.serverConnectionId, awaited: e.awaited });
}

function selectionCommon(e: RuntimeEvent, max: number): Fields {
  return present({
    selector: selectorText(e.selector as ReadPreference | null, max),
    operationId: e.operationId,
    operation: e.operation,
    topologyDescription: topologyText(e.topology as TopologyDescription, max),
  });
}

/** The log message an event maps to, or null when the event is not logged. */
export function logMessageFor(event: RuntimeEvent, topologyId: number): LogMessageSpec | null {
  const definition = Object.hasOwn(definitions, event.name) ? definitions[event.name]! : null;
  if (definition === null) return null;
  return { component: definition.component, level: definition.level, data: (max) => definition.build(event, max, topologyId) };
}
