/**
 * Prints timeline entries back as scenario YAML (the inverse of parse.ts's timeline reader), so
 * a run's whole schedule — the file's actions and the random faults it drew — can be saved and
 * replayed with random faults off. Each entry is one JSON flow mapping (JSON is YAML), so no
 * value needs YAML quoting rules; durations print as whole `ms` strings.
 */
import type { MemberSpec, ScenarioAction, TimelineEntry } from './schema.js';

/** `timeline:` and one `- {...}` line per entry, in the given order; ends with a newline. */
export function formatTimeline(entries: readonly TimelineEntry[]): string {
  const lines = ['timeline:'];
  for (const entry of entries) lines.push(`  - ${JSON.stringify({ at: `${entry.atMs}ms`, ...actionField(entry.action) })}`);
  return `${lines.join('\n')}\n`;
}

/** The `{ <kind>: value }` part of an entry, as the scenario file writes it. */
function actionField(action: ScenarioAction): Record<string, unknown> {
  switch (action.kind) {
    case 'crash':
    case 'restart':
    case 'isolate':
      return { [action.kind]: action.host };
    case 'heal':
      return { heal: true };
    case 'recover':
      return { recover: true };
    case 'partition':
      return { partition: [[...action.sides[0]], [...action.sides[1]]] };
    case 'partitionOneWay':
      return { partitionOneWay: { from: [...action.from], to: [...action.to] } };
    case 'stepDown':
      return { stepDown: { host: action.host, secs: action.secs, secondaryCatchUpPeriodSecs: action.secondaryCatchUpPeriodSecs } };
    case 'freeze':
      return { freeze: { host: action.host, secs: action.secs } };
    case 'reconfig':
      return { reconfig: { members: action.members.map(memberField) } };
    case 'clog':
      return { clog: { from: action.from, to: action.to, for: `${action.durationMs}ms`, oneWay: action.oneWay } };
    case 'setLatency':
      return {
        setLatency: {
          ...(action.from === undefined ? {} : { from: action.from, to: action.to }),
          oneWay: action.oneWay,
          ...(action.latency === undefined ? {} : { latency: action.latency }),
          ...(action.jitterMs === undefined ? {} : { jitterMs: action.jitterMs }),
          ...(action.dropRate === undefined ? {} : { dropRate: action.dropRate }),
        },
      };
    case 'resetConnections':
      return { resetConnections: action.peer === undefined ? { host: action.host } : { host: action.host, peer: action.peer } };
    case 'write':
      return { write: { count: action.count, w: action.w, ...(action.j === undefined ? {} : { j: action.j }) } };
  }
}

function memberField(m: MemberSpec): Record<string, unknown> {
  return { ...m, ...(m.tags === undefined ? {} : { tags: { ...m.tags } }) };
}
