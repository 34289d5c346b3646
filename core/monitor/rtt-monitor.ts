/**
 * The schedule of the separate RTT monitor used with the streaming protocol
 * (server-monitoring.md "Measuring RTT" and "RTT thread"): while streaming, the server's RTT
 * is measured with a plain hello on a dedicated connection every heartbeatFrequencyMS. Its
 * errors never touch the topology and it publishes no events.
 *
 * This is a sub-state of the monitor machine (machine.ts), kept apart because it has its own
 * timer and its own connection.
 */

export interface RttMonitorState {
  readonly running: boolean;
  /** The ping in flight, or null. At most one at a time. */
  readonly ping: { readonly pingId: number; readonly startedAtMs: number } | null;
  /** When the next ping is due; null while a ping is in flight or the monitor is stopped. */
  readonly nextPingAtMs: number | null;
  /** Whether the dedicated RTT connection is open (a ping on a closed one opens it: its handshake is the sample). */
  readonly connectionOpen: boolean;
  readonly nextPingId: number;
}

export const stoppedRttMonitor: RttMonitorState = Object.freeze({ running: false, ping: null, nextPingAtMs: null, connectionOpen: false, nextPingId: 1 });

/** Actions the RTT monitor asks of its driver. */
export type RttMonitorAction =
  /** Streaming began: dedicate a connection to RTT pings. */
  | { readonly type: 'startRttMonitor' }
  /** Send `{hello: 1}` (opening the dedicated connection first if `newConnection`) and report its duration. */
  | { readonly type: 'rttPing'; readonly pingId: number; readonly newConnection: boolean }
  /** The last ping failed: close the dedicated connection; the next ping opens a new one. */
  | { readonly type: 'closeRttConnection' }
  /** Streaming stopped: abandon any ping in flight and close the dedicated connection. */
  | { readonly type: 'stopRttMonitor' };

export interface RttStep {
  readonly rtt: RttMonitorState;
  readonly actions: RttMonitorAction[];
}

/** "RTT thread" `run()`: the first ping is due at once. No-op when already running. */
export function startRttMonitor(rtt: RttMonitorState, nowMs: number): RttStep {
  if (rtt.running) return { rtt, actions: [] };
  return { rtt: { ...rtt, running: true, ping: null, nextPingAtMs: nowMs, connectionOpen: false }, actions: [{ type: 'startRttMonitor' }] };
}

export function stopRttMonitor(rtt: RttMonitorState): RttStep {
  if (!rtt.running) return { rtt, actions: [] };
  return { rtt: { ...rtt, running: false, ping: null, nextPingAtMs: null, connectionOpen: false }, actions: [{ type: 'stopRttMonitor' }] };
}

/** Starts the ping that is due, if any. */
export function runDueRttPing(rtt: RttMonitorState, nowMs: number): RttStep {
  if (!rtt.running || rtt.ping !== null || rtt.nextPingAtMs === null || nowMs < rtt.nextPingAtMs) return { rtt, actions: [] };
  const pingId = rtt.nextPingId;
  return {
    rtt: { ...rtt, ping: { pingId, startedAtMs: nowMs }, nextPingAtMs: null, nextPingId: pingId + 1 },
    actions: [{ type: 'rttPing', pingId, newConnection: !rtt.connectionOpen }],
  };
}

/** Whether `pingId` is the ping in flight (anything else is a stale report and is ignored). */
export function isCurrentPing(rtt: RttMonitorState, pingId: number): boolean {
  return rtt.running && rtt.ping !== null && rtt.ping.pingId === pingId;
}

/** "RTT thread": after each ping, success or not, wait heartbeatFrequencyMS. */
export function finishPing(rtt: RttMonitorState, nowMs: number, heartbeatFrequencyMS: number, succeeded: boolean): RttStep {
  const next: RttMonitorState = { ...rtt, ping: null, nextPingAtMs: nowMs + heartbeatFrequencyMS, connectionOpen: succeeded };
  // "RTT thread" on error: close the connection but do not reset the average (the Monitor owns that).
  return { rtt: next, actions: succeeded ? [] : [{ type: 'closeRttConnection' }] };
}
