/** The tutorial's picture (cli/picture/from-tutorial.ts) and `mongosim --html FILE`. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTutorial, type TutorialResult } from '../../../cli/tutorial.js';
import { tutorialCommand } from '../../../cli/tutorial-command.js';
import { tutorialPicture } from '../../../cli/picture/from-tutorial.js';
import type { Lane } from '../../../cli/picture/model.js';
import { captureOutput } from '../../support/capture-output.js';

let result: TutorialResult;
const dir = mkdtempSync(join(tmpdir(), 'mongosim-picture-'));

test.before(async () => {
  result = await runTutorial(1);
});

const laneById = (lanes: readonly Lane[], id: string): Lane => {
  const lane = lanes.find((l) => l.id === id);
  assert.ok(lane !== undefined, `lane ${id} in ${lanes.map((l) => l.id).join(', ')}`);
  return lane as Lane;
};

test('one panel per simulated world, with a lane per member, per client and for the checks', () => {
  const picture = tutorialPicture(result);
  assert.is(picture.panels.length, 5, 'items 1-5 share a world; 6, 7, 8 and 9 have one each');
  const [story, , , routers] = picture.panels;
  assert.equal(story?.lanes.map((l) => l.id), ['localhost:27017', 'localhost:27018', 'localhost:27019', 'client:direct', 'client:app', 'client:noretry', 'client:reader', 'checks']);
  assert.equal(story?.guides.map((g) => g.label), ['1', '2', '3', '4', '5']);
  assert.equal(routers?.lanes.filter((l) => l.kind === 'mongos').map((l) => l.id), ['m1:27017', 'm2:27017', 'm3:27017']);
  const checks = picture.panels.flatMap((p) => laneById(p.lanes, 'checks').marks);
  assert.is(checks.reduce((n, m) => n + m.count, 0), result.checks);
  assert.ok(checks.every((m) => m.kind === 'check'));
  assert.match(picture.subtitle, new RegExp(`all ${result.checks} checks held`));
});

test('member bands follow the cluster: the killed primary is down from its crash until it restarts', () => {
  const story = tutorialPicture(result).panels[0]!;
  const crash = result.timeline.find((e) => e.item === 3 && e.kind === 'cluster' && e.text.endsWith('crashed (kill -9)'))!;
  const restart = result.timeline.find((e) => e.item === 4 && e.kind === 'cluster' && e.text.endsWith('started'))!;
  const host = crash.host!;
  const lane = laneById(story.lanes, host);
  const down = lane.bands.find((b) => b.state === 'DOWN');
  assert.ok(down !== undefined);
  assert.is(down!.startMs, crash.atMs);
  assert.is(down!.endMs, restart.atMs);
  const primary = lane.bands.find((b) => b.state === 'PRIMARY');
  assert.ok(primary !== undefined && primary.endMs === crash.atMs, 'PRIMARY until the crash');
  assert.equal(lane.marks.filter((m) => m.kind === 'election').map((m) => m.label), ['t1']);
  assert.ok(lane.marks.some((m) => m.kind === 'fault' && m.atMs === crash.atMs));
  assert.ok(lane.marks.some((m) => m.kind === 'action' && m.atMs === restart.atMs), 'the restart is marked');
  const newPrimary = story.lanes.find((l) => l.marks.some((m) => m.label === 't2'));
  assert.ok(newPrimary !== undefined && newPrimary.id !== host);
});

test("client lanes: the view changes, and the write issued during the failover is one bar: a failed attempt joined to its retry", () => {
  const story = tutorialPicture(result).panels[0]!;
  const app = laneById(story.lanes, 'client:app');
  assert.ok(app.bands.some((b) => b.state === 'ReplicaSetNoPrimary'));
  assert.ok(app.bands.some((b) => b.state === 'ReplicaSetWithPrimary' && /primary localhost:270\d\d/.test(b.label)));
  const retried = app.ops.find((o) => o.attempts.length === 2)!;
  assert.ok(retried !== undefined);
  const [first, second] = retried.attempts;
  assert.is(first!.ok, false);
  assert.is(second!.ok, true);
  assert.is.not(first!.address, second!.address);
  assert.ok(retried.startMs <= first!.startMs && first!.endMs <= second!.startMs && second!.endMs <= retried.endMs);
  assert.ok(retried.endMs - retried.startMs > 5_000, 'it waited for the election');
  assert.is(retried.failed, 0);
  assert.ok(app.marks.some((m) => m.kind === 'retry'));
  const noretry = laneById(story.lanes, 'client:noretry');
  assert.is(noretry.ops.filter((o) => o.failed === 1).length, 1, 'the read with retryReads=false failed once');
});

test('mongosim --html FILE writes the page and still prints the timeline; an unwritable path is one line and exit 2', async () => {
  const file = join(dir, 'tutorial.html');
  const lines: string[] = [];
  const code = await tutorialCommand(['--seed', '1', '--html', file], (t) => lines.push(t));
  assert.is(code, 0);
  assert.match(lines.join('\n'), /All \d+ checks held\./);
  const html = readFileSync(file, 'utf8');
  assert.match(html, /^<!doctype html>/);
  const again = join(dir, 'again.html');
  assert.is(await tutorialCommand(['--seed', '1', '--html', again], () => undefined), 0);
  assert.ok(readFileSync(again, 'utf8') === html, 'the same seed writes the same page, byte for byte');
  assert.match(html, /data-lane="client:app"/);
  const bad = await captureOutput(() => tutorialCommand(['--html', join(dir, 'missing-dir', 'x.html')], () => undefined));
  assert.is(bad.code, 2);
  assert.is(bad.err.trim().split('\n').length, 1);
  assert.match(bad.err, /^mongosim: cannot write --html .*missing-dir.*x\.html: ENOENT\n$/);
  const empty = await captureOutput(() => tutorialCommand(['--html', ''], () => undefined));
  assert.is(empty.code, 2);
  assert.match(empty.err, /--html needs a file name/);
});

test.run();
