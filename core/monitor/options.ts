/**
 * Monitor configuration: validation with errors that name the bad option, and the
 * serverMonitoringMode decision (server-monitoring.md "serverMonitoringMode").
 */
import { MongoInvalidArgumentError } from '../errors.js';
import type { ConnectionOptions } from '../uri/types.js';
import { defaultConnectTimeoutMS, defaultHeartbeatFrequencyMS, maxTimerDelayMS, minHeartbeatFrequencyMS } from './constants.js';

export type ServerMonitoringMode = NonNullable<ConnectionOptions['serverMonitoringMode']>;

const serverMonitoringModes: readonly ServerMonitoringMode[] = ['auto', 'stream', 'poll'];

export interface MonitorOptionsInput {
  /** The monitored server, "host:port". */
  readonly address: string;
  readonly heartbeatFrequencyMS?: number;
  readonly serverMonitoringMode?: ServerMonitoringMode;
  /**
   * Whether the client runs on a FaaS platform (AWS Lambda, ...), detected by the caller with
   * the handshake spec's `client.env` rules. The core never reads the environment itself.
   */
  readonly isFaaS?: boolean;
  /** 0 means no timeout. */
  readonly connectTimeoutMS?: number;
}

export interface MonitorOptions {
  readonly address: string;
  readonly heartbeatFrequencyMS: number;
  readonly serverMonitoringMode: ServerMonitoringMode;
  readonly isFaaS: boolean;
  readonly connectTimeoutMS: number;
}

function checkMillis(name: string, value: number, min: number, why: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > maxTimerDelayMS) {
    throw new MongoInvalidArgumentError(`${name} must be a number of milliseconds between ${min} and ${maxTimerDelayMS}${why}, got ${String(value)}`);
  }
}

/** Fills defaults and rejects anything unusable, naming the option. */
export function resolveMonitorOptions(input: MonitorOptionsInput): MonitorOptions {
  if (input === null || typeof input !== 'object') throw new MongoInvalidArgumentError('monitor options must be an object');
  if (typeof input.address !== 'string' || input.address.length === 0) {
    throw new MongoInvalidArgumentError('monitor option address must be a non-empty "host:port" string');
  }
  const heartbeatFrequencyMS = input.heartbeatFrequencyMS ?? defaultHeartbeatFrequencyMS;
  // server-monitoring.md "heartbeatFrequencyMS": MUST NOT be configurable below minHeartbeatFrequencyMS.
  checkMillis('heartbeatFrequencyMS', heartbeatFrequencyMS, minHeartbeatFrequencyMS, ` (minHeartbeatFrequencyMS is ${minHeartbeatFrequencyMS})`);
  const serverMonitoringMode = input.serverMonitoringMode ?? 'auto';
  if (!serverMonitoringModes.includes(serverMonitoringMode)) {
    throw new MongoInvalidArgumentError(`serverMonitoringMode must be one of ${serverMonitoringModes.join(', ')}, got ${String(serverMonitoringMode)}`);
  }
  const isFaaS = input.isFaaS ?? false;
  if (typeof isFaaS !== 'boolean') throw new MongoInvalidArgumentError(`isFaaS must be a boolean, got ${String(isFaaS)}`);
  const connectTimeoutMS = input.connectTimeoutMS ?? defaultConnectTimeoutMS;
  checkMillis('connectTimeoutMS', connectTimeoutMS, 0, '');
  return { address: input.address, heartbeatFrequencyMS, serverMonitoringMode, isFaaS, connectTimeoutMS };
}

/**
 * server-monitoring.md "serverMonitoringMode" / "Streaming disabled": `poll` never streams,
 * `stream` streams whenever the server supports it, `auto` behaves like `poll` on a FaaS
 * platform and like `stream` elsewhere. Server support (topologyVersion) is checked per reply.
 */
export function isStreamingEnabled(options: Pick<MonitorOptions, 'serverMonitoringMode' | 'isFaaS'>): boolean {
  switch (options.serverMonitoringMode) {
    case 'poll':
      return false;
    case 'stream':
      return true;
    case 'auto':
      return !options.isFaaS;
  }
}
