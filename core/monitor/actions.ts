/**
 * What the monitor machine asks of whoever drives it (the actions) and the vocabulary of a
 * check. Plain data.
 */
import type { HelloReply, HelloTopologyVersion } from './hello-reply.js';
import type { ReportedFailureKind } from './inputs.js';
import type { RttMonitorAction } from './rtt-monitor.js';

/** `poll`: a regular hello answered at once. `stream`: an awaitable hello (topologyVersion + maxAwaitTimeMS). */
export type CheckMode = 'poll' | 'stream';

/** Why a check starts now; the property tests hold each reason to its own timing rule. */
export type CheckReason =
  /** The first check, when monitoring begins. */
  | 'initial'
  /** heartbeatFrequencyMS after the previous check ended. */
  | 'scheduled'
  /** An immediate-check request, no sooner than minHeartbeatFrequencyMS after the previous check ended. */
  | 'requested'
  /** At once after a network error on a server that was known ("Retry hello or legacy hello calls once"). */
  | 'retry'
  /** At once after an ok:1 reply carrying topologyVersion while streaming ("Heartbeat frequency"). */
  | 'streaming';

export type MonitorAction =
  /**
   * Run one check now. With `newConnection` open a monitoring connection and use its handshake
   * reply as the check; otherwise send hello on the open one. `stream` checks carry
   * topologyVersion and maxAwaitTimeMS (and exhaustAllowed: the server may stream replies).
   * `socketTimeoutMS` null means no timeout (connectTimeoutMS=0).
   */
  | {
      readonly type: 'check';
      readonly checkId: number;
      readonly mode: CheckMode;
      readonly reason: CheckReason;
      readonly newConnection: boolean;
      readonly topologyVersion: HelloTopologyVersion | null;
      readonly maxAwaitTimeMS: number | null;
      readonly exhaustAllowed: boolean;
      readonly socketTimeoutMS: number | null;
    }
  /** Interrupt the check in flight ("hello or legacy hello Cancellation"). */
  | { readonly type: 'cancelCheck'; readonly checkId: number }
  /** Close the monitoring connection; the next check opens a new one. */
  | { readonly type: 'closeConnection' }
  /** Feed the reply to SDAM: the fields other than `type` are core/sdam's HelloInput (stepTopology input `hello`). */
  | { readonly type: 'serverSucceeded'; readonly address: string; readonly reply: HelloReply; readonly roundTripTime: number; readonly minRoundTripTime: number }
  /**
   * "Network or command error during server check": SDAM marks the server Unknown and clears
   * its pool, interrupting in-use connections after a timeout. The fields other than `type`
   * are core/sdam's CheckFailureInput (stepTopology input `checkFailure`); `message` is free of credentials.
   */
  | { readonly type: 'serverFailed'; readonly address: string; readonly kind: ReportedFailureKind; readonly message: string }
  /** Call `stepMonitor(state, {type: 'timerFired'}, atMs)` at `atMs`; replaces any earlier wakeAt. */
  | { readonly type: 'wakeAt'; readonly atMs: number }
  /** Forget the pending wakeAt. */
  | { readonly type: 'clearWake' }
  | RttMonitorAction;
