/**
 * server-selection.md "Filtering suitable servers based on the latency window": keep the
 * suitable servers whose average RTT is within [A, A + localThresholdMS], A the shortest RTT.
 */
import type { ServerDescription } from '../sdam/types.js';

/**
 * A server without a usable average RTT (null or NaN) is treated as infinitely far: it is in the
 * window only when no suitable server has a measured RTT, so the window is never empty when
 * there are suitable servers.
 */
export function effectiveRttMs(server: ServerDescription): number {
  const rtt = server.roundTripTime;
  return rtt === null || rtt !== rtt ? Infinity : rtt;
}

/** Returns the input array itself when every server is in the window. */
export function inLatencyWindow(
  suitable: readonly ServerDescription[],
  localThresholdMS: number,
): readonly ServerDescription[] {
  if (suitable.length <= 1) return suitable;
  let lowMs = Infinity;
  let highSeenMs = -Infinity;
  for (let i = 0; i < suitable.length; i++) {
    const rtt = effectiveRttMs(suitable[i]!);
    if (rtt < lowMs) lowMs = rtt;
    if (rtt > highSeenMs) highSeenMs = rtt;
  }
  // A negative or NaN threshold would empty the window; treat it as 0 so the fastest server stays.
  const thresholdMs = localThresholdMS > 0 ? localThresholdMS : 0;
  const highMs = lowMs + thresholdMs;
  if (highSeenMs <= highMs) return suitable;
  const window: ServerDescription[] = [];
  for (let i = 0; i < suitable.length; i++) {
    const server = suitable[i]!;
    if (effectiveRttMs(server) <= highMs) window.push(server);
  }
  return window;
}
