/**
 * What the driver around the topology machine must do after an update. The core does no I/O:
 * it says which monitors to start or stop, which pools to clear, and which checks to run now.
 */

/** Start monitoring a newly added server (SDAM "begin monitoring the new server"). */
export interface StartMonitoringAction {
  readonly type: 'startMonitoring';
  readonly address: string;
}

/** SDAM "remove": stop monitoring and close the pool of a server no longer in the topology. */
export interface StopMonitoringAction {
  readonly type: 'stopMonitoring';
  readonly address: string;
}

/**
 * Clear a connection pool (CMAP "clear"); the state already holds the incremented generation.
 * `serviceId` is set in load-balanced mode, where only that service's connections are cleared.
 */
export interface ClearPoolAction {
  readonly type: 'clearPool';
  readonly address: string;
  readonly serviceId: string | null;
  /** The pool generation after clearing. */
  readonly generation: number;
  /** server-monitoring.md "Error handling": true only when a monitor check timed out. */
  readonly interruptInUseConnections: boolean;
}

/** CMAP: mark the pool "ready" after a successful check of a data-bearing (or directly connected) server. */
export interface ReadyPoolAction {
  readonly type: 'readyPool';
  readonly address: string;
}

/** server-monitoring.md "Requesting an immediate check". */
export interface RequestCheckAction {
  readonly type: 'requestImmediateCheck';
  readonly address: string;
}

/** server-monitoring.md "hello or legacy hello Cancellation": cancel the in-progress check and close the monitoring connection. */
export interface CancelCheckAction {
  readonly type: 'cancelCheck';
  readonly address: string;
}

export type TopologyAction = StartMonitoringAction | StopMonitoringAction | ClearPoolAction | ReadyPoolAction | RequestCheckAction | CancelCheckAction;
