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
import { SimClient, type CommandOutcome } from '../mongod/client.js';
import { MongosProcess } from '../mongos/mongos.js';
import type { LostWrite, Violation } from '../mongod/invariants.js';
import type { Document } from '../protocol.js';
import { clientHost } from './parse.js';
import type { Scenario, ScenarioAction, TimelineEntry, WriteConcernW } from './schema.js';
import { primaryKeyword } from './schema.js';
import { scheduleRandomFaults } from './random-faults.js';

/** Database and collection the workload writes to. */
export const workloadDb = 'scenario';
export const workloadCollection = 'writes';
/** How long a workload write may wait for its reply before it counts as failed (virtual ms). */
export const workloadWriteTimeoutMs = 30_000;
/** Client outcome records kept for the human report (the counts keep going). */
export const maxRecordedActions = 10_000;

export interface ScenarioRunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Keep every trace line (for --trace and the determinism check). */
  readonly keepTraceLines?: boolean;
  /** Watches the run as it happens (for a picture of it); observing never changes the run. */
  readonly observer?: ScenarioObserver;
}

/** One workload insert, from send to reply (or to giving up on it). */
export interface WorkloadWrite {
  readonly startMs: number;
  readonly endMs: number;
  /** The member or mongos it was sent to. */
  readonly host: string;
  readonly ok: boolean;
  /** Why it failed (an error reply, a write concern error, or no reply); absent when ok. */
  readonly error?: string;
}

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

export interface ActionRecord {
  readonly atMs: number;
  readonly line: number | undefined;
  readonly action: string;
  /** 'ok', or why the action did nothing / failed (e.g. 'no primary', an error reply). */
  outcome: string;
}

export interface WriteStats {
  sent: number;
  acknowledged: number;
  failed: number;
  /** Writes not sent because no member was primary at the time. */
  noPrimary: number;
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
  readonly lostWriteList: readonly LostWrite[];
  readonly violations: readonly Violation[];
  readonly violationCount: number;
  readonly actions: readonly ActionRecord[];
  readonly writes: WriteStats;
  readonly finalPrimary: string | null;
  readonly world: World;
}

/** Runs `scenario` to its end and reports. Throws only on a bug or an impossible topology. */
export function runScenario(scenario: Scenario, options: ScenarioRunOptions = {}): ScenarioResult {
  const seed = options.seed ?? scenario.seed;
  const world = new World({ seed, keepTraceLines: options.keepTraceLines === true });
  options.observer?.world?.(world);
  const run = new ScenarioRun(world, scenario, options.observer?.write);
  run.start();
  world.scheduler.runFor(scenario.durationMs);
  return run.result(seed);
}

class ScenarioRun {
  readonly rs: ReplicaSetSim;
  private readonly client: SimClient;
  private readonly actions: ActionRecord[] = [];
  private readonly writes: WriteStats = { sent: 0, acknowledged: 0, failed: 0, noPrimary: 0 };
  private nextDocumentId = 1;
  private readonly routers = new Map<string, MongosProcess>();

  constructor(
    private readonly world: World,
    private readonly scenario: Scenario,
    private readonly onWrite: ((write: WorkloadWrite) => void) | undefined = undefined,
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
    this.client = new SimClient(world, clientHost);
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
  }

  start(): void {
    const world = this.world;
    world.trace.record('scenario.start', `${this.scenario.name} seed=${world.seed}`);
    for (const router of this.routers.values()) router.start();
    if (this.scenario.replicaSet.initiate) {
      const record = this.record(0, undefined, 'replSetInitiate');
      this.rs.initiateAsync((reply) => {
        record.outcome = reply === null ? 'no reply' : reply['ok'] === 1 ? 'ok' : `error: ${String(reply['errmsg'])}`;
      });
    } else {
      this.rs.start();
    }
    for (const entry of this.scenario.timeline) {
      world.scheduler.at(entry.atMs, 'scenario.action', () => this.apply(entry));
    }
    const chaos = this.scenario.randomFaults;
    if (chaos !== undefined) {
      scheduleRandomFaults(world, this.rs, {
        periodMs: chaos.everyMs,
        untilMs: chaos.untilMs,
        kinds: chaos.kinds,
        onFault: (atMs, description) => {
          this.record(atMs, undefined, `random fault: ${description}`);
        },
      });
    }
    const workload = this.scenario.workload;
    if (workload !== undefined && workload.writesPerSecond > 0) {
      const periodMs = 1000 / workload.writesPerSecond;
      let n = 0;
      // Writes start after the first second so the set has had time to elect (they would only count as noPrimary).
      const tick = (): void => {
        this.write(workload.w, workload.j, workload.via);
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
      lostWriteList: checker.lostWrites,
      violations: checker.violations,
      violationCount: checker.violationCount,
      actions: this.actions,
      writes: this.writes,
      finalPrimary: this.rs.primary(),
      world: this.world,
    };
  }

  private record(atMs: number, line: number | undefined, action: string): ActionRecord {
    const record: ActionRecord = { atMs, line, action, outcome: 'ok' };
    if (this.actions.length < maxRecordedActions) this.actions.push(record);
    return record;
  }

  /** Resolves the `primary` keyword; null when there is no primary right now. */
  private host(host: string): string | null {
    return host === primaryKeyword ? this.rs.primary() : host;
  }

  private apply(entry: TimelineEntry): void {
    const action = entry.action;
    const label = describeAction(action);
    this.world.trace.record('scenario.action', label);
    const record = this.record(this.world.nowMs, entry.line, label);
    const net = this.world.network;
    const resolve = (host: string): string | null => {
      const h = this.host(host);
      if (h === null) {
        record.outcome = 'skipped: no primary';
        this.world.trace.record('scenario.skip', `${action.kind} no primary`);
      }
      return h;
    };
    /** A member host a later reconfig adds does not exist before that reconfig. */
    const exists = (host: string): boolean => {
      if (this.routers.has(host) || this.rs.hosts.includes(host)) return true;
      record.outcome = `skipped: ${host} is not a member yet`;
      this.world.trace.record('scenario.skip', `${action.kind} ${host} not a member yet`);
      return false;
    };
    /** Resolves a host list; null (skipped) when `primary` is in it and there is none, or it is already listed. */
    const resolveAll = (hosts: readonly string[]): string[] | null => {
      const out: string[] = [];
      for (const host of hosts) {
        const h = resolve(host);
        if (h === null) return null;
        if (!out.includes(h)) out.push(h);
      }
      return out;
    };
    switch (action.kind) {
      case 'crash': {
        const h = resolve(action.host);
        if (h === null || !exists(h)) break;
        const router = this.routers.get(h);
        if (router !== undefined) router.crash();
        else this.rs.crash(h);
        if (action.host === primaryKeyword) record.outcome = `ok (${h})`;
        break;
      }
      case 'restart': {
        if (!exists(action.host)) break;
        const router = this.routers.get(action.host);
        if (router !== undefined) router.restart();
        else this.rs.restart(action.host);
        break;
      }
      case 'partition': {
        const a = resolveAll(action.sides[0]);
        const b = resolveAll(action.sides[1]);
        if (a !== null && b !== null) {
          if (a.some((h) => b.includes(h))) record.outcome = 'skipped: the primary is on both sides';
          else net.partition(a, b);
        }
        break;
      }
      case 'partitionOneWay': {
        const from = resolveAll(action.from);
        const to = resolveAll(action.to);
        if (from !== null && to !== null) {
          if (from.some((h) => to.includes(h))) record.outcome = 'skipped: the primary is on both sides';
          else net.partitionOneWay(from, to);
        }
        break;
      }
      case 'isolate': {
        const h = resolve(action.host);
        if (h !== null) net.isolate(h);
        break;
      }
      case 'heal':
        net.heal();
        break;
      case 'stepDown': {
        const h = resolve(action.host);
        if (h === null || !exists(h)) break;
        record.outcome = 'pending';
        this.rs.stepDown(h, action.secs, { secondaryCatchUpPeriodSecs: action.secondaryCatchUpPeriodSecs }, (error) => {
          record.outcome = error === null ? `ok (${h})` : `error: ${String(error['errmsg'] ?? error['codeName'] ?? 'failed')}`;
        });
        break;
      }
      case 'freeze':
        if (exists(action.host)) this.rs.freeze(action.host, action.secs);
        break;
      case 'reconfig':
        record.outcome = 'pending';
        this.rs.reconfig(action.members, (reply) => {
          record.outcome = reply === null ? 'error: no primary or no reply' : reply['ok'] === 1 ? 'ok' : `error: ${String(reply['errmsg'])}`;
        });
        break;
      case 'clog': {
        const from = resolve(action.from);
        const to = from === null ? null : resolve(action.to);
        if (from !== null && to !== null) {
          if (from === to) record.outcome = 'skipped: both ends are the primary';
          else net.clog(from, to, action.durationMs, !action.oneWay);
        }
        break;
      }
      case 'setLatency': {
        const settings = linkSettings(action) ?? {};
        if (action.from !== undefined && action.to !== undefined) net.setLink(action.from, action.to, settings, !action.oneWay);
        else net.setDefaultLink(settings);
        break;
      }
      case 'resetConnections': {
        const h = resolve(action.host);
        if (h === null) break;
        const peer = action.peer === undefined ? undefined : resolve(action.peer);
        if (action.peer !== undefined && peer === null) break;
        record.outcome = `ok (${net.resetConnections(h, peer ?? undefined)} reset)`;
        break;
      }
      case 'write':
        for (let i = 0; i < action.count; i++) this.write(action.w, action.j);
        break;
    }
  }

  /**
   * One insert: through the router `via` when given, else to the current primary, as a client
   * that already knows the primary would send it.
   */
  private write(w: WriteConcernW, j: boolean | undefined, via?: string): void {
    const primary = via ?? this.rs.primary();
    if (primary === null) {
      this.writes.noPrimary++;
      return;
    }
    this.writes.sent++;
    const id = this.nextDocumentId++;
    const writeConcern: Document = { w, wtimeout: workloadWriteTimeoutMs, ...(j === undefined ? {} : { j }) };
    const body: Document = { insert: workloadCollection, documents: [{ _id: id }], writeConcern };
    const startMs = this.world.nowMs;
    this.client.command(primary, workloadDb, body, (outcome) => {
      const reply = outcome.ok ? outcome.reply : null;
      const ok = reply !== null && reply['ok'] === 1 && reply['writeConcernError'] === undefined && reply['writeErrors'] === undefined;
      if (ok) {
        this.writes.acknowledged++;
      } else {
        this.writes.failed++;
      }
      if (this.onWrite !== undefined) {
        const endMs = this.world.nowMs;
        this.onWrite(ok ? { startMs, endMs, host: primary, ok } : { startMs, endMs, host: primary, ok, error: describeWriteFailure(outcome) });
      }
    });
  }
}

/** Why a workload write did not succeed, in one line, for the observer. */
function describeWriteFailure(outcome: CommandOutcome): string {
  if (!outcome.ok) return `network error: ${outcome.networkError}`;
  const reply = outcome.reply;
  const wce = reply['writeConcernError'] as Document | undefined;
  if (wce !== undefined) return `writeConcernError ${String(wce['codeName'] ?? wce['code'])}: ${String(wce['errmsg'] ?? '')}`;
  const writeErrors = reply['writeErrors'] as Document[] | undefined;
  if (writeErrors !== undefined && writeErrors.length > 0) return `writeError ${String(writeErrors[0]?.['code'])}: ${String(writeErrors[0]?.['errmsg'] ?? '')}`;
  return `${String(reply['codeName'] ?? reply['code'] ?? 'error')}: ${String(reply['errmsg'] ?? '')}`;
}

function linkSettings(spec: {
  readonly latency?: LinkSettings['latency'];
  readonly jitterMs?: number;
  readonly dropRate?: number;
}): Partial<LinkSettings> | undefined {
  const out: { latency?: LinkSettings['latency']; jitterMs?: number; dropRate?: number } = {};
  if (spec.latency !== undefined) out.latency = spec.latency;
  if (spec.jitterMs !== undefined) out.jitterMs = spec.jitterMs;
  if (spec.dropRate !== undefined) out.dropRate = spec.dropRate;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** A one-line description of an action, for the trace and the human report. */
export function describeAction(action: ScenarioAction): string {
  switch (action.kind) {
    case 'crash':
    case 'restart':
    case 'isolate':
      return `${action.kind} ${action.host}`;
    case 'heal':
      return 'heal';
    case 'partition':
      return `partition ${action.sides[0].join(',')}|${action.sides[1].join(',')}`;
    case 'partitionOneWay':
      return `partitionOneWay ${action.from.join(',')}>${action.to.join(',')}`;
    case 'stepDown':
      return `stepDown ${action.host} secs=${action.secs} catchUp=${action.secondaryCatchUpPeriodSecs}`;
    case 'freeze':
      return `freeze ${action.host} secs=${action.secs}`;
    case 'reconfig':
      return `reconfig members=${action.members.map((m) => m.host).join(',')}`;
    case 'clog':
      return `clog ${action.from}${action.oneWay ? '>' : '='}${action.to} ${action.durationMs}ms`;
    case 'setLatency': {
      const target = action.from === undefined ? '*' : `${action.from}${action.oneWay ? '>' : '='}${action.to}`;
      const parts = [
        action.latency === undefined ? '' : ` latency=${JSON.stringify(action.latency)}`,
        action.jitterMs === undefined ? '' : ` jitterMs=${action.jitterMs}`,
        action.dropRate === undefined ? '' : ` dropRate=${action.dropRate}`,
      ];
      return `setLatency ${target}${parts.join('')}`;
    }
    case 'resetConnections':
      return `resetConnections ${action.host}${action.peer === undefined ? '' : ` ${action.peer}`}`;
    case 'write':
      return `write count=${action.count} w=${action.w}${action.j === undefined ? '' : ` j=${action.j}`}`;
  }
}
