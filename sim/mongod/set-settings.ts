/**
 * Replica set timing settings as a member reads them from its current config (the server
 * defaults before it has one), and "which member of the config am I".
 */
import {
  type MemberConfig, type ReplSetConfig, defaultCatchUpTimeoutMillis, defaultElectionTimeoutMillis,
  defaultHeartbeatIntervalMillis, defaultHeartbeatTimeoutSecs,
} from './config.js';

export function heartbeatIntervalMs(config: ReplSetConfig | null): number {
  return config?.settings?.heartbeatIntervalMillis ?? defaultHeartbeatIntervalMillis;
}

export function electionTimeoutMs(config: ReplSetConfig | null): number {
  return config?.settings?.electionTimeoutMillis ?? defaultElectionTimeoutMillis;
}

export function heartbeatTimeoutMs(config: ReplSetConfig | null): number {
  return (config?.settings?.heartbeatTimeoutSecs ?? defaultHeartbeatTimeoutSecs) * 1000;
}

/** catchUpTimeoutMillis; negative means "no limit". */
export function catchUpTimeoutMillis(config: ReplSetConfig | null): number {
  return config?.settings?.catchUpTimeoutMillis ?? defaultCatchUpTimeoutMillis;
}

export function memberOf(config: ReplSetConfig | null, host: string): MemberConfig | undefined {
  if (config === null) return undefined;
  // A plain loop rather than find() with a closure: this runs on every heartbeat reply and tick.
  for (const m of config.members) if (m.host === host) return m;
  return undefined;
}
