/**
 * Runs a validated scenario in a fresh World: builds the replica set (sim/mongod), applies the
 * network settings, initiates the set at time 0 over a client connection, drives the optional
 * write workload and the timeline of faults and admin actions, and collects what happened —
 * elections, lost writes, invariant violations and the trace hash.
 *
 * A run is a pure function of (scenario, seed): nothing here reads the real clock (the CLI
 * measures wall time outside the world).
 */
import { World } from '../world.js';
import type { LinkSettings } from '../network/network.js';
import { ReplicaSetSim } from '../mongod/replset.js';
import { MongosProcess } from '../mongos/mongos.js';
import type { LostWrite, Violation } from '../mongod/invariants.js';
import type { Scenario, TimelineEntry, WriteConcernW } from './schema.js';
import { applyFault, describeAction, linkSettings } from './faults.js';
import type { FaultCluster } from './faults.js';

/** Kept here too: it was first exported from this module. */
export { describeAction };
import { drawRandomFaults, faultRandomStream } from './random-faults.js';
import { formatVirtualTime } from './duration.js';
import { directWorkload, workloadCollection, workloadDb, workloadWriteTimeoutMs } from './workload.js';
import type { ObservedWrite, ScenarioWorkload, WorkloadFactory, WriteRecord, WriteStats } from './workload.js';

/** Kept here too: they were first exported from this module. */
export { workloadDb, workloadCollection, workloadWriteTimeoutMs };
export type { WriteStats };
/** Client outcome records kept for the human report (the counts keep going). */
export const maxRecordedActions = 10_000;

export interface ScenarioRunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Keep every trace line (for --trace and the determinism check). */
  readonly keepTraceLines?: boolean;
  /**
   * Who sends the workload's writes and runs the scenario's clients (sim/scenario/workload.ts).
   * Default: `directWorkload`, inserts straight to the simulator's primary (no clients).
   */
  readonly workload?: WorkloadFactory;
  /** Watches the run as it happens (for a picture of it); observing never changes the run. */
  readonly observer?: ScenarioObserver;
}

/** One workload insert, from send to reply (or to giving up on it); sim/scenario/workload.ts ObservedWrite. */
export type WorkloadWrite = ObservedWrite;

export interface ScenarioObserver {
  /** Called with the new world before anything runs in it (e.g. to `trace.observe` it). */
  readonly world?: (world: World) => void;
  /** Called when a workload write completes. */
  readonly write?: (write: WorkloadWrite) => void;
}

export interface PrimaryChange {
  readonly atMs: number;
  readonly host: string;
  readonly term: number;
}

/** Where an action came from: the runner's own setup, the scenario's timeline, or randomFaults. */
export type ActionSource = 'setup' | 'timeline' | 'random';

export interface ActionRecord {
  readonly atMs: number;
  readonly line: number | undefined;
  readonly action: string;
  readonly source: ActionSource;
  /** 'ok', or why the action did nothing / failed (e.g. 'no primary', an error reply). */
  outcome: string;
}

/** A lost write with the write that made it, when the workload sent it (acknowledged or not, and its write concern). */
export interface LostClientWrite extends LostWrite {
  readonly write?: WriteRecord;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly seed: number;
  readonly traceHash: string;
  readonly traceLines: number;
  readonly virtualMs: number;
  readonly primaries: readonly PrimaryChange[];
  readonly elections: number;
  readonly lostWrites: number;
  readonly lostWriteList: readonly LostClientWrite[];
  readonly violations: readonly Violation[];
  readonly violationCount: number;
  readonly actions: readonly ActionRecord[];
  readonly writes: WriteStats;
  readonly finalPrimary: string | null;
  /**
   * Everything the run scheduled, in the order it ran: the timeline's entries and the random
   * faults drawn for this seed. Printed with `formatTimeline` and run with random faults off,
   * it replays to the same trace.
   */
  readonly timeline: readonly TimelineEntry[];
  readonly world: World;
  /** The replica set as the run left it (checkers read its members' data). */
  readonly rs: ReplicaSetSim;
}

/** Runs `scenario` to its end and reports. Throws only on a bug or an impossible topology. */
export function runScenario(scenario: Scenario, options: ScenarioRunOptions = {}): ScenarioResult {
  const seed = options.seed ?? scenario.seed;
  const world = new World({ seed, keepTraceLines: options.keepTraceLines === true });
  options.observer?.world?.(world);
  const run = new ScenarioRun(world, scenario, options.workload ?? directWorkload, options.observer?.write);
  run.start();
  const budget = scenario.budget.events;
  const scheduler = world.scheduler;
  // Same events in the same order as runFor; the budget is checked after each one.
  if (scheduler.runUntil(() => scheduler.eventsRun >= budget && scheduler.nextEventTimeMs !== undefined && scheduler.nextEventTimeMs <= scenario.durationMs, scenario.durationMs)) {
    throw new ScenarioBudgetError(scenario, world.nowMs);
  }
  return run.result(seed);
}

/** A run that needed more events than its budget allows: stopped there, with no result. */
export class ScenarioBudgetError extends Error {
  override readonly name = 'ScenarioBudgetError';
  readonly virtualMs: number;
  constructor(scenario: Scenario, virtualMs: number) {
    super(
      `scenario "${scenario.name}" ran past its budget of ${scenario.budget.events} events at virtual time ${formatVirtualTime(virtualMs)} (of ${formatVirtualTime(scenario.durationMs)}); raise budget.events or shorten the run`,
    );
    this.virtualMs = virtualMs;
  }
}

class ScenarioRun {
  readonly rs: ReplicaSetSim;
  private readonly actions: ActionRecord[] = [];
  private readonly workload: ScenarioWorkload;
  private readonly routers = new Map<string, MongosProcess>();
  private readonly cluster: FaultCluster;
  private readonly schedule: readonly ScheduledAction[];

  constructor(
    private readonly world: World,
    private readonly scenario: Scenario,
    workload: WorkloadFactory,
    onWrite: ((write: WorkloadWrite) => void) | undefined = undefined,
  ) {
    const net = scenario.network;
    const base = linkSettings(net);
    if (base !== undefined) world.network.setDefaultLink(base);
    for (const link of net.links) {
      const settings = linkSettings(link);
      if (settings !== undefined) world.network.setLink(link.from, link.to, settings, !link.oneWay);
    }
    const rsSpec = scenario.replicaSet;
    this.rs = new ReplicaSetSim(world, {
      name: rsSpec.name,
      members: rsSpec.members,
      version: rsSpec.version,
      ...(Object.keys(rsSpec.settings).length > 0 ? { settings: rsSpec.settings } : {}),
    });
    for (const spec of scenario.mongos) {
      this.routers.set(
        spec.host,
        new MongosProcess(world, {
          host: spec.host,
          version: spec.version,
          shard: { name: rsSpec.name, hosts: rsSpec.members.map((m) => m.host) },
        }),
      );
    }
    this.workload = workload({ world, scenario, rs: this.rs, routers: this.routers, ...(onWrite === undefined ? {} : { onWrite }) });
    this.cluster = { rs: this.rs, routers: this.routers, write: (w, j) => this.workload.write(w, j) };
    this.schedule = buildSchedule(world, scenario);
  }

  start(): void {
    const world = this.world;
    world.trace.record('scenario.start', `${this.scenario.name} seed=${world.seed}`);
    for (const router of this.routers.values()) router.start();
    if (this.scenario.replicaSet.initiate) {
      const record = this.record(0, undefined, 'replSetInitiate', 'setup');
      this.rs.initiateAsync((reply) => {
        record.outcome = reply === null ? 'no reply' : reply['ok'] === 1 ? 'ok' : `error: ${String(reply['errmsg'])}`;
      });
    } else {
      this.rs.start();
    }
    // The whole schedule is known up front (random faults are drawn as data), and every entry
    // is applied the same way: the schedule printed as a timeline replays to the same trace.
    for (const { entry, source } of this.schedule) {
      world.scheduler.at(entry.atMs, 'scenario.action', () => this.apply(entry, source));
    }
    this.workload.start();
    const workload = this.scenario.workload;
    if (workload !== undefined && workload.writesPerSecond > 0) {
      const periodMs = 1000 / workload.writesPerSecond;
      let n = 0;
      // Writes start after the first second so the set has had time to elect (they would only count as noPrimary).
      const tick = (): void => {
        this.workload.write(workload.w, workload.j, workload.via);
        n++;
        const next = 1000 + Math.round(n * periodMs);
        if (next <= this.scenario.durationMs) world.scheduler.at(next, 'scenario.workload', tick);
      };
      if (1000 <= this.scenario.durationMs) world.scheduler.at(1000, 'scenario.workload', tick);
    }
  }

  result(seed: number): ScenarioResult {
    const checker = this.rs.checker;
    this.world.trace.record('scenario.end', `${this.scenario.name}`);
    return {
      scenario: this.scenario.name,
      seed,
      traceHash: this.world.trace.hash(),
      traceLines: this.world.trace.count,
      virtualMs: this.world.nowMs,
      primaries: checker.primaries.map((p) => ({ atMs: p.atMs, host: p.host, term: p.term })),
      elections: checker.primaries.length,
      lostWrites: checker.lostWriteCount,
      lostWriteList: checker.lostWrites.map((lost): LostClientWrite => {
        const write = this.workload.writeFor(lost.documentId);
        return write === undefined ? lost : { ...lost, write };
      }),
      violations: checker.violations,
      violationCount: checker.violationCount,
      actions: this.actions,
      writes: this.workload.stats(),
      finalPrimary: this.rs.primary(),
      timeline: this.schedule.map((s) => s.entry),
      world: this.world,
      rs: this.rs,
    };
  }

  private record(atMs: number, line: number | undefined, action: string, source: ActionSource): ActionRecord {
    const record: ActionRecord = { atMs, line, action, source, outcome: 'ok' };
    if (this.actions.length < maxRecordedActions) this.actions.push(record);
    return record;
  }

  private apply(entry: TimelineEntry, source: ActionSource): void {
    const record = this.record(this.world.nowMs, entry.line, describeAction(entry.action), source);
    applyFault(this.world, this.cluster, entry.action, (outcome) => {
      record.outcome = outcome;
    });
  }
}

interface ScheduledAction {
  readonly entry: TimelineEntry;
  readonly source: ActionSource;
}

/**
 * The timeline merged with the random faults drawn for this seed, by time; at the same time
 * the file's entries come first. Parsing the printed schedule keeps this order (a stable sort).
 */
function buildSchedule(world: World, scenario: Scenario): ScheduledAction[] {
  const timeline = scenario.timeline.map((entry): ScheduledAction => ({ entry, source: 'timeline' }));
  const chaos = scenario.randomFaults;
  if (chaos === undefined) return timeline;
  const random = drawRandomFaults(world.random(faultRandomStream), {
    hosts: scenario.replicaSet.members.map((m) => m.host),
    everyMs: chaos.everyMs,
    untilMs: chaos.untilMs,
    endMs: scenario.durationMs,
    kinds: chaos.kinds,
  }).map((entry): ScheduledAction => ({ entry, source: 'random' }));
  return [...timeline, ...random].map((s, i) => ({ s, i })).sort((a, b) => a.s.entry.atMs - b.s.entry.atMs || a.i - b.i).map((x) => x.s);
}
