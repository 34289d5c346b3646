/**
 * Every limit and default of server monitoring, with its unit in the name and the spec
 * section that fixes it. Nothing else in core/monitor hard-codes a number.
 */

/** server-monitoring.md "minHeartbeatFrequencyMS": MUST be 500 ms and MUST NOT be configurable. */
export const minHeartbeatFrequencyMS = 500;

/** server-monitoring.md "heartbeatFrequencyMS": multi-threaded/async drivers default to 10 seconds (defined once, in core/sdam). */
export { defaultHeartbeatFrequencyMS } from '../sdam/constants.js';

/**
 * Upper bound accepted for heartbeatFrequencyMS and connectTimeoutMS. Whoever drives the
 * machine turns `wakeAt` into a host timer; Node's timers silently fire after 1 ms for
 * delays above 2^31-1 ms, which would turn a long interval into a busy loop.
 */
export const maxTimerDelayMS = 2_147_483_647;

/** Default connectTimeoutMS (uri-options.md / the Node driver): 30 seconds. 0 means "no timeout". */
export const defaultConnectTimeoutMS = 30_000;

/** server-selection.md "Calculation of Average Round Trip Times": weighting factor alpha = 0.2. */
export const rttEwmaAlpha = 0.2;

/** server-monitoring.md "Measuring RTT": the minimum RTT is over (at most) the last 10 samples. */
export const minRttWindowSamples = 10;

/** server-monitoring.md "Measuring RTT": report the minimum RTT as 0 until at least 2 samples exist. */
export const minRttRequiredSamples = 2;

/** Failure messages copied into events are cut to this length so one bad reply cannot bloat every log. */
export const maxFailureMessageChars = 1_000;
