/** The picture of a scenario run (cli/picture/from-scenario.ts) and `mongosim run --html FILE`. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarioCommand } from '../../../cli/run-command.js';
import { ScenarioPictureRecorder } from '../../../cli/picture/from-scenario.js';
import type { Lane } from '../../../cli/picture/model.js';
import { parseScenario } from '../../../sim/scenario/parse.js';
import { runScenario } from '../../../sim/scenario/runner.js';
import { captureOutput } from '../../support/capture-output.js';

const dir = mkdtempSync(join(tmpdir(), 'mongosim-run-picture-'));
const fixture = (name: string): string => join('fixtures', 'scenarios', name);

const capture = (argv: string[]): Promise<{ code: number; out: string; err: string }> => captureOutput(() => runScenarioCommand(argv));

const laneById = (lanes: readonly Lane[], id: string): Lane => {
  const lane = lanes.find((l) => l.id === id);
  assert.ok(lane !== undefined, `lane ${id} in ${lanes.map((l) => l.id).join(', ')}`);
  return lane as Lane;
};

test('primary crash: lanes per member, the client and the events; the crashed member is down for the minute before its restart', () => {
  const scenario = parseScenario(readFileSync(fixture('primary-crash.yml'), 'utf8'), 'primary-crash.yml');
  const recorder = new ScenarioPictureRecorder(scenario);
  const result = runScenario(scenario, { observer: recorder.observer });
  const plain = runScenario(scenario);
  assert.is(result.traceHash, plain.traceHash, 'watching a run does not change it');
  const picture = recorder.picture('primary-crash.yml', result);
  const lanes = picture.panels[0]!.lanes;
  assert.equal(lanes.map((l) => l.id), ['a:27017', 'b:27017', 'c:27017', 'client', 'events']);
  const a = laneById(lanes, 'a:27017');
  const down = a.bands.find((b) => b.state === 'DOWN');
  assert.ok(down !== undefined);
  assert.is(down!.startMs, 60_000);
  assert.is(down!.endMs, 120_000);
  assert.ok(a.marks.some((m) => m.kind === 'fault' && m.atMs === 60_000 && /crash primary/.test(m.tip)), 'the crash of "primary" is marked on the member it hit');
  const elections = lanes.flatMap((l) => l.marks.filter((m) => m.kind === 'election'));
  assert.is(elections.length, result.elections);
  assert.equal(elections.map((m) => m.label).sort(), Array.from({ length: result.elections }, (_, i) => `t${i + 1}`).sort());
  const client = laneById(lanes, 'client');
  assert.is(client.ops.reduce((n, o) => n + o.count, 0), result.writes.acknowledged + result.writes.failed);
  assert.is(client.ops.reduce((n, o) => n + o.failed, 0), result.writes.failed);
  assert.ok(client.ops.every((o) => o.endMs >= o.startMs));
  // a:27017 (priority 2) takes over again; c:27017 rolls back the write only it had.
  assert.ok(laneById(lanes, 'c:27017').marks.some((m) => m.kind === 'lost' && m.atMs === result.lostWriteList[0]!.atMs), 'the rollback that lost a write is marked');
  assert.is(picture.panels[0]!.endMs, 300_000);
});

test('a partition shows as an overlay on each host of both sides until the heal', () => {
  const scenario = parseScenario(`name: cut
duration: 2m
topology:
  replicaSet:
    members: [{ host: a:27017 }, { host: b:27017 }, { host: c:27017 }]
timeline:
  - { at: 30s, partition: [[a:27017], [b:27017, c:27017]] }
  - { at: 70s, heal: true }
  - { at: 80s, clog: { from: a:27017, to: b:27017, for: 5s } }
`, 'cut.yml');
  const recorder = new ScenarioPictureRecorder(scenario);
  const picture = recorder.picture('cut.yml', runScenario(scenario, { observer: recorder.observer }));
  for (const host of ['a:27017', 'b:27017', 'c:27017']) {
    const overlay = laneById(picture.panels[0]!.lanes, host).overlays.find((o) => o.state === 'partitioned');
    assert.ok(overlay !== undefined, host);
    assert.is(overlay!.startMs, 30_000);
    assert.is(overlay!.endMs, 70_000);
  }
  const clog = laneById(picture.panels[0]!.lanes, 'b:27017').overlays.find((o) => o.state === 'clogged');
  assert.is(clog?.startMs, 80_000);
  assert.is(clog?.endMs, 85_000);
  const heal = laneById(picture.panels[0]!.lanes, 'events').marks.find((m) => /heal/.test(m.tip));
  assert.is(heal?.kind, 'action');
});

test('mongosim run --html on the idle day: a page of fewer than 5,000 elements; an unwritable path is one line and exit 2', async () => {
  const file = join(dir, 'idle.html');
  const { code, out } = await capture([fixture('idle-day.yml'), '--html', file]);
  assert.is(code, 0);
  assert.match(out, /invariant violations: none/);
  const html = readFileSync(file, 'utf8');
  const elements = (html.match(/<[a-zA-Z]/g) ?? []).length;
  assert.ok(elements < 5000, `${elements} elements`);
  assert.match(html, /data-lane="a:27017"/);
  assert.match(html, /24:00:00\.000 virtual/);
  const bad = await capture([fixture('primary-crash.yml'), '--html', join(dir, 'no', 'such', 'dir.html')]);
  assert.is(bad.code, 2);
  assert.is(bad.out, '', 'nothing ran');
  assert.match(bad.err, /^mongosim run: cannot write --html .*dir\.html: ENOENT\n$/);
});

test.run();
