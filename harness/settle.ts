/**
 * Awaiting the async MongoClient façade in a simulated world: run the world's scheduler one
 * virtual instant at a time, draining the microtask queue in between, until a promise settles.
 * The simulation stays deterministic (virtual time only moves through the scheduler); the
 * macrotask hop used to drain microtasks is why this is not in sim/ (which never touches real
 * timers), and the World it drives is why it is not in client/.
 */
import type { World } from '../sim/world.js';
import { runOneInstant, worldDriver } from './world-driver.js';

/** How long `settle` runs the world before giving up, virtual ms (10 virtual minutes). */
export const defaultSettleLimitMs = 600_000;

/** Bound on distinct virtual instants `settle` visits (each costs one macrotask hop). */
export const maxSettleInstants = 10_000_000;

/** Lets every queued microtask (and the promise chains they start) run to completion. */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `world` in virtual time until `promise` settles, then returns its value (or throws its
 * error). Between two virtual instants it flushes the microtask queue, so async code awaiting
 * runtime callbacks (the MongoClient façade) issues its next step at the virtual time it
 * would in real life. Throws an Error naming the limit when the promise is still pending after
 * `limitMs` of virtual time, or when nothing is left to run.
 */
export async function settle<T>(world: World, promise: Promise<T>, limitMs: number = defaultSettleLimitMs): Promise<T> {
  if (!(limitMs >= 0) || !Number.isFinite(limitMs)) throw new RangeError(`settle: limitMs ${String(limitMs)} must be a finite number >= 0`);
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | null = null;
  promise.then(
    (value) => { outcome = { ok: true, value }; },
    (error: unknown) => { outcome = { ok: false, error }; },
  );
  const scheduler = world.scheduler;
  const deadlineMs = scheduler.nowMs + limitMs;
  // While settle runs it alone drives the world; auto-advancing ports wait (harness/world-driver.ts).
  const driver = worldDriver(world);
  driver.settleStarted();
  try {
    await flushMicrotasks();
    for (let instants = 0; outcome === null && instants < maxSettleInstants; instants++) {
      const next = scheduler.nextEventTimeMs;
      if (next === undefined) break;
      if (next > deadlineMs) {
        scheduler.runFor(deadlineMs - scheduler.nowMs);
        break;
      }
      runOneInstant(scheduler);
      await flushMicrotasks();
    }
  } finally {
    driver.settleEnded();
  }
  const result = outcome as { ok: true; value: T } | { ok: false; error: unknown } | null;
  if (result === null) {
    const why = scheduler.nextEventTimeMs === undefined ? 'nothing is left to run in the world' : `it is still pending after ${limitMs} ms of virtual time`;
    throw new Error(`settle: the promise did not settle: ${why} (virtual time ${scheduler.nowMs} ms)`);
  }
  if (result.ok) return result.value;
  throw result.error;
}

/** `settle` for several promises at once, in order (a convenience for tests). */
export function settleAll<T>(world: World, promises: readonly Promise<T>[], limitMs: number = defaultSettleLimitMs): Promise<T[]> {
  return settle(world, Promise.all(promises), limitMs);
}
