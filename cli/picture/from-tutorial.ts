/**
 * The picture of the main job (cli/tutorial.ts): one panel per simulated world (items 1-5
 * share one, items 6-9 have one each), with a lane per mongod and mongos (its state, elections,
 * crashes and restarts), a lane per client (its topology view and its operations with their
 * attempts) and a lane of the tutorial's checks. Built from the timeline entries alone.
 */
import type { TimelineEntry, TutorialResult } from '../tutorial.js';
import { bandsFromChanges, boundBands, boundMarks, boundOperations, type Lane, type Mark, type Operation, type Panel, type RunPicture } from './model.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

interface LaneDraft {
  readonly id: string;
  readonly kind: Lane['kind'];
  readonly label: string;
  readonly changes: { atMs: number; state: string; label: string; tip: string }[];
  readonly ops: Operation[];
  readonly marks: Mark[];
}

function draft(lanes: Map<string, LaneDraft>, id: string, kind: Lane['kind'], label: string): LaneDraft {
  let lane = lanes.get(id);
  if (lane === undefined) {
    lane = { id, kind, label, changes: [], ops: [], marks: [] };
    lanes.set(id, lane);
  }
  return lane;
}

function mark(atMs: number, kind: Mark['kind'], label: string, tip: string): Mark {
  return { atMs, kind, label, tip, count: 1 };
}

/** A client's view: the topology type, and the primary when it sees one. */
class ClientView {
  topologyType = 'Unknown';
  readonly servers = new Map<string, string>();
  primary(): string | null {
    for (const [address, type] of this.servers) if (type === 'RSPrimary') return address;
    return null;
  }
  describe(): { state: string; label: string } {
    const primary = this.primary();
    return { state: this.topologyType, label: primary === null ? this.topologyType : `${this.topologyType} · primary ${primary}` };
  }
}

function operation(e: TimelineEntry): Operation {
  const startMs = e.startMs ?? e.atMs;
  const attempts = e.attempts ?? [];
  const lines = [
    firstLine(e.text),
    `${seconds(startMs)} → ${seconds(e.atMs)} (${(e.atMs - startMs).toFixed(0)} ms)`,
    ...attempts.map((a, i) => `attempt ${i + 1}: ${a.address} ${a.ok ? 'ok' : 'failed'} at ${seconds(a.startMs)}–${seconds(a.endMs)}`),
  ];
  return { startMs, endMs: e.atMs, count: 1, failed: e.ok === false ? 1 : 0, label: e.address ?? '(no server)', tip: lines.join('\n'), attempts };
}

function panelOf(title: string, entries: readonly TimelineEntry[]): Panel {
  const lanes = new Map<string, LaneDraft>();
  const views = new Map<string, ClientView>();
  const guides: Panel['guides'][number][] = [];
  const started = new Set<string>();
  const checks: LaneDraft = { id: 'checks', kind: 'events', label: 'checks', changes: [], ops: [], marks: [] };
  let endMs = 0;
  for (const e of entries) endMs = Math.max(endMs, e.atMs);
  const startMs = entries[0]?.atMs ?? 0;
  for (const e of entries) {
    switch (e.kind) {
      case 'section':
        guides.push({ atMs: e.atMs, label: String(e.item), tip: e.text });
        break;
      case 'cluster': {
        if (e.host === undefined) break;
        const lane = draft(lanes, e.host, e.role === 'mongos' ? 'mongos' : 'member', e.role === 'mongos' ? `${e.host} (mongos)` : e.host);
        if (e.term !== undefined) lane.marks.push(mark(e.atMs, 'election', `t${e.term}`, `${seconds(e.atMs)} ${e.text}`));
        if (e.state === undefined) break;
        lane.changes.push({ atMs: e.atMs, state: e.state, label: e.state === 'DOWN' ? 'down' : e.state, tip: `${seconds(e.atMs)} ${e.text}` });
        if (e.state === 'DOWN') lane.marks.push(mark(e.atMs, 'fault', '', `${seconds(e.atMs)} ${e.text}`));
        else if ((e.state === 'STARTUP' || e.state === 'UP') && started.has(e.host)) lane.marks.push(mark(e.atMs, 'action', '', `${seconds(e.atMs)} ${e.text}`));
        if (e.state === 'STARTUP' || e.state === 'UP') started.add(e.host);
        break;
      }
      case 'client': {
        if (e.client === undefined) break;
        const lane = draft(lanes, `client:${e.client}`, 'client', `client ${e.client}`);
        let view = views.get(e.client);
        if (view === undefined || e.text.includes('new MongoClient(')) {
          view = new ClientView();
          views.set(e.client, view);
        }
        if (e.topologyType !== undefined) view.topologyType = e.topologyType;
        if (e.server !== undefined && e.serverType !== undefined) {
          view.servers.set(e.server, e.serverType);
          lane.marks.push(mark(e.atMs, 'server', '', `${seconds(e.atMs)} ${e.text}`));
        }
        const { state, label } = view.describe();
        lane.changes.push({ atMs: e.atMs, state, label, tip: `${seconds(e.atMs)} ${label}\n${e.text}` });
        break;
      }
      case 'op':
        if (e.client !== undefined) draft(lanes, `client:${e.client}`, 'client', `client ${e.client}`).ops.push(operation(e));
        break;
      case 'error':
        if (e.client !== undefined) draft(lanes, `client:${e.client}`, 'client', `client ${e.client}`).marks.push(mark(e.atMs, 'error', '', `${seconds(e.atMs)} ${e.text}`));
        break;
      case 'retry':
        if (e.client !== undefined) draft(lanes, `client:${e.client}`, 'client', `client ${e.client}`).marks.push(mark(e.atMs, 'retry', '', `${seconds(e.atMs)} ${e.text}`));
        break;
      case 'check':
        checks.marks.push(mark(e.atMs, e.ok === false ? 'check-failed' : 'check', '', `${seconds(e.atMs)} item ${e.item}: ${e.text}`));
        break;
    }
  }
  const order: Record<Lane['kind'], number> = { member: 0, mongos: 1, client: 2, events: 3 };
  const all = [...lanes.values()].sort((a, b) => order[a.kind] - order[b.kind]);
  all.push(checks);
  return {
    title,
    startMs,
    endMs,
    guides,
    lanes: all.map((d) => ({
      id: d.id,
      kind: d.kind,
      label: d.label,
      bands: boundBands(bandsFromChanges(d.changes, endMs)),
      overlays: [],
      ops: boundOperations([...d.ops].sort((a, b) => a.startMs - b.startMs)),
      marks: boundMarks([...d.marks].sort((a, b) => a.atMs - b.atMs)),
    })),
  };
}

/** The tutorial's picture: one panel per world, titled by the items it plays. */
export function tutorialPicture(result: TutorialResult): RunPicture {
  const groups: { items: number[]; entries: TimelineEntry[] }[] = [];
  let world: number | undefined;
  for (const e of result.timeline) {
    if (e.kind === 'section' && (groups.length === 0 || e.world !== world)) {
      world = e.world;
      groups.push({ items: [], entries: [] });
    }
    const group = groups.at(-1);
    if (group === undefined) continue;
    if (e.kind === 'section') group.items.push(e.item);
    group.entries.push(e);
  }
  const panels = groups.map((g) => {
    const first = g.items[0];
    const last = g.items.at(-1);
    const sectionText = g.entries.find((e) => e.kind === 'section')?.text ?? '';
    const title = g.items.length > 1 ? `Items ${first}–${last}: one replica set from initiation through failover, rejoin and read preferences` : sectionText;
    return panelOf(title, g.entries);
  });
  const ops = result.timeline.filter((e) => e.kind === 'op');
  const failedOps = ops.filter((e) => e.ok === false).length;
  return {
    title: 'mongosim: the PyMongo high-availability tutorial in the simulator',
    subtitle: `seed ${result.seed} · virtual time · ${result.ok ? `all ${result.checks} checks held` : `${result.failed.length} of ${result.checks} checks FAILED`} · ${ops.length} operations, ${failedOps} failed`,
    panels,
  };
}
