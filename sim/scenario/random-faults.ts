/**
 * Random fault injection ("chaos") for a simulated replica set: every `periodMs` of virtual
 * time one fault is drawn from the world's `faults` random stream and applied, and undone
 * after a random duration — a crash is followed by a restart, a partition or isolation by a
 * heal, a clog simply expires. Used by scenarios (`randomFaults:`) and the simulator benchmarks.
 *
 * Faults overlap freely (a heal removes every partition, including another fault's): the point
 * is a rich, reproducible schedule, not a tidy one. The draws depend only on the seed and on
 * the set's state at each fault time, so a run stays a pure function of (scenario, seed).
 */
import type { World } from '../world.js';
import type { ReplicaSetSim } from '../mongod/replset.js';

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

export function scheduleRandomFaults(world: World, rs: ReplicaSetSim, options: RandomFaultOptions): void {
  if (!(options.periodMs > 0) || !Number.isFinite(options.periodMs)) {
    throw new RangeError(`randomFaults: periodMs ${options.periodMs} must be a positive number`);
  }
  const kinds = options.kinds ?? randomFaultKinds;
  if (kinds.length === 0) throw new RangeError('randomFaults: kinds must not be empty');
  const rand = world.random(faultRandomStream);
  const net = world.network;
  const scheduler = world.scheduler;
  const duration = (): number => rand.intBetween(minFaultDurationMs, maxFaultDurationMs);
  const report = (description: string): void => {
    world.trace.record('fault', description);
    options.onFault?.(world.nowMs, description);
  };

  const inject = (): void => {
    const hosts = rs.hosts;
    const kind = rand.pick(kinds);
    switch (kind) {
      case 'crash': {
        const host = rand.pick(hosts);
        const running = rs.member(host).isRunning;
        if (!running) break;
        rs.crash(host);
        report(`crash ${host}`);
        scheduler.after(duration(), 'fault.restart', () => {
          if (!rs.member(host).isRunning) {
            rs.restart(host);
            report(`restart ${host} (after crash)`);
          }
        });
        break;
      }
      case 'restart': {
        const host = rand.pick(hosts);
        if (!rs.member(host).isRunning) break;
        rs.restart(host);
        report(`restart ${host} (clean)`);
        break;
      }
      case 'partition': {
        // A random split into two non-empty sides.
        const shuffled = shuffle(hosts, (n) => rand.int(n));
        const cut = 1 + rand.int(shuffled.length - 1);
        const a = shuffled.slice(0, cut);
        const b = shuffled.slice(cut);
        if (a.length === 0 || b.length === 0) break;
        net.partition(a, b);
        report(`partition ${a.join(',')}|${b.join(',')}`);
        scheduler.after(duration(), 'fault.heal', () => {
          net.heal();
          report('heal');
        });
        break;
      }
      case 'isolate': {
        const host = rand.pick(hosts);
        net.isolate(host);
        report(`isolate ${host}`);
        scheduler.after(duration(), 'fault.heal', () => {
          net.heal();
          report('heal');
        });
        break;
      }
      case 'stepDown': {
        const primary = rs.primary();
        if (primary === null) break;
        const secs = rand.intBetween(minStepDownSecs, maxStepDownSecs);
        rs.stepDown(primary, secs);
        report(`stepDown ${primary} ${secs}s`);
        break;
      }
      case 'clog': {
        const from = rand.pick(hosts);
        const others = hosts.filter((h) => h !== from);
        if (others.length === 0) break;
        const to = rand.pick(others);
        const ms = duration();
        net.clog(from, to, ms);
        report(`clog ${from}=${to} ${ms}ms`);
        break;
      }
      case 'resetConnections': {
        const host = rand.pick(hosts);
        report(`resetConnections ${host} (${net.resetConnections(host)})`);
        break;
      }
    }
  };

  const tick = (): void => {
    inject();
    const next = world.nowMs + options.periodMs;
    if (next <= options.untilMs) scheduler.at(next, 'fault', tick);
  };
  const first = world.nowMs + options.periodMs;
  if (first <= options.untilMs) scheduler.at(first, 'fault', tick);
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
