// Faults are data: one applyFault applies them; the random-fault generator only draws actions,
// so a run's faults print as a YAML timeline that replays to the same trace hash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyFault, parseScenario, ReplicaSetSim, runScenario, SimRandom, World } from '../../../sim/index.js';
import { drawRandomFaults } from '../../../sim/scenario/random-faults.js';
import { formatTimeline } from '../../../sim/scenario/timeline-yaml.js';
import type { ScenarioAction, TimelineEntry } from '../../../sim/scenario/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const hosts = ['a:27017', 'b:27017', 'c:27017'];

test('applyFault: a crash of `primary` kills the current primary, says which, and is traced', () => {
  const world = new World({ seed: 3, keepTraceLines: true });
  const rs = new ReplicaSetSim(world, { name: 'rs0', members: hosts.map((host) => ({ host })) });
  rs.initiate();
  world.scheduler.runUntil(() => rs.primary() !== null, 60_000);
  const primary = rs.primary();
  assert.ok(primary !== null);
  const outcomes: string[] = [];
  applyFault(world, { rs, routers: new Map() }, { kind: 'crash', host: 'primary' }, (o) => outcomes.push(o));
  assert.equal(outcomes, [`ok (${primary})`]);
  assert.is(rs.member(primary).isRunning, false);
  assert.ok(world.trace.lines().some((l) => l.endsWith(' scenario.action crash primary')));
  const skipped: string[] = [];
  applyFault(world, { rs, routers: new Map() }, { kind: 'write', count: 1, w: 1 }, (o) => skipped.push(o));
  assert.equal(skipped, ['skipped: no client'], 'a cluster without a client cannot take a write');
});

test('the random-fault generator only draws actions: data, reproducible per seed, every undo inside the run', () => {
  const options = { hosts, everyMs: 60_000, untilMs: 3_600_000, endMs: 3_600_000, kinds: ['crash', 'partition', 'isolate', 'stepDown', 'clog', 'resetConnections', 'restart'] as const };
  const a = drawRandomFaults(new SimRandom(7, 'faults'), options);
  const b = drawRandomFaults(new SimRandom(7, 'faults'), options);
  const c = drawRandomFaults(new SimRandom(8, 'faults'), options);
  assert.equal(a, b);
  assert.not.equal(a, c);
  assert.ok(a.length >= 60, `one fault a minute, plus undos: ${a.length}`);
  assert.ok(a.every((e, i) => i === 0 || (a[i - 1] as TimelineEntry).atMs <= e.atMs), 'in time order');
  assert.ok(a.every((e) => e.atMs >= 60_000 && e.atMs <= 3_600_000));
  // Every crash is followed by a restart of the same host, unless the run ends first.
  for (const [i, e] of a.entries()) {
    if (e.action.kind === 'crash' && e.atMs + 60_000 <= 3_600_000) {
      const host = e.action.host;
      assert.ok(a.slice(i + 1).some((x) => x.action.kind === 'restart' && x.action.host === host), `restart after crash ${host} at ${e.atMs}`);
    }
  }
  const only = drawRandomFaults(new SimRandom(7, 'faults'), { ...options, kinds: ['stepDown'] });
  assert.ok(only.every((e) => e.action.kind === 'stepDown' && e.action.host === 'primary'));
});

test('a run reports its whole schedule, random faults marked as such, applied through the timeline path', () => {
  const scenario = parseScenario(
    `name: chaos\nduration: 20m\ntopology:\n  replicaSet:\n    members: [{ host: a:27017 }, { host: b:27017 }, { host: c:27017 }]\nrandomFaults: { every: 1m, kinds: [crash, partition] }\ntimeline:\n  - { at: 30s, stepDown: primary }\n`,
    'chaos.yml',
  );
  const r = runScenario(scenario, { seed: 4 });
  assert.ok(r.timeline.length >= 20);
  assert.equal(r.timeline[0]!.action, { kind: 'stepDown', host: 'primary', secs: 60, secondaryCatchUpPeriodSecs: 10 } satisfies ScenarioAction);
  const random = r.actions.filter((x) => x.source === 'random');
  assert.ok(random.length >= 19, `${random.length}`);
  assert.ok(random.every((x) => /^(crash|restart|partition|heal)\b/.test(x.action)), random.map((x) => x.action).join('\n'));
});

test('formatTimeline prints YAML that parses back to the same actions', () => {
  const entries: TimelineEntry[] = [
    { atMs: 0, line: undefined, action: { kind: 'crash', host: 'primary' } },
    { atMs: 1500, line: undefined, action: { kind: 'partition', sides: [['a:27017'], ['b:27017', 'client']] } },
    { atMs: 2000, line: undefined, action: { kind: 'partitionOneWay', from: ['a:27017'], to: ['c:27017'] } },
    { atMs: 3000, line: undefined, action: { kind: 'heal' } },
    { atMs: 4000, line: undefined, action: { kind: 'stepDown', host: 'b:27017', secs: 20, secondaryCatchUpPeriodSecs: 5 } },
    { atMs: 5000, line: undefined, action: { kind: 'freeze', host: 'c:27017', secs: 30 } },
    { atMs: 6000, line: undefined, action: { kind: 'reconfig', members: [{ host: 'a:27017', priority: 2, tags: { dc: 'ny' } }, { host: 'b:27017' }, { host: 'c:27017', priority: 0, hidden: true }] } },
    { atMs: 7000, line: undefined, action: { kind: 'clog', from: 'a:27017', to: 'b:27017', durationMs: 12_345, oneWay: true } },
    { atMs: 8000, line: undefined, action: { kind: 'setLatency', oneWay: false, latency: { kind: 'uniform', minMs: 1, maxMs: 9 }, dropRate: 0.01 } },
    { atMs: 8000, line: undefined, action: { kind: 'setLatency', from: 'a:27017', to: 'b:27017', oneWay: true, jitterMs: 3 } },
    { atMs: 9000, line: undefined, action: { kind: 'resetConnections', host: 'a:27017', peer: 'b:27017' } },
    { atMs: 9000, line: undefined, action: { kind: 'isolate', host: 'primary' } },
    { atMs: 10_000, line: undefined, action: { kind: 'restart', host: 'a:27017' } },
    { atMs: 10_000, line: undefined, action: { kind: 'write', count: 3, w: 'majority', j: true } },
  ];
  const yaml = formatTimeline(entries);
  const parsed = parseScenario(`name: t\nduration: 1m\ntopology:\n  replicaSet:\n    members: [{ host: a:27017 }, { host: b:27017 }, { host: c:27017 }]\n${yaml}`, 't.yml');
  assert.equal(parsed.timeline.map((e) => ({ atMs: e.atMs, action: e.action })), entries.map((e) => ({ atMs: e.atMs, action: e.action })));
});

test('mongosim run --print-faults prints a timeline that, replayed with random faults off, gives the same trace hash', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongosim-replay-'));
  const original = path.join(dir, 'chaos.yml');
  const text = `name: chaos replay\nduration: 30m\ntopology:\n  replicaSet:\n    members: [{ host: a:27017 }, { host: b:27017 }, { host: c:27017 }, { host: d:27017 }, { host: e:27017 }]\nworkload: { writesPerSecond: 2, w: majority }\n`;
  fs.writeFileSync(original, `${text}randomFaults: { every: 1m }\ntimeline:\n  - { at: 90s, stepDown: primary }\n`);
  for (const seed of ['1', '2']) {
    const run = spawnSync(process.execPath, [cli, 'run', original, '--seed', seed, '--json'], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    const printed = spawnSync(process.execPath, [cli, 'run', original, '--seed', seed, '--print-faults'], { encoding: 'utf8' });
    assert.is(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /^timeline:$/m);
    const replay = path.join(dir, `replay-${seed}.yml`);
    fs.writeFileSync(replay, `${text}${printed.stdout}`);
    const again = spawnSync(process.execPath, [cli, 'run', replay, '--seed', seed, '--json'], { encoding: 'utf8' });
    assert.is(again.status, 0, again.stderr);
    assert.is((JSON.parse(again.stdout) as { traceHash: string }).traceHash, (JSON.parse(run.stdout) as { traceHash: string }).traceHash, `seed ${seed}`);
  }
});

test.run();
