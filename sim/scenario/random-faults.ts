/**
 * Random fault injection ("chaos") for a simulated replica set, as data: every `everyMs` of
 * virtual time one fault is drawn from a random stream as a timeline action — with the action
 * that undoes it a random duration later (a crash is followed by a restart, a partition or an
 * isolation by a heal; a clog simply expires). The schedule is drawn up front and applied
 * through `applyFault` like any timeline entry, so a run's faults can be printed as a YAML
 * timeline and replayed with random faults off, giving the same trace.
 *
 * Drawn up front, a fault cannot look at the set's state: it names a host, or `primary` for a
 * step-down, and `applyFault` resolves and skips at run time (a crash of a member that is down
 * does nothing; its restart then restarts it cleanly). Faults overlap freely (a heal removes
 * every partition, including another fault's): the point is a rich, reproducible schedule,
 * not a tidy one.
 */
import type { RandomSource } from '../../core/random.js';
import type { World } from '../world.js';
import type { ReplicaSetSim } from '../mongod/replset.js';
import type { ScenarioAction, TimelineEntry } from './schema.js';
import { defaultSecondaryCatchUpPeriodSecs, primaryKeyword } from './schema.js';
import { applyFault, describeAction } from './faults.js';
import type { FaultCluster } from './faults.js';

export const randomFaultKinds = ['crash', 'partition', 'isolate', 'stepDown', 'clog', 'resetConnections', 'restart'] as const;
export type RandomFaultKind = (typeof randomFaultKinds)[number];

/** The random stream faults are drawn from (independent of the network's and the members'). */
export const faultRandomStream = 'faults';
/** A crashed member restarts, and a partition heals, after a duration drawn in this range. */
export const minFaultDurationMs = 5_000;
export const maxFaultDurationMs = 60_000;
/** stepDown draws its stepDownSecs in this range. */
export const minStepDownSecs = 10;
export const maxStepDownSecs = 60;
/** At most this many faults are drawn for one run (each may add one undo entry). */
export const maxRandomFaults = 100_000;

export interface DrawOptions {
  /** The member hosts faults may name (at least one). */
  readonly hosts: readonly string[];
  /** Virtual ms between faults (> 0); the first is at `startMs + everyMs`. */
  readonly everyMs: number;
  /** No fault starts after this virtual time. */
  readonly untilMs: number;
  /** Undo entries due after this time (the end of the run) are left out: they would never run. */
  readonly endMs: number;
  /** Default 0. */
  readonly startMs?: number;
  /** Which kinds to draw from (non-empty). */
  readonly kinds: readonly RandomFaultKind[];
}

/** Draws the run's random faults; sorted by time (same time: drawn order). Pure: only `random` is consumed. */
export function drawRandomFaults(random: RandomSource, options: DrawOptions): TimelineEntry[] {
  const { hosts, everyMs, untilMs, endMs, kinds } = options;
  const startMs = options.startMs ?? 0;
  if (!(everyMs > 0) || !Number.isFinite(everyMs)) throw new RangeError(`randomFaults: every ${everyMs} ms must be a positive number`);
  if (kinds.length === 0) throw new RangeError('randomFaults: kinds must not be empty');
  if (hosts.length === 0) throw new RangeError('randomFaults: there must be at least one host');
  const count = Math.max(0, Math.floor((untilMs - startMs) / everyMs));
  if (count > maxRandomFaults) {
    throw new RangeError(`randomFaults: ${count} faults (one every ${everyMs} ms until ${untilMs} ms) are more than ${maxRandomFaults}`);
  }
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)] as T;
  const duration = (): number => minFaultDurationMs + random.int(maxFaultDurationMs - minFaultDurationMs + 1);
  const entries: TimelineEntry[] = [];
  const add = (atMs: number, action: ScenarioAction): void => {
    if (atMs <= endMs) entries.push({ atMs, action, line: undefined });
  };
  for (let i = 1; i <= count; i++) {
    const atMs = startMs + i * everyMs;
    switch (pick(kinds)) {
      case 'crash': {
        const host = pick(hosts);
        add(atMs, { kind: 'crash', host });
        add(atMs + duration(), { kind: 'restart', host });
        break;
      }
      case 'restart':
        add(atMs, { kind: 'restart', host: pick(hosts) });
        break;
      case 'partition': {
        if (hosts.length < 2) break;
        // A random split into two non-empty sides.
        const shuffled = shuffle(hosts, (n) => random.int(n));
        const cut = 1 + random.int(shuffled.length - 1);
        add(atMs, { kind: 'partition', sides: [shuffled.slice(0, cut), shuffled.slice(cut)] });
        add(atMs + duration(), { kind: 'heal' });
        break;
      }
      case 'isolate':
        add(atMs, { kind: 'isolate', host: pick(hosts) });
        add(atMs + duration(), { kind: 'heal' });
        break;
      case 'stepDown': {
        const secs = minStepDownSecs + random.int(maxStepDownSecs - minStepDownSecs + 1);
        add(atMs, { kind: 'stepDown', host: primaryKeyword, secs, secondaryCatchUpPeriodSecs: Math.min(defaultSecondaryCatchUpPeriodSecs, secs) });
        break;
      }
      case 'clog': {
        if (hosts.length < 2) break;
        const from = pick(hosts);
        const to = pick(hosts.filter((h) => h !== from));
        add(atMs, { kind: 'clog', from, to, durationMs: duration(), oneWay: false });
        break;
      }
      case 'resetConnections':
        add(atMs, { kind: 'resetConnections', host: pick(hosts) });
        break;
    }
  }
  // Stable: same-time entries keep the order they were drawn in.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.atMs - b.e.atMs || a.i - b.i).map((x) => x.e);
}

export interface RandomFaultOptions {
  /** Virtual ms between faults (> 0). */
  readonly periodMs: number;
  /** No fault starts after this virtual time. */
  readonly untilMs: number;
  /** Which kinds to draw from (default: all). */
  readonly kinds?: readonly RandomFaultKind[];
  /** Called for each fault applied (for reports). */
  readonly onFault?: (atMs: number, description: string) => void;
}

/**
 * Draws faults for `rs` from the world's `faults` stream, starting now, and schedules each
 * through `applyFault` (for benchmarks and tests that drive a set without a scenario).
 */
export function scheduleRandomFaults(world: World, rs: ReplicaSetSim, options: RandomFaultOptions): void {
  const entries = drawRandomFaults(world.random(faultRandomStream), {
    hosts: rs.hosts,
    everyMs: options.periodMs,
    untilMs: options.untilMs,
    endMs: options.untilMs + maxFaultDurationMs,
    startMs: world.nowMs,
    kinds: options.kinds ?? randomFaultKinds,
  });
  const cluster: FaultCluster = { rs, routers: new Map() };
  for (const entry of entries) {
    world.scheduler.at(entry.atMs, 'fault', () => {
      applyFault(world, cluster, entry.action);
      options.onFault?.(world.nowMs, describeAction(entry.action));
    });
  }
}

/** Fisher–Yates with an injected integer source (never Math.random). */
function shuffle<T>(items: readonly T[], int: (maxExclusive: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
