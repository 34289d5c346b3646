/**
 * Prints a whole `Scenario` back as scenario YAML that `parseScenario` reads to an equal
 * scenario (the fuzzer writes its shrunk counterexamples with it, so `mongosim run` replays
 * them). Values are JSON flow mappings (JSON is YAML), so nothing needs YAML quoting rules;
 * durations print as whole `ms` strings. Random faults print as the drawn timeline only when
 * the caller passes the run's schedule; otherwise the `randomFaults` section is kept.
 */
import type { ClientOpSpec, ClientSpec, Scenario, TimelineEntry } from './schema.js';
import { formatTimeline } from './timeline-yaml.js';

const json = (value: unknown): string => JSON.stringify(value);

/** The scenario as YAML text (ends with a newline); `header` lines become `#` comments first. */
export function formatScenario(scenario: Scenario, header: readonly string[] = [], timeline: readonly TimelineEntry[] = scenario.timeline): string {
  const lines: string[] = header.map((h) => `# ${h}`);
  lines.push(`name: ${json(scenario.name)}`);
  if (scenario.description !== undefined) lines.push(`description: ${json(scenario.description)}`);
  lines.push(`seed: ${scenario.seed}`);
  lines.push(`duration: ${json(`${scenario.durationMs}ms`)}`);
  const rs = scenario.replicaSet;
  lines.push('topology:');
  lines.push('  replicaSet:');
  lines.push(`    name: ${json(rs.name)}`);
  lines.push(`    version: ${json(rs.version)}`);
  lines.push(`    initiate: ${rs.initiate}`);
  if (Object.keys(rs.settings).length > 0) lines.push(`    settings: ${json(rs.settings)}`);
  lines.push('    members:');
  for (const m of rs.members) lines.push(`      - ${json(m)}`);
  if (scenario.mongos.length > 0) {
    lines.push('  mongos:');
    for (const m of scenario.mongos) lines.push(`    - ${json(m)}`);
  }
  const net = scenario.network;
  const base = { ...(net.latency === undefined ? {} : { latency: net.latency }), ...(net.jitterMs === undefined ? {} : { jitterMs: net.jitterMs }), ...(net.dropRate === undefined ? {} : { dropRate: net.dropRate }) };
  if (Object.keys(base).length > 0 || net.links.length > 0) lines.push(`network: ${json({ ...base, ...(net.links.length > 0 ? { links: net.links } : {}) })}`);
  if (scenario.workload !== undefined) lines.push(`workload: ${json(scenario.workload)}`);
  if (scenario.randomFaults !== undefined && timeline === scenario.timeline) {
    const rf = scenario.randomFaults;
    lines.push(`randomFaults: ${json({ every: `${rf.everyMs}ms`, until: `${rf.untilMs}ms`, kinds: rf.kinds })}`);
  }
  lines.push(`budget: ${json({ events: scenario.budget.events })}`);
  if (scenario.clients !== undefined) {
    lines.push('clients:');
    for (const c of scenario.clients) lines.push(...clientLines(c));
  }
  return `${lines.join('\n')}\n${formatTimeline(timeline)}`;
}

function clientLines(c: ClientSpec): string[] {
  const lines = [`  - host: ${json(c.host)}`, `    retryWrites: ${c.retryWrites}`, `    retryReads: ${c.retryReads}`, `    readPreference: ${c.readPreference}`];
  if (c.heartbeatFrequencyMS !== undefined) lines.push(`    heartbeatFrequencyMS: ${c.heartbeatFrequencyMS}`);
  if (c.ops.length === 0) return [...lines, '    ops: []'];
  lines.push('    ops:');
  for (const op of c.ops) lines.push(`      - ${json(opField(op))}`);
  return lines;
}

function opField(op: ClientOpSpec): Record<string, unknown> {
  const at = `${op.atMs}ms`;
  if (op.kind === 'write') return { at, write: { w: op.w, ...(op.j === undefined ? {} : { j: op.j }) } };
  return { at, read: op.readConcern === undefined ? {} : { readConcern: op.readConcern } };
}
