/**
 * The picture of `mongosim run FILE.yml`: one panel with a lane per member and mongos (its
 * replica-set state from the trace, elections, crashes, partitions and clogs as a hatched
 * strip, the scenario's actions as marks), a lane for the workload client (each write from
 * send to reply, to the host it went to) and a lane of host-less actions and invariant
 * violations.
 *
 * A `ScenarioPictureRecorder` watches the run through the runner's observer: it follows the
 * trace lines that change a process's state (never the message lines) and the workload's
 * writes, keeping every list bounded however long the run (see model.ts `maxItemsPerList`).
 */
import type { ScenarioObserver, ScenarioResult, WorkloadWrite } from '../../sim/scenario/runner.js';
import type { Scenario } from '../../sim/scenario/schema.js';
import { clientHost } from '../../sim/scenario/parse.js';
import type { World } from '../../sim/world.js';
import { bandsFromChanges, boundBands, boundMarks, boundOperations, maxItemsPerList, type Band, type Lane, type Mark, type Operation, type RunPicture } from './model.js';

/** Trace kinds the recorder follows. */
export const observedTraceKinds: readonly string[] = [
  'mongod.start', 'mongod.crash', 'mongod.shutdown', 'mongos.start', 'mongos.crash', 'mongos.shutdown',
  'rs.state', 'rs.elected', 'rs.rollback', 'net.partition', 'net.partition1', 'net.isolate', 'net.clog', 'net.heal',
];

/** Raw changes kept per lane before they are compacted into bounded bands. */
const maxRawChangesPerLane = 5 * maxItemsPerList;

/** `HH:MM:SS.mmm` of virtual time (hours keep counting past 24). */
function clock(ms: number): string {
  const total = Math.round(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(Math.floor(total / 3_600_000))}:${pad(Math.floor((total % 3_600_000) / 60_000))}:${pad(Math.floor((total % 60_000) / 1000))}.${pad(total % 1000, 3)}`;
}

interface Change {
  atMs: number;
  state: string;
  label: string;
  tip: string;
}

interface LaneDraft {
  readonly id: string;
  readonly kind: Lane['kind'];
  readonly label: string;
  changes: Change[];
  readonly overlays: Band[];
  /** The partition or isolation this host is in, until `net.heal`. */
  open: { startMs: number; state: string; tip: string } | null;
  ops: Operation[];
  readonly marks: Mark[];
}

const faultActions = /^(?:random fault: )?(crash|partition|partitionOneWay|isolate|clog|resetConnections|stepDown|freeze)\b/;

export class ScenarioPictureRecorder {
  private readonly lanes = new Map<string, LaneDraft>();
  private readonly events: LaneDraft;
  private readonly started = new Set<string>();

  constructor(private readonly scenario: Scenario) {
    for (const m of scenario.replicaSet.members) this.lane(m.host, 'member', m.host);
    for (const m of scenario.mongos) this.lane(m.host, 'mongos', `${m.host} (mongos)`);
    if (scenario.workload !== undefined) this.lane(clientHost, 'client', `${clientHost} (workload)`);
    this.events = { id: 'events', kind: 'events', label: 'actions · invariants', changes: [], overlays: [], open: null, ops: [], marks: [] };
  }

  /** Pass as `runScenario(scenario, { observer: recorder.observer })`. */
  readonly observer: ScenarioObserver = {
    world: (world: World) => world.trace.observe(observedTraceKinds, (line) => this.line(line)),
    write: (write: WorkloadWrite) => this.write(write),
  };

  private lane(host: string, kind: Lane['kind'], label: string): LaneDraft {
    let lane = this.lanes.get(host);
    if (lane === undefined) {
      lane = { id: host, kind, label, changes: [], overlays: [], open: null, ops: [], marks: [] };
      this.lanes.set(host, lane);
    }
    return lane;
  }

  /** A lane for a host named in a trace line (a member a reconfig added, the client, a router). */
  private laneFor(host: string): LaneDraft {
    return this.lanes.get(host) ?? this.lane(host, host === clientHost ? 'client' : 'member', host);
  }

  private change(lane: LaneDraft, atMs: number, state: string, tip: string): void {
    lane.changes.push({ atMs, state, label: state === 'DOWN' ? 'down' : state, tip: `${clock(atMs)} ${tip}` });
    if (lane.changes.length >= maxRawChangesPerLane) {
      lane.changes = boundBands(bandsFromChanges(lane.changes, atMs), maxItemsPerList).map((b) => ({ atMs: b.startMs, state: b.state, label: b.label, tip: b.tip }));
    }
  }

  private closeOverlay(lane: LaneDraft, atMs: number): void {
    if (lane.open === null) return;
    lane.overlays.push({ startMs: lane.open.startMs, endMs: atMs, state: lane.open.state, label: '', tip: `${lane.open.tip} until ${clock(atMs)}` });
    lane.open = null;
    if (lane.overlays.length >= maxRawChangesPerLane) lane.overlays.splice(0, lane.overlays.length, ...boundBands(lane.overlays, maxItemsPerList));
  }

  private openOverlay(host: string, atMs: number, state: string, tip: string): void {
    const lane = this.laneFor(host);
    this.closeOverlay(lane, atMs);
    lane.open = { startMs: atMs, state, tip: `${clock(atMs)} ${tip}` };
  }

  /** One observed trace line: `${timeMs} ${kind} ${detail}`. */
  private line(line: string): void {
    const first = line.indexOf(' ');
    const second = line.indexOf(' ', first + 1);
    const atMs = Number(line.slice(0, first));
    const kind = second < 0 ? line.slice(first + 1) : line.slice(first + 1, second);
    const detail = second < 0 ? '' : line.slice(second + 1);
    const words = detail.split(' ');
    const host = words[0] ?? '';
    switch (kind) {
      case 'mongod.start':
      case 'mongos.start': {
        const lane = this.laneFor(host);
        const state = kind === 'mongos.start' ? 'UP' : 'STARTUP';
        this.change(lane, atMs, state, `${host} started`);
        if (this.started.has(host)) lane.marks.push({ atMs, kind: 'action', label: '', tip: `${clock(atMs)} ${host} (re)started`, count: 1 });
        this.started.add(host);
        break;
      }
      case 'mongod.crash':
      case 'mongos.crash':
      case 'mongod.shutdown':
      case 'mongos.shutdown':
        this.change(this.laneFor(host), atMs, 'DOWN', `${host} ${kind.endsWith('crash') ? 'crashed' : 'shut down'}`);
        break;
      case 'rs.state': {
        const [from, to] = (words[1] ?? '').split('>');
        if (to !== undefined && to !== '') this.change(this.laneFor(host), atMs, to, `${host} ${from ?? ''} → ${to}: ${words.slice(2).join(' ')}`);
        break;
      }
      case 'rs.elected': {
        const term = /term=(\d+)/.exec(detail)?.[1] ?? '?';
        this.laneFor(host).marks.push({ atMs, kind: 'election', label: `t${term}`, tip: `${clock(atMs)} ${host} elected primary, term ${term}`, count: 1 });
        break;
      }
      case 'rs.rollback':
        // n=0: nothing was rolled back.
        this.laneFor(host).marks.push({ atMs, kind: /\bn=0\b/.test(detail) ? 'action' : 'lost', label: '', tip: `${clock(atMs)} rollback on ${detail}`, count: 1 });
        break;
      case 'net.partition':
      case 'net.partition1': {
        const [a, b] = detail.split(kind === 'net.partition' ? '|' : '>');
        const sideA = (a ?? '').split(',').filter((h) => h.length > 0);
        const sideB = (b ?? '').split(',').filter((h) => h.length > 0);
        const what = kind === 'net.partition' ? `partition ${sideA.join(',')} | ${sideB.join(',')}` : `one-way partition ${sideA.join(',')} → ${sideB.join(',')}`;
        for (const h of [...sideA, ...sideB]) this.openOverlay(h, atMs, 'partitioned', what);
        break;
      }
      case 'net.isolate':
        this.openOverlay(host, atMs, 'partitioned', `${host} isolated`);
        break;
      case 'net.clog': {
        const m = /^(\S+?)([=>])(\S+) (\d+)$/.exec(detail);
        if (m === null) break;
        const [, from, dir, to, ms] = m as unknown as [string, string, string, string, string];
        const endMs = atMs + Number(ms);
        for (const h of [from, to]) this.laneFor(h).overlays.push({ startMs: atMs, endMs, state: 'clogged', label: '', tip: `${clock(atMs)} clog ${from}${dir === '=' ? ' ⇄ ' : ' → '}${to} for ${ms} ms` });
        break;
      }
      case 'net.heal':
        for (const lane of this.lanes.values()) {
          this.closeOverlay(lane, atMs);
          // A heal also ends clogs early.
          for (let i = lane.overlays.length - 1; i >= 0 && i >= lane.overlays.length - 8; i--) {
            const o = lane.overlays[i] as Band;
            if (o.state === 'clogged' && o.endMs > atMs && o.startMs <= atMs) lane.overlays[i] = { ...o, endMs: atMs, tip: `${o.tip} (healed at ${clock(atMs)})` };
          }
        }
        break;
    }
  }

  private write(w: WorkloadWrite): void {
    const lane = this.laneFor(clientHost);
    const tip = `${clock(w.startMs)} insert → ${w.host} ${w.ok ? 'ok' : `failed: ${w.error ?? ''}`} (${w.endMs - w.startMs} ms)`;
    lane.ops.push({ startMs: w.startMs, endMs: w.endMs, count: 1, failed: w.ok ? 0 : 1, label: w.host, tip, attempts: [{ startMs: w.startMs, endMs: w.endMs, address: w.host, ok: w.ok }] });
    if (lane.ops.length >= 2 * maxItemsPerList) lane.ops = boundOperations(lane.ops, maxItemsPerList);
  }

  /** The picture, once the run has ended. */
  picture(file: string, result: ScenarioResult): RunPicture {
    const endMs = result.virtualMs;
    for (const a of result.actions) {
      const kind: Mark['kind'] = faultActions.test(a.action) ? 'fault' : 'action';
      const tip = `${clock(a.atMs)} ${a.action}${a.line === undefined ? '' : ` (line ${a.line})`} → ${a.outcome}`;
      // `crash primary` names its host in the outcome: `ok (a:27017)`.
      const hosts = [...this.lanes.keys()].filter((h) => `${a.action} ${a.outcome}`.includes(h));
      const targets = hosts.length > 0 ? hosts.map((h) => this.lanes.get(h) as LaneDraft) : [this.events];
      for (const lane of targets) lane.marks.push({ atMs: a.atMs, kind, label: '', tip, count: 1 });
    }
    for (const v of result.violations) this.events.marks.push({ atMs: v.atMs, kind: 'violation', label: '', tip: `${clock(v.atMs)} VIOLATION ${v.invariant}: ${v.detail}`, count: 1 });
    for (const lane of this.lanes.values()) this.closeOverlay(lane, endMs);
    const order: Record<Lane['kind'], number> = { member: 0, mongos: 1, client: 2, events: 3 };
    const lanes: Lane[] = [...this.lanes.values(), this.events]
      .sort((a, b) => order[a.kind] - order[b.kind])
      .map((d) => ({
        id: d.id,
        kind: d.kind,
        label: d.label,
        bands: boundBands(bandsFromChanges(d.changes, endMs)),
        overlays: boundBands([...d.overlays].sort((a, b) => a.startMs - b.startMs)),
        ops: boundOperations([...d.ops].sort((a, b) => a.startMs - b.startMs)),
        marks: boundMarks([...d.marks].sort((a, b) => a.atMs - b.atMs)),
      }));
    const w = result.writes;
    const writes = w.sent + w.noPrimary > 0 ? ` · writes ${w.sent} sent, ${w.acknowledged} acknowledged, ${w.failed} failed, ${w.noPrimary} not sent` : '';
    return {
      title: `mongosim run: ${this.scenario.name}`,
      subtitle: `${file} · seed ${result.seed} · ${clock(endMs)} virtual · ${result.elections} elections · ${result.lostWrites} lost writes · ${result.violationCount === 0 ? 'no invariant violation' : `${result.violationCount} INVARIANT VIOLATIONS`}${writes} · trace ${result.traceHash}`,
      panels: [{ title: this.scenario.description ?? this.scenario.name, startMs: 0, endMs, guides: [], lanes }],
    };
  }
}
