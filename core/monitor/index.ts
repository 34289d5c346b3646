/**
 * Server monitoring (server-monitoring.md): the per-server check schedule, streaming versus
 * polling, the RTT monitor, and RTT statistics. Pure; see machine.ts for the driving contract.
 */
export * from './constants.js';
export type { CheckMode, CheckReason, MonitorAction } from './actions.js';
export {
  heartbeatFailure,
  redactFailureMessage,
  type CheckFailureKind,
  type ServerHeartbeatEvent,
  type ServerHeartbeatFailedEvent,
  type ServerHeartbeatStartedEvent,
  type ServerHeartbeatSucceededEvent,
} from './events.js';
export type { HelloReply, HelloTopologyVersion } from './hello-reply.js';
export type { MonitorInput, ReportedFailureKind } from './inputs.js';
export { isStreamingEnabled, resolveMonitorOptions, type MonitorOptions, type MonitorOptionsInput, type ServerMonitoringMode } from './options.js';
export { addRttSample, emptyRttStats, minRoundTripTime, updateAverageRtt, type RttStats } from './rtt.js';
export type { RttMonitorAction, RttMonitorState } from './rtt-monitor.js';
export { createMonitor, monitorRoundTripTimes, stepMonitor, type MonitorEvent, type MonitorPhase, type MonitorState, type MonitorStep } from './machine.js';
