/**
 * Faults and admin actions are data (`ScenarioAction`), and this is the one place that applies
 * them to a simulated cluster: the scenario timeline, the random-fault generator and the tests
 * all call `applyFault`. Because a random fault is only a drawn action, a run's faults can be
 * printed as a timeline and replayed (see random-faults.ts, timeline-yaml.ts).
 *
 * Each application is traced as one `scenario.action` line with `describeAction`'s text, so a
 * fault applied from the timeline and the same fault drawn at random leave the same trace.
 */
import type { World } from '../world.js';
import type { LinkSettings } from '../network/network.js';
import type { ReplicaSetSim } from '../mongod/replset.js';
import type { MongosProcess } from '../mongos/mongos.js';
import type { ScenarioAction, WriteConcernW } from './schema.js';
import { primaryKeyword } from './schema.js';

/** What `applyFault` acts on. */
export interface FaultCluster {
  readonly rs: ReplicaSetSim;
  /** mongos routers by host (crash and restart reach them too). */
  readonly routers: ReadonlyMap<string, MongosProcess>;
  /** Sends one client insert to the primary (`write` actions); without it they are skipped. */
  readonly write?: (w: WriteConcernW, j: boolean | undefined) => void;
}

/**
 * Called with the action's outcome when it is not a plain 'ok': why it was skipped, the host
 * `primary` resolved to, 'pending' and then the reply of an admin command that answers later.
 */
export type FaultOutcome = (outcome: string) => void;

/** Applies one action now, at the world's current virtual time. Throws only on a bug. */
export function applyFault(world: World, cluster: FaultCluster, action: ScenarioAction, outcome: FaultOutcome = () => undefined): void {
  world.trace.record('scenario.action', describeAction(action));
  const { rs, routers } = cluster;
  const net = world.network;
  /** Resolves the `primary` keyword; null (and the action is skipped) when there is no primary right now. */
  const resolve = (host: string): string | null => {
    const h = host === primaryKeyword ? rs.primary() : host;
    if (h === null) {
      outcome('skipped: no primary');
      world.trace.record('scenario.skip', `${action.kind} no primary`);
    }
    return h;
  };
  /** A member host a later reconfig adds does not exist before that reconfig. */
  const exists = (host: string): boolean => {
    if (routers.has(host) || rs.hosts.includes(host)) return true;
    outcome(`skipped: ${host} is not a member yet`);
    world.trace.record('scenario.skip', `${action.kind} ${host} not a member yet`);
    return false;
  };
  /** Resolves a host list; null (skipped) when `primary` is in it and there is none. Duplicates collapse. */
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
      const router = routers.get(h);
      if (router !== undefined) router.crash();
      else rs.crash(h);
      if (action.host === primaryKeyword) outcome(`ok (${h})`);
      break;
    }
    case 'restart': {
      if (!exists(action.host)) break;
      const router = routers.get(action.host);
      if (router !== undefined) router.restart();
      else rs.restart(action.host);
      break;
    }
    case 'partition': {
      const a = resolveAll(action.sides[0]);
      const b = resolveAll(action.sides[1]);
      if (a !== null && b !== null) {
        if (a.some((h) => b.includes(h))) outcome('skipped: the primary is on both sides');
        else net.partition(a, b);
      }
      break;
    }
    case 'partitionOneWay': {
      const from = resolveAll(action.from);
      const to = resolveAll(action.to);
      if (from !== null && to !== null) {
        if (from.some((h) => to.includes(h))) outcome('skipped: the primary is on both sides');
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
    case 'recover':
      net.heal();
      rs.start();
      for (const router of routers.values()) if (!router.isRunning) router.restart();
      break;
    case 'stepDown': {
      const h = resolve(action.host);
      if (h === null || !exists(h)) break;
      outcome('pending');
      rs.stepDown(h, action.secs, { secondaryCatchUpPeriodSecs: action.secondaryCatchUpPeriodSecs }, (error) => {
        outcome(error === null ? `ok (${h})` : `error: ${String(error['errmsg'] ?? error['codeName'] ?? 'failed')}`);
      });
      break;
    }
    case 'freeze':
      if (exists(action.host)) rs.freeze(action.host, action.secs);
      break;
    case 'reconfig':
      outcome('pending');
      rs.reconfig(action.members, (reply) => {
        outcome(reply === null ? 'error: no primary or no reply' : reply['ok'] === 1 ? 'ok' : `error: ${String(reply['errmsg'])}`);
      });
      break;
    case 'clog': {
      const from = resolve(action.from);
      const to = from === null ? null : resolve(action.to);
      if (from !== null && to !== null) {
        if (from === to) outcome('skipped: both ends are the primary');
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
      outcome(`ok (${net.resetConnections(h, peer ?? undefined)} reset)`);
      break;
    }
    case 'write': {
      const write = cluster.write;
      if (write === undefined) {
        outcome('skipped: no client');
        break;
      }
      for (let i = 0; i < action.count; i++) write(action.w, action.j);
      break;
    }
  }
}

/** The link settings a spec names (undefined when it names none). */
export function linkSettings(spec: {
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
    case 'recover':
      return action.kind;
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
